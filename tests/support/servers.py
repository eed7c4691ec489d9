"""Real HTTP servers on free loopback ports, for tests and benchmarks: any WSGI app served in this process
(``serving``), or ``python -m dashboard`` in a process of its own (``start_dashboard``), for the tests that
configure it through its environment, kill or restart it."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def serving(wsgi_app):
    """Serve ``wsgi_app`` with Werkzeug's threaded server while the block runs; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class ServerFailed(RuntimeError):
    """The dashboard exited while starting, or did not answer its health check in time."""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_dashboard(env=None, log_path=None, timeout_s=180):
    """Start ``python -m dashboard``; return ``(process, url)`` once ``/api/health`` answers 200.

    ``env`` adds to this process's environment (a value of ``None`` removes that variable); the server's
    output goes to ``log_path`` (its tail is in the error if it fails to start) or nowhere.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    environment = {name: value for name, value in environment.items() if value is not None}
    with open(log_path or os.devnull, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "dashboard", "--port", str(port)], cwd=ROOT,
                                   env=environment, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout_s
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if requests.get(url + "/api/health", timeout=5).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.3)
    why = f"exited with {process.returncode}" if process.poll() is not None else f"was not healthy in {timeout_s} s"
    stop(process)
    tail = Path(log_path).read_text(errors="replace")[-2000:] if log_path else ""
    raise ServerFailed(f"python -m dashboard {why}\n{tail}".rstrip())


def stop(process, timeout_s=30):
    """Terminate the server (SIGTERM), and kill it if it has not exited within ``timeout_s``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running_dashboard(env=None, log_path=None):
    """``start_dashboard`` for the length of a block: yields its URL, and stops it after."""
    process, url = start_dashboard(env=env, log_path=log_path)
    try:
        yield url
    finally:
        stop(process)
