# mistralnews: `make run` serves the site, `make test` checks it. Both set up .venv first.
# `make serve` runs it as in production and `make worker` sends its email; `make test-postgres`
# and `make test-scaleout` check it on PostgreSQL and Redis; `make e2e` in Chromium;
# `make test-nginx` behind deploy/nginx.conf; `make test-load` under load and crashes;
# `make bench` against the framework floor, `make bench-scale` on the newsroom data set
# (`make newsroom`), `make bench-recommend` the cached article while recommendations arrive, on
# this code beside the code before (BASE=); `make backup` and `make restore FILE=...` save and
# bring back its database.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Tests run with production settings (DEBUG off) and throwaway secrets, over plain HTTP.
TEST_ENV := DJANGO_SECRET_KEY=tests-only-not-a-secret DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SITE_URL=http://testserver EMAIL_URL=dummymail:// \
	DEFAULT_FROM_EMAIL=news@localhost DJANGO_DESK_REQUIRE_2FA=0

# make run: the development server's port on 127.0.0.1.
PORT ?= 8000
# make serve: gunicorn's address and worker processes.
BIND ?= 127.0.0.1:8000
WEB_CONCURRENCY ?= 2

.PHONY: install install-site run serve worker test lint bench bench-recommend newsroom bench-scale \
	test-postgres test-scaleout test-load load e2e install-chromium install-java backup restore \
	install-redis \
	test-nginx install-nginx fixture mutate mutate-limits clean

# What serving the site needs (make run, serve, backup, restore), with the s3 extra when the
# lead images are kept in a bucket (MEDIA_S3_BUCKET), and the developer toolchain on top of it
# for everything else.
install-site: $(VENV)/.installed-site $(if $(MEDIA_S3_BUCKET),$(VENV)/.installed-s3)
install: $(VENV)/.installed

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-site: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-s3: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[s3]'
	touch $@ $(VENV)/.installed-site

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-site $(VENV)/.installed-s3

# The development server, the task worker (emails printed here) and the periodic jobs together;
# Ctrl-C stops all three (scripts/together.sh).
run: install-site
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py seed
	@echo "Editor login for /admin/: DJANGO_DEBUG=1 $(PY) manage.py create_editor alice --email alice@example.com"
	@echo "A test email, printed by the worker: DJANGO_DEBUG=1 $(PY) manage.py queue_test_email you@example.com"
	DJANGO_DEBUG=1 scripts/together.sh '$(PY) manage.py runserver 127.0.0.1:$(PORT)' \
	  '$(PY) manage.py db_worker' '$(PY) manage.py run_periodic --every 60'

# Production settings: needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DJANGO_SITE_URL, EMAIL_URL
# and DEFAULT_FROM_EMAIL (README, "Production"). Emails wait in the database until `make worker`
# (or its systemd units, docs/operations.md) sends them.
# No control socket: gunicornc is not used, and all instances would share ~/.gunicorn.
serve: install-site
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py migrate --no-input
	$(VENV)/bin/gunicorn mistralnews.wsgi --bind $(BIND) --workers $(WEB_CONCURRENCY) \
	  --no-control-socket

# The task worker and the periodic jobs, with the environment of `make serve`: one or more per
# site (several at once on PostgreSQL); docs/operations.md, "Email and the task worker".
worker: install-site
	scripts/together.sh '$(PY) manage.py db_worker' '$(PY) manage.py run_periodic --every 60'

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest -m 'not load and not e2e and not nginx' $(T)

# The whole suite on PostgreSQL: DATABASE_URL's server, or a throwaway one (scripts/postgres.sh).
test-postgres: install
	$(TEST_ENV) PYTHON=$(PY) scripts/postgres.sh $(PY) -m pytest \
	  -m 'not scaleout and not load and not e2e and not nginx'

# Two gunicorn instances sharing one PostgreSQL and one Redis (tests/test_scaleout.py).
test-scaleout: install install-redis
	$(TEST_ENV) PYTHON=$(PY) scripts/postgres.sh $(PY) -m pytest -m scaleout

# Comments posted at once and app servers killed mid-way (bench/), at a reduced size: on SQLite
# (with the crash test), then on PostgreSQL. -rP prints their figures.
test-load: install
	$(TEST_ENV) $(PY) -m pytest -m load -rsP
	$(TEST_ENV) PYTHON=$(PY) scripts/postgres.sh $(PY) -m pytest -m load -rsP

# The article page, home page, feed and comment POSTs under gunicorn and wrk, against the
# framework floor, with 0, 200 and 2,000 comments (bench/run.py; a few minutes).
bench: install
	$(PY) bench/run.py

