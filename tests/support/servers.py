"""A real threaded HTTP server for any WSGI app, on a free loopback port (tests and benchmarks)."""

import contextlib
import threading

from werkzeug.serving import make_server


@contextlib.contextmanager
def serving(wsgi_app):
    """Serve ``wsgi_app`` with Werkzeug's threaded server while the block runs; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
