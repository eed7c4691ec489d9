"""The dashboard mounted in a host Flask app leaves the host's routes, config, limits and error handlers alone.

And the factory works twice in one process: standalone twice, and two dashboards on one host.
"""

import copy
import json

import flask
import pytest
import requests

from dashboard import create_app, init_dashboard
from dashboard.settings import DEFAULT_MAX_BODY_BYTES
from tests.support.encoders import canvas_png, data_url
from tests.support.http import PREDICT, assert_json_error, dash_config

HOST_LIMIT = 16 * 1024


def build_host():
    """A host app with its own routes, config, body limit, hooks and error handlers."""
    host = flask.Flask("host_app")
    host.config.update(SECRET_KEY="host-secret", MAX_CONTENT_LENGTH=HOST_LIMIT, HOST_SETTING="kept",
                       DIGIT_READER_FRAME_ANCESTORS="'self' https://portal.example.com")

    @host.get("/")
    def home():
        return "host home"

    @host.post("/upload")
    def upload():
        return {"received": len(flask.request.get_data())}

    @host.get("/boom")
    def boom():
        raise RuntimeError("host failure")

    @host.after_request
    def tag(response):
        response.headers["X-Host"] = "yes"
        return response

    host.register_error_handler(404, lambda error: ("host 404", 404))
    host.register_error_handler(413, lambda error: ("host 413", 413))
    host.register_error_handler(500, lambda error: ("host 500", 500))
    return host


def snapshot(host):
    return {
        "config": copy.deepcopy(dict(host.config)),
        "rules": sorted((rule.rule, rule.endpoint, tuple(sorted(rule.methods))) for rule in host.url_map.iter_rules()),
        "handlers": {code: dict(handlers) for code, handlers in host.error_handler_spec[None].items()},
        "views": dict(host.view_functions),
    }


@pytest.fixture(scope="module")
def embedded():
    host = build_host()
    before = snapshot(host)
    dash_app = init_dashboard(host, url_base_pathname="/digits/")
    return host, before, dash_app


@pytest.fixture(scope="module")
def host_url(embedded, serve_wsgi):
    return serve_wsgi(embedded[0])


@pytest.fixture(scope="module")
def one_digit(mnist_test):
    images, labels = mnist_test
    return data_url(canvas_png(images[0])), int(labels[0])


def test_the_hosts_config_is_unchanged(embedded):
    host, before, _ = embedded
    assert dict(host.config) == before["config"]


def test_the_hosts_routes_and_error_handlers_are_unchanged(embedded):
    host, before, _ = embedded
    after = snapshot(host)
    assert set(before["rules"]) <= set(after["rules"])
    assert all(rule.startswith("/digits/") for rule, _, _ in set(after["rules"]) - set(before["rules"]))
    assert all(after["views"][endpoint] is view for endpoint, view in before["views"].items())
    for code, handlers in before["handlers"].items():
        assert {cls: after["handlers"][code][cls] for cls in handlers} == handlers


def test_the_hosts_pages_answer_as_before(host_url):
    home = requests.get(host_url + "/", timeout=10)
    assert home.text == "host home" and home.headers["X-Host"] == "yes"
    assert "Content-Security-Policy" not in home.headers    # our headers are for our pages only
    assert requests.get(host_url + "/nowhere", timeout=10).text == "host 404"
    assert requests.get(host_url + "/boom", timeout=10).text == "host 500"


def test_the_hosts_body_limit_still_applies_to_its_routes(host_url):
    assert requests.post(host_url + "/upload", data=b"x" * 1000, timeout=10).json() == {"received": 1000}
    too_big = requests.post(host_url + "/upload", data=b"x" * (HOST_LIMIT + 1), timeout=10)
    assert too_big.status_code == 413 and too_big.text == "host 413"


def test_the_dashboard_is_served_under_its_prefix_with_its_own_headers(host_url):
    page = requests.get(host_url + "/digits/", timeout=10)
    assert page.status_code == 200 and dash_config(page.text)["requests_pathname_prefix"] == "/digits/"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self' https://portal.example.com" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Host"] == "yes"        # the host's own hooks still run on our pages
    assert requests.get(host_url + "/digits/api/health", timeout=10).json()["status"] == "ok"


def test_the_api_has_its_own_body_limit_and_errors(host_url, one_digit):
    image, label = one_digit
    assert requests.post(host_url + "/digits" + PREDICT, json={"image": image}, timeout=30).json()["digit"] == label
    # Bigger than the host's 16 KiB limit, well within ours: a long single stroke, a "1".
    stroke = [[140, 40 + i * 0.025] for i in range(8000)]
    body = json.dumps({"strokes": [stroke], "width": 20})
    assert len(body) > 4 * HOST_LIMIT
    answer = requests.post(host_url + "/digits" + PREDICT, data=body, timeout=30,
                           headers={"Content-Type": "application/json"})
    assert answer.status_code == 200 and answer.json()["digit"] == 1
    # Over our own limit: our JSON 413, not the host's page.
    huge = json.dumps({"image": "A" * DEFAULT_MAX_BODY_BYTES})
    assert_json_error(requests.post(host_url + "/digits" + PREDICT, data=huge, timeout=30,
                                    headers={"Content-Type": "application/json"}), 413, "body_too_large")
    assert_json_error(requests.post(host_url + "/digits" + PREDICT, data="{", timeout=30,
                                    headers={"Content-Type": "application/json"}), 400, "invalid_json")


