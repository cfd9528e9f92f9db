# SPDX-License-Identifier: EUPL-1.2
# The whole setup on a fresh machine is two commands: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_WORKERS ?= 2

.PHONY: help venv install install-test system-deps demo demo-data serve test lint test-sqlite test-postgres bench messages clean lock audit

help:
	@echo "make demo   - install, migrate SQLite, load the demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test   - install what tests need (PostgreSQL and chromium included) and run the whole suite on SQLite and PostgreSQL"
	@echo "make bench  - run the benchmarks in bench/ (tables on screen, JSON in bench/results/)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools

venv: $(BIN)/python

# requirements.lock pins every package (make lock); installs use it as constraints, so every
# machine runs the set that tests/test_dependencies.py audited.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e ".[test]"
	touch $@

# The independent verifiers of the credentials interop test (tests/credentials/test_interop.py),
# from npm, pinned by interop/package-lock.json; run with the machine's node (20).
interop/node_modules/.installed: interop/package.json interop/package-lock.json
	cd interop && npm ci --no-audit --no-fund --loglevel=error
	touch $@

lock: install-test
	{ echo "# SPDX-License-Identifier: EUPL-1.2"; \
	  echo "# The Python packages llo installs, pinned: \`make lock\` writes this file and \`make install\` uses"; \
	  echo "# it as constraints. scripts/audit_deps.py audits it against security/advisories."; \
	  $(BIN)/pip freeze --exclude-editable | grep -v -e '^-e' -e '^llo=='; } > requirements.lock

audit: install-test
	$(BIN)/python scripts/audit_deps.py

# Node tools the tests run (the NL API Design Rules linter), pinned in tools/package-lock.json;
# install scripts are not run (one of them reports usage over the network).
SPECTRAL := tools/node_modules/.bin/spectral
tools/node_modules/.installed: tools/package.json tools/package-lock.json
	npm ci --prefix tools --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test interop/node_modules/.installed tools/node_modules/.installed

# The demo is a developer's machine, said explicitly (llo.core.checks refuses anything else
# with the demo login): debug on, plain http on loopback (no secure-only cookies), the demo
# login on, hashed static files from var/static, and keys of this machine made once in
# var/dev-keys.env (scripts/dev-keys.sh; llo has no built-in keys).
DEV_KEYS = set -a && . "$$(scripts/dev-keys.sh var $(BIN)/python)" && set +a &&
DEMO_ENV := $(DEV_KEYS) LLO_DEBUG=true LLO_HTTPS=false LLO_LOGIN_PLUGINS=demo LLO_STATIC_MANIFEST=1

demo: install
	$(DEMO_ENV) $(BIN)/llo migrate --no-input -v 0
	$(DEMO_ENV) $(BIN)/llo loaddemo
	$(DEMO_ENV) $(BIN)/llo collectstatic --no-input -v 0
	@$(DEMO_ENV) $(BIN)/llo demo_logins --url http://$(HOST):$(PORT)/
	$(DEMO_ENV) $(BIN)/gunicorn llo.wsgi:application -c python:llo.gunicorn_conf --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --log-level warning

system-deps:
	scripts/install-system-deps.sh

lint: install-test
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/llo makemigrations --check --dry-run -v 0

test-sqlite: install-test
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

test-postgres: install-test
	scripts/with-postgres.sh $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

test: install-test system-deps lint
	@echo "== the suite on SQLite =="
	$(MAKE) --no-print-directory test-sqlite
	@echo "== the suite on PostgreSQL =="
	$(MAKE) --no-print-directory test-postgres

bench: install-test system-deps
	$(DEV_KEYS) scripts/with-postgres.sh $(BIN)/python -m bench

messages: install-test
	$(BIN)/llo makemessages_llo

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache
