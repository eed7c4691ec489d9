"""The collected drawings' API on SQLite and on PostgreSQL: saving (201 only once committed), every bad
body refused as JSON, the admin's list, detail, delete and export behind the token, the visitor cookie,
and writes that take JSON only."""

import gzip
import io
import json
import zipfile

import numpy as np
import pytest
import requests
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from dashboard import create_app
from dashboard.access import COOKIE
from model.artifacts import DEFAULT_MODEL_PATH, file_sha256
from model.mnist import _parse_idx
from store import Database, Viewer, get_drawing, list_drawings
from store.export import IMAGES_FILE, LABELS_FILE
from tests.support.encoders import canvas_png, data_url, encoded
from tests.support.http import assert_json_error

TOKEN = "admin-token-" + "0123456789abcdef" * 3
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
ONE = {"strokes": [[[140, 40], [141, 140], [140, 240]]], "width": 22}
SEVEN = {"strokes": [[[80, 60], [200, 60], [120, 240]]], "width": 22}


def padded_png(extra_bytes):
    """A pad's PNG of a "1" carrying ``extra_bytes`` of text metadata: it reads as usual, but is large."""
    image = Image.new("L", (280, 280), 255)
    image.paste(0, (130, 40, 150, 240))
    metadata = PngInfo()
    metadata.add_text("padding", "x" * extra_bytes)
    return encoded(image, pnginfo=metadata)


class _AsRequests:
    """A test client's response, read the way ``assert_json_error`` reads a ``requests`` one."""

    def __init__(self, answer):
        self.answer, self.status_code, self.headers = answer, answer.status_code, answer.headers
        self.text = answer.get_data(as_text=True)

    def json(self):
        return self.answer.get_json()


def assert_error(answer, status, code=None):
    return assert_json_error(_AsRequests(answer), status, code)


def make_app(database_url, **config):
    return create_app({"TESTING": True, "DIGIT_READER_DATABASE_URL": database_url, "DIGIT_READER_ADMIN_TOKEN": TOKEN,
                       "DIGIT_READER_SAVES_PER_MINUTE": 10_000, **config})


@pytest.fixture()
def client(database_url):
    return make_app(database_url).server.test_client()


@pytest.fixture()
def stored(database_url):
    database = Database.open(database_url)
    yield database
    database.dispose()


def test_a_save_is_answered_201_once_it_is_in_the_database(client, stored):
    answer = client.post("/api/drawings", json={**ONE, "label": 1})
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert set(body) == {"id", "label", "predicted", "confidence"} and body["label"] == 1 and body["predicted"] == 1
    saved = get_drawing(stored, Viewer.admin(), body["id"])
    assert saved is not None and saved.label == 1 and saved.strokes == {"strokes": ONE["strokes"], "width": 22}
    assert saved.model_sha256 == file_sha256(DEFAULT_MODEL_PATH)
    assert saved.model_input.shape == (28, 28) and saved.model_input.max() > 200
    assert answer.headers["Location"] == f"/api/drawings/{body['id']}"


def test_a_correction_keeps_the_label_given_and_the_models_answer(client, stored, mnist_test):
    images, labels = mnist_test
    wrong_label = (int(labels[0]) + 1) % 10
    image = canvas_png(images[0])
    answer = client.post("/api/drawings", json={"image": data_url(image), "label": wrong_label})
    assert answer.status_code == 201 and answer.json["predicted"] == int(labels[0])
    saved = get_drawing(stored, Viewer.admin(), answer.json["id"])
    assert (saved.label, saved.predicted) == (wrong_label, int(labels[0])) and saved.image == image
    assert saved.strokes is None and sum(saved.probabilities) == pytest.approx(1, abs=1e-3)


@pytest.mark.parametrize("body, status, code", [
    ({**ONE}, 400, "missing_label"),
    ({**ONE, "label": "1"}, 400, "invalid_label"),
    ({**ONE, "label": 1.0}, 400, "invalid_label"),
    ({**ONE, "label": True}, 400, "invalid_label"),
    ({**ONE, "label": 10}, 400, "invalid_label"),
    ({**ONE, "label": -1}, 400, "invalid_label"),
    ({**ONE, "label": None}, 400, "invalid_label"),
    ({"label": 3}, 400, "missing_drawing"),
    ({**ONE, "image": "data:image/png;base64,AAAA", "label": 3}, 400, "missing_drawing"),
    ({"strokes": [], "label": 3}, 400, "blank_drawing"),
    ({"image": data_url(canvas_png(np.zeros((28, 28), np.uint8))), "label": 3}, 400, "blank_drawing"),
    ({"image": "data:text/html;base64,PGh0bWw+", "label": 3}, 415, "unsupported_media_type"),
    ({"strokes": [[[1, 2], [3, "x"]]], "label": 3}, 400, None),
    # Readable, but more than any drawing needs: not kept.
    ({"image": data_url(padded_png(300 * 1024)), "label": 1}, 413, "drawing_too_large"),
])
def test_bad_bodies_are_refused_with_json_and_nothing_is_saved(client, stored, body, status, code):
    assert_error(client.post("/api/drawings", json=body), status, code)
    assert list_drawings(stored, Viewer.admin()).drawings == []


