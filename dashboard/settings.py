"""Settings, parsed strictly: a typo in a production setting stops start-up instead of being ignored.

Each setting is looked up first in the Flask app's config (``create_app({...})`` or a host app's
own config), then in the environment, then falls back to its default:

    DIGIT_READER_DEBUG            true | false | 1 | 0            (default false)
    DIGIT_READER_MODEL            path to a .keras model          (default model/digit_cnn.keras)
    DIGIT_READER_FRAME_ANCESTORS  CSP sources that may frame us   (default 'self')
    DIGIT_READER_MAX_BODY_BYTES   body limit for our own routes   (default 2 MiB)
"""

import os
import re
from dataclasses import dataclass
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

    @classmethod
    def load(cls, config=None, environ=None):
        """Settings from a Flask config mapping, then the environment; ``SettingsError`` if any is malformed."""
        lookup = _Lookup(config or {}, os.environ if environ is None else environ)
        return cls(
            debug=lookup.get("DEBUG", parse_bool, cls.debug),
            model_path=lookup.get("MODEL", parse_path, cls.model_path),
            frame_ancestors=lookup.get("FRAME_ANCESTORS", parse_frame_ancestors, cls.frame_ancestors),
            max_body_bytes=lookup.get("MAX_BODY_BYTES", parse_body_limit, cls.max_body_bytes),
        )


class _Lookup:
    def __init__(self, config, environ):
        self.config, self.environ = config, environ

    def get(self, name, parse, default):
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
            raise SettingsError(f"{key}={str(raw)[:80]!r} is not valid: {error}") from None


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


def parse_body_limit(raw):
    if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit())):
        raise SettingsError("give a whole number of bytes")
    value = int(raw)
    if not 64 * 1024 <= value <= 64 * 1024 * 1024:
        raise SettingsError("give between 65536 (64 KiB) and 67108864 (64 MiB) bytes")
    return value
