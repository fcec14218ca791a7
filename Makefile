# Two commands on a fresh Debian machine as root: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3 || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 0.0.0.0
PORT ?= 8000
DEMO_CASES ?= 240
# axe-core for the accessibility test (tests/e2e/test_accessibility.py), from the npm registry.
AXE_VERSION := 4.11.0
AXE := .cache/axe/package/axe.min.js

# Debian packages: build tools for psycopg2, WeasyPrint's libraries, free CJK fonts
# (Noto CJK, AR PL 楷/宋), gettext for the message catalogues, poppler for PDF checks
# in tests, Chromium for the browser tests.
APT_PACKAGES := python3 python3-venv python3-dev build-essential libpq-dev \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-noto-cjk fonts-arphic-gkai00mp fonts-arphic-gbsn00lp \
	gettext poppler-utils chromium

.PHONY: run test axe deps system-deps venv messages fonts migrate seed serve lint check-migrations worker beat clean

run: deps migrate seed serve

test: deps axe
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup --durations=25

axe: $(AXE)

# npm only for the tests; a machine with its own Node.js (npm on PATH) keeps it.
$(AXE):
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm; }
	mkdir -p .cache/axe
	cd .cache/axe && npm pack --silent axe-core@$(AXE_VERSION) && tar xzf axe-core-$(AXE_VERSION).tgz

deps: system-deps venv messages fonts

# Compact TrueType copies of the Noto Serif CJK SC faces for the official documents (cases/documents/fonts.py):
# built once into .cache/fonts (a few minutes), a no-op afterwards.
fonts: system-deps venv
	$(PY) manage.py build_document_fonts

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

messages:
	@$(PY) manage.py compilemessages -v0 --ignore=.venv

migrate:
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py ensure_roles

seed:
	IPDR_STAFF_OTP_REQUIRED=$${IPDR_STAFF_OTP_REQUIRED:-false} $(PY) manage.py seed_demo --cases $(DEMO_CASES)
	$(PY) manage.py seed_survey_demo
	$(PY) manage.py refresh_statistics

serve:
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	@echo "Demo: staff second factor (TOTP) is OFF (IPDR_STAFF_OTP_REQUIRED=false); production keeps it on."
	IPDR_STAFF_OTP_REQUIRED=$${IPDR_STAFF_OTP_REQUIRED:-false} $(PY) manage.py runserver $(HOST):$(PORT)

lint:
	$(VENV)/bin/ruff check .

check-migrations:
	$(PY) manage.py makemigrations --check --dry-run

# A real worker and beat, for running against Redis (see README).
worker:
	$(VENV)/bin/celery -A config worker -l info --concurrency 2

beat:
	$(VENV)/bin/celery -A config beat -l info

clean:
	rm -rf $(VENV) var staticfiles
