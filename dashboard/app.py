"""App factory: one Dash app, its callbacks and its API, on a new Flask server or an existing one."""

import re
from pathlib import Path

import dash
import flask

from dashboard import page
from dashboard.api import create_api_blueprint, create_legacy_blueprint
from dashboard.components.drawing_pad import preload_link
from dashboard.compression import install_compression
from dashboard.plotly_bundle import serve_plotly_bundle
from dashboard.security import protect, suites_endpoint
from dashboard.services import load_services, with_collection
from dashboard.settings import Settings

ASSETS = Path(__file__).resolve().parents[1] / "assets"   # the project's top-level assets/ (an editable install)


def init_dashboard(flask_app, url_base_pathname="/digits/", model_path=None):
    """Mount the dashboard and its API under ``url_base_pathname`` of ``flask_app``; return the Dash app.

    The host's routes, config, error handlers and body limit are left as they were: everything the
    dashboard adds is scoped to its own prefix.
    """
    settings = Settings.load(flask_app.config)
    services = with_collection(load_services(Path(model_path or settings.model_path).resolve()), flask_app,
                               settings, url_base_pathname)
    app = dash.Dash(
        __name__,
        server=flask_app,
        url_base_pathname=url_base_pathname,
        assets_folder=str(ASSETS),
        title="Digit Reader",
        update_title=None,
        suppress_callback_exceptions=True,
    )
    app.index_string = (app.index_string.replace("<html>", '<html lang="en">', 1)
                        .replace("{%css%}", "{%css%}" + preload_link(app.config.requests_pathname_prefix), 1))
    app.layout = page.build_layout(services)
    page.register_callbacks(app, services)

    # Blueprint names must be unique per Flask app, so two dashboards can share one host.
    suffix = re.sub(r"\W", "_", url_base_pathname)
    prefix = url_base_pathname.rstrip("/")
    flask_app.register_blueprint(create_api_blueprint(services.reader, name=f"digit_reader_api{suffix}",
                                                      services=services),
                                 url_prefix=prefix + "/api")
    # POST to the dashboard's own index path; Dash answers GET there.
    flask_app.register_blueprint(create_legacy_blueprint(services.reader, name=f"digit_reader_legacy{suffix}"),
                                 url_prefix=prefix)
    # The most components a pattern-matching (ALL) input can match: the error gallery's thumbnails.
    protect(flask_app, app, settings, max_pattern_matches=len(services.report.gallery_indices))
    serve_plotly_bundle(flask_app, suites_endpoint(flask_app, app.config.routes_pathname_prefix))
    install_compression(flask_app, app.config.routes_pathname_prefix)
    return app


def create_app(test_config=None, model_path=None):
    """A standalone dashboard on its own Flask server (Flask's factory pattern); ``app.server`` is the WSGI app.

    Debug (Flask's debug and Dash's dev tools) is on only when our own strictly parsed setting,
    ``DIGIT_READER_DEBUG``, says so: a stray ``FLASK_DEBUG`` does not turn it on.
    """
    server = flask.Flask(__name__, static_folder=None)
    server.config.update(test_config or {})
    debug = Settings.load(server.config).debug
    server.config["DEBUG"] = debug
    app = init_dashboard(server, url_base_pathname="/", model_path=model_path)
    if debug:
        app.enable_dev_tools(debug=True, dev_tools_hot_reload=False)
    return app
