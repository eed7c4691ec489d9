"""The production stack in the foreground: nginx in front of gunicorn. ``make serve HOST=… PORT=…`` runs it.

    python deploy/serve.py [--host 127.0.0.1] [--port 8000]

nginx listens on HOST:PORT, reads each request whole (slow clients wait there, not in gunicorn's
threads) and passes it to gunicorn (gunicorn.conf.py) over a Unix socket in a private temporary
directory, which also holds nginx's rendered config, pid file and buffers, and goes when the
stack stops. gunicorn trusts one proxy's forwarding headers (DIGIT_READER_TRUSTED_PROXIES=1,
unless the environment says otherwise), so the app sees the client's address as nginx saw it.

Both servers are children of this process, each in a process group of its own: Ctrl-C or SIGTERM
stops both gracefully (exit 0); if either one exits, the other is stopped at once and this exits 1.
A line on stderr gives their pids as they start, and one on stdout says when the stack answers.
Extra gunicorn options go in GUNICORN_CMD_ARGS, as gunicorn reads them.
"""

import argparse
import ctypes
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
# Each server's (graceful, quick) stop. Graceful on Ctrl-C: requests in flight are answered. Quick
# when the other server has died: the stack cannot answer anyway, and a gunicorn worker still
# loading its model would otherwise finish loading first.
STOP_SIGNALS = {"nginx": (signal.SIGQUIT, signal.SIGTERM), "gunicorn": (signal.SIGTERM, signal.SIGINT)}
STOP_WAIT_S = 40                  # gunicorn's graceful_timeout (30 s) and then some
EXIT_CONFIG_ERROR = 2
_PR_SET_PDEATHSIG = 1


class Stop(Exception):
    """Ctrl-C, SIGTERM or SIGHUP reached the launcher."""


def find_nginx():
    """nginx on PATH, or where Debian puts it (/usr/sbin is not on every user's PATH)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def render_nginx_config(prefix, socket_path, host, port, max_body_bytes):
    """deploy/nginx.conf.template with its ``{{name}}`` values filled in; an unknown name is an error."""
    values = {
        "prefix": str(prefix),
        "socket": str(socket_path),
        "listen": f"{url_host(host)}:{port}",
        "max_body_bytes": str(max_body_bytes),
        # Started as root, nginx would run its workers as "nobody", who cannot reach our socket.
        "user": "user root root;" if os.geteuid() == 0 else "",
    }
    return re.sub(r"\{\{(\w+)\}\}", lambda match: values[match.group(1)], TEMPLATE.read_text())


def _die_with_parent():
    """In the child before exec: if the launcher is killed outright, the child gets SIGTERM."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start(command, env=None):
    # A process group of its own: a terminal's Ctrl-C reaches only the launcher, which stops the
    # servers in order instead of each one reacting on its own.
    return subprocess.Popen(command, cwd=ROOT, env=env, process_group=0,
                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)


def answers(host, port):
    """Whether the stack answers ``GET /api/health`` with 200 through nginx."""
    probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    connection = http.client.HTTPConnection(probe_host, port, timeout=5)
    try:
        connection.request("GET", "/api/health")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def first_to_exit(children, until=None):
    """Wait until a child exits (its name) or ``until()`` is true (None)."""
    while True:
        for name, child in children.items():
            if child.poll() is not None:
                return name
        if until is not None and until():
            return None
        time.sleep(0.5)


def signal_group(child, signum):
    """Signal a child and everything it started (its process group): a gunicorn master killed
    outright leaves its workers behind, and they must go too."""
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass


def stop(children, graceful):
    """Stop every child and its workers, then for good after STOP_WAIT_S."""
    for name, child in children.items():
        graceful_signal, quick_signal = STOP_SIGNALS[name]
        signal_group(child, graceful_signal if graceful else quick_signal)
    deadline = time.monotonic() + STOP_WAIT_S
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            signal_group(child, signal.SIGKILL)
            child.wait()


def serve(host, port):
    nginx = find_nginx()
    if nginx is None:
        print("Digit Reader cannot start: nginx is not installed (`make nginx`, or apt-get install nginx)",
              file=sys.stderr)
        return EXIT_CONFIG_ERROR
    try:
        settings = Settings.load()
    except SettingsError as error:
        print(f"Digit Reader cannot start: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR

    def on_signal(signum, frame):
        raise Stop(signal.Signals(signum).name)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)

    children, graceful = {}, False
    with tempfile.TemporaryDirectory(prefix="digit-reader-serve-") as private:   # mode 0700
        prefix = Path(private)
        socket_path = prefix / "gunicorn.sock"
        config = prefix / "nginx.conf"
        config.write_text(render_nginx_config(prefix, socket_path, host, port, settings.max_body_bytes))
        gunicorn_env = {**os.environ}
        gunicorn_env.setdefault("DIGIT_READER_TRUSTED_PROXIES", "1")   # nginx, and only nginx, is in front
        try:
            children["gunicorn"] = start([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                          "--bind", f"unix:{socket_path}"], env=gunicorn_env)
            children["nginx"] = start([nginx, "-p", str(prefix), "-c", str(config), "-e", "stderr"])
            print(f"Digit Reader: started gunicorn (pid {children['gunicorn'].pid}) and nginx "
                  f"(pid {children['nginx'].pid}); waiting for the model to load", file=sys.stderr, flush=True)
            # Probed only once gunicorn has made its socket: before that nginx could only log failures.
            exited = first_to_exit(children, until=lambda: socket_path.exists() and answers(host, port))
            if exited is None:
                print(f"Digit Reader serving on http://{url_host(host)}:{port}/ "
                      f"(nginx pid {children['nginx'].pid}, gunicorn pid {children['gunicorn'].pid}); "
                      "Ctrl-C stops it", flush=True)
                exited = first_to_exit(children)
            print(f"Digit Reader: {exited} exited with status {children[exited].returncode}; stopping the rest",
                  file=sys.stderr)
            return 1
        except Stop as reason:
            print(f"Digit Reader: {reason}, stopping", file=sys.stderr)
            graceful = True
            return 0
        finally:
            # While they stop gracefully, a second Ctrl-C stops them outright.
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, lambda *_: [signal_group(child, signal.SIGKILL) for child in children.values()])
            stop(children, graceful)


def url_host(host):
    return f"[{host}]" if ":" in host else host


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python deploy/serve.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address nginx listens on (0.0.0.0 for every interface)")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    return serve(args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
