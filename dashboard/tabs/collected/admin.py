"""Who sees what on the Collected tab: a visitor their own drawings (by the dashboard's visitor cookie),
the admin everyone's, once signed in here with ``DIGIT_READER_ADMIN_TOKEN`` (dashboard/access.py keeps the
session in a signed cookie, never the token). ``sign_in_or_out`` is the sign-in callback's body;
``who_sees_what`` says, for the page, who is looking.
"""

from dash import no_update

from dashboard.tabs.collected import ids

NO_ADMIN = ("There is no admin on this server. To have one, set DIGIT_READER_ADMIN_TOKEN (32 or more "
            "characters, e.g. from python -c 'import secrets; print(secrets.token_urlsafe(32))') where the "
            "dashboard runs and restart it; the admin then signs in here to see, delete and export everyone's "
            "drawings.")
VISITOR = ("You see the drawings saved from this browser, and only you can delete them. The admin sees everyone's.")
ADMIN = "Signed in as the admin: you see, delete and export everyone's drawings. The session lasts an hour."
WRONG_TOKEN = "That is not the admin token."
OUTPUT_KEYS = ("message", "token", "session")


def sign_in_or_out(sessions, token, session, trigger):
    """Sign in (``trigger`` the Sign-in button or Enter in the token field) with ``token``, or sign out.

    The token field is emptied either way, and ``session`` (a counter) moves on when who is looking
    changes, so the gallery and the scores are read again for them.
    """
    answer = {"message": no_update, "token": "", "session": no_update}
    count = session if type(session) is int else 0
    if trigger == ids.SIGN_OUT:
        sessions.sign_out()
        return {**answer, "message": "Signed out.", "session": count + 1}
    if trigger not in (ids.SIGN_IN, ids.TOKEN):
        return {**answer, "token": no_update}
    if not sessions.configured:
        return {**answer, "message": NO_ADMIN}
    if not sessions.sign_in(token):
        return {**answer, "message": WRONG_TOKEN}
    return {**answer, "message": "Signed in.", "session": count + 1}


def who_sees_what(sessions, signed_in):
    """The sentence at the top of the tab and which of the sign-in form and the signed-in panel show."""
    configured = sessions is not None and sessions.configured
    return {"who": ADMIN if signed_in else VISITOR, "form_hidden": signed_in or not configured,
            "signed_in_hidden": not signed_in}
