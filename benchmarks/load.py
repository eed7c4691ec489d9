"""Load test of the production stack (``make serve``: nginx in front of gunicorn), driven over loopback.

    python -m benchmarks.load [--workers N] [--threads N] [--steady-seconds 20] [--soak-requests 10000]
    python -m benchmarks.load --stack gunicorn        # bare gunicorn, as before nginx went in front
    python -m benchmarks.load --slow-clients-only     # warm-up, then only the slow-clients phase

Starts deploy/serve.py (the launcher ``make serve`` runs) on a free 127.0.0.1 port and drives
``POST /api/predict`` from this process (the servers are nginx's and gunicorn's own processes) with
a cheap asyncio client: raw HTTP/1.1 over keep-alive connections, one per simulated client. Phases:

0. each kind of bad input alone, on the idle server: how fast it is refused;
1. steady: 32 clients for 20 s of valid drawings (real MNIST digits as the drawing pad's PNGs,
   and stroke lists);
2. burst: 64 clients for 10 s;
3. storm: the 32 valid clients again, alongside 16 attackers sending 250 bad requests a second in
   all (decompression bombs, malformed and deeply nested JSON, oversized bodies, hundreds of
   thousands of points, NaN strokes, non-images). Paced, not back to back: a refused request is
   so cheap that unpaced attackers would simply take whatever share of the CPU they are given,
   and the comparison would measure the storm's size rather than the server;
4. slow clients: 16 connections trickling a request's head (then, separately, 16 trickling a
   body) a piece a second and never finishing, while a few normal requests are timed one after
   another on fresh connections: the slowest is the figure (a request not answered in 10 s counts
   as 10 s);
5. soak: 10,000 valid requests from 32 clients; worker memory (RSS) before and after.

Every valid answer is checked against the answer the same drawing got during warm-up, so a
request answered with another's result counts as an error. Every bad request must get a 4xx.
Prints requests/s, latency percentiles and errors per phase, RSS per worker, and the goals met;
exits 1 if any goal is missed. The last line is machine-readable.
"""

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.artifacts import DEFAULT_MODEL_PATH
from model.report import EvaluationReport
from benchmarks.saves import SAVES_ENVIRONMENT, limit_bites, limit_check, mixed_phase
from tests.support.encoders import canvas_png
from tests.support.servers import free_port, stop
from tests.support.slow_clients import TRICKLES, slow_clients
from tests.support.stack import gunicorn_workers, serve_stack

ROOT = Path(__file__).resolve().parents[1]
PREDICT = "/api/predict"
REQUEST_TIMEOUT_S = 30
GOAL_RPS, GOAL_P99_MS, GOAL_STORM_P95_RATIO, GOAL_SOAK_GROWTH_MB = 250, 500, 2.0, 50
GOAL_SLOW_CLIENTS_S = 2.0
SLOW_CLIENTS, SLOW_TIMED_REQUESTS, SLOW_REQUEST_TIMEOUT_S = 16, 5, 10.0


# ---------------------------------------------------------------- what the clients send

def http_post(port, body, content_type="application/json", path=PREDICT):
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def valid_requests(port, count=48):
    """Real test digits as 280x280 canvas PNG data URLs, and a few drawings as stroke lists."""
    digits = EvaluationReport.load(DEFAULT_MODEL_PATH).gallery_images
    chosen = np.random.default_rng(0).choice(len(digits), size=count, replace=False)
    requests = [http_post(port, json.dumps({"image": "data:image/png;base64,"
                                            + base64.b64encode(canvas_png(digits[i], transparent=True)).decode()}).encode())
                for i in chosen]
    strokes = [
        [[[140, 40], [141, 140], [140, 240]]],                                           # a 1
        [[[80, 60], [200, 60], [120, 240]]],                                             # a 7
        [[[140, 50], [90, 100], [90, 200], [140, 240], [190, 200], [190, 100], [140, 50]]],  # a 0
        [[[90, 80], [140, 40], [190, 80], [90, 240], [200, 240]]],                       # a 2
    ]
    requests += [http_post(port, json.dumps({"strokes": s, "width": 22}).encode()) for s in strokes]
    return requests


