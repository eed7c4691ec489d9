"""Guards for the dashboard's own paths: body limits, a JSON nesting check, security headers, JSON errors.

Everything here is scoped to the dashboard's URL prefix, so a host app that mounts the dashboard
keeps its own limits, headers and error handlers for its own pages:

- the body limit is set per request (``request.max_content_length``, Flask 3.1), and the body is
  read before any view runs, so a body over the limit, chunked or not, is refused with a 413 and
  never answered from truncated data;
- JSON bodies must be UTF-8 (RFC 8259), checked first: Python's parser reads UTF-16 and UTF-32
  too, and a byte-level scan of those is out of step. Then bodies nested deeper than any real
  request are refused before parsing (Python's parser raises RecursionError at ~1000 levels, which
  Flask would answer with a 500), and so are bodies with more arrays and objects than any real
  request (parsing them costs CPU before any check);
- form bodies (the seed route's) may hold a few fields and percent-escapes: Python decodes each
  in pure Python, about a microsecond apiece;
- every response gets ``X-Content-Type-Options: nosniff``, a Content-Security-Policy that Dash
  runs under (scripts only from us plus the hashes of Dash's own inline scripts, and eval, which
  the drawing pad's fabric.js needs), and the ``X-Frame-Options`` that says the same as its
  ``frame-ancestors`` for browsers that predate it (``x_frame_options``);
- Dash's JSON endpoints are wrapped by dashboard/callback_guard.py; an unknown route or method
  under the prefix is a JSON 404 or 405, and so is an unknown file under Dash's component suites;
  Dash's ``_reload-hash`` (hot reloading's) is a 404 unless debugging;
- ``BannerlessRequestHandler`` is Werkzeug's request handler without its ``Server`` banner
  (``python -m dashboard`` serves with it).
"""

import functools

import flask
import numpy as np
from dash.exceptions import DependencyException
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.serving import WSGIRequestHandler

from dashboard.callback_guard import DEFAULT_MAX_PATTERN_MATCHES, answer_errors_as_json
from dashboard.http_errors import error_response, json_error
from model.preprocessing.strokes import MAX_STROKE_POINTS

MAX_JSON_DEPTH = 100         # far deeper than any real request (a Dash payload with a component tree: ~30)
# Every stroke point is an array, and so is every stroke (at worst one point each). Python's parser
# spends ~1 ms per 5,000 arrays: this bounds what a body can cost before it is refused, and lets
# through the largest drawing the stroke checks accept (a gallery's callback holds ~600).
MAX_JSON_CONTAINERS = 2 * MAX_STROKE_POINTS + 1_000
# The seed route's form has one field. parse_qsl decodes each field and percent-escape in Python
# (~1 us each: 600,000 escapes in a 2 MB body cost 0.7 s); a data URL of a pad drawing in a form
# has a few hundred escapes (its '+', '/' and '='), of a 240 KB PNG ~10,000.
MAX_FORM_FIELDS = 100
MAX_FORM_ESCAPES = 10_000
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
DASH_JSON_ENDPOINTS = ("_dash-update-component", "_dash-layout", "_dash-dependencies")
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')


def json_structure(body):
    """``(nesting depth, number of arrays and objects)`` of a UTF-8 JSON text, without parsing it.

    Brackets inside strings don't count. Escaped backslashes go first, then escaped quotes (a
    quote is escaped by an odd run of backslashes), so every quote left opens or closes a string;
    then everything but quotes and brackets goes, and a bracket is inside a string when an odd
    number of quotes come before it. Byte operations and NumPy only, no pattern matching per
    string: a few milliseconds for a 2 MB body of 400,000 strings.
    """
    structure = body.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    codes = np.frombuffer(structure, np.uint8)
    quotes = codes == ord('"')
    outside = (np.cumsum(quotes, dtype=np.int32) & 1) == 0      # a quote itself counts as inside
    opens = outside & ((codes == ord("[")) | (codes == ord("{")))
    closes = outside & ((codes == ord("]")) | (codes == ord("}")))
    depth = np.cumsum(opens.astype(np.int8) - closes.astype(np.int8), dtype=np.int32)
    return int(depth.max(initial=0)), int(np.count_nonzero(opens))


