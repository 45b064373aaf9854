# Every target sets itself up: the virtualenv is created on first use and refreshed when
# requirements.lock changes; catalogs are compiled when a .po file changes.
# The lock is the only source of versions: pip installs exactly it (--require-hashes,
# --no-deps), never a range. `make lock` / `make upgrade` refresh it from pyproject.toml.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock
PO := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
PYBABEL := $(VENV)/bin/pybabel
LANGS := fr ar es pt
# Python's bytecode cache (__pycache__, ignored by git) is kept even where the environment turns
# it off: without it every process compiles the project and pytest rewrites every test module
# again, about 5 s of each test worker's start.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast crawl test-pg console lint i18n migrate setup bench clean lock upgrade genkey

run: setup
	$(PY) -m bot

console: setup
	$(PY) -m bot console $(ARGS)

test: setup
	$(PY) -m pytest -q $(ARGS)

# The conversation crawler alone (part of make test), printing its figures: screens per persona
# and language, time. CRAWL_VERBOSE=1 each persona as it ends; CRAWL_TRACE=1 each press.
crawl: setup
	CRAWL_VERBOSE=$${CRAWL_VERBOSE:-1} $(PY) -m pytest -q -s -m crawl $(ARGS)

# The suite without the tests marked slow (real processes, Telegram's real pace, dozens of people),
# without the crawler (a minute of one process) and without the console's browser tests (a real
# Chromium per worker), on two worker processes (pytest-xdist).
test-fast: setup
	$(PY) -m pytest -q -m "not slow and not crawl and not browser" -n 2 $(ARGS)

# Prints a new DATA_KEY for .env (the key that encrypts personal data at rest).
genkey: setup
	@$(PY) -m bot genkey

# The same suite against a throwaway PostgreSQL server on 127.0.0.1 (Debian's packages).
test-pg: setup
	scripts/with-postgres.sh $(PY) -m pytest -q $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrate: setup
	$(PY) -m bot migrate

bench: setup
	$(PY) -m bench.compare $(ARGS)

setup: $(STAMP) $(MO)

# A changed lock rebuilds the virtualenv from nothing, so an old one never keeps a package
# the lock no longer lists. The project itself is not installed: it runs from this folder.
$(STAMP): $(LOCK)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	touch $(STAMP)

# Re-resolve the lock from pyproject.toml's ranges, keeping today's pins where they still fit
# (lock), or moving every package to the newest version the ranges allow (upgrade); then test.
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes \
	--universal --python-version 3.11 --no-header --quiet -o $(LOCK)

lock: setup
	$(UV_COMPILE)
	$(MAKE) --no-print-directory test

upgrade: setup
	$(UV_COMPILE) --upgrade
	$(MAKE) --no-print-directory test

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(PYBABEL) -q compile -l $* -i $< -o $@

# Extract every msgid from the code, merge into each catalog, compile.
i18n: $(STAMP)
	$(PYBABEL) -q extract -F babel.cfg -k T -k TP:1,2 -k N_ -k ngettext:1,2 \
		--no-location --sort-output --project=avrr-bot -o locales/messages.pot bot dialogs
	for lang in $(LANGS); do test -f locales/$$lang/LC_MESSAGES/messages.po || \
		$(PYBABEL) -q init -i locales/messages.pot -d locales -D messages -l $$lang; done
	$(PYBABEL) -q update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete
	# The extraction date changes on every run and would make every branch's catalogs conflict.
	sed -i '/^"POT-Creation-Date: /d' locales/messages.pot locales/*/LC_MESSAGES/messages.po
	$(MAKE) --no-print-directory $(patsubst %,locales/%/LC_MESSAGES/messages.mo,$(LANGS))

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(MO)
