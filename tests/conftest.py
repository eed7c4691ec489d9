"""Shared fixtures: the real shipped model, the real MNIST test set, the real app and a real server.

The tiers (tests/fast, tests/model, tests/web, tests/browser) each run alone too; fixtures load
what they need lazily, so the fast tier never loads the model.
"""

import atexit
import contextlib
import os
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_shared_mnist = ROOT.parent / "shared" / "data" / "mnist"
if "MNIST_DIR" not in os.environ and _shared_mnist.is_dir():
    os.environ["MNIST_DIR"] = str(_shared_mnist)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Apps the tests make keep their drawings and cookie key in a temporary folder, never in the
# checkout's instance/ (the tests of those defaults give their app an instance folder of its own).
_TEST_INSTANCE = Path(tempfile.mkdtemp(prefix="digit-reader-tests-"))
atexit.register(shutil.rmtree, _TEST_INSTANCE, ignore_errors=True)
os.environ["DIGIT_READER_DATABASE_URL"] = f"sqlite:///{_TEST_INSTANCE / 'drawings.sqlite3'}"
os.environ["DIGIT_READER_SECRET_KEY"] = secrets.token_urlsafe(32)

from tests.support.databases import database, database_url, redis_url  # noqa: E402,F401  (fixtures)


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
    """The app behind a real threaded HTTP server on a free loopback port; yields its base URL."""
    from tests.support.servers import serving

    with serving(app.server) as url:
        yield url


@pytest.fixture(scope="module")
def serve_wsgi():
    """Serve any WSGI app (a host app with the dashboard mounted, say) like ``live_server``: ``serve_wsgi(app) -> URL``."""
    from tests.support.servers import serving

    with contextlib.ExitStack() as running:
        yield lambda wsgi_app: running.enter_context(serving(wsgi_app))
