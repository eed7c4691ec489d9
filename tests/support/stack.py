"""The ``make serve`` stack (deploy/serve.py: nginx in front of gunicorn) on a free loopback port, for
tests and benchmarks: started with the same launcher ``make serve`` runs, ready once every gunicorn
worker has loaded its model, stopped with Ctrl-C's signal."""

import contextlib
import os
import re
import runpy
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from deploy.serve import find_nginx
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "deploy" / "serve.py"
STARTED = re.compile(r"started gunicorn \(pid (\d+)\) and nginx \(pid (\d+)\)")
READY = re.compile(r"Digit Reader serving on \S+ \(nginx pid \d+, gunicorn pid \d+\)")


def nginx_installed():
    return find_nginx() is not None   # the launcher's own lookup: tests skip exactly when it would refuse


@dataclass
class Stack:
    url: str
    port: int
    launcher: subprocess.Popen
    nginx_pid: int
    gunicorn_pid: int
    log_path: Path

    def log(self):
        return self.log_path.read_text(errors="replace")


def gunicorn_workers(workers=None):
    return workers or runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]


@contextlib.contextmanager
def serve_stack(log_path, workers=None, threads=None, gunicorn_args="", env=None, ready=True, timeout_s=180):
    """Run ``python deploy/serve.py`` on a free port; yield a ``Stack`` once every worker is warm
    (or, with ``ready=False``, as soon as both servers have started).

    ``workers``/``threads``/``gunicorn_args`` reach gunicorn through GUNICORN_CMD_ARGS, as they
    would from a shell. The launcher is stopped with SIGINT (Ctrl-C) at the end if still running.
    """
    port = free_port()
    options = gunicorn_args
    options += f" --workers {workers}" if workers else ""
    options += f" --threads {threads}" if threads else ""
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    if options.strip():
        environment["GUNICORN_CMD_ARGS"] = options.strip()
    log_path = Path(log_path)
    with log_path.open("w") as log:
        launcher = subprocess.Popen([sys.executable, str(LAUNCHER), "--host", "127.0.0.1", "--port", str(port)],
                                    cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=environment)
    try:
        nginx_pid, gunicorn_pid = _wait_until_ready(launcher, log_path, gunicorn_workers(workers) if ready else 0,
                                                    timeout_s)
        yield Stack(f"http://127.0.0.1:{port}", port, launcher, nginx_pid, gunicorn_pid, log_path)
    finally:
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGINT)
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            launcher.kill()
            launcher.wait()


def _wait_until_ready(launcher, log_path, workers, timeout_s):
    """(nginx pid, gunicorn pid) once both started and, unless ``workers`` is 0, all workers are warm."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        if launcher.poll() is not None:
            raise RuntimeError(f"deploy/serve.py exited with {launcher.returncode}:\n{text[-3000:]}")
        started = STARTED.search(text)
        warm = READY.search(text) and len(re.findall(r"Worker \d+ ready", text)) >= workers
        if started and (workers == 0 or warm):
            return int(started.group(2)), int(started.group(1))
        time.sleep(0.3)
    raise RuntimeError(f"the stack was not ready after {timeout_s} s:\n{log_path.read_text()[-3000:]}")
