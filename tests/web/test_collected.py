"""The feedback and the Collected tab through Dash's own endpoint, as the browser sends them, on SQLite and
PostgreSQL: the visitor's cookie made on the first save, who sees what, the admin's sign-in (a signed,
HttpOnly, SameSite=Strict cookie of the dashboard's own, never the token), the export it opens, and the
save limit."""

import io
import time
import zipfile

import pytest
from flask import Flask
from itsdangerous import TimestampSigner

from dashboard import create_app, init_dashboard
from dashboard.access import ADMIN_COOKIE, ADMIN_SESSION_S, COOKIE, AdminSessions, AdminToken
from dashboard.components import feedback
from dashboard.tabs.collected import admin, ids
from tests.support.pad import pad_drawing
from training.drawings import SAMPLES

TOKEN = "admin-token-" + "0123456789abcdef" * 3


def make_app(database_url, **config):
    return create_app({"TESTING": True, "DIGIT_READER_DATABASE_URL": database_url, "DIGIT_READER_ADMIN_TOKEN": TOKEN,
                       "DIGIT_READER_SAVES_PER_MINUTE": 10_000, **config})


@pytest.fixture()
def app(database_url):
    return make_app(database_url)


def callback(client, output_fragment, values, changed, prefix="/"):
    """POST a callback the way dash-renderer does: ``values`` by "id.property", ``changed`` the input that fired.
    Returns the response and its outputs by "id.property" (when it answered 200)."""
    dependency = next(d for d in client.get(prefix + "_dash-dependencies").get_json()
                      if output_fragment in d["output"] and d.get("clientside_function") is None)
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1)))
               for part in dependency["output"].strip(".").split("...")]

    def described(dependencies):
        return [{**d, "value": values.get(f"{d['id']}.{d['property']}")} for d in dependencies]

    response = client.post(prefix + "_dash-update-component", json={
        "output": dependency["output"], "outputs": outputs, "inputs": described(dependency["inputs"]),
        "state": described(dependency["state"]), "changedPropIds": [changed]})
    answer = {}
    if response.status_code == 200:
        answer = {f"{component}.{prop}": value for component, props in response.get_json()["response"].items()
                  for prop, value in props.items()}
    return response, answer


def press(client, digit_or_right, drawing, prefix="/"):
    button = "feedback-right" if digit_or_right == feedback.RIGHT else f"feedback-{digit_or_right}"
    return callback(client, "feedback-message.className", {f"{button}.n_clicks": 1, "pad-strokes.data": drawing},
                    f"{button}.n_clicks", prefix)


def gallery_view(client, prefix="/", **filters):
    values = {"collected-which.data": "all", f"tab-{ids.PAGE}.n_clicks": 1,
              **{f"{name}.data": value for name, value in filters.items()}}
    return callback(client, "collected-gallery.children", values, f"tab-{ids.PAGE}.n_clicks", prefix)[1]


def overview(client):
    return callback(client, "collected-stats.children", {f"tab-{ids.PAGE}.n_clicks": 1}, f"tab-{ids.PAGE}.n_clicks")[1]


def sign_in(client, token, prefix="/"):
    return callback(client, "collected-session.data", {f"{ids.SIGN_IN}.n_clicks": 1, f"{ids.TOKEN}.value": token,
                                                        f"{ids.SESSION}.data": 0}, f"{ids.SIGN_IN}.n_clicks", prefix)


def thumbnails(view):
    return [child["props"]["id"]["index"] for child in view["collected-gallery.children"]
            if isinstance(child["props"].get("id"), dict)]


def set_cookies(response):
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_no_its_a_3_saves_and_makes_the_visitor_who_then_sees_it(app):
    visitor, stranger = app.server.test_client(), app.server.test_client()
    assert gallery_view(visitor)["collected-gallery.children"][0]["props"]["children"] == \
        "Nothing saved yet: draw on the Draw tab and tell the model if it was right."

    response, answer = press(visitor, 3, pad_drawing(SAMPLES[7]))
    assert response.status_code == 200
    assert answer["feedback-message.children"] == "Saved as a 3: thank you."
    assert answer["feedback-message.className"] == "feedback-message saved"
    buttons = ["feedback-right"] + [f"feedback-{digit}" for digit in range(10)]
    assert all(answer[f"{button}.disabled"] is True for button in buttons)
    cookie = set_cookies(response)[COOKIE]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/;" in cookie + ";"

    view = gallery_view(visitor)
    assert view["collected-gallery-title.children"] == "Your 1 drawing" and len(thumbnails(view)) == 1
    assert gallery_view(stranger)["collected-gallery-title.children"] == "Your 0 drawings"
    assert press(visitor, feedback.RIGHT, pad_drawing(SAMPLES[1]))[1]["feedback-message.children"] == \
        "Saved as a 1: thank you."
    assert gallery_view(visitor, **{ids.LABEL_FILTER: 1})["collected-gallery-title.children"] == \
        "1 of your drawings: labelled 1"


def test_a_blank_pad_is_not_saved_and_makes_no_visitor(app):
    client = app.server.test_client()
    response, answer = press(client, 3, {"strokes": [], "widths": []})
    assert answer["feedback-message.children"] == feedback.BLANK
    assert answer["feedback-message.className"] == "feedback-message problem"
    assert "feedback-3.disabled" not in answer and COOKIE not in set_cookies(response)


def test_the_save_limit_reaches_the_feedback(database_url):
    client = make_app(database_url, DIGIT_READER_SAVES_PER_MINUTE=2).server.test_client()
    messages = [press(client, 1, pad_drawing(SAMPLES[1]))[1]["feedback-message.children"] for _ in range(3)]
    assert messages == ["Saved as a 1: thank you."] * 2 + [feedback.TOO_MANY]


