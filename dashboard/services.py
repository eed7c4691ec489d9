"""What the dashboard's callbacks and API routes share: the reader and the shipped report,
loaded once per process and model file, handed around as one ``Services``; and each dashboard's
collected drawings (its database, its visitors, its admin, its save limit), added by ``with_collection``."""

import functools
from dataclasses import dataclass, replace
from pathlib import Path

from model.reader import DigitReader
from model.report import EvaluationReport
from store import Database, default_url


@dataclass(frozen=True)
class Services:
    reader: DigitReader
    report: EvaluationReport
    drawings: Database | None = None            # the collected drawings (store/)
    visitors: object | None = None              # dashboard.access.Visitors: who is drawing
    admin: object | None = None                 # dashboard.access.AdminToken: who may see everyone's
    save_limit: object | None = None            # dashboard.limits.save_limit: a decorator, or `with` in a callback
    admin_sessions: object | None = None        # dashboard.access.AdminSessions: the admin signed in in a browser


@functools.lru_cache(maxsize=4)
def load_services(model_path):
    """The reader (loaded, hash-checked, warmed) and its report, once per process and ``model_path``.

    Raises ``ModelError`` with a one-line reason for a missing, corrupt or mismatched model or report.
    """
    model_path = Path(model_path)
    return Services(reader=DigitReader.from_model_file(model_path), report=EvaluationReport.load(model_path))


def with_collection(services, flask_app, settings, prefix):
    """``services`` plus one dashboard's collected drawings. The database is ``DIGIT_READER_DATABASE_URL``
    or a SQLite file in the instance folder (made and upgraded here); the visitor cookie's key is
    ``DIGIT_READER_SECRET_KEY`` or one made once in the instance folder."""
    from dashboard.access import AdminSessions, AdminToken, Visitors, instance_secret_key
    from dashboard.limits import save_limit

    secret_key = settings.secret_key or instance_secret_key(flask_app.instance_path)
    admin = AdminToken(settings.admin_token)
    return replace(services, drawings=Database.open(settings.database_url or default_url(flask_app.instance_path)),
                   visitors=Visitors(secret_key, cookie_path=prefix), admin=admin,
                   save_limit=save_limit(flask_app, settings, prefix),
                   admin_sessions=AdminSessions(secret_key, admin, cookie_path=prefix))
