"""The real services the storage tests run against, and their fixtures (imported by tests/conftest.py).

- SQLite: a file in the test's temporary folder.
- PostgreSQL at 127.0.0.1:5432 (``DIGIT_READER_TEST_POSTGRES`` to point elsewhere): each test gets
  a schema of its own, named at random and dropped afterwards, so runs never collide.
- Redis at 127.0.0.1:6379 (``DIGIT_READER_TEST_REDIS``): tests key their limits by a dashboard
  prefix of their own.

A service that is not running skips its tests with the reason, unless ``DIGIT_READER_REQUIRE_SERVICES=1``
(set by .ci/run), which makes its absence a failure.
"""

import contextlib
import os
import secrets
import socket

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("DIGIT_READER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("DIGIT_READER_TEST_REDIS", "redis://127.0.0.1:6379/0")
REQUIRED = os.environ.get("DIGIT_READER_REQUIRE_SERVICES") == "1"
DATABASES = ("sqlite", "postgresql")


def reachable(url, default_port):
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def require_service(name, url, default_port):
    """Skip (or, with DIGIT_READER_REQUIRE_SERVICES=1, fail) unless ``url`` accepts connections."""
    if reachable(url, default_port):
        return
    where = make_url(url).render_as_string(hide_password=True)
    if REQUIRED:
        pytest.fail(f"{name} is not running at {where}, and DIGIT_READER_REQUIRE_SERVICES=1 requires it")
    pytest.skip(f"{name} is not running at {where} (DIGIT_READER_REQUIRE_SERVICES=1 makes this a failure)")


def with_search_path(url, schema):
    """``url`` with every connection's search_path set to ``schema`` (psycopg passes ``options`` to the server)."""
    parsed = make_url(url)
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@contextlib.contextmanager
def postgres_schema(base_url=POSTGRES_URL):
    """A fresh schema on the test server for the block; yields a URL that works in it."""
    schema = "digit_reader_test_" + secrets.token_hex(6)
    admin = create_engine(make_url(base_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield with_search_path(base_url, schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextlib.contextmanager
def fresh_database_url(kind, folder):
    """An empty database of ``kind`` ("sqlite" or "postgresql"), schema not yet installed."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'drawings.sqlite3'}"
    else:
        require_service("PostgreSQL", POSTGRES_URL, 5432)
        with postgres_schema() as url:
            yield url


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    """A fresh, upgraded database, once on SQLite and once on PostgreSQL; yields its URL."""
    from store import Database

    with fresh_database_url(request.param, tmp_path) as url:
        database = Database.open(url, upgrade=True)
        database.dispose()
        yield url


@pytest.fixture()
def database(database_url):
    from store import Database

    opened = Database.open(database_url)
    yield opened
    opened.dispose()


@pytest.fixture()
def redis_url():
    require_service("Redis", REDIS_URL, 6379)
    return REDIS_URL