def json_text_problem(body, charset=None):
    """Why a JSON body is not UTF-8 JSON text (RFC 8259), or None. Checked before anything else
    reads it: a byte-level scan that assumes UTF-8 is out of step in UTF-16 or UTF-32."""
    if charset is not None and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return f"JSON is read as UTF-8 only (RFC 8259), not {charset[:40]!r}."
    if b"\x00" in body:       # UTF-16 and UTF-32 text; never in UTF-8 JSON, where a NUL must be escaped
        return "JSON is read as UTF-8 only (RFC 8259); this body looks like UTF-16 or UTF-32."
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"JSON is read as UTF-8 only (RFC 8259); byte {error.start} is not UTF-8."
    return None


def form_problem(body):
    """Why a form-encoded body would cost more to parse than a real one, or None."""
    if body.count(b"&") >= MAX_FORM_FIELDS:
        return f"The form has more than {MAX_FORM_FIELDS} fields."
    if body.count(b"%") > MAX_FORM_ESCAPES:
        return (f"The form has more than {MAX_FORM_ESCAPES:,} percent-escapes: send large drawings as JSON "
                "to the API instead.")
    return None


def x_frame_options(frame_ancestors):
    """The ``X-Frame-Options`` that says what ``frame-ancestors`` does, for browsers without CSP 2.

    'none' is DENY and 'self' is SAMEORIGIN. Any other list has no equivalent (ALLOW-FROM is
    obsolete, and was never supported by Chrome or Safari), so none is sent: every browser that
    knows frame-ancestors ignores X-Frame-Options when it is present, and a stricter header would
    only break the embedding the setting asks for in the few that do not.
    """
    return {"'none'": "DENY", "'self'": "SAMEORIGIN"}.get(frame_ancestors.strip())


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


def protect(flask_app, dash_app, settings, max_pattern_matches=DEFAULT_MAX_PATTERN_MATCHES):
    """Install the guards on ``flask_app`` for requests under the Dash app's prefix only.

    ``max_pattern_matches`` is the most components a pattern-matching (ALL) callback input can
    match in the layout (dashboard/callback_guard.py).
    """
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
        request.max_form_parts = MAX_FORM_FIELDS
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
        if request.mimetype == "application/x-www-form-urlencoded":
            problem = form_problem(body)
            if problem:
                return json_error("form_too_large", problem, 413)
        if request.is_json:
            problem = json_text_problem(body, request.mimetype_params.get("charset"))
            if problem:
                return json_error("invalid_json", problem)
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

    frame_options = x_frame_options(settings.frame_ancestors)

    def add_security_headers(response):
        if is_ours():
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Content-Security-Policy"] = policy()
            response.headers["Referrer-Policy"] = "same-origin"
            if frame_options:
                response.headers["X-Frame-Options"] = frame_options
        return response

    flask_app.before_request(guard_request)
    flask_app.after_request(add_security_headers)
    for name in DASH_JSON_ENDPOINTS:
        endpoint = prefix + name
        flask_app.view_functions[endpoint] = answer_errors_as_json(flask_app.view_functions[endpoint], dash_app,
                                                                   max_pattern_matches)
    suites = suites_endpoint(flask_app, prefix)
    flask_app.view_functions[suites] = unknown_files_not_found(flask_app.view_functions[suites])
    if not settings.debug:
        # Hot reloading polls it; outside debugging it only tells the world the app's asset state.
        flask_app.view_functions[prefix + "_reload-hash"] = _not_found


def suites_endpoint(flask_app, prefix):
    """The endpoint of the Dash app's component-suite view (its JavaScript bundles) under ``prefix``."""
    return next(endpoint for endpoint in flask_app.view_functions
                if endpoint.startswith(prefix + "_dash-component-suites/"))


def unknown_files_not_found(view):
    """Dash's component-suite view, with an unknown package or file a JSON 404 (Dash raises: a 500)."""
    @functools.wraps(view)
    def serve(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DependencyException:
            return error_response(NotFound("No such file."))
    return serve


def _not_found(*args, **kwargs):
    return error_response(NotFound())


class BannerlessRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, without the ``Server: Werkzeug/x Python/y`` banner it sends."""

    def send_response(self, code, message=None):
        # BaseHTTPRequestHandler.send_response, less its Server header.
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())