def bad_requests(port):
    """The storm: each must be refused with a 4xx, quickly, without hurting everyone else."""
    def png(width, height, idat):
        def chunk(kind, payload):
            return len(payload).to_bytes(4, "big") + kind + payload + zlib.crc32(kind + payload).to_bytes(4, "big")
        header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")

    def image(data, media_type="image/png"):
        return json.dumps({"image": f"data:{media_type};base64," + base64.b64encode(data).decode()}).encode()

    compressed_bomb = png(12_000, 12_000, zlib.compress(b"\x00" * 12_001 * 12_000, 9))   # ~140 KB, 144 MP
    return {
        "header bomb, 50000x50000 PNG": http_post(port, image(png(50_000, 50_000, zlib.compress(b"\x00" * 4096)))),
        "compressed bomb, 12000x12000": http_post(port, image(compressed_bomb)),
        "malformed JSON": http_post(port, b'{"image": "data:image/png;base64,iVBOR'),
        "JSON nested 50,000 deep": http_post(port, b"[" * 50_000),
        "top-level list": http_post(port, b'[{"image": "x"}]'),
        "empty body": http_post(port, b""),
        "HTML data URL": http_post(port, image(b"<html><script>alert(1)</script></html>", "text/html")),
        "not an image": http_post(port, image(b"GIF89a" + os.urandom(600))),
        "truncated PNG": http_post(port, image(canvas_png(np.full((28, 28), 255, np.uint8), transparent=True)[:300])),
        "NaN and Infinity strokes": http_post(port, b'{"strokes": [[[1, 2], [NaN, Infinity]]]}'),
        "150,000 points (0.9 MB)": http_post(port, b'{"strokes": [[' + b",".join([b"[1,2]"] * 150_000) + b"]]}"),
        "400,000 points (2.4 MB)": http_post(port, b'{"strokes": [[' + b",".join([b"[1,2]"] * 400_000) + b"]]}"),
        "2.2 MB body": http_post(port, b'{"image": "' + b"A" * 2_200_000 + b'"}'),
        "width as a string": http_post(port, b'{"strokes": [[[1, 2], [3, 4]]], "width": "twenty"}'),
        "wrong content type": http_post(port, b'{"strokes": []}', content_type="text/plain"),
        "unknown saliency method": http_post(port, json.dumps({"strokes": [[[1, 2]]], "saliency": "gradcam"}).encode()),
    }


# ---------------------------------------------------------------- the client

class Connection:
    """One keep-alive HTTP/1.1 connection; reopened when the server closes an idle one."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None

    async def send(self, request):
        """Send a prepared request; return (status, body). Retries once on a stale keep-alive connection."""
        for attempt in range(2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                self.writer.write(request)
                await self.writer.drain()
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionResetError("closed before answering")
                length, close = 0, False
                while (line := await self.reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"connection" and value.strip().lower() == b"close":
                        close = True
                body = await self.reader.readexactly(length)
                if close:
                    self.close()
                return int(status_line.split()[1]), body
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt:
                    raise

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Tally:
    latencies_ms: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    errors: int = 0            # connection failures, timeouts, 5xx, wrong answers, bad input not refused
    requests: int = 0

    def record(self, latency_ms, status, ok):
        self.latencies_ms.append(latency_ms)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.errors += not ok
        self.requests += 1

    def percentile(self, q):
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else float("nan")


async def client(port, requests, check, tally, stop, budget, interval=0.0):
    """One simulated user: sends requests back to back (or one per ``interval`` seconds) until the phase ends."""
    connection = Connection(port)
    rng = random.Random(id(tally) ^ id(connection))
    next_send = time.monotonic() + rng.uniform(0, interval)
    try:
        while time.monotonic() < stop and budget.take():
            if interval:
                await asyncio.sleep(max(0.0, next_send - time.monotonic()))
                next_send += interval
            index = rng.randrange(len(requests))
            started = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(connection.send(requests[index]), REQUEST_TIMEOUT_S)
                ok = check(index, status, body)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
                connection.close()
                status, ok = "failed", False
            tally.record((time.perf_counter() - started) * 1000, status, ok)
    finally:
        connection.close()


class Budget:
    """A request count shared by a phase's clients (unbounded when None)."""

    def __init__(self, total=None):
        self.left = total

    def take(self):
        if self.left is None:
            return True
        self.left -= 1
        return self.left >= 0


