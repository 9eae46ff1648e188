# The two commands a newcomer needs: `make run` and `make test`. README.md explains the rest.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= $(CURDIR)/var
PORT ?= 8000
export DATA_DIR PORT

.PHONY: deploy-files restore proxy run dev test test-postgres lint format migrations-check install fixtures-export backup clean bench audit css messages social-card

# pip's errors only: its warnings (a machine's unreachable package index, running as root, a
# newer pip) are harmless here and would bury what `make run` prints last.
PIP_QUIET = -qq --disable-pip-version-check --root-user-action=ignore

# Re-install only when the dependency list changes.
$(BIN)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_QUIET) --upgrade pip
	$(BIN)/python -m pip install $(PIP_QUIET) -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# A secret key generated once, readable by its owner only, kept beside the database.
$(DATA_DIR)/secret_key:
	mkdir -p -m 700 $(DATA_DIR)
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: install $(DATA_DIR)/secret_key
	@DJANGO_SECRET_KEY="$$(cat $(DATA_DIR)/secret_key)" $(BIN)/python manage.py prepare_site
	@# Seat holds released and the outbox sent every 10 s beside gunicorn (cron's job in
	@# production), so the site's e-mails print in this terminal; the loop ends with gunicorn.
	@# gunicorn's start-up lines
	@# at warning level: prepare_site's address and login stay last.
	@export DJANGO_SECRET_KEY="$$(cat $(DATA_DIR)/secret_key)" SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	  ( while sleep 10; do $(BIN)/python manage.py release_holds --verbosity 0; \
	    $(BIN)/python manage.py send_outbox --verbosity 0 || true; done ) & \
	  outbox=$$!; trap 'kill $$outbox 2>/dev/null' EXIT; \
	  $(BIN)/gunicorn -c operator_site/gunicorn.conf.py --log-level warning operator_site.wsgi

# The front proxy for production (docs/front-proxy.md): nginx with TLS on PROXY_PORT (8443)
# before gunicorn on PORT, serving static/ and media/ from DATA_DIR. Run beside `make run`.
proxy: install
	$(BIN)/python tools/proxy/run.py

# The one-server kit (docs/deploy.md): nginx site, systemd units and timers, the site's
# environment and the root commands that install them, into $(DATA_DIR)/deploy/.
deploy-files: install
	@test -n "$(DOMAIN)" || { echo "usage: make deploy-files DOMAIN=www.example.com"; exit 2; }
	mkdir -p -m 700 $(DATA_DIR)
	DOMAIN="$(DOMAIN)" $(BIN)/python tools/deploy/kit.py

dev: install
	mkdir -p -m 700 $(DATA_DIR)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Tests run with their own throw-away secret key and data folder.
TEST_ENV = DJANGO_SECRET_KEY=test-only-secret-key-not-for-production DATA_DIR=$(CURDIR)/var/test \
  TEST_POSTGRES_URL=$(PG_URL)/$(PG_DB) TEST_REDIS_URL=$(TEST_REDIS_URL)

# The second run of the suite, on the PostgreSQL and Redis of this machine (and CI's). PG_DB
# names the database: the tests create and drop PG_DB_test and PG_DB_load_*; the cache keys are
# prefixed with it, so that several checkouts can share one server.
PG_URL ?= postgres://postgres@127.0.0.1:5432
PG_DB ?= operator_site
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
PG_TEST_ENV := $(TEST_ENV) DATABASE_URL=$(PG_URL)/$(PG_DB) REDIS_URL=$(TEST_REDIS_URL) \
  CACHE_KEY_PREFIX=$(PG_DB)

# pytest-xdist: one worker per core (PYTEST_WORKERS=0 runs everything in one process, as a
# debugger wants). Each load or browser test module stays on one worker (`--dist loadgroup`,
# see their conftest.py); tests/settings.py gives each worker its own DATA_DIR and cache-key
# prefix.
PYTEST_WORKERS ?= auto
PYTEST_XDIST = -n $(PYTEST_WORKERS) --dist loadgroup
# Every run ends with its 15 slowest tests, so that a slow new test is seen the day it lands.
PYTEST_DURATIONS ?= --durations=15

