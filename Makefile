# SCR Tracker: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint format assets system-packages system-packages-test migrate demo-code check-deploy pip-audit clean

run: system-packages $(VENV)/.stamp-runtime assets
	DJANGO_SETTINGS_MODULE=scr_tracker.settings.dev $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=scr_tracker.settings.dev $(PY) manage.py seed_demo
	# Today's reminders at once (the last working day's on a weekend), so that the notifications page is
	# not empty on day one (beat sweeps daily).
	DJANGO_SETTINGS_MODULE=scr_tracker.settings.dev $(PY) manage.py send_reminders --last-working-day
	scripts/run-dev.sh

test: system-packages-test $(VENV)/.stamp-dev assets lint
	DJANGO_SETTINGS_MODULE=scr_tracker.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: $(VENV)/.stamp-runtime
	$(PY) manage.py migrate --noinput

demo-code: $(VENV)/.stamp-runtime
	@DJANGO_SETTINGS_MODULE=scr_tracker.settings.dev $(PY) manage.py demo_code $(EMAIL)

check-deploy: $(VENV)/.stamp-runtime
	DJANGO_SETTINGS_MODULE=scr_tracker.settings.prod \
	  SECRET_KEY=$${SECRET_KEY:-check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')} \
	  DATABASE_URL=$${DATABASE_URL:-postgres://scr@db.invalid:5432/scr_tracker} \
	  REDIS_URL=$${REDIS_URL:-redis://redis.invalid:6379/0} \
	  ALLOWED_HOSTS=$${ALLOWED_HOSTS:-scr-tracker.invalid} \
	  $(PY) manage.py check --deploy --fail-level WARNING

# pip-audit --strict: exit 0 audited and clean, 1 vulnerabilities found, 3 NOT AUDITED (the reason printed).
pip-audit: $(VENV)/.stamp-dev
	$(PY) scripts/dependency_audit.py -r requirements.txt

system-packages:
	@scripts/install-system-packages.sh runtime

system-packages-test:
	@scripts/install-system-packages.sh test

$(VENV)/.stamp-runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: requirements-dev.txt $(VENV)/.stamp-runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.stamp
	npm run --silent build
	mkdir -p static/build/govuk
	cp -R node_modules/govuk-frontend/dist/govuk/assets/images static/build/govuk/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/build/govuk/

clean:
	rm -rf $(VENV) node_modules static/build staticfiles var
