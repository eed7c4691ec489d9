"""Shared fixtures: the real shipped model, the real MNIST test set, the real app."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_shared_mnist = ROOT.parent / "shared" / "data" / "mnist"
if "MNIST_DIR" not in os.environ and _shared_mnist.is_dir():
    os.environ["MNIST_DIR"] = str(_shared_mnist)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def reader():
    """The shipped model behind the shared code path, loaded and warmed once per test run."""
    from model.reader import DigitReader

    return DigitReader.from_model_file()


@pytest.fixture(scope="session")
def mnist_test():
    from model.mnist import load_mnist

    _, test = load_mnist()
    return test


@pytest.fixture(scope="session")
def app():
    """The standalone Dash app (``app.server`` is its Flask server)."""
    from dashboard import create_app

    return create_app({"TESTING": True})


@pytest.fixture()
def client(app):
    return app.server.test_client()


@pytest.fixture(scope="session")
def live_server(app):
    """A real threaded HTTP server on a free loopback port; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def serve_wsgi():
    """Serve any WSGI app (a host app with the dashboard mounted, say) like ``live_server``: ``serve_wsgi(app) -> URL``."""
    import threading

    from werkzeug.serving import make_server

    running = []

    def serve(wsgi_app):
        server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server, thread in running:
        server.shutdown()
        thread.join(timeout=5)
