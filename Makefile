# The archive's commands. `make run` and `make test` set up everything on a fresh machine
# that has Python 3.11: a virtualenv in .venv, the pinned requirements, the database.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run demo serve test test-replicas lint migrate ingest superuser bench bench-ingest bench-search bench-export bench-hostile clean

WORKERS ?= 2
BIND ?= 127.0.0.1:8000

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

# axe-core for the browser tests' accessibility checks, pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## run: set up, migrate, ingest seeds/ and serve on http://127.0.0.1:8000
run: $(VENV)/.installed-run
	$(MANAGE) migrate --noinput
	$(MANAGE) ingest seeds/
	$(MANAGE) runserver 127.0.0.1:8000

## demo: a full archive at once, apart from the one `make run` serves: the seed, the test pages
## of tests/data and DEMO_PAGES (default 3000) generated pages (bench/corpus.py), ingested into
## demo/archive.sqlite3 and served on http://127.0.0.1:8000
DEMO_PAGES ?= 3000
DEMO_ENV := DATABASE_URL=sqlite:///$(CURDIR)/demo/archive.sqlite3 ARCHIVE_SEARCH_INDEX_DIR=$(CURDIR)/demo/search-index
demo: $(VENV)/.installed-run
	test -d demo/pages || $(BIN)/python bench/corpus.py demo/pages $(DEMO_PAGES)
	$(DEMO_ENV) $(MANAGE) migrate --noinput -v0
	$(DEMO_ENV) $(MANAGE) ingest -v0 seeds/ tests/data/ demo/pages/
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

## serve: production server: gunicorn + whitenoise, DEBUG off. Needs DJANGO_SECRET_KEY and
## DJANGO_ALLOWED_HOSTS; DJANGO_HTTPS=1 behind TLS. The workers share the cache in Redis at
## REDIS_URL (default: the local one); REDIS_URL= ARCHIVE_LOCAL_CACHE=1 WORKERS=1 runs without it.
REDIS_URL ?= redis://127.0.0.1:6379/0
serve: export DJANGO_DEBUG := 0
serve: export REDIS_URL := $(REDIS_URL)
serve: $(VENV)/.installed-run
	$(MANAGE) check --deploy --fail-level WARNING
	$(if $(REDIS_URL),$(BIN)/python -c "import redis; redis.Redis.from_url('$(REDIS_URL)', socket_connect_timeout=3).ping()")
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput -v0
	WORKERS=$(WORKERS) $(BIN)/gunicorn archive.wsgi --config gunicorn.conf.py --bind $(BIND)

## test: set up and run the whole suite (DATABASE_URL=postgres://... for PostgreSQL), one process
## per core (TEST_PROCESSES=1 runs it in one)
TEST_PROCESSES ?= auto
test: $(VENV)/.installed-test node_modules/.installed
	$(MANAGE) test tests --noinput --parallel $(TEST_PROCESSES)

## test-replicas: the read-replica tests, which must run, against the streaming replica named by
## DATABASE_REPLICA_URLS of the PostgreSQL primary in DATABASE_URL (bin/pg-replica up starts one)
test-replicas: $(VENV)/.installed-test
	ARCHIVE_REQUIRE_REPLICA=1 $(MANAGE) test tests.test_replicas --noinput

## lint: ruff's checks and format check, and no model change left without its migration
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

migrate: $(VENV)/.installed-run
	$(MANAGE) migrate --noinput

## ingest: ingest the folders in DIR (default seeds/)
ingest: migrate
	$(MANAGE) ingest $(or $(DIR),seeds/)

## superuser: create the first staff account
superuser: migrate
	$(MANAGE) createsuperuser

## bench: generate N pages (default 100000) and measure ingest, first visits with nothing cached,
## pages, search and load (a cache-cold mix of distinct pages, alone and during an ingest) on
## PostgreSQL, served as `make serve` serves; prints a table and writes bench/results.json.
BENCH := $(BIN)/python bench/run.py $(if $(N),--n $(N),) $(if $(SQLITE),--sqlite,)

bench: $(VENV)/.installed-run
	$(MANAGE) collectstatic --noinput -v0
	$(BENCH)

## bench-ingest: first and unchanged ingest of N generated pages: files/s, CPU, peak memory, and
## the ceiling: the same rows written by COPY and indexed for search
bench-ingest: $(VENV)/.installed-run
	$(BENCH) --only ingest,ceiling

## bench-search: p50/p95 of ~60 queries beside a naive icontains search and beside the old
## design (a weighted tsvector under GIN, the newest 2,000 matches ranked), reusing the ingest;
## SQLITE=1 ingests and searches a SQLite file instead (bench/results-sqlite.json)
bench-search: $(VENV)/.installed-run
	$(MANAGE) collectstatic --noinput -v0
	$(BENCH) --only ingest,search,olddesign --reuse

## bench-export: CSV exports of every match (first byte, total, worker memory) and the API's p95
bench-export: $(VENV)/.installed-run
	$(MANAGE) collectstatic --noinput -v0
	$(BENCH) --only ingest,export,api --reuse

## bench-hostile: readers' latency quiet and while 8 hostile clients run (downloads never read,
## cursor bombs, a search flood) against `make serve`'s server and limits, reusing the ingest of
## N pages; SERVE=path serves another checkout of the project to the same clients
bench-hostile: $(VENV)/.installed-run
	$(MANAGE) collectstatic --noinput -v0
	$(BENCH) --only ingest --reuse
	$(BIN)/python bench/hostile.py $(if $(N),--n $(N),) $(if $(SERVE),--serve $(SERVE),)

clean:
	rm -rf $(VENV) staticfiles