def test_the_admin_signs_in_with_a_strict_cookie_that_is_not_the_token(app):
    visitor, admin_browser = app.server.test_client(), app.server.test_client()
    press(visitor, 3, pad_drawing(SAMPLES[7]))

    for wrong in ("not-" + TOKEN, TOKEN[:-1], "\ud800" + TOKEN, None, 12, ["a"]):
        response, answer = sign_in(admin_browser, wrong)
        assert answer == {"collected-admin-message.children": admin.WRONG_TOKEN, "collected-token.value": ""}
        assert ADMIN_COOKIE not in set_cookies(response)

    response, answer = sign_in(admin_browser, TOKEN)
    assert answer["collected-admin-message.children"] == "Signed in." and answer["collected-session.data"] == 1
    assert answer["collected-token.value"] == ""
    cookie = set_cookies(response)[ADMIN_COOKIE]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/;" in cookie + ";"
    assert f"Max-Age={ADMIN_SESSION_S}" in cookie and TOKEN not in cookie
    assert TOKEN not in response.get_data(as_text=True)

    view = overview(admin_browser)
    assert view["collected-who.children"] == admin.ADMIN
    assert view["collected-sign-in-form.hidden"] is True and view["collected-signed-in.hidden"] is False
    assert gallery_view(admin_browser)["collected-gallery-title.children"] == "Everyone's 1 drawing"
    assert overview(visitor)["collected-signed-in.hidden"] is True

    # The export links work with the session; without it (or with the visitor's cookie) they are a 401.
    export = admin_browser.get("/api/drawings/export?format=idx")
    assert export.status_code == 200 and sorted(zipfile.ZipFile(io.BytesIO(export.data)).namelist()) == [
        "collected-images-idx3-ubyte.gz", "collected-labels-idx1-ubyte.gz"]
    assert visitor.get("/api/drawings/export?format=npz").status_code == 401

    response, answer = callback(admin_browser, "collected-session.data", {f"{ids.SIGN_OUT}.n_clicks": 1},
                                f"{ids.SIGN_OUT}.n_clicks")
    assert answer["collected-admin-message.children"] == "Signed out." and answer["collected-session.data"] == 1
    assert "Max-Age=0" in set_cookies(response)[ADMIN_COOKIE] or "Expires=Thu, 01 Jan 1970" in \
        set_cookies(response)[ADMIN_COOKIE]
    assert admin_browser.get("/api/drawings/export?format=idx").status_code == 401
    assert gallery_view(admin_browser)["collected-gallery-title.children"] == "Your 0 drawings"


def forged_cookie(client, value):
    client.set_cookie(ADMIN_COOKIE, value, path="/")


def test_a_stale_or_forged_session_is_no_admin(app):
    import os

    secret = os.environ["DIGIT_READER_SECRET_KEY"]      # tests/conftest.py gives every app this key
    client = app.server.test_client()

    for value in ("admin", TOKEN,
                  AdminSessions(secret, AdminToken("another-token-" + "x" * 32), "/").signer.sign("n").decode(),
                  AdminSessions("another-key-" + "y" * 32, AdminToken(TOKEN), "/").signer.sign("n").decode()):
        forged_cookie(client, value)
        assert overview(client)["collected-who.children"] == admin.VISITOR
        assert client.get("/api/drawings/export").status_code == 401

    sessions = AdminSessions(secret, AdminToken(TOKEN), "/")
    forged_cookie(client, sessions.signer.sign("n").decode())
    assert overview(client)["collected-who.children"] == admin.ADMIN     # the same signer, so the test is real
    expired = TimestampSigner(secret, salt=sessions.signer.salt, digest_method=sessions.signer.digest_method)
    expired.get_timestamp = lambda: int(time.time()) - ADMIN_SESSION_S - 5
    forged_cookie(client, expired.sign("n").decode())
    assert overview(client)["collected-who.children"] == admin.VISITOR


def test_with_no_token_there_is_no_admin_and_the_tab_says_how_to_have_one(database_url):
    app = create_app({"TESTING": True, "DIGIT_READER_DATABASE_URL": database_url})
    client = app.server.test_client()
    response, answer = sign_in(client, "anything at all, " + "z" * 40)
    assert answer["collected-admin-message.children"] == admin.NO_ADMIN and ADMIN_COOKIE not in set_cookies(response)
    assert "DIGIT_READER_ADMIN_TOKEN" in admin.NO_ADMIN
    assert overview(client)["collected-sign-in-form.hidden"] is True


def test_embedded_the_cookies_keep_to_the_dashboards_prefix(database_url):
    host = Flask("host_with_collected")
    host.config.update(SECRET_KEY="the host's own", DIGIT_READER_DATABASE_URL=database_url,
                       DIGIT_READER_ADMIN_TOKEN=TOKEN)
    init_dashboard(host, url_base_pathname="/digits/")
    client = host.test_client()
    response, answer = press(client, 4, pad_drawing(SAMPLES[4]), prefix="/digits/")
    assert answer["feedback-message.children"] == "Saved as a 4: thank you."
    assert "Path=/digits/;" in set_cookies(response)[COOKIE] + ";"
    response, _ = sign_in(client, TOKEN, prefix="/digits/")
    assert "Path=/digits/;" in set_cookies(response)[ADMIN_COOKIE] + ";"
    assert "session" not in set_cookies(response)          # the host's Flask session is never touched
    assert client.get("/digits/api/drawings/export?format=npz").status_code == 200