async def run_phase(port, groups, seconds=None, total_requests=None):
    """``groups``: [(clients, requests, check, tally[, interval])], run together for ``seconds`` or ``total_requests``."""
    stop = time.monotonic() + (seconds or 3600)
    budget = Budget(total_requests)
    started = time.perf_counter()
    await asyncio.gather(*(client(port, requests, check, tally, stop, budget, *pacing)
                           for clients, requests, check, tally, *pacing in groups for _ in range(clients)))
    return time.perf_counter() - started


# ---------------------------------------------------------------- the server

@contextlib.contextmanager
def production_stack(log_path, workers=None, threads=None):
    """``make serve``'s stack on a free port: yields (port, gunicorn master pid)."""
    with serve_stack(log_path, workers=workers, threads=threads) as stack:
        print(f"make serve's stack (deploy/serve.py) on {stack.url}: nginx pid {stack.nginx_pid}, "
              f"gunicorn pid {stack.gunicorn_pid}")
        yield stack.port, stack.gunicorn_pid


@contextlib.contextmanager
def bare_gunicorn(log_path, workers=None, threads=None):
    """gunicorn alone on a free port, clients talking to it directly: yields (port, master pid)."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                  env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    try:
        wait_until_ready(server, log_path, gunicorn_workers(workers))
        print(f"bare gunicorn on 127.0.0.1:{port}, no proxy in front")
        yield port, server.pid
    finally:
        stop(server, timeout_s=60)


def wait_until_ready(server, log_path, workers, timeout_s=180):
    """Until every worker has logged that its model is loaded and warm."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{Path(log_path).read_text()[-3000:]}")
        if len(re.findall(r"Worker \d+ ready", Path(log_path).read_text())) >= workers:
            return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn workers not ready after {timeout_s} s:\n{Path(log_path).read_text()[-3000:]}")


def worker_pids(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    if children.exists():
        return sorted(int(pid) for pid in children.read_text().split())
    return sorted(int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat")
                  if _parent(stat) == master_pid)


def _parent(stat_path):
    try:
        return int(stat_path.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_memory(master_pid):
    return {pid: rss_mb(pid) for pid in worker_pids(master_pid)}


# ---------------------------------------------------------------- the run

def report(name, tally, seconds):
    rate = tally.requests / seconds if seconds else 0
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items(), key=str))
    print(f"  {name:<34} {tally.requests:>6} req in {seconds:5.1f} s = {rate:6.1f} req/s   "
          f"p50 {tally.percentile(50):6.1f}  p95 {tally.percentile(95):6.1f}  p99 {tally.percentile(99):6.1f} ms   "
          f"errors {tally.errors}   [{statuses}]")
    return rate


