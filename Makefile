# Two commands: `make run` (the app with demo data) and `make test` (lint and every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test test-dates lint pytest install install-dev chromium weasyprint-libs migrate demo clean

run: install migrate demo
	@echo "Pinpoint at http://$(HOST)/  (demo logins listed above; password pinpoint-demo)"
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

install: $(VENV)/.installed weasyprint-libs

install-dev: $(VENV)/.installed-dev weasyprint-libs

# Browser tests drive the system's Chromium; Playwright's own browser download is never used.
chromium:
	@command -v chromium >/dev/null || scripts/ensure-system-packages chromium

# WeasyPrint (the printed note and day sheet) draws text with Pango and HarfBuzz; DejaVu is its fallback font.
WEASYPRINT_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
weasyprint-libs:
	@missing=$$(for p in $(WEASYPRINT_LIBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then scripts/ensure-system-packages $$missing; fi

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

# One worker per core, a test file to a worker: module-scoped fixtures (the demo clinic) are still made once.
PYTEST_PARALLEL ?= -n auto --dist loadfile

pytest: install-dev
	$(BIN)/pytest $(PYTEST_PARALLEL)

# The date-sensitive suites again on days that break date arithmetic: month ends, a leap day, a weekend,
# and New York's two clock changes (a 23-hour and a 25-hour day). PINPOINT_TODAY: see tests/conftest.py.
TEST_DATES := 2026-02-28 2026-03-01 2026-03-08 2026-11-01 2026-12-05 2028-02-29
DATE_SUITES := tests/procedures tests/outcomes tests/scheduling tests/patients tests/authorizations tests/implants

# Every day runs even after one fails, so a single run shows each day that breaks. Files marked fixed_days set
# each day they run on themselves, so they would only repeat the first run.
test-dates: install-dev
	@failed=""; for day in $(TEST_DATES); do \
		echo "== tests on $$day"; \
		PINPOINT_TODAY=$$day $(BIN)/pytest -q $(PYTEST_PARALLEL) -m "not browser and not fixed_days" $(DATE_SUITES) || failed="$$failed $$day"; \
	done; \
	if [ -n "$$failed" ]; then echo "== failed on:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) staticfiles

# Page timings at scale: an empty database is migrated and seeded first (seed_scale), then served by gunicorn
# (2 workers, DEBUG=0) and timed; the table goes to docs/bench/<date>-<patients>.md. A tiny run, on SQLite too:
#   make bench BENCH_PATIENTS=300 BENCH_REQUESTS=3 BENCH_DATABASE_URL=sqlite:////tmp/pinpoint-bench.sqlite3
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/pinpoint_bench
BENCH_PATIENTS ?= 200000
BENCH_REQUESTS ?= 50

.PHONY: bench
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench --patients $(BENCH_PATIENTS) --requests $(BENCH_REQUESTS)