# The cached article page (200 comments) under wrk with no recommendations, then with 20 a
# second arriving from another client, on this code, on BASE (main before issue 16 unless
# told, from a git worktree; the same requests answered 404 there) and on this code with
# recommending renewing the article's version (bench/renewing.py), side by side, rounds
# interleaved; checks the counts stored, shown and served (bench/recommend.py; about 5 minutes).
# Fails only on a failed request or a missed check, never on the figures.
BASE ?= 514e95d
bench-recommend: install
	$(PY) bench/recommend.py --base $(BASE)

# The newsroom data set (newsroom/: 10,000 articles, 200,000 comments, one hot article) over the
# seed article, in an SQLite file of its own, built once (about 2 to 3 minutes) and reused;
# `rm $(NEWSROOM_DB)` to build it again. Serving it: docs/performance.md#newsroom-scale.
NEWSROOM_DB := $(VENV)/newsroom.sqlite3
NEWSROOM_ENV := DATABASE_URL=sqlite:///$(abspath $(NEWSROOM_DB)) \
	DJANGO_SECRET_KEY=newsroom-data-set-not-a-secret DJANGO_ALLOWED_HOSTS=127.0.0.1 \
	DJANGO_SITE_URL=http://127.0.0.1:8000 EMAIL_URL=dummymail:// DEFAULT_FROM_EMAIL=news@localhost
newsroom: install-site
	$(NEWSROOM_ENV) $(PY) manage.py migrate --no-input --verbosity 0
	$(NEWSROOM_ENV) $(PY) manage.py seed
	$(NEWSROOM_ENV) $(PY) manage.py generate_newsroom --verbosity 2

# Every kind of page on the newsroom data set against the budgets, beside the one-article site,
# on SQLite and a throwaway PostgreSQL (bench/scale.py; about 25 minutes, most of it building
# the PostgreSQL data set and measuring the slow pages); tables in test-artifacts/.
bench-scale: install newsroom
	$(PY) bench/scale.py --newsroom $(NEWSROOM_DB)

# Mutation testing of the sanitizer (mistralnews/markup.py) against its tests; docs/testing.md.
mutate: install
	$(PY) -m pip install --quiet -e '.[dev,mutate]'
	rm -rf mutants
	$(TEST_ENV) $(VENV)/bin/mutmut run --max-children 2 'mistralnews.markup.*'
	$(VENV)/bin/mutmut results

# Mutation testing of the rate limits and client identity (clients/limits.py, identity.py)
# against their tests, outside `make test` and CI (about 8 minutes); docs/testing.md.
mutate-limits: install install-redis
	$(PY) -m pip install --quiet -e '.[dev,mutate]'
	rm -rf mutants
	$(TEST_ENV) $(VENV)/bin/mutmut run --max-children 2 'clients.limits.*' 'clients.identity.*'
	$(VENV)/bin/mutmut results

# The full load: 32 readers posting 2,000 comments, on SQLite, then on PostgreSQL.
load: install
	$(PY) bench/comment_load.py --clients 32 --posts 2000 --database sqlite
	PYTHON=$(PY) scripts/postgres.sh $(PY) bench/comment_load.py --clients 32 --posts 2000 \
	  --database postgres

# A consistent snapshot of DATABASE_URL's database, taken while the site serves, into backups/
# (or FILE=path); `make restore FILE=path` puts one back. Same environment as `make serve`.
backup: install-site
	$(PY) manage.py backup_database $(FILE)

restore: install-site
	$(PY) manage.py restore_database $(FILE)

# deploy/nginx.conf in Debian's nginx in front of gunicorn, against slow clients
# (tests/test_nginx.py, about 20 s, most of it waiting for nginx's timeouts); -rP prints the
# figures.
test-nginx: install install-nginx
	$(TEST_ENV) $(PY) -m pytest -m nginx -rsP tests/test_nginx.py

# Debian's nginx, and openssl for the test's throwaway certificate.
install-nginx:
	@test -x /usr/sbin/nginx && command -v openssl >/dev/null || scripts/apt-install.sh nginx openssl

# Debian's redis-server, which the Redis tests start on a free port; they skip without it.
install-redis:
	@command -v redis-server >/dev/null || scripts/apt-install.sh redis-server

# The site in Debian's Chromium through Playwright (tests/e2e), with axe-core from npm, and its
# pages' HTML through the Nu Html Checker (npm's vnu-jar, run with Java).
# Screenshots go to test-artifacts/.
e2e: install install-chromium install-java node_modules/.package-lock.json
	$(TEST_ENV) $(PY) -m pytest -m e2e tests/e2e

install-chromium:
	@test -x /usr/bin/chromium || scripts/apt-install.sh chromium

# Java for the Nu Html Checker: Debian's headless runtime, unless there is a java already.
install-java:
	@command -v java >/dev/null || scripts/apt-install.sh default-jre-headless

# Without install scripts: vnu-jar's would download a Java runtime from elsewhere when it finds
# none (install-java gives it Debian's), and axe-core has none.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

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
	rm -rf $(VENV) staticfiles node_modules test-artifacts mutants