@pytest.mark.parametrize("data, content_type, status", [
    (json.dumps({**ONE, "label": 1}), "text/plain", 415),                     # what a cross-site form can send
    ("label=1&strokes=x", "application/x-www-form-urlencoded", 415),
    ("", "application/json", 400),
    ("[1, 2]", "application/json", 400),
    ("{", "application/json", 400),
])
def test_writes_take_json_bodies_only(client, stored, data, content_type, status):
    assert_error(client.post("/api/drawings", data=data, content_type=content_type), status)
    assert list_drawings(stored, Viewer.admin()).drawings == []


def test_a_cross_site_preflight_is_never_granted(client):
    answer = client.options("/api/drawings", headers={"Origin": "https://evil.example",
                                                      "Access-Control-Request-Method": "POST",
                                                      "Access-Control-Request-Headers": "content-type"})
    assert not any(name.lower().startswith("access-control-allow") for name in answer.headers.keys())


def test_the_visitor_cookie_is_the_dashboards_own(client):
    answer = client.post("/api/drawings", json={**ONE, "label": 1})
    cookies = answer.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith(COOKIE + "=")
    attributes = {part.strip().split("=")[0].lower() for part in cookies[0].split(";")}
    assert {"httponly", "path", "samesite"} <= attributes and "secure" not in attributes
    assert "Path=/;" in cookies[0] + ";" and "SameSite=Lax" in cookies[0]
    assert "session" not in answer.headers.get("Vary", "").lower()     # Flask's session was not touched
    # The same visitor next time: no new cookie.
    assert client.post("/api/drawings", json={**SEVEN, "label": 7}).headers.getlist("Set-Cookie") == []


def test_the_cookie_is_secure_over_https(database_url):
    client = make_app(database_url).server.test_client()
    answer = client.post("/api/drawings", json={**ONE, "label": 1}, base_url="https://digits.example")
    assert "Secure" in answer.headers["Set-Cookie"]


def test_a_forged_cookie_makes_a_new_visitor(client, stored):
    client.set_cookie(COOKIE, "someone-else.forged-signature")
    answer = client.post("/api/drawings", json={**ONE, "label": 1})
    visitor = get_drawing(stored, Viewer.admin(), answer.json["id"]).visitor
    assert visitor != "someone-else" and answer.headers["Set-Cookie"].startswith(COOKIE)


def test_each_visitor_sees_only_their_own_drawings(database_url, stored):
    app = make_app(database_url)
    alice, bob = app.server.test_client(), app.server.test_client()
    alice_ids = [alice.post("/api/drawings", json={**ONE, "label": d}).json["id"] for d in (1, 4)]
    bob_id = bob.post("/api/drawings", json={**SEVEN, "label": 7}).json["id"]
    visitor_of = {d.id: d.visitor for d in list_drawings(stored, Viewer.admin()).drawings}
    assert visitor_of[alice_ids[0]] == visitor_of[alice_ids[1]] != visitor_of[bob_id]
    assert [d.id for d in list_drawings(stored, Viewer.of(visitor_of[bob_id])).drawings] == [bob_id]


