"""Every error the dashboard's own routes answer is JSON ``{"error": {"code", "message"}}``, never a traceback.

The model's input errors say what went wrong (model/errors.py); this is where each kind gets its
HTTP status: too large 413, unsupported type 415, anything else the caller got wrong 400.
A client's error is logged as one line (at INFO); only an unexpected error logs its traceback.
API answers are never cached (``never_cached``): they are one drawing's reading, or the admin's data.
"""

import logging

import flask
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from model.errors import BadInput, TooLarge, UnsupportedType

log = logging.getLogger(__name__)
INTERNAL_ERROR_MESSAGE = "The server could not answer this request; it has been logged."
STATUS_OF_KIND = {TooLarge: 413, UnsupportedType: 415, BadInput: 400}


def bad_input_status(error):
    """The HTTP status for a ``BadInput``, from its kind."""
    return next(status for kind, status in STATUS_OF_KIND.items() if isinstance(error, kind))


def json_error(code, message, status=400):
    response = flask.jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def error_response(error):
    """Any exception -> its JSON error response. Unexpected ones are logged and answered without detail."""
    if isinstance(error, BadInput):
        return _client_error(json_error(error.code, error.message, bad_input_status(error)), error.code)
    if isinstance(error, RequestEntityTooLarge):
        return _client_error(json_error("body_too_large", "The request body is larger than the server accepts.", 413),
                             "body_too_large")
    if isinstance(error, HTTPException):
        code = (error.name or "http_error").lower().replace(" ", "_").replace("'", "")
        response = json_error(code, error.description or error.name, error.code or 400)
        response.headers.extend((k, v) for k, v in error.get_headers() if k.lower() != "content-type")  # Allow
        return _client_error(response, code) if response.status_code < 500 else response
    log.exception("Unexpected error answering %s %s", flask.request.method, flask.request.path)
    return json_error("internal_error", INTERNAL_ERROR_MESSAGE, 500)


def _client_error(response, code):
    log.info("%s %s: %d %s", flask.request.method, flask.request.path[:200], response.status_code, code)
    return response


def never_cached(blueprint):
    """Every answer of the blueprint's views carries ``Cache-Control: no-store`` (unless a view set its own)."""
    @blueprint.after_request
    def no_store(response):
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def register_json_errors(blueprint):
    """Scoped to the blueprint's own views: an embedding host's error handlers stay its own."""
    blueprint.register_error_handler(Exception, error_response)
