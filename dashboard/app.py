"""App factory: one Dash app, its callbacks and its API, on a new Flask server or an existing one."""

import functools
import re
from pathlib import Path

import dash
import flask

from dashboard.api import create_api_blueprint, create_legacy_blueprint
from dashboard.callbacks import register_callbacks
from dashboard.layout import build_layout
from dashboard.security import protect
from dashboard.settings import Settings
from model.reader import DigitReader, ModelError
from model.report import EvaluationReport

ROOT = Path(__file__).resolve().parents[1]


@functools.lru_cache(maxsize=4)
def load_model(model_path):
    """The reader and its report, loaded, hash-checked and warmed once per process and file.

    Raises ``ModelError`` with a one-line reason for a missing, corrupt or mismatched model or report.
    """
    reader = DigitReader.from_model_file(model_path)
    try:
        report = EvaluationReport.load(model_path)
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"The evaluation report beside {model_path} could not be read ({error}); "
                         "re-run `python -m training.evaluate`.") from error
    return reader, report


def init_dashboard(flask_app, url_base_pathname="/digits/", model_path=None):
    """Mount the dashboard and its API under ``url_base_pathname`` of ``flask_app``; return the Dash app.

    The host's routes, config, error handlers and body limit are left as they were: everything the
    dashboard adds is scoped to its own prefix.
    """
    settings = Settings.load(flask_app.config)
    reader, report = load_model(Path(model_path or settings.model_path).resolve())
    app = dash.Dash(
        __name__,
        server=flask_app,
        url_base_pathname=url_base_pathname,
        assets_folder=str(ROOT / "assets"),
        title="Digit Reader",
        update_title=None,
        suppress_callback_exceptions=True,
    )
    app.layout = build_layout(report)
    register_callbacks(app, reader, report)

    # Blueprint names must be unique per Flask app, so two dashboards can share one host.
    suffix = re.sub(r"\W", "_", url_base_pathname)
    prefix = url_base_pathname.rstrip("/")
    flask_app.register_blueprint(create_api_blueprint(reader, name=f"digit_reader_api{suffix}"),
                                 url_prefix=prefix + "/api")
    # POST to the dashboard's own index path; Dash answers GET there.
    flask_app.register_blueprint(create_legacy_blueprint(reader, name=f"digit_reader_legacy{suffix}"),
                                 url_prefix=prefix)
    protect(flask_app, app, settings)
    return app


def create_app(test_config=None, model_path=None):
    """A standalone dashboard on its own Flask server (Flask's factory pattern); ``app.server`` is the WSGI app."""
    server = flask.Flask(__name__, static_folder=None)
    server.config.update(test_config or {})
    if "DEBUG" not in (test_config or {}):
        # Only our own strictly parsed setting turns debug on; a stray FLASK_DEBUG does not.
        server.config["DEBUG"] = Settings.load(server.config).debug
    return init_dashboard(server, url_base_pathname="/", model_path=model_path)