async def slow_clients_phase(port, request, expected):
    """The slowest of a few normal requests, each on a fresh connection, beside slow clients trickling
    headers, then bodies; an unanswered or wrong answer counts as the timeout."""
    slowest = 0.0
    for trickle in TRICKLES:
        with slow_clients("127.0.0.1", port, SLOW_CLIENTS, trickle, interval_s=1.0) as slow:
            await asyncio.sleep(1.0)          # every slow connection accepted and waiting on its next piece
            times = []
            for _ in range(SLOW_TIMED_REQUESTS):
                connection = Connection(port)
                started = time.perf_counter()
                try:
                    status, body = await asyncio.wait_for(connection.send(request), SLOW_REQUEST_TIMEOUT_S)
                    answered = status == 200 and body == expected
                except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
                    answered = False
                finally:
                    connection.close()
                times.append(time.perf_counter() - started if answered else SLOW_REQUEST_TIMEOUT_S)
                await asyncio.sleep(0.2)
            held = slow.held()
        slowest = max(slowest, *times)
        shown = ", ".join(f"{t:.2f}" if t < SLOW_REQUEST_TIMEOUT_S else "no answer" for t in times)
        print(f"  slow clients: {SLOW_CLIENTS} trickling {trickle:<7}  normal requests took [{shown}] s; "
              f"{held}/{SLOW_CLIENTS} slow connections still held at the end")
    return slowest


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, help="override gunicorn.conf.py's worker count")
    parser.add_argument("--threads", type=int, help="override gunicorn.conf.py's threads per worker")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--steady-seconds", type=float, default=20)
    parser.add_argument("--burst-clients", type=int, default=64)
    parser.add_argument("--burst-seconds", type=float, default=10)
    parser.add_argument("--storm-clients", type=int, default=16)
    parser.add_argument("--storm-rate", type=float, default=250, help="bad requests per second, all storm clients")
    parser.add_argument("--storm-seconds", type=float, default=15)
    parser.add_argument("--soak-requests", type=int, default=10_000)
    parser.add_argument("--stack", choices=["serve", "gunicorn"], default="serve",
                        help="serve: make serve's nginx + gunicorn (default); gunicorn: bare gunicorn, for comparison")
    parser.add_argument("--slow-clients-only", action="store_true", help="warm up, then only the slow-clients phase")
    args = parser.parse_args(argv)

    log_path = Path(tempfile.gettempdir()) / f"digit-reader-load-{os.getpid()}.log"
    os.environ.update(SAVES_ENVIRONMENT)      # the servers save into a fresh SQLite file, the limit raised for the run
    start = production_stack if args.stack == "serve" else bare_gunicorn
    with start(log_path, args.workers, args.threads) as (port, master_pid):
        return asyncio.run(drive(port, master_pid, args))


