"""Production: debug off, start-up that refuses a bad model, security headers on every page of ours,
the production entry's trust in proxies, and gunicorn serving the dashboard (tests/web/test_serve.py
runs the whole `make serve` stack)."""

import importlib
import json
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import flask
import pytest
import requests

from dashboard import create_app
from dashboard.api import create_api_blueprint
from dashboard.settings import DEFAULT_MAX_BODY_BYTES, Settings, SettingsError
from model.artifacts import DEFAULT_MODEL_PATH, report_arrays_path, report_path
from tests.support.http import PREDICT, chunked_post, dash_config, raw_http
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- debug off

def test_debug_and_dev_tools_are_off_by_default(app, live_server, monkeypatch):
    assert app.server.debug is False
    config = dash_config(requests.get(live_server + "/", timeout=10).text)
    assert config["ui"] is False and config["props_check"] is False and "hot_reload" not in config
    monkeypatch.setenv("FLASK_DEBUG", "1")          # Flask's own switch does not turn it on behind our back
    assert create_app().server.debug is False


def test_a_malformed_debug_setting_stops_the_factory(monkeypatch):
    monkeypatch.setenv("DIGIT_READER_DEBUG", "yes")
    with pytest.raises(SettingsError):
        create_app()


# ---------------------------------------------------------------- start-up

def run_dashboard(*args, env=None, timeout=120):
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=timeout)


def assert_refused_to_start(result, *phrases):
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    reason = [line for line in result.stderr.splitlines() if line.startswith("Digit Reader cannot start:")]
    assert len(reason) == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in reason[0], reason[0]


def test_a_missing_model_stops_start_up_with_one_line(tmp_path):
    assert_refused_to_start(run_dashboard("--model", str(tmp_path / "nowhere.keras")), "not found")


def test_a_malformed_setting_stops_start_up_with_one_line():
    assert_refused_to_start(run_dashboard(env={"DIGIT_READER_DEBUG": "yes"}), "DIGIT_READER_DEBUG", "true, false, 1, 0")


