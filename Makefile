# Two commands: `make run` (the app with demo data) and `make test` (lint and every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint pytest install install-dev chromium migrate demo clean

run: install migrate demo
	@echo "Pinpoint at http://$(HOST)/  (demo logins listed above; password clinic-demo)"
	$(BIN)/python manage.py runserver $(HOST)

test: install-dev chromium lint pytest

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Pinpoint needs Python 3.11"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { scripts/ensure-system-packages python3-venv && $(PYTHON) -m venv $(VENV); }

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Browser tests drive the system's Chromium; Playwright's own browser download is never used.
chromium:
	@command -v chromium >/dev/null || scripts/ensure-system-packages chromium

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: install
	$(BIN)/python manage.py seed_demo

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	@# Production static files must build offline (whitenoise's manifest needs every source map).
	DEBUG=0 SECRET_KEY=collectstatic-check STATIC_ROOT=$$(mktemp -d) $(BIN)/python manage.py collectstatic --noinput -v0

pytest: install-dev
	$(BIN)/pytest

clean:
	rm -rf $(VENV) staticfiles
