# Two commands a new user needs: `make run` (the dashboard on the bundled data) and `make test` (every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Where chromium is; the app, tests and benchmarks read the same variable (analysis/chromium.py).
CHROMIUM_PATH ?= /usr/bin/chromium
NGINX ?= /usr/sbin/nginx

.PHONY: run test lint benchmark browser sample

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## Start the dashboard on the bundled illustrative data (DATA_DIR=folder to use your own).
run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py

## Install what the tests need (Python packages; Debian's chromium and nginx), lint, run every test.
test: $(VENV)/.dev browser lint
	$(PY) -m pytest

## Debian's chromium and nginx for the browser tests (needs root or sudo; Playwright cannot download
## browsers here). nginx is for the reverse-proxy test, which starts its own on a free loopback port.
browser:
	@missing=""; \
	[ -x "$(CHROMIUM_PATH)" ] || missing="chromium"; \
	[ -x $(NGINX) ] || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq $$missing; fi; \
	fi

## Style (ruff), formatting (ruff format) and the import contracts of pyproject.toml (import-linter).
lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

benchmark: $(VENV)/.dev browser
	$(PY) benchmarks/run.py

## Rewrite the bundled data set in data/ from its generator.
sample: $(VENV)/.runtime
	$(PY) -m analysis sample --bundled --replace --out data
