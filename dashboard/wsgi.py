"""The WSGI entry point for production servers: ``gunicorn -c gunicorn.conf.py`` serves ``dashboard.wsgi:server``.

Imported in each worker after the fork (gunicorn.conf.py has ``preload_app = False``), so every
worker loads, hash-checks and warms its own model: TensorFlow's runtime is not fork-safe.
"""

from dashboard.app import create_app
from dashboard.settings import Settings

app = create_app()
if Settings.load(app.server.config).debug:
    app.enable_dev_tools(debug=True, dev_tools_hot_reload=False)  # only when explicitly asked for
server = app.server