async def drive(port, master_pid, args):
    valid, bad_by_kind = valid_requests(port), bad_requests(port)
    bad = list(bad_by_kind.values())

    # Warm-up: every drawing's answer, to check every later answer against.
    expected = {}
    connection = Connection(port)
    for index, request in enumerate(valid):
        status, body = await connection.send(request)
        if status != 200:
            raise SystemExit(f"warm-up request {index} got {status}: {body[:300]!r}")
        expected[index] = body

    def valid_check(index, status, body):
        return status == 200 and body == expected[index]

    def bad_check(index, status, body):
        return 400 <= status < 500 and body.startswith(b'{"error":')

    warm = Tally()
    await run_phase(port, [(8, valid, valid_check, warm)], seconds=3)
    if args.slow_clients_only:
        connection.close()
        slow_max_s = await slow_clients_phase(port, valid[0], expected[0])
        met = slow_max_s <= GOAL_SLOW_CLIENTS_S
        print(f"  {'met ' if met else 'MISSED'}  a normal request within {GOAL_SLOW_CLIENTS_S:g} s "
              f"beside {SLOW_CLIENTS} slow clients")
        print(f"slow_clients_max_s={slow_max_s:.2f}")
        return 0 if met else 1
    memory_start = worker_memory(master_pid)
    cpu_count = os.cpu_count()
    print(f"port {port}: {len(memory_start)} gunicorn workers, machine has {cpu_count} CPUs; "
          f"load generator in this process (pid {os.getpid()}).")

    # Each kind of bad input alone on an idle server: how fast it is refused (one connection, in turn).
    print("  bad input on an idle server, one at a time (p50 of 20, round trip):")
    probe_errors = 0
    for kind, request in bad_by_kind.items():
        times, statuses = [], set()
        for _ in range(20):
            started = time.perf_counter()
            status, _ = await connection.send(request)
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(status)
        probe_errors += sum(not 400 <= status < 500 for status in statuses)
        print(f"    {kind:<32} {np.median(times):6.2f} ms   {sorted(statuses)}")
    connection.close()

    steady = Tally()
    seconds = await run_phase(port, [(args.clients, valid, valid_check, steady)], seconds=args.steady_seconds)
    steady_rate = report(f"steady, {args.clients} clients", steady, seconds)

    mixed, seconds, saves_answered, saves_stored = await mixed_phase(port, valid, expected, args.clients,
                                                                      args.steady_seconds)
    mixed_rate = report(f"mixed, {args.clients} clients, 1 in 10 a save", mixed, seconds)
    print(f"    {saves_answered} saves answered 201, {saves_stored} stored")

    burst = Tally()
    seconds = await run_phase(port, [(args.burst_clients, valid, valid_check, burst)], seconds=args.burst_seconds)
    report(f"burst, {args.burst_clients} clients", burst, seconds)

    storm_valid, storm_bad = Tally(), Tally()
    storm_interval = args.storm_clients / args.storm_rate
    seconds = await run_phase(port, [(args.clients, valid, valid_check, storm_valid),
                                     (args.storm_clients, bad, bad_check, storm_bad, storm_interval)],
                              seconds=args.storm_seconds)
    report(f"storm: valid, {args.clients} clients", storm_valid, seconds)
    report(f"storm: bad, {args.storm_clients} clients, <= {args.storm_rate:g}/s", storm_bad, seconds)

    slow_max_s = await slow_clients_phase(port, valid[0], expected[0])

    memory_before_soak = worker_memory(master_pid)
    soak = Tally()
    seconds = await run_phase(port, [(args.clients, valid, valid_check, soak)], total_requests=args.soak_requests)
    report(f"soak, {args.soak_requests} requests", soak, seconds)
    memory_after = worker_memory(master_pid)

    print("  worker RSS (MB):  pid: after warm-up -> before soak -> after soak (growth over soak)")
    growths = []
    for pid in sorted(set(memory_start) | set(memory_after)):
        before, after = memory_before_soak.get(pid, float("nan")), memory_after.get(pid, float("nan"))
        growths.append(after - before)
        print(f"    {pid}: {memory_start.get(pid, float('nan')):.0f} -> {before:.0f} -> {after:.0f} "
              f"({after - before:+.1f})")
    if set(memory_start) != set(memory_after):
        print("    (a worker was replaced during the run: max_requests or a crash; see the gunicorn log)")

    storm_ratio = storm_valid.percentile(95) / steady.percentile(95)
    total_errors = probe_errors + sum(t.errors for t in (steady, mixed, burst, storm_valid, storm_bad, soak))
    limit_statuses, retry_after = limit_check()
    print(f"  limit check, a server at the default: {limit_statuses.count(201)} saved, "
          f"{limit_statuses.count(429)} refused with 429 (Retry-After {retry_after} s)")
    max_growth = max(growths) if growths else float("nan")
    goals = {
        f"steady >= {GOAL_RPS} req/s": steady_rate >= GOAL_RPS,
        "no errors in any phase": total_errors == 0,
        f"steady p99 < {GOAL_P99_MS} ms": steady.percentile(99) < GOAL_P99_MS,
        f"mixed >= {GOAL_RPS} req/s, p99 < {GOAL_P99_MS} ms": mixed_rate >= GOAL_RPS
            and mixed.percentile(99) < GOAL_P99_MS,
        "every save answered 201 stored": saves_stored == saves_answered,
        "the save limit bites at its default (30 a minute)": limit_bites(limit_statuses, retry_after),
        f"storm valid p95 <= {GOAL_STORM_P95_RATIO:g}x steady p95": storm_ratio <= GOAL_STORM_P95_RATIO,
        f"soak memory growth < {GOAL_SOAK_GROWTH_MB} MB per worker": max_growth < GOAL_SOAK_GROWTH_MB,
        f"a normal request within {GOAL_SLOW_CLIENTS_S:g} s beside {SLOW_CLIENTS} slow clients":
            slow_max_s <= GOAL_SLOW_CLIENTS_S,
    }
    for goal, met in goals.items():
        print(f"  {'met ' if met else 'MISSED'}  {goal}")
    print(f"steady_rps={steady_rate:.1f} steady_p50_ms={steady.percentile(50):.1f} "
          f"steady_p95_ms={steady.percentile(95):.1f} steady_p99_ms={steady.percentile(99):.1f} "
          f"storm_p95_ratio={storm_ratio:.2f} errors={total_errors} soak_growth_mb={max_growth:.1f} "
          f"slow_clients_max_s={slow_max_s:.2f} mixed_rps={mixed_rate:.1f} mixed_p99_ms={mixed.percentile(99):.1f} "
          f"saves_lost={saves_answered - saves_stored} limit_saved={limit_statuses.count(201)}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
