"""The WSGI entry point for production servers: ``gunicorn -c gunicorn.conf.py`` serves ``dashboard.wsgi:server``.

Imported in each worker after the fork (gunicorn.conf.py has ``preload_app = False``), so every
worker loads, hash-checks and warms its own model: TensorFlow's runtime is not fork-safe.
"""

from dashboard.app import create_app

server = create_app().server
