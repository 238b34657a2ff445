# Aftersales — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 8000
export DATA_DIR ?= $(CURDIR)/var
export PYTHONPATH := $(CURDIR)/src

.PHONY: run test setup venv assets messages migrate demo lint check clean

# ---- set-up (idempotent; each step is skipped when already done) -------------------------
.venv/.installed: requirements-dev.lock
	test -x $(PY) || python3 -m venv .venv
	.venv/bin/pip install -q --disable-pip-version-check "uv==0.13.8"
	.venv/bin/uv pip sync -q --python $(PY) requirements-dev.lock
	.venv/bin/uv pip install -q --python $(PY) --no-deps -e .
	touch $@

venv: .venv/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	$(PY) tools/copy_vendor_assets.py

messages: venv
	$(PY) manage.py i18n_compile

setup: venv assets messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py calendar_seed --known -v0
	$(PY) manage.py collectstatic --noinput -v0

# ---- the two commands ---------------------------------------------------------------
# Both are the embedded demo: it may run on the public demo SECRET_KEY with DEBUG off
# (accounts/checks.py, docs/adr/0005-the-demo-secret-key.md). A real SECRET_KEY still wins.
run test: export AFTERSALES_DEMO ?= 1

run: setup
	$(PY) manage.py demo_seed --if-empty
	@bash tools/serve.sh $(PORT)

# TEST_DATABASE_URL (else DATABASE_URL) selects PostgreSQL; the test database is created beside it.
test: venv assets messages
	$(PY) manage.py collectstatic --noinput -v0
	DATABASE_URL="$${TEST_DATABASE_URL:-$${DATABASE_URL:-}}" $(PY) -m pytest $(PYTEST_ARGS)

# ---- developer checks (also run by .ci/run) -----------------------------------------
lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

check: venv
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf var node_modules src/aftersales/web/assets/vendor