def test_a_model_that_does_not_match_its_report_stops_start_up(tmp_path):
    model = tmp_path / "digit_cnn.keras"
    data = bytearray(DEFAULT_MODEL_PATH.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    shutil.copy(report_path(DEFAULT_MODEL_PATH), report_path(model))
    shutil.copy(report_arrays_path(DEFAULT_MODEL_PATH), report_arrays_path(model))
    assert_refused_to_start(run_dashboard("--model", str(model)), "SHA-256")


def test_a_corrupt_model_without_a_report_stops_start_up(tmp_path):
    model = tmp_path / "digit_cnn.keras"
    model.write_bytes(b"PK\x03\x04 this is not a keras archive")
    assert_refused_to_start(run_dashboard("--model", str(model)), "could not be loaded")


def test_health_says_not_ready_until_the_model_is_loaded(serve_wsgi):
    bare = flask.Flask("loading")
    bare.register_blueprint(create_api_blueprint(None), url_prefix="/api")
    url = serve_wsgi(bare)
    health = requests.get(url + "/api/health", timeout=10)
    assert health.status_code == 503 and health.json() == {"status": "loading"}
    predict = requests.post(url + "/api/predict", json={"strokes": []}, timeout=10)
    assert predict.status_code == 503 and predict.json()["error"]["code"] == "service_unavailable"


# ---------------------------------------------------------------- headers

def our_urls(live_server):
    page = requests.get(live_server + "/", timeout=10).text
    scripts = [src for src in re.findall(r'<script src="([^"]+)"', page) if src.startswith("/")]
    return ["/", "/_dash-layout", "/_dash-dependencies", "/api/health", "/assets/style.css", scripts[0],
            "/no/such/page"]


def test_every_page_of_ours_has_the_security_headers(app, live_server):
    hashes = app.csp_hashes()
    for path in our_urls(live_server):
        response = requests.get(live_server + path, timeout=10)
        assert response.status_code in (200, 404), path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
        script_sources = next(d for d in policy.split("; ") if d.startswith("script-src")).split()
        assert set(hashes) <= set(script_sources) and "'unsafe-inline'" not in script_sources
    errors = [requests.post(live_server + PREDICT, data="{", headers={"Content-Type": "application/json"}, timeout=10),
              requests.post(live_server + "/_dash-update-component", data="[", timeout=10,
                            headers={"Content-Type": "application/json"})]
    for response in errors:
        assert response.status_code == 400 and response.headers["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------- behind a proxy

def test_trusted_proxies_is_a_strict_count():
    assert Settings.load({}, environ={}).trusted_proxies == 0
    assert Settings.load({}, environ={"DIGIT_READER_TRUSTED_PROXIES": "1"}).trusted_proxies == 1
    for raw in ("-1", "6", "one", "1.0", "", True):
        with pytest.raises(SettingsError, match="DIGIT_READER_TRUSTED_PROXIES"):
            Settings.load({"DIGIT_READER_TRUSTED_PROXIES": raw}, environ={})


@pytest.mark.parametrize("trusted, address, scheme", [("0", "192.0.2.1", "http"), ("1", "198.51.100.7", "https")])
def test_the_production_entry_believes_only_the_configured_proxies(monkeypatch, trusted, address, scheme):
    """dashboard.wsgi itself, imported as gunicorn imports it: with no trusted proxy the socket's peer is
    the client whatever the headers say; with one, the last hop of X-Forwarded-For (the proxy's own
    entry, after whatever the client wrote) and X-Forwarded-Proto."""
    monkeypatch.setenv("DIGIT_READER_TRUSTED_PROXIES", trusted)
    monkeypatch.delitem(sys.modules, "dashboard.wsgi", raising=False)
    server = importlib.import_module("dashboard.wsgi").server
    seen = []
    server.after_request(lambda response: seen.append((flask.request.remote_addr, flask.request.scheme)) or response)
    response = server.test_client().get("/api/health", environ_base={"REMOTE_ADDR": "192.0.2.1"}, headers={
        "X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https"})
    assert response.status_code == 200 and seen == [(address, scheme)]


# ---------------------------------------------------------------- gunicorn

def test_the_gunicorn_settings_suit_a_small_machine():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["wsgi_app"] == "dashboard.wsgi:server"
    assert conf["worker_class"] == "gthread" and conf["workers"] >= 1 and conf["threads"] >= 2
    assert conf["preload_app"] is False            # TensorFlow loads after the fork, in each worker
    assert conf["max_requests"] > 1000 and 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert conf["timeout"] >= 30 and conf["graceful_timeout"] > 0 and conf["keepalive"] > 0
    assert conf["secure_scheme_headers"] == {} and not conf["forwarder_headers"]   # the app's to judge


@pytest.mark.slow
def test_gunicorn_serves_the_dashboard(tmp_path):
    """The production server itself: health, a prediction, a chunked body over the limit refused, and
    forwarding headers from a client talking to it directly ignored (it logs what the app saw)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "gunicorn.log").open("w")
    access_log = tmp_path / "access.log"
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind",
                               f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", str(access_log),
                               "--access-logformat", "%(h)s %({wsgi.url_scheme}e)s %(U)s"],
                              cwd=ROOT, stdout=log, stderr=log, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                health = requests.get(url + "/api/health", timeout=30)
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.5)
        assert health.status_code == 200 and health.headers["X-Content-Type-Options"] == "nosniff"
        answer = requests.post(url + PREDICT, json={"strokes": [[[140, 40], [140, 240]]], "width": 22}, timeout=30)
        assert answer.status_code == 200 and answer.json()["digit"] == 1
        over = json.dumps({"image": "A" * (DEFAULT_MAX_BODY_BYTES + 10_000)}).encode()
        status, _, body = raw_http(url, chunked_post(PREDICT, over))
        assert status == 413 and json.loads(body)["error"]["code"] == "body_too_large"
        assert requests.get(url + "/", timeout=30).status_code == 200
        forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"}
        assert requests.get(url + "/api/health?forged", headers=forged, timeout=30).status_code == 200
        deadline = time.monotonic() + 10
        while "127.0.0.1 http /api/health" not in access_log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "127.0.0.1 http /api/health" in access_log.read_text(), access_log.read_text()
        assert "203.0.113.9" not in access_log.read_text()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
