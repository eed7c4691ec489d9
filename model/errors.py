"""The errors for input a caller got wrong. The kinds say what went wrong, not how to answer it:
the web layer (dashboard/http_errors.py) maps each kind to its HTTP status."""


class BadInput(ValueError):
    """Input that cannot be read as asked. ``code`` is stable, ``message`` is for people."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class TooLarge(BadInput):
    """Input over a size or cost limit: refused before the expensive step."""


class UnsupportedType(BadInput):
    """Input of a type (media type, image format, encoding) that is not accepted at all."""
