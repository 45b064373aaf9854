# Every target sets itself up: the virtualenv is created on first use and refreshed when
# pyproject.toml changes; catalogs are compiled when a .po file changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PO := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
PYBABEL := $(VENV)/bin/pybabel
LANGS := fr ar es pt

.PHONY: run test test-pg console lint i18n migrate setup bench clean

run: setup
	$(PY) -m bot

console: setup
	$(PY) -m bot console $(ARGS)

test: setup
	$(PY) -m pytest -q $(ARGS)

# The same suite against a throwaway PostgreSQL server on 127.0.0.1 (Debian's packages).
test-pg: setup
	scripts/with-postgres.sh $(PY) -m pytest -q $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrate: setup
	$(PY) -m bot migrate

bench: setup
	$(PY) bench/feed_update.py

setup: $(STAMP) $(MO)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(PYBABEL) -q compile -l $* -i $< -o $@

# Extract every msgid from the code, merge into each catalog, compile.
i18n: $(STAMP)
	$(PYBABEL) -q extract -F babel.cfg -k T -k TP:1,2 -k N_ -k ngettext:1,2 \
		--no-location --sort-output --project=avrr-bot -o locales/messages.pot bot dialogs
	for lang in $(LANGS); do test -f locales/$$lang/LC_MESSAGES/messages.po || \
		$(PYBABEL) -q init -i locales/messages.pot -d locales -D messages -l $$lang; done
	$(PYBABEL) -q update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete
	$(MAKE) --no-print-directory $(patsubst %,locales/%/LC_MESSAGES/messages.mo,$(LANGS))

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(MO)
