# Rollbook developer entry points. README: `make run`, `make test`; the rest is here.
SHELL := /bin/bash
PYTHON := $(or $(PYTHON),$(shell sh scripts/find-python.sh))
ifeq ($(PYTHON),)
$(error No Python >= 3.12 found: install python3.13 (e.g. `pyenv install 3.13`) and run make again)
endif
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/rollbook
PYTEST_ARGS ?=

.PHONY: setup run test test-sqlite test-pg lint fmt demo migrate e2e bench postgres clean deploy-check audit

.tools/bin/uv:
	"$(PYTHON)" -m venv .tools && .tools/bin/pip install -q "uv==0.13.9"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python "$(PYTHON)"
	@mkdir -p var
	@touch $@

setup: $(VENV)/.synced  ## venv + dependencies (idempotent)

migrate: setup
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v 0

demo: migrate  ## load the demo school unless one is already there
	$(PY) manage.py demo --if-absent

run: demo  
	$(PY) manage.py demo --logins
	DEBUG=true $(VENV)/bin/honcho -f Procfile start

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) manage.py check --fail-level WARNING

fmt: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test-sqlite: setup
	$(VENV)/bin/pytest -n 2 -q $(PYTEST_ARGS)

postgres:  ## start the local PostgreSQL if it is stopped; fail loudly if unreachable
	@sh scripts/ensure-postgres.sh

test-pg: setup postgres
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n 2 -q $(PYTEST_ARGS)

# Known vulnerabilities in the locked dependencies (OSV, the database pip-audit uses), through
# uv's built-in audit. Where api.osv.dev cannot be reached (these build machines only reach the
# package registries) it says so loudly and does not fail: nothing was checked, nothing is hidden.
audit: setup  ## dependency vulnerability audit of uv.lock
	@if curl -s -m 5 -o /dev/null https://api.osv.dev/; then \
	  $(UV) audit --frozen --preview-features audit-command; \
	else \
	  echo "WARNING: api.osv.dev unreachable: dependency audit NOT run (run 'make audit' where it is)" >&2; \
	fi

e2e: setup  ## the browser journeys only (Debian chromium)
	$(VENV)/bin/pytest -q e2e

test: lint test-sqlite test-pg  ## lint + the whole suite on SQLite and PostgreSQL

bench: setup postgres  ## benchmarks (print ratios; not tests)
	$(PY) bench/import_year.py
	DATABASE_URL=$(PG_URL) $(PY) bench/register_save.py
	DATABASE_URL=$(PG_URL) $(PY) bench/register_peak.py
	DATABASE_URL=$(PG_URL) $(PY) bench/staff_pages.py
	$(PY) bench/monitor_year.py
	$(PY) bench/la_scale.py
	$(PY) bench/spark_scale.py
	$(PY) bench/outbox.py

clean:
	rm -rf $(VENV) .tools var/*.sqlite3

deploy-check: setup  ## `check --deploy` with production-like settings (a throw-away secret key)
	DEBUG=false ALLOWED_HOSTS=example.org EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
	SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
	$(PY) manage.py check --deploy --fail-level WARNING
