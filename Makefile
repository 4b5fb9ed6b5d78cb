# mistralnews: `make run` serves the site, `make test` checks it. Both set up .venv first.
# `make serve` runs it as in production; `make test-postgres` and `make test-scaleout` check it
# on PostgreSQL and Redis; `make e2e` in Chromium.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Tests run with production settings (DEBUG off) and throwaway secrets, over plain HTTP.
TEST_ENV := DJANGO_SECRET_KEY=tests-only-not-a-secret DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	DJANGO_SECURE_SSL_REDIRECT=0

# make serve: gunicorn's address and worker processes.
BIND ?= 127.0.0.1:8000
WEB_CONCURRENCY ?= 2

.PHONY: install run serve test lint test-postgres test-scaleout install-redis e2e install-chromium \
	fixture clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py seed
	@echo "Editor login for /admin/: DJANGO_DEBUG=1 $(PY) manage.py create_editor alice --email alice@example.com"
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Production settings: needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (README, "Production").
# No control socket: gunicornc is not used, and all instances would share ~/.gunicorn.
serve: install
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py migrate --no-input
	$(VENV)/bin/gunicorn mistralnews.wsgi --bind $(BIND) --workers $(WEB_CONCURRENCY) \
	  --no-control-socket

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest -m 'not e2e'

# The whole suite on PostgreSQL: DATABASE_URL's server, or a throwaway one (scripts/postgres.sh).
test-postgres: install
	$(TEST_ENV) PYTHON=$(PY) scripts/postgres.sh $(PY) -m pytest -m 'not scaleout and not e2e'

# Two gunicorn instances sharing one PostgreSQL and one Redis (tests/test_scaleout.py).
test-scaleout: install install-redis
	$(TEST_ENV) PYTHON=$(PY) scripts/postgres.sh $(PY) -m pytest -m scaleout

# Debian's redis-server, which the Redis tests start on a free port; they skip without it.
install-redis:
	@command -v redis-server >/dev/null || scripts/apt-install.sh redis-server

# The site in Debian's Chromium through Playwright (tests/e2e), with axe-core from npm.
# Screenshots go to test-artifacts/.
e2e: install install-chromium node_modules/.package-lock.json
	$(TEST_ENV) $(PY) -m pytest -m e2e tests/e2e

install-chromium:
	@test -x /usr/bin/chromium || scripts/apt-install.sh chromium

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Rebuild fixtures/mistral.json from fixtures/mistral-article.txt on a scratch database.
fixture: install
	rm -f $(VENV)/fixture.sqlite3
	DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(abspath $(VENV))/fixture.sqlite3 sh -c '\
	  $(PY) manage.py migrate --no-input --verbosity 0 && \
	  $(PY) manage.py import_article fixtures/mistral-article.txt --publish \
	    --byline "mistralnews staff" --published-at 2026-06-02T08:00:00Z && \
	  $(PY) manage.py dumpdata articles.category articles.article articles.discussionquestion \
	    taggit.tag articles.taggedarticle --natural-foreign --natural-primary --indent 2 \
	    --output fixtures/mistral.json'
	rm -f $(VENV)/fixture.sqlite3

clean:
	rm -rf $(VENV) staticfiles node_modules test-artifacts