def test_the_legacy_route_lives_at_the_prefix(host_url, one_digit):
    image, label = one_digit
    answer = requests.post(host_url + "/digits/", data={"imageBase64": image}, timeout=30)
    assert answer.json() == {"guess": label}
    assert requests.post(host_url + "/", data={"imageBase64": image}, timeout=30).status_code == 405  # host's root


def test_two_standalone_apps_in_one_process(serve_wsgi, one_digit):
    image, label = one_digit
    first, second = create_app(), create_app()
    assert first.server is not second.server
    assert first.callback_map.keys() == second.callback_map.keys()
    for app in (first, second):
        url = serve_wsgi(app.server)
        assert requests.get(url + "/", timeout=10).status_code == 200
        assert requests.post(url + PREDICT, json={"image": image}, timeout=30).json()["digit"] == label


def test_two_dashboards_on_one_host(serve_wsgi, one_digit):
    image, label = one_digit
    host = build_host()
    init_dashboard(host, url_base_pathname="/digits/")
    init_dashboard(host, url_base_pathname="/reader/")
    url = serve_wsgi(host)
    for prefix in ("/digits/", "/reader/"):
        assert requests.get(url + prefix, timeout=10).status_code == 200
        assert requests.post(url + prefix + "api/predict", json={"image": image}, timeout=30).json()["digit"] == label
    assert requests.get(url + "/", timeout=10).text == "host home"


# --- collected drawings, embedded: the host's database, session, secret key and limits stay the host's ---

STROKES_ONE = {"strokes": [[[140, 40], [141, 140], [140, 240]]], "width": 22}


def test_saving_leaves_the_hosts_session_and_secret_key_alone(serve_wsgi, tmp_path, monkeypatch):
    from dashboard.access import COOKIE, KEY_FILE

    # No DIGIT_READER_ settings at all: the embedded defaults, in the host's instance folder.
    for name in ("DIGIT_READER_DATABASE_URL", "DIGIT_READER_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    host = flask.Flask("host_with_session", instance_path=str(tmp_path / "instance"))
    host.config.update(SECRET_KEY="host-secret", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'host.db'}")

    @host.get("/login")
    def login():
        flask.session["user"] = "ada"
        return "in"

    @host.get("/whoami")
    def whoami():
        return flask.session.get("user", "nobody")

    before = copy.deepcopy(dict(host.config))
    init_dashboard(host, url_base_pathname="/digits/")
    url = serve_wsgi(host)
    browser = requests.Session()
    browser.get(url + "/login", timeout=10)
    host_cookie = browser.cookies.get("session")
    saved = browser.post(url + "/digits/api/drawings", json={**STROKES_ONE, "label": 1}, timeout=30)
    assert saved.status_code == 201
    set_cookies = saved.raw.headers.getlist("Set-Cookie")
    assert len(set_cookies) == 1 and set_cookies[0].startswith(COOKIE + "=") and "Path=/digits/" in set_cookies[0]
    assert browser.cookies.get("session") == host_cookie and browser.get(url + "/whoami", timeout=10).text == "ada"
    assert dict(host.config) == before and host.secret_key == "host-secret"
    # Our files in the host's instance folder, named as ours; the host's database untouched.
    assert sorted(p.name for p in (tmp_path / "instance").iterdir() if not p.name.endswith(("-wal", "-shm"))) == \
        sorted([KEY_FILE, "digit_reader.sqlite3", "digit_reader.sqlite3.lock"])
    assert not (tmp_path / "host.db").exists()


def test_the_hosts_own_rate_limits_are_untouched(serve_wsgi):
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    host = flask.Flask("host_with_limits")
    # The host's own Flask-Limiter: a default of 1 an hour for its routes (from its config, which ours
    # must not read), 2 a minute on one route; it leaves the dashboard's paths to the dashboard.
    host.config.update(RATELIMIT_DEFAULT="1 per hour", RATELIMIT_STORAGE_URI="memory://",
                       DIGIT_READER_SAVES_PER_MINUTE=3)
    limiter = Limiter(get_remote_address, app=host,
                      default_limits_exempt_when=lambda: flask.request.path.startswith("/digits/"))

    @host.get("/limited")
    @limiter.limit("2 per minute")
    def limited():
        return "ok"

    @host.get("/defaulted")
    def defaulted():
        return "ok"

    before = copy.deepcopy(dict(host.config))
    init_dashboard(host, url_base_pathname="/digits/")
    url = serve_wsgi(host)
    assert [requests.get(url + "/limited", timeout=10).status_code for _ in range(3)] == [200, 200, 429]
    assert [requests.get(url + "/defaulted", timeout=10).status_code for _ in range(2)] == [200, 429]
    saves = [requests.post(url + "/digits/api/drawings", json={**STROKES_ONE, "label": 1}, timeout=30)
             for _ in range(4)]
    assert [save.status_code for save in saves] == [201, 201, 201, 429]        # our setting, not the host's
    assert saves[-1].json()["error"]["code"] == "too_many_saves"
    assert dict(host.config) == before
