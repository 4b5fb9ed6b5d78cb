# mistralnews: `make run` serves the site, `make test` checks it. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Tests run with production settings (DEBUG off) and throwaway secrets.
TEST_ENV := DJANGO_SECRET_KEY=tests-only-not-a-secret DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1

.PHONY: install run test lint fixture clean

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

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest

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
	rm -rf $(VENV) staticfiles
