# `make run` starts the dashboard, `make test` runs the tests; each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: run test browser train evaluate benchmarks

$(VENV)/installed: requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --upgrade pip
	$(VENV)/bin/pip install -r requirements.txt -c constraints.txt
	$(VENV)/bin/pip install --no-deps -e .
	touch $@

run: $(VENV)/installed
	$(PY) -m dashboard --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: $(VENV)/installed browser
	$(PY) -m pytest

train: $(VENV)/installed
	$(PY) -m training.train

evaluate: $(VENV)/installed
	$(PY) -m training.evaluate

benchmarks: $(VENV)/installed
	$(PY) -m benchmarks.inference
	$(PY) -m benchmarks.dashboard
	$(PY) -m benchmarks.load