test: install
	$(TEST_ENV) $(BIN)/python manage.py check --fail-level WARNING
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_DURATIONS) $(PYTEST_ARGS)

# Only the tests that use the database (marked `database` by tests/conftest.py), less those
# marked `once` (browser, Nu checker: the same on any database). tests/load/ is left out: those
# tests build their own SQLite and PostgreSQL + Redis sites whatever DATABASE_URL says, and
# `make test` has just run them. See docs/testing.md.
test-postgres: install
	$(PG_TEST_ENV) $(BIN)/python manage.py check --fail-level WARNING
	$(PG_TEST_ENV) $(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_DURATIONS) --create-db --ignore=tests/load \
	  -m "database and not once" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# The Spanish catalogue: collect new strings from templates, Python and e-mails into
# locale/es/LC_MESSAGES/django.po (needs GNU gettext: apt-get install gettext), then, after
# translating them, compile the .mo with polib (`make messages` again; see docs/languages.md).
MAKEMESSAGES_ARGS = -l es --add-location=file --no-obsolete --ignore=.venv --ignore=tests --ignore=tools \
  --ignore=var --ignore=static -e html,txt,py
messages: install
	$(TEST_ENV) $(BIN)/python manage.py makemessages $(MAKEMESSAGES_ARGS)
	$(BIN)/python tools/i18n/messages.py compile

# Draw the default og:image (served at /og-card.png from the operator's details) into
# $(DATA_DIR)/og-card.png, to look at it.
social-card: install
	DJANGO_SECRET_KEY=social-card-only DATA_DIR=$(DATA_DIR) $(BIN)/python manage.py make_social_card

# Re-export the demo content after editing it in admin (see README, "Fixtures").
fixtures-export: install
	DJANGO_SECRET_KEY="$$(cat $(DATA_DIR)/secret_key)" $(BIN)/python manage.py dumpdata \
	  treks.Destination treks.TravelStyle treks.Place treks.Trek treks.ItineraryStage treks.TrekFAQ \
	  --indent 2 --output fixtures/catalogue.json
	DJANGO_SECRET_KEY="$$(cat $(DATA_DIR)/secret_key)" $(BIN)/python manage.py dumpdata \
	  blog.Post --indent 2 --output fixtures/blog.json

# A consistent copy of the database (SQLite or, with DATABASE_URL, PostgreSQL's pg_dump) into
# $(DATA_DIR)/backups/; `make restore FILE=...` puts one back (stop the site first).
backup: install
	DJANGO_SECRET_KEY="$$(cat $(DATA_DIR)/secret_key)" $(BIN)/python manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/db-....sqlite3"; exit 2; }
	DJANGO_SECRET_KEY="$$(cat $(DATA_DIR)/secret_key)" $(BIN)/python manage.py restore "$(FILE)" --yes

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Requests/s, latency, SQL queries, bytes and memory of the production stack, from one run
# (Debian's wrk against 127.0.0.1 only); exits non-zero when a target of issues 6 and 11 is missed.
bench: install
	$(BIN)/python -m tools.measure.bench $(BENCH_ARGS)

# Lighthouse 12.2.3 (pinned in tools/audit; 13 needs Node 22) on /, /treks/, the Lares page, /es/ and its Spanish page,
# mobile preset, against gunicorn as `make run` starts it. Fails when accessibility, best
# practices or SEO is below 100; performance is printed only.
tools/audit/node_modules/.installed: tools/audit/package-lock.json
	cd tools/audit && npm ci --no-audit --no-fund --loglevel=error
	touch $@

audit: install tools/audit/node_modules/.installed
	$(BIN)/python -m tools.measure.audit $(AUDIT_ARGS)

# Rebuild the Bootstrap subset in static/vendor/bootstrap/ from tools/css/src/*.scss.
css:
	cd tools/css && npm ci --no-audit --no-fund --loglevel=error && node_modules/.bin/sass \
	  --no-source-map --style=compressed --quiet-deps src/bootstrap-subset.scss \
	  ../../static/vendor/bootstrap/bootstrap.min.css
