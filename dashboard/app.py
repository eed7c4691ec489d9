"""App factory: one Dash app, its callbacks and its API, on a new Flask server or an existing one."""

import functools
from pathlib import Path

import dash
import flask

from dashboard.api import create_api_blueprint
from dashboard.callbacks import register_callbacks
from dashboard.layout import build_layout
from model.paths import DEFAULT_MODEL_PATH
from model.reader import DigitReader
from model.report import EvaluationReport

ROOT = Path(__file__).resolve().parents[1]


@functools.lru_cache(maxsize=4)
def load_model(model_path):
    """The reader and its report, loaded, hash-checked and warmed once per process and file."""
    reader = DigitReader.from_model_file(model_path)
    return reader, EvaluationReport.load(model_path)


def init_dashboard(flask_app, url_base_pathname="/digits/", model_path=None):
    """Mount the dashboard and its API under ``url_base_pathname`` of ``flask_app``; return the Dash app."""
    reader, report = load_model(Path(model_path or DEFAULT_MODEL_PATH).resolve())
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
    flask_app.register_blueprint(
        create_api_blueprint(reader, name=f"digit_reader_api_{url_base_pathname}"),
        url_prefix=url_base_pathname.rstrip("/") + "/api",
    )
    return app


def create_app(test_config=None, model_path=None):
    """A standalone dashboard on its own Flask server (Flask's factory pattern)."""
    server = flask.Flask(__name__)
    if test_config:
        server.config.update(test_config)
    return init_dashboard(server, url_base_pathname="/", model_path=model_path)
