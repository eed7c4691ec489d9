"""The one error type for input a caller got wrong; the web layers turn it into a 4xx."""


class BadInput(ValueError):
    """Raised for input that cannot be read as a drawing. ``code`` is stable, ``message`` for people."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
