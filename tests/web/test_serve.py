"""``make serve``'s stack: nginx in front of gunicorn, started by deploy/serve.py exactly as ``make serve``
starts it, on a free port, with one gunicorn worker (four threads: fewer for slow clients to hold
than production's two workers, and one model load instead of two).

It answers the dashboard and the API; slow clients trickling headers or bodies do not stall it
(the 2 s figure is ``python -m benchmarks.load``'s; here a generous 10 s); nginx refuses a body over
the app's limit with the app's JSON 413; no server version reaches clients; the app sees the
client's address as nginx reports it, never one a client forged; a malformed setting stops it
before anything starts; Ctrl-C stops everything, and either server dying stops the other.
Skipped where nginx is not installed (``make test`` installs it).
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from dashboard.settings import DEFAULT_MAX_BODY_BYTES
from tests.support.http import PREDICT, chunked_post, dash_config, raw_http
from tests.support.servers import free_port
from tests.support.slow_clients import TRICKLES, slow_clients
from tests.support.stack import LAUNCHER, ROOT, nginx_installed, serve_stack

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not nginx_installed(), reason="nginx is not installed: `make nginx` installs it (make test does)"),
]

ONE = {"strokes": [[[140, 40], [140, 240]]], "width": 22}
# gunicorn logs what the app saw: REMOTE_ADDR and the scheme after ProxyFix (it rewrites the WSGI
# environ that gunicorn logs from), i.e. Flask's request.remote_addr and request.scheme.
ACCESS_LOG_FORMAT = "%(h)s %({wsgi.url_scheme}e)s %(r)s"


@pytest.fixture(scope="module")
def access_log(tmp_path_factory):
    return tmp_path_factory.mktemp("access") / "access.log"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, access_log):
    gunicorn_args = f"--access-logfile {access_log} --access-logformat '{ACCESS_LOG_FORMAT}'"
    with serve_stack(tmp_path_factory.mktemp("serve") / "serve.log", workers=1, gunicorn_args=gunicorn_args) as running:
        yield running


# ---------------------------------------------------------------- serving

def test_it_answers_the_dashboard_and_a_prediction(stack):
    page = requests.get(stack.url + "/", timeout=30)
    assert page.status_code == 200 and dash_config(page.text)["ui"] is False
    answer = requests.post(stack.url + PREDICT, json=ONE, timeout=30)
    assert answer.status_code == 200 and answer.json()["digit"] == 1
    assert requests.get(stack.url + "/api/health", timeout=30).json()["status"] == "ok"


@pytest.mark.parametrize("trickle", TRICKLES)
def test_slow_clients_do_not_stall_it(stack, trickle):
    """16 connections trickling a request (4x the threads gunicorn has here) and a normal one still answered."""
    with slow_clients("127.0.0.1", stack.port, count=16, trickle=trickle, interval_s=1.0) as slow:
        time.sleep(1.5)                       # all accepted, each waiting on its next piece
        answer = requests.post(stack.url + PREDICT, json=ONE, timeout=10)
        assert answer.status_code == 200 and answer.json()["digit"] == 1
        assert slow.held() == 16              # they were all still holding their connections


# ---------------------------------------------------------------- what nginx refuses and hides

def assert_body_too_large(status, head, body):
    assert status == 413, (status, head)
    assert re.search(r"(?im)^content-type: application/json", head), head
    assert json.loads(body)["error"]["code"] == "body_too_large"


def test_a_body_over_the_limit_is_refused_before_it_is_read(stack):
    # Only the head is sent: the 413 comes from the declared length alone, the body never read.
    head = (f"POST {PREDICT} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            f"Content-Length: {DEFAULT_MAX_BODY_BYTES + 1}\r\nConnection: close\r\n\r\n").encode()
    assert_body_too_large(*raw_http(stack.url, head))
    over = json.dumps({"image": "A" * (DEFAULT_MAX_BODY_BYTES + 10_000)}).encode()
    assert_body_too_large(*raw_http(stack.url, chunked_post(PREDICT, over)))


def test_no_server_version_reaches_clients(stack):
    answers = [requests.get(stack.url + path, timeout=30) for path in ("/", "/api/health", "/no/such/page")]
    answers.append(requests.post(stack.url + PREDICT, json=ONE, timeout=30))
    for answer in answers:
        assert answer.headers["Server"] == "nginx", answer.headers      # nginx's, without a version
        assert "gunicorn" not in str(answer.headers).lower()
    # nginx's own error pages: a 413, and a malformed request its parser refuses.
    too_large = raw_http(stack.url, (f"POST {PREDICT} HTTP/1.1\r\nHost: x\r\n"
                                     f"Content-Length: {DEFAULT_MAX_BODY_BYTES + 1}\r\n\r\n").encode())
    malformed = raw_http(stack.url, b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n")
    for status, head, body in (too_large, malformed):
        assert 400 <= status < 500
        text = head + body.decode("latin-1")
        assert not re.search(r"nginx/\d|gunicorn", text, re.IGNORECASE), text


# ---------------------------------------------------------------- the client's address

def request_from(stack, access_log, source_address, headers=""):
    """``GET /api/health?probe=…`` from a chosen loopback address; returns the access log line it made."""
    probe = uuid.uuid4().hex
    request = f"GET /api/health?probe={probe} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", stack.port), timeout=30, source_address=(source_address, 0)) as conn:
        conn.sendall(request.encode())
        assert conn.recv(65536).startswith(b"HTTP/1.1 200")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [line for line in access_log.read_text().splitlines() if probe in line]
        if lines:
            return lines[0]
        time.sleep(0.1)
    raise AssertionError(f"no access log line for probe {probe}")


def test_the_app_sees_the_client_address_nginx_reports(stack, access_log):
    # 127.0.0.2 is another loopback address: the app sees the client's, not the proxy's socket.
    assert request_from(stack, access_log, "127.0.0.2").startswith("127.0.0.2 http ")


def test_forwarding_headers_a_client_forges_are_ignored(stack, access_log):
    forged = "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: on\r\n"
    line = request_from(stack, access_log, "127.0.0.3", forged)
    assert line.startswith("127.0.0.3 http "), line
    assert "203.0.113.9" not in line


# ---------------------------------------------------------------- starting and stopping

def test_a_malformed_setting_stops_it_before_anything_starts():
    result = subprocess.run([sys.executable, str(LAUNCHER), "--port", str(free_port())], cwd=ROOT, text=True,
                            capture_output=True, timeout=60, env={**os.environ, "DIGIT_READER_MAX_BODY_BYTES": "2MB"})
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [result.stderr.strip()] and "DIGIT_READER_MAX_BODY_BYTES" in result.stderr
    assert "started" not in result.stderr



def running(pid):
    """Alive and not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def all_gone(pids, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while any(map(running, pids)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [pid for pid in pids if running(pid)]


def processes_of(stack, timeout_s=60):
    """nginx, gunicorn, and gunicorn's workers once it has forked them."""
    deadline = time.monotonic() + timeout_s
    while not (workers := re.findall(r"Booting worker with pid: (\d+)", stack.log())):
        assert time.monotonic() < deadline, stack.log()[-2000:]
        time.sleep(0.2)
    return [stack.nginx_pid, stack.gunicorn_pid, *map(int, workers)]


def private_directory(stack):
    return Path(re.search(r"Listening at: unix:(\S+)/gunicorn\.sock", stack.log()).group(1))


def refuses_connections(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_ctrl_c_stops_all_of_it_cleanly(tmp_path):
    with serve_stack(tmp_path / "serve.log", workers=1) as stack:
        processes, private = processes_of(stack), private_directory(stack)
        assert private.is_dir()
        stack.launcher.send_signal(signal.SIGINT)
        assert stack.launcher.wait(timeout=60) == 0, stack.log()[-2000:]
        assert all_gone(processes) == []
        assert refuses_connections(stack.port) and not private.exists()


@pytest.mark.parametrize("dies", ["nginx", "gunicorn"])
def test_either_server_dying_stops_the_other(tmp_path, dies):
    # While the worker is still loading its model (the cheapest moment): the launcher watches its
    # servers the same way before and after the stack answers.
    with serve_stack(tmp_path / "serve.log", workers=1, ready=False) as stack:
        processes = processes_of(stack)
        victim = stack.nginx_pid if dies == "nginx" else stack.gunicorn_pid
        os.kill(victim, signal.SIGKILL)
        assert stack.launcher.wait(timeout=60) == 1, stack.log()[-2000:]
        assert f"{dies} exited" in stack.log()
        assert all_gone(processes) == []
        assert refuses_connections(stack.port)
