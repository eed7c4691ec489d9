"""gunicorn settings for the Digit Reader: ``gunicorn -c gunicorn.conf.py`` (add ``--bind HOST:PORT``).

In production ``make serve`` (deploy/serve.py) runs it behind nginx, bound to a private Unix
socket: its threads read each request with no deadline, so it must only ever see whole requests
from a buffering proxy, never slow clients directly (``python -m benchmarks.load`` measures both).

Sized for a 2-core machine: one worker per core, each answering a few requests at once on
threads, so one request's Python (JSON, PNG decoding) overlaps another's TensorFlow, which
releases the GIL. Measured with ``python -m benchmarks.load`` on this machine: 1 worker is
GIL-bound at ~290 requests/s; 2 workers with 2, 4 or 8 threads, or 3 with 4, all reach ~520-570,
and 2 x 4 has the lowest p95. Each worker holds its own model: ~780 MB resident. Every value can
be overridden on the command line or in GUNICORN_CMD_ARGS.
"""

import os

wsgi_app = "dashboard.wsgi:server"
bind = "127.0.0.1:8000"        # make serve binds a Unix socket that only its nginx can reach

workers = 2                   # one per core on this 2-core machine (-w N on a bigger one)
worker_class = "gthread"      # keep-alive connections, and threads that overlap TensorFlow's GIL-free work
threads = 4
worker_connections = 1000     # open (mostly idle keep-alive) connections per worker

# Each worker imports dashboard.wsgi after the fork and loads, hash-checks and warms its own
# model: TensorFlow's runtime (its thread pools) does not survive a fork.
preload_app = False

# One TensorFlow thread per worker: the model is tiny, so intra-op parallelism only adds
# hand-offs, and the workers themselves already use every core. Set before any worker imports
# TensorFlow; a value already in the environment wins.
for _name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# A worker that stops heartbeating this long is killed and replaced; model loading at boot
# (a few seconds, more on a busy machine) must fit well inside it.
timeout = 60
graceful_timeout = 30         # in-flight requests finish on restart or shutdown
keepalive = 5                 # seconds an idle keep-alive connection is held open

# Recycle each worker after ~100,000 requests (jittered so they never restart together) to bound
# any slow growth in TensorFlow's or Python's heap. The load benchmark measures none (0.1 MB over
# 10,000 requests), and a restart costs a few seconds of model loading on one worker, so this is
# a safety net: about every 7 minutes per worker at full load, far less often in real use.
max_requests = 100_000
max_requests_jitter = 10_000

# Forwarding headers are the app's to judge (DIGIT_READER_TRUSTED_PROXIES, dashboard/wsgi.py). gunicorn
# would believe X-Forwarded-Proto and friends, and SCRIPT_NAME/PATH_INFO headers, from any Unix-socket
# peer and from loopback: a client reaching it directly could pick its own scheme or path prefix.
secure_scheme_headers = {}
forwarder_headers = ""

# Request-line and header limits; bodies are limited per route by the app itself (413 as JSON).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

worker_tmp_dir = "/dev/shm"   # heartbeat file in memory: a slow disk cannot make workers look hung
accesslog = None              # no per-request log line: at hundreds of requests/s it costs real CPU
errorlog = "-"
loglevel = "info"


def post_worker_init(worker):
    """Logged once the worker has imported the app: its model is loaded, hash-checked and warm."""
    worker.log.info("Worker %s ready: model loaded and warmed", worker.pid)
