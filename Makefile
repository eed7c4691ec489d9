# `make run` starts the dashboard, `make serve` the production stack, `make test` runs the tests;
# each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: run serve test browser nginx train evaluate benchmarks plotly-bundle

$(VENV)/installed: requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --upgrade pip
	$(VENV)/bin/pip install -r requirements.txt -c constraints.txt
	$(VENV)/bin/pip install --no-deps -e .
	touch $@

run: $(VENV)/installed
	$(PY) -m dashboard --host $(HOST) --port $(PORT)

# Production: nginx in front of gunicorn, in the foreground (deploy/serve.py); Ctrl-C stops both.
serve: $(VENV)/installed nginx
	$(PY) deploy/serve.py --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Debian's nginx for `make serve` and its tests (not on PATH for every user: Debian puts it in /usr/sbin).
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

# axe-core for the accessibility checks: test-only JavaScript, pinned in package-lock.json, never served.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund
	touch $@

# Our plotly.js (dashboard/plotly_bundle.py), committed built: only a change of traces or of plotly.js needs this.
plotly-bundle:
	cd dashboard/vendor/plotly && npm ci --no-audit --no-fund && node build.js

test: $(VENV)/installed browser nginx node_modules/.installed
	$(PY) -m pytest

train: $(VENV)/installed
	$(PY) -m training.train

evaluate: $(VENV)/installed
	$(PY) -m training.evaluate

benchmarks: $(VENV)/installed
	$(PY) -m benchmarks.inference
	$(PY) -m benchmarks.dashboard
	$(PY) -m benchmarks.load
