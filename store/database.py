"""Where the drawings live: an engine on SQLite (the embedded default) or PostgreSQL, with the durability
settings chosen for them, and the one error every caller handles: ``StoreUnavailable``.

Durability (a save is answered 201 only after its commit has returned):

- SQLite runs in WAL mode with ``synchronous=FULL``: every commit fsyncs the write-ahead log, so a
  committed save survives the server process being killed (NORMAL would already promise that: the
  log is in the OS's hands once the commit returns) and also a power cut or an OS crash (which
  NORMAL does not: it may lose the last commits, never corrupting the file). Saves are rare, so the
  fsync per save is worth it.
- PostgreSQL keeps its defaults, ``fsync=on`` and ``synchronous_commit=on``: COMMIT returns after
  the WAL is flushed to disk, so a committed save survives the app, the database server or the
  machine going down.
"""

import contextlib
import fcntl
import logging
from pathlib import Path

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
SQLITE_FILE = "digit_reader.sqlite3"
CONNECT_TIMEOUT_S = 3          # an unreachable PostgreSQL answers a save with 503 in seconds, not minutes
SQLITE_BUSY_TIMEOUT_S = 30     # writers queue on SQLite's one write lock; a save waits its turn


class StoreUnavailable(RuntimeError):
    """The database cannot be reached (or is not set up) right now; the caller may try again later."""


def default_url(instance_path):
    """The embedded default: a SQLite file in the app's instance folder."""
    return f"sqlite:///{Path(instance_path).resolve() / SQLITE_FILE}"


def normalise_url(url):
    """A database URL as SQLAlchemy should open it: PostgreSQL always through psycopg 3.

    Raises ``ValueError`` for anything that is not a SQLite or PostgreSQL URL.
    """
    try:
        parsed = make_url(str(url))
    except exc.ArgumentError:
        raise ValueError("give a URL like sqlite:////path/drawings.sqlite3 or postgresql://user@host/db") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.drivername == "sqlite" and parsed.database and parsed.database != ":memory:":
        return parsed
    raise ValueError("give a sqlite:///FILE or postgresql:// URL (PostgreSQL is opened with psycopg 3)")


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


class Database:
    """An engine and the transactions on it. ``Database.open(url)``; SQLite files upgrade their schema."""

    def __init__(self, engine):
        self.engine = engine

    @classmethod
    def open(cls, url, upgrade=None):
        """Open ``url``. ``upgrade`` (default: for SQLite only) brings the schema to the latest
        migration first; a shared PostgreSQL is upgraded by its operator (``python -m store.migrate``)."""
        url = normalise_url(url)
        if url.get_backend_name() == "sqlite":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            # pre_ping: a connection the database dropped (a restart, a cut network) is replaced on checkout,
            # so saving works again as soon as the database is back, without restarting the app.
            engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_timeout=10,
                                   connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
        database = cls(engine)
        if upgrade if upgrade is not None else url.get_backend_name() == "sqlite":
            database.upgrade()
        return database

    @property
    def is_sqlite(self):
        return self.engine.dialect.name == "sqlite"

    def upgrade(self):
        """The schema up to the latest migration (a no-op when it is there). Processes starting
        together (gunicorn's workers) take turns on a lock file beside a SQLite database."""
        from store import migrate

        with self._upgrade_lock():
            migrate.upgrade(self.engine)

    @contextlib.contextmanager
    def _upgrade_lock(self):
        if not self.is_sqlite:
            yield      # PostgreSQL: Alembic's upgrade runs in one transaction; operators run it once
            return
        with open(self.engine.url.database + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def transaction(self):
        """One session, one transaction: committed when the block ends, rolled back if it raises.

        Connection failures (and a schema that was never installed) become ``StoreUnavailable``.
        """
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except (exc.OperationalError, exc.InterfaceError, exc.TimeoutError) as error:
            log.warning("Database unavailable: %s", " ".join(str(error.orig if hasattr(error, "orig") else error)
                                                            .split())[:300])
            raise StoreUnavailable("The database cannot be reached right now.") from error
        except exc.ProgrammingError as error:
            log.error("Database not set up: %s", " ".join(str(error.orig).split())[:300])
            raise StoreUnavailable("The database has no drawings table: run `python -m store.migrate upgrade`.") \
                from error

    def dispose(self):
        self.engine.dispose()
