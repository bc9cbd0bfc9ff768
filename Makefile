# ctflow: `make run` serves the app on SQLite with demo data; `make test` runs lint and every test.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "ctflow needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

.PHONY: install
install: $(VENV)/.installed ## create .venv and install ctflow

# The links printed in letters (status pages) follow HOST and PORT, unless CTFLOW_BASE_URL is set.
.PHONY: run
run: export CTFLOW_BASE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed ## set up and serve on http://HOST:PORT, 127.0.0.1:5000 unless given (SQLite, demo councils and users)
	$(BIN)/ctflow db upgrade
	$(BIN)/ctflow seed-demo
	$(BIN)/ctflow serve --host $(HOST) --port $(PORT)

.PHONY: lint
lint: $(VENV)/.installed-dev ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The browser tests drive Debian's chromium package (never a browser downloaded by Playwright).
.PHONY: chromium
chromium:
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "chromium is missing and cannot be installed without root: apt-get install chromium" >&2; exit 1; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

.PHONY: test
test: lint chromium ## lint, then every test on SQLite and PostgreSQL (127.0.0.1:5432), and the browser tests
	$(BIN)/pytest -n auto --dist loadgroup

.PHONY: bench
bench: $(VENV)/.installed-dev ## print the benchmark figures (rules, the studio, the sandbox and a hostile diagram, sign-in, the engine with 100k cases, whole and old cases, the managers' dashboard over 100k cases)
	$(BIN)/python bench/bench_rules.py
	$(BIN)/python bench/bench_studio.py
	$(BIN)/python bench/bench_sandbox.py
	$(BIN)/python bench/bench_auth.py
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_case.py
	$(BIN)/python bench/bench_dashboard.py

.PHONY: bench-load
bench-load: $(VENV)/.installed-dev ## serve with gunicorn (2 workers) and run the worker on PostgreSQL, then print completions/s, latencies and memory under 1, 4 and 16 clients
	$(BIN)/python bench/bench_load.py

.PHONY: bench-kill
bench-kill: $(VENV)/.installed-dev ## SIGKILL ctflow serve --workers 2 mid-stream and ctflow worker mid-sweep on PostgreSQL, then print what was applied, sent and fired, and ctflow check
	$(BIN)/python bench/bench_kill.py

# The GOV.UK Frontend release named in package-lock.json, built for ctflow (app/assets/ctflow.scss)
# and committed under app/static/govuk-frontend/, so `make run` and `make test` need no npm.
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
GOVUK_STATIC := app/static/govuk-frontend
# The bpmn-js viewer (case pages draw the case's diagram), copied as released.
BPMN_DIST := node_modules/bpmn-js/dist
BPMN_STATIC := app/static/bpmn-js
# The process owners' studio: the bpmn-js modeler, properties panel and our extension
# (app/assets/studio/), bundled by esbuild into studio.js and studio.css with their fonts and
# icons as files (the CSP allows no inline styles nor data: URIs), LICENSES.txt and VERSION.
STUDIO_SRC := app/assets/studio
STUDIO_STATIC := app/static/studio

.PHONY: assets
assets: ## rebuild app/static/govuk-frontend/, app/static/bpmn-js/ and app/static/studio/ from npm (needs node and npm)
	npm ci --ignore-scripts --no-audit --no-fund
	rm -rf $(GOVUK_STATIC)
	mkdir -p $(GOVUK_STATIC)/assets
	node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps \
		--load-path=node_modules/govuk-frontend/dist app/assets/ctflow.scss $(GOVUK_STATIC)/govuk-frontend.min.css
	cp $(GOVUK_DIST)/govuk-frontend.min.js $(GOVUK_STATIC)/
	cp -R $(GOVUK_DIST)/assets/images $(GOVUK_DIST)/assets/manifest.json $(GOVUK_STATIC)/assets/
	cp app/assets/govuk-frontend-LICENSE.txt $(GOVUK_STATIC)/LICENSE.txt
	node -p 'require("govuk-frontend/package.json").version' > $(GOVUK_STATIC)/VERSION
	rm -rf $(BPMN_STATIC)
	mkdir -p $(BPMN_STATIC)
	cp $(BPMN_DIST)/bpmn-viewer.production.min.js $(BPMN_DIST)/assets/bpmn-js.css $(BPMN_DIST)/assets/diagram-js.css $(BPMN_STATIC)/
	cp node_modules/bpmn-js/LICENSE $(BPMN_STATIC)/LICENSE
	node -p 'require("bpmn-js/package.json").version' > $(BPMN_STATIC)/VERSION
	node $(STUDIO_SRC)/build.mjs $(STUDIO_STATIC)

.PHONY: format
format: $(VENV)/.installed-dev ## format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
