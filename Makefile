# Gongdan — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export GONGDAN_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint actions-only install dev-install migrate demo processes-check bench vendor messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

dev-install: $(DEV_STAMP)

## run: install, migrate, load processes and demo data, then serve on 127.0.0.1:8000 with the worker (Ctrl-C stops both)
run: $(STAMP)
	$(BIN)/gongdan run --setup

## test: linters and the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python scripts/check_actions_only.py
	$(BIN)/gongdan processes check
	GONGDAN_ENV=test GONGDAN_DATA_DIR=$$(mktemp -d) $(BIN)/gongdan makemigrations --check --dry-run
	GONGDAN_ENV=test GONGDAN_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -q $(PYTEST_ARGS); rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python scripts/check_actions_only.py

## actions-only: views, API, commands, jobs and the admin never write domain state (docs/architecture.md)
actions-only:
	$(PYTHON) scripts/check_actions_only.py

processes-check: $(STAMP)
	$(BIN)/gongdan processes check

## demo: migrate, load the process files and the demo data (idempotent) without starting the server
demo: $(STAMP)
	$(BIN)/gongdan migrate --no-input
	$(BIN)/gongdan processes load
	$(BIN)/gongdan demo

## vendor: fetch the pinned front-end assets with npm into static/vendor/ (committed; run only to upgrade)
vendor:
	bash scripts/fetch-vendor.sh

## messages: extract translatable strings into the zh_Hans catalogue and compile it (needs gettext)
messages: $(STAMP)
	bash scripts/messages.sh

bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
