"""Settings, parsed strictly: a typo in a production setting stops start-up instead of being ignored.

Each setting is looked up first in the Flask app's config (``create_app({...})`` or a host app's
own config), then in the environment, then falls back to its default:

    DIGIT_READER_DEBUG            true | false | 1 | 0            (default false)
    DIGIT_READER_MODEL            path to a .keras model          (default model/digit_cnn.keras)
    DIGIT_READER_FRAME_ANCESTORS  CSP sources that may frame us   (default 'self')
    DIGIT_READER_MAX_BODY_BYTES   body limit for our own routes   (default 2 MiB)
    DIGIT_READER_TRUSTED_PROXIES  proxies in front of dashboard.wsgi whose X-Forwarded-For/-Proto
                                  are believed, 0 to 5         (default 0; `make serve` sets 1)
    DIGIT_READER_DATABASE_URL     where drawings are saved: postgresql://... or sqlite:///FILE
                                                                  (default a SQLite file in the instance folder)
    DIGIT_READER_ADMIN_TOKEN      the admin's bearer token, 32+ characters (default none: no admin)
    DIGIT_READER_SECRET_KEY       signs the visitor cookie, 32+ characters (default a random key
                                                                  made once in the instance folder)
    DIGIT_READER_SAVES_PER_MINUTE saves allowed per client a minute (default 30)
    DIGIT_READER_RATELIMIT_STORAGE where the save limit counts: memory:// or redis://host:port
                                                                  (default memory://, per process)

The secrets (the admin token, the secret key, a database URL with its password) never appear in
an error message, and not in ``repr(settings)`` either.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from model.artifacts import DEFAULT_MODEL_PATH

PREFIX = "DIGIT_READER_"
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024   # a 280x280 drawing is ~20 KB; 20,000 stroke points ~0.5 MB
_TRUE, _FALSE = ("true", "1"), ("false", "0")
# One CSP source expression: a keyword, a scheme ("https:") or a host source ("https://*.example.com:443").
_CSP_SOURCE = re.compile(r"^('self'|'none'|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*://)?(\*\.)?[a-z0-9.-]+(:(\d+|\*))?)$",
                         re.IGNORECASE)


class SettingsError(ValueError):
    """A setting that could not be parsed; the message names it and says what is accepted."""


@dataclass(frozen=True)
class Settings:
    debug: bool = False
    model_path: Path = DEFAULT_MODEL_PATH
    frame_ancestors: str = "'self'"
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    trusted_proxies: int = 0
    database_url: str | None = field(default=None, repr=False)
    admin_token: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    saves_per_minute: int = 30
    ratelimit_storage: str = field(default="memory://", repr=False)   # a Redis URL may hold a password

    @classmethod
    def load(cls, config=None, environ=None):
        """Settings from a Flask config mapping, then the environment; ``SettingsError`` if any is malformed."""
        lookup = _Lookup(config or {}, os.environ if environ is None else environ)
        return cls(
            debug=lookup.get("DEBUG", parse_bool, cls.debug),
            model_path=lookup.get("MODEL", parse_path, cls.model_path),
            frame_ancestors=lookup.get("FRAME_ANCESTORS", parse_frame_ancestors, cls.frame_ancestors),
            max_body_bytes=lookup.get("MAX_BODY_BYTES", parse_body_limit, cls.max_body_bytes),
            trusted_proxies=lookup.get("TRUSTED_PROXIES", parse_proxy_count, cls.trusted_proxies),
            database_url=lookup.get("DATABASE_URL", parse_database_url, cls.database_url, secret=True),
            admin_token=lookup.get("ADMIN_TOKEN", parse_secret, cls.admin_token, secret=True),
            secret_key=lookup.get("SECRET_KEY", parse_secret, cls.secret_key, secret=True),
            saves_per_minute=lookup.get("SAVES_PER_MINUTE", parse_saves_per_minute, cls.saves_per_minute),
            ratelimit_storage=lookup.get("RATELIMIT_STORAGE", parse_ratelimit_storage, cls.ratelimit_storage,
                                         secret=True),
        )


class _Lookup:
    def __init__(self, config, environ):
        self.config, self.environ = config, environ

    def get(self, name, parse, default, secret=False):
        key = PREFIX + name
        if key in self.config:
            raw = self.config[key]
        elif key in self.environ:
            raw = self.environ[key]
        else:
            return default
        try:
            return parse(raw)
        except SettingsError as error:
            shown = " (value not shown)" if secret else f"={str(raw)[:80]!r}"
            raise SettingsError(f"{key}{shown} is not valid: {error}") from None


def parse_bool(raw):
    if isinstance(raw, bool):
        return raw
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SettingsError("use exactly one of true, false, 1, 0")


def parse_path(raw):
    if not isinstance(raw, (str, os.PathLike)) or not str(raw).strip():
        raise SettingsError("give the path of a .keras model file")
    return Path(raw)


def parse_frame_ancestors(raw):
    sources = str(raw).split() if isinstance(raw, str) else []
    if not sources or not all(_CSP_SOURCE.match(source) for source in sources):
        raise SettingsError("give space-separated CSP sources, e.g. 'self' https://portal.example.com, or 'none'")
    if "'none'" in sources and len(sources) > 1:
        raise SettingsError("'none' cannot be combined with other sources")
    return " ".join(sources)


def _is_whole(raw):
    """A whole number as a Flask config gives it (an int, never a bool) or as the environment does (digits)."""
    return not isinstance(raw, bool) and (isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()))


def parse_body_limit(raw):
    if not _is_whole(raw):
        raise SettingsError("give a whole number of bytes")
    value = int(raw)
    if not 64 * 1024 <= value <= 64 * 1024 * 1024:
        raise SettingsError("give between 65536 (64 KiB) and 67108864 (64 MiB) bytes")
    return value


def parse_proxy_count(raw):
    # Each trusted proxy lets one more hop of X-Forwarded-For be believed: too many and a client's
    # own forged entry becomes its address.
    if not _is_whole(raw) or not 0 <= int(raw) <= 5:
        raise SettingsError("give the number of proxies in front of the server, 0 to 5")
    return int(raw)


def parse_database_url(raw):
    from store.database import normalise_url

    if raw is None:         # set to None in a Flask config: the default
        return None
    try:
        return normalise_url(raw).render_as_string(hide_password=False)
    except ValueError as error:
        raise SettingsError(str(error)) from None


def parse_secret(raw):
    if raw is None:         # set to None in a Flask config: none
        return None
    # Long enough that guessing is hopeless; printable, so it survives headers and environment files.
    if not isinstance(raw, str) or len(raw) < 32 or not raw.isascii() or not raw.isprintable() or " " in raw:
        raise SettingsError("give at least 32 printable ASCII characters without spaces, "
                            "e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    return raw


def parse_saves_per_minute(raw):
    if not _is_whole(raw) or not 1 <= int(raw) <= 1_000_000:
        raise SettingsError("give a whole number of saves from 1 to 1000000")
    return int(raw)


def parse_ratelimit_storage(raw):
    if not isinstance(raw, str) or not re.match(r"^(memory://$|rediss?://\S+$)", raw):
        raise SettingsError("give memory:// or a Redis URL, redis://host:6379 (rediss:// for TLS)")
    return raw
