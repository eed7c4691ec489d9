"""Guards for the dashboard's own paths: body limits, a JSON nesting check, security headers, JSON errors.

Everything here is scoped to the dashboard's URL prefix, so a host app that mounts the dashboard
keeps its own limits, headers and error handlers for its own pages:

- the body limit is set per request (``request.max_content_length``, Flask 3.1), and the body is
  read before any view runs, so a body over the limit, chunked or not, is refused with a 413 and
  never answered from truncated data;
- JSON bodies nested deeper than any real request are refused before parsing (Python's parser
  raises RecursionError at ~1000 levels, which Flask would answer with a 500), and so are bodies
  with more arrays and objects than any real request (parsing them costs CPU before any check);
- every response gets ``X-Content-Type-Options: nosniff`` and a Content-Security-Policy that Dash
  runs under: scripts only from us plus the hashes of Dash's own inline scripts (and eval, which
  the drawing pad's fabric.js needs);
- Dash's JSON endpoints are wrapped by dashboard/callback_guard.py; an unknown route or method
  under the prefix is a JSON 404 or 405.
"""

import functools
import re

import flask
import numpy as np
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from dashboard.callback_guard import answer_errors_as_json
from dashboard.http_errors import error_response, json_error
from model.preprocessing.strokes import MAX_STROKE_POINTS

MAX_JSON_DEPTH = 100         # far deeper than any real request (a Dash payload with a component tree: ~30)
# Every stroke point is an array. Python's parser spends ~1 ms per 1,000 arrays, so this bounds
# what a body within the size limit can cost before it is refused.
MAX_JSON_CONTAINERS = 50_000
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
DASH_JSON_ENDPOINTS = ("_dash-update-component", "_dash-layout", "_dash-dependencies")
_ESCAPE = re.compile(rb"\\.", re.DOTALL)      # a backslash escape inside a JSON string
_STRING = re.compile(rb'"[^"]*"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')


def json_structure(body):
    """``(nesting depth, number of arrays and objects)`` of a JSON text, without parsing it.

    Brackets inside strings don't count: escapes go first (so every quote left delimits a string),
    then everything but quotes and brackets, then the strings. A few milliseconds for megabytes.
    """
    structure = _STRING.sub(b"", _ESCAPE.sub(b"", body).translate(None, _NOT_STRUCTURE))
    codes = np.frombuffer(structure, np.uint8)
    opens = (codes == ord("[")) | (codes == ord("{"))
    return int(np.cumsum(np.where(opens, 1, -1)).max(initial=0)), int(np.count_nonzero(opens))


def content_security_policy(dash_app, frame_ancestors):
    return "; ".join([
        "default-src 'self'",
        # No inline script but Dash's own (by hash). 'unsafe-eval' because dash-canvas bundles fabric.js,
        # which builds its property accessors with `new Function` as it loads: without it the
        # drawing pad never renders (checked in Chromium: tests/test_production.py).
        "script-src 'self' 'unsafe-eval' " + " ".join(dash_app.csp_hashes()),
        "style-src 'self' 'unsafe-inline'",          # React and Plotly set inline styles
        "img-src 'self' data: blob:",                 # the model-input and gallery thumbnails are data URLs
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def protect(flask_app, dash_app, settings):
    """Install the guards on ``flask_app`` for requests under the Dash app's prefix only."""
    prefix = dash_app.config.routes_pathname_prefix

    def is_ours():
        return flask.request.path.startswith(prefix)

    def guard_request():
        if not is_ours():
            return None
        request = flask.request
        routing_error = request.routing_exception
        if routing_error is not None and getattr(routing_error, "code", 0) >= 400:
            # No such route or method under our prefix: blueprint error handlers never see routing
            # errors, so answer them here, as JSON, rather than with the app-wide HTML page.
            return error_response(routing_error)
        limit = settings.max_body_bytes
        request.max_form_memory_size = limit
        # One byte over the limit: werkzeug stops a streamed (chunked) body *at* the limit without an
        # error, so reading limit + 1 bytes is how a body that runs past it shows itself.
        request.max_content_length = limit + 1
        if request.method not in BODY_METHODS:
            return None
        try:
            # Read (and cache) the whole body now, before any view could see a truncated prefix of it.
            body = request.get_data(cache=True)
        except RequestEntityTooLarge:
            body = None
        except HTTPException as error:   # the client went away mid-body
            return error_response(error)
        if body is None or len(body) > limit:
            return json_error("body_too_large", f"The request body is larger than the {limit:,} bytes accepted.", 413)
        if request.is_json:
            depth, containers = json_structure(body)
            if depth > MAX_JSON_DEPTH:
                return json_error("json_too_deep", f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
            if containers > MAX_JSON_CONTAINERS:
                return json_error("json_too_large", f"The JSON holds more than {MAX_JSON_CONTAINERS:,} arrays "
                                  f"and objects: at most {MAX_STROKE_POINTS:,} points are accepted.", 413)
        return None

    @functools.cache
    def policy():
        # Computed on first use: by then every clientside callback's inline script is registered.
        return content_security_policy(dash_app, settings.frame_ancestors)

    def add_security_headers(response):
        if is_ours():
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Content-Security-Policy"] = policy()
            response.headers["Referrer-Policy"] = "same-origin"
        return response

    flask_app.before_request(guard_request)
    flask_app.after_request(add_security_headers)
    for name in DASH_JSON_ENDPOINTS:
        endpoint = prefix + name
        flask_app.view_functions[endpoint] = answer_errors_as_json(flask_app.view_functions[endpoint], dash_app)
