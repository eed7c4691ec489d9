"""Compressed answers for the dashboard's own routes: Brotli where the browser accepts it, else gzip.

Scoped to the dashboard's prefix (Dash's own ``compress=True`` would compress a host app's pages too,
and change its config). Static files (Dash's component bundles, our assets) are compressed once and the
result kept, keyed by their content; fingerprinted ones (``?m=`` or ``.v1_2_3m…`` in the name) are
cacheable for a year; the others (the Plotly bundle Dash loads when a graph first shows) are revalidated
by their tag, and a browser's compressed copy is still current (304), not sent again. Dynamic JSON
(layouts, callbacks, readings) is compressed per answer, quickly.
Measured on the bundles: Brotli quality 5 is within 10% of quality 11's size at a fiftieth of its time.
"""

import gzip
import hashlib
import re
import threading

import brotli
import flask

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "image/x-icon",
                "image/vnd.microsoft.icon")
MIN_BYTES = 1024                   # below a packet, compression only costs time
STATIC_QUALITY, DYNAMIC_QUALITY = 5, 4
STATIC_PATHS = ("_dash-component-suites/", "assets/")
YEAR = 365 * 24 * 3600
ENCODED_TAG = re.compile(r'-(?:br|gzip)"')


def install_compression(flask_app, prefix):
    """Compress answers under ``prefix`` (the dashboard's routes_pathname_prefix) for browsers that accept it."""

    def compress(response):
        request = flask.request
        if not request.path.startswith(prefix):
            return response
        static = request.path[len(prefix):].startswith(STATIC_PATHS)
        if static and request.args.get("m"):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR   # the ?m= fingerprint changes with the file
        encoding = request.accept_encodings.best_match(["br", "gzip"])   # honours q-values, q=0 included
        if not compressible(response):
            return response
        response.vary.add("Accept-Encoding")
        if encoding is None:
            return response
        response.direct_passthrough = False          # static files stream from disk: read them
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        packed = compressed(body, encoding, STATIC_QUALITY) if static else _compress(body, encoding, DYNAMIC_QUALITY)
        response.set_data(packed)
        response.headers["Content-Encoding"] = encoding
        if response.get_etag()[0]:
            response.set_etag(f"{response.get_etag()[0]}-{encoding}")   # a different body, a different tag
        return response

    def revalidate_encoded_copies():
        # A compressed answer's tag is "<tag>-<encoding>" (a different body, a different tag), but Dash checks
        # If-None-Match against its own tag: without this, every revalidation sends the whole file again
        # (1.3 MB of Plotly each time the Error-analysis tab first opens in a page) and V8 keeps no compiled copy.
        tags = flask.request.environ.get("HTTP_IF_NONE_MATCH")
        if tags and flask.request.path.startswith(prefix):
            flask.request.environ["HTTP_IF_NONE_MATCH"] = ENCODED_TAG.sub('"', tags)

    flask_app.before_request(revalidate_encoded_copies)
    flask_app.after_request(compress)


def compressible(response):
    return (response.status_code == 200 and "Content-Encoding" not in response.headers
            and response.mimetype.startswith(COMPRESSIBLE))


_static_cache = {}                 # (sha256 of the body, encoding) -> compressed body; a few dozen files
_static_cache_lock = threading.Lock()
MAX_CACHED = 128


def compressed(body, encoding, quality):
    """``body`` compressed, computed once per distinct content (static files)."""
    key = (hashlib.sha256(body).digest(), encoding)
    with _static_cache_lock:
        packed = _static_cache.get(key)
    if packed is None:
        packed = _compress(body, encoding, quality)
        with _static_cache_lock:
            if len(_static_cache) >= MAX_CACHED:
                _static_cache.pop(next(iter(_static_cache)))
            _static_cache[key] = packed
    return packed


def _compress(body, encoding, quality):
    if encoding == "br":
        return brotli.compress(body, quality=quality)
    return gzip.compress(body, compresslevel=quality + 2, mtime=0)
