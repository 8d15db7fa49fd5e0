# Recovery Desk — the two front-door commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PYTEST_ARGS ?=

.PHONY: run test setup setup-dev browser-deps lint translations extract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime translations

setup-dev: $(VENV)/.dev translations browser-deps

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -q -d translations 2>/dev/null || $(BIN)/pybabel compile -d translations

## Refresh the message catalogs from the code and templates (then translate the new entries).
extract: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot \
	  --ignore-dirs=.venv --ignore-dirs=tests --ignore-dirs=migrations .
	$(BIN)/pybabel update -i translations/messages.pot -d translations

## Set up, create/upgrade the SQLite database, load demo data once, serve on 127.0.0.1:5000.
run: setup
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	SCHEDULER_ENABLED=$${SCHEDULER_ENABLED:-1} $(FLASK) run --host 127.0.0.1 --port 5000

## Set up everything the tests need and run the whole suite on SQLite and PostgreSQL.
test: setup-dev
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

## Chromium and CJK fonts for the browser journeys (Debian packages; needs root or sudo).
browser-deps:
	@if dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1; then :; else \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
