"""The save limit: ``DIGIT_READER_SAVES_PER_MINUTE`` per client, with Flask-Limiter, scoped to the dashboard.

The client is ``request.remote_addr``: behind the production proxy, the address ProxyFix takes from
the trusted proxies' ``X-Forwarded-For`` (dashboard/wsgi.py), never a header a client chose.
Counted in memory (each server process its own count) or in Redis (``DIGIT_READER_RATELIMIT_STORAGE``,
one count shared by every app server); if Redis goes away the count falls back to memory until it
is back, rather than refusing saves or letting them through unlimited.

A host app keeps its own limits: Flask-Limiter reads its settings from ``app.config`` (and writes
two defaults into it), so ours is given a config of its own (a host's ``RATELIMIT_*`` settings are
neither read nor changed); its keys carry the dashboard's prefix; and it has no default limits, so
its hook passes every request but the dashboard's saves.
"""

import flask
from flask_limiter import Limiter

from dashboard.http_errors import json_error


class _OwnConfig:
    """The Flask app as Flask-Limiter sees it: its own hooks and extensions, a private config."""

    def __init__(self, app):
        self._app = app
        self.config = {}

    def __getattr__(self, name):
        return getattr(self._app, name)


def remote_address():
    return flask.request.remote_addr or "unknown"


def save_limit(flask_app, settings, prefix):
    """A Flask-Limiter limit of ``settings.saves_per_minute`` per client for every save under ``prefix``:
    a decorator for a view, or ``with limit:`` around a save in a Dash callback (one shared count)."""
    limiter = Limiter(remote_address, storage_uri=settings.ratelimit_storage, strategy="moving-window",
                      key_prefix=f"digit_reader{prefix}", headers_enabled=True, in_memory_fallback_enabled=True,
                      default_limits=[], application_limits=[], swallow_errors=False)
    limiter.init_app(_OwnConfig(flask_app))
    return limiter.shared_limit(f"{settings.saves_per_minute} per minute", scope="saves",
                                error_message=f"Too many saves: at most {settings.saves_per_minute} a minute "
                                              "from one address. Try again in a minute.")


def too_many_saves(error):
    """A breached limit as the API's JSON error, with ``Retry-After`` (Flask-Limiter adds it after)."""
    return json_error("too_many_saves", error.description, 429)
