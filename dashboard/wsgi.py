"""The WSGI entry point for production servers: ``gunicorn -c gunicorn.conf.py`` serves ``dashboard.wsgi:server``.

Imported in each worker after the fork (gunicorn.conf.py has ``preload_app = False``), so every
worker loads, hash-checks and warms its own model: TensorFlow's runtime is not fork-safe.

Behind ``make serve``'s nginx (deploy/), the socket's peer is the proxy, not the client. With
``DIGIT_READER_TRUSTED_PROXIES=N`` the last N hops of ``X-Forwarded-For`` and ``X-Forwarded-Proto``
become ``request.remote_addr`` and the scheme; with 0 (the default) those headers are ignored, so a
client talking to the server directly cannot choose its own address.
"""

from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.app import create_app
from dashboard.settings import Settings


def trust_proxies(flask_server, count):
    """Believe the forwarding headers of the ``count`` proxies nearest the server (none when 0)."""
    if count:
        flask_server.wsgi_app = ProxyFix(flask_server.wsgi_app, x_for=count, x_proto=count)
    return flask_server


server = create_app().server
trust_proxies(server, Settings.load(server.config).trusted_proxies)
