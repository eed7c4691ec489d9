"""Who may see which collected drawings: a visitor by the dashboard's own signed cookie, the admin by a token.

The visitor's id is random and anonymous. It lives in a cookie of the dashboard's own (HttpOnly,
SameSite=Lax, Secure over HTTPS, its path the dashboard's prefix), signed with
``DIGIT_READER_SECRET_KEY`` or with a key made once in the instance folder: never Flask's session,
so a host app's session and ``SECRET_KEY`` are never read or written.

The admin sends ``Authorization: Bearer <DIGIT_READER_ADMIN_TOKEN>``. The comparison is of SHA-256
digests with ``hmac.compare_digest``: its time depends on neither the token's length nor how much
of it is right. With no token configured there is no admin. In the browser, the admin signs in on the
Collected tab once and ``AdminSessions`` remembers it for an hour in a signed cookie (never the token).
"""

import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

import flask
from itsdangerous import BadSignature, Signer, TimestampSigner

COOKIE = "digit_reader_visitor"
COOKIE_MAX_AGE_S = 400 * 24 * 3600       # the longest browsers keep a cookie (400 days)
KEY_FILE = "digit_reader_secret_key"
_SALT = "digit-reader-visitor"


def instance_secret_key(instance_path):
    """The key in ``instance_path``, made on first use. Several workers starting together agree on one:
    each writes a candidate to a temporary file and links it into place, which fails if a key is
    already there (a link never shows a half-written file); the losers read the winner's."""
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    if not path.exists():
        descriptor, candidate = tempfile.mkstemp(prefix=KEY_FILE + ".", dir=folder)   # mode 0600
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(48))
                file.flush()
                os.fsync(file.fileno())
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(candidate)
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable key: delete it and it is made again")
    return key


class Visitors:
    """The visitor's id from the signed cookie, made (and the cookie set) on the first save."""

    def __init__(self, secret_key, cookie_path):
        self.signer = Signer(secret_key, salt=_SALT)
        self.cookie_path = cookie_path

    def current(self, create=False):
        """The visitor's id, or None; with ``create``, a new id whose cookie goes out with this response."""
        signed = flask.request.cookies.get(COOKIE)
        if signed:
            try:
                return self.signer.unsign(signed).decode()
            except (BadSignature, UnicodeDecodeError):
                pass       # forged or signed with another key: a new visitor
        if not create:
            return None
        visitor = secrets.token_urlsafe(18)
        cookie = self.signer.sign(visitor).decode()

        @flask.after_this_request
        def remember(response):
            response.set_cookie(COOKIE, cookie, max_age=COOKIE_MAX_AGE_S, path=self.cookie_path, httponly=True,
                                samesite="Lax", secure=flask.request.is_secure)
            return response

        return visitor


class AdminToken:
    def __init__(self, token):
        self.configured = token is not None
        # With no token, compare against a random digest anyway: every request costs the same.
        self._digest = hashlib.sha256((token or secrets.token_urlsafe(32)).encode()).digest()

    def matches(self, given):
        given_digest = hashlib.sha256(given.encode("utf-8", "surrogateescape")).digest()
        return hmac.compare_digest(given_digest, self._digest) and self.configured

    def in_request(self):
        """True when the request carries ``Authorization: Bearer <the token>``."""
        scheme, _, given = flask.request.headers.get("Authorization", "").partition(" ")
        return self.matches(given.strip()) and scheme.lower() == "bearer"


ADMIN_COOKIE = "digit_reader_admin"
ADMIN_SESSION_S = 3600                   # an admin signs in again after an hour
_ADMIN_SALT = "digit-reader-admin:"


def viewer_is_admin(sessions):
    """True when ``sessions`` (an ``AdminSessions``, or None without an admin) has the admin signed in on
    this request."""
    return sessions is not None and sessions.in_request()


class AdminSessions:
    """The admin signed in on the Collected tab, remembered for an hour; the token never leaves the server.

    The cookie (HttpOnly, SameSite=Strict, Secure over HTTPS, its path the dashboard's prefix) holds a
    random nonce, signed and timestamped with the dashboard's secret key; it expires after
    ``ADMIN_SESSION_S`` in the browser and, whatever the browser says, on the server. The signing salt
    carries the token's digest, so a new token signs every admin out. Strict, not Lax: the cookie goes
    only with requests the dashboard's own pages make (no link or form from another site carries it),
    so it can stand in for the token on the export download. Signing out deletes it; a copy kept
    elsewhere would stay valid until its hour is up (the short lifetime is that bound).
    """

    def __init__(self, secret_key, admin, cookie_path, max_age_s=ADMIN_SESSION_S):
        self.admin = admin
        self.cookie_path = cookie_path
        self.max_age_s = max_age_s
        self.signer = TimestampSigner(secret_key, salt=_ADMIN_SALT + admin._digest.hex(), digest_method=hashlib.sha256)

    @property
    def configured(self):
        return self.admin.configured

    def in_request(self):
        """True when the request carries a valid, unexpired admin session cookie."""
        signed = flask.request.cookies.get(ADMIN_COOKIE)
        if not signed or not self.configured:
            return False
        try:
            self.signer.unsign(signed, max_age=self.max_age_s)
        except BadSignature:       # forged, expired, or signed for another token or key
            return False
        return True

    def sign_in(self, given):
        """Start a session (its cookie goes out with this response) if ``given`` is the token; else False."""
        try:
            if not isinstance(given, str) or not self.admin.matches(given):
                return False
        except UnicodeEncodeError:      # a lone surrogate from JSON: no token has one
            return False
        cookie = self.signer.sign(secrets.token_urlsafe(18)).decode()

        @flask.after_this_request
        def remember(response):
            response.set_cookie(ADMIN_COOKIE, cookie, max_age=self.max_age_s, path=self.cookie_path, httponly=True,
                                samesite="Strict", secure=flask.request.is_secure)
            return response

        return True

    def sign_out(self):
        @flask.after_this_request
        def forget(response):
            response.delete_cookie(ADMIN_COOKIE, path=self.cookie_path, httponly=True, samesite="Strict",
                                   secure=flask.request.is_secure)
            return response