WRONG_CREDENTIALS = [{}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"},
                     {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": f"Bearer {TOKEN[:-1]}"},
                     {"Authorization": f"bearer {TOKEN.upper()}"}, {"Authorization": "Bearer "},
                     {"Authorization": "Bearer \u00e9t\u00e9"}]
ADMIN_ROUTES = [("GET", "/api/drawings"), ("GET", "/api/drawings/1"), ("DELETE", "/api/drawings/1"),
                ("GET", "/api/drawings/export?format=idx"), ("GET", "/api/drawings/export?format=npz")]


def test_the_admins_routes_want_the_token(client, stored):
    client.post("/api/drawings", json={**ONE, "label": 1})
    for method, path in ADMIN_ROUTES:
        for headers in WRONG_CREDENTIALS:
            answer = client.open(path, method=method, headers=headers)
            error = assert_error(answer, 401, "unauthorized")
            assert answer.headers["WWW-Authenticate"].lower().startswith("bearer")
            assert TOKEN not in answer.get_data(as_text=True) + str(answer.headers), (method, path)
            assert set(answer.get_json()) == {"error"} and "token" in error["message"]
    assert len(list_drawings(stored, Viewer.admin()).drawings) == 1
    assert client.get("/api/drawings/1", headers=ADMIN).status_code == 200


def test_with_no_token_configured_there_is_no_admin(database_url):
    client = make_app(database_url, DIGIT_READER_ADMIN_TOKEN=None).server.test_client()
    for headers in ({}, ADMIN, {"Authorization": "Bearer None"}, {"Authorization": "Bearer "}):
        error = assert_error(client.get("/api/drawings", headers=headers), 401, "unauthorized")
        assert "DIGIT_READER_ADMIN_TOKEN" in error["message"]


def test_the_admin_lists_newest_first_page_by_page(client):
    ids = [client.post("/api/drawings", json={**(ONE if i % 2 else SEVEN), "label": i % 10}).json["id"]
           for i in range(7)]
    seen, url = [], "/api/drawings?limit=3"
    while url:
        page = client.get(url, headers=ADMIN)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        assert len(page.json["drawings"]) <= 3
        seen += page.json["drawings"]
        url = page.json["next"]
    assert [d["id"] for d in seen] == ids[::-1]
    first = seen[0]
    assert set(first) >= {"id", "label", "predicted", "confidence", "created"} and first["created"].endswith("Z")
    wrong = client.get("/api/drawings?wrong=true&limit=500", headers=ADMIN).json["drawings"]
    assert all(d["label"] != d["predicted"] for d in wrong) and len(wrong) >= 5
    sevens = client.get("/api/drawings?label=6", headers=ADMIN).json["drawings"]
    assert [d["id"] for d in sevens] == [ids[6]]


@pytest.mark.parametrize("query, code", [("limit=0", "invalid_limit"), ("limit=501", "invalid_limit"),
                                         ("limit=ten", "invalid_limit"), ("before=-1", "invalid_before"),
                                         ("label=10", "invalid_label"), ("predicted=x", "invalid_predicted"),
                                         ("wrong=yes", "invalid_wrong")])
def test_bad_list_queries_are_400(client, query, code):
    assert_error(client.get(f"/api/drawings?{query}", headers=ADMIN), 400, code)


def test_one_drawing_with_its_input_and_what_was_drawn(client, mnist_test):
    images, labels = mnist_test
    strokes_id = client.post("/api/drawings", json={**ONE, "label": 1}).json["id"]
    image = canvas_png(images[1])
    image_id = client.post("/api/drawings", json={"image": data_url(image), "label": int(labels[1])}).json["id"]
    one = client.get(f"/api/drawings/{strokes_id}", headers=ADMIN).json
    assert one["strokes"] == ONE["strokes"] and one["width"] == 22 and len(one["probabilities"]) == 10
    pixels = np.array(one["model_input"])
    assert pixels.shape == (28, 28) and pixels.max() > 200 and pixels.min() == 0
    other = client.get(f"/api/drawings/{image_id}", headers=ADMIN).json
    assert other["image"] == data_url(image) and "strokes" not in other
    assert_error(client.get("/api/drawings/999999", headers=ADMIN), 404)


def test_delete_is_204_then_404(client, stored):
    drawing_id = client.post("/api/drawings", json={**ONE, "label": 1}).json["id"]
    answer = client.delete(f"/api/drawings/{drawing_id}", headers=ADMIN)
    assert answer.status_code == 204 and answer.data == b""
    assert get_drawing(stored, Viewer.admin(), drawing_id) is None
    assert_error(client.delete(f"/api/drawings/{drawing_id}", headers=ADMIN), 404)


def test_wrong_methods_are_405_with_allow(client):
    for method, path in [("PUT", "/api/drawings"), ("PATCH", "/api/drawings/1"), ("POST", "/api/drawings/1"),
                         ("POST", "/api/drawings/export")]:
        answer = client.open(path, method=method, headers=ADMIN, json={})
        assert_error(answer, 405)
        assert "GET" in answer.headers["Allow"]


def test_the_export_downloads_mnist_files_and_an_npz(client):
    labels = [3, 1, 7]
    for label, drawing in zip(labels, (SEVEN, ONE, SEVEN)):
        client.post("/api/drawings", json={**drawing, "label": label})
    idx = client.get("/api/drawings/export?format=idx", headers=ADMIN)
    assert idx.status_code == 200 and "attachment" in idx.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(idx.data)) as bundle:
        assert sorted(bundle.namelist()) == sorted([IMAGES_FILE, LABELS_FILE])
        images = _parse_idx(gzip.decompress(bundle.read(IMAGES_FILE)))
        assert list(_parse_idx(gzip.decompress(bundle.read(LABELS_FILE)))) == labels
    assert images.shape == (3, 28, 28) and images.dtype == np.uint8
    npz = client.get("/api/drawings/export?format=npz", headers=ADMIN)
    with np.load(io.BytesIO(npz.data), allow_pickle=False) as arrays:
        assert np.array_equal(arrays["images"], images) and list(arrays["labels"]) == labels
        assert list(arrays["predicted"]) == [7, 1, 7]
    assert_error(client.get("/api/drawings/export?format=csv", headers=ADMIN), 400, "invalid_format")


def test_over_a_real_server(database_url, serve_wsgi):
    url = serve_wsgi(make_app(database_url).server)
    session = requests.Session()
    saved = session.post(url + "/api/drawings", json={**ONE, "label": 1}, timeout=30)
    assert saved.status_code == 201 and COOKIE in session.cookies
    listed = requests.get(url + "/api/drawings", headers=ADMIN, timeout=30).json()
    assert listed["drawings"][0]["id"] == saved.json()["id"]
    assert requests.get(url + "/api/drawings", timeout=30).status_code == 401
