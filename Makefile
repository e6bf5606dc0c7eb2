# Two commands a new user needs: `make run` (the dashboard on the bundled data) and `make test` (every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Where chromium is; the app, tests and benchmarks read the same variable (analysis/chromium.py).
CHROMIUM_PATH ?= /usr/bin/chromium

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

## Install what the tests need (Python packages, Debian's chromium for browser tests), lint, run every test.
test: $(VENV)/.dev browser lint
	$(PY) -m pytest

## Debian's chromium for the browser tests (needs root or sudo; Playwright cannot download browsers here).
browser:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; \
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
