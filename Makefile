# Recovery Desk — the two front-door commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PYTEST_ARGS ?=
SWAGGER_UI_VERSION := 5.32.0
SWAGGER_UI := static/vendor/swagger-ui/swagger-ui-bundle.js
AXE_CORE_VERSION := 4.14.1
AXE_CORE := $(VENV)/vendor/axe-core-$(AXE_CORE_VERSION)/axe.min.js

.PHONY: run test setup setup-dev browser-deps axe-core lint bandit audit translations extract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip setuptools
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime translations $(SWAGGER_UI)

setup-dev: $(VENV)/.dev translations browser-deps $(SWAGGER_UI) $(AXE_CORE)

## The API's documentation page (/api/docs) is Swagger UI, served by the app: the pinned npm
## package's files are copied in at setup (npm checks the registry's integrity).
$(SWAGGER_UI):
	rm -rf $(VENV)/swagger-pack && mkdir -p $(VENV)/swagger-pack static/vendor/swagger-ui
	cd $(VENV)/swagger-pack && npm pack --silent swagger-ui-dist@$(SWAGGER_UI_VERSION) >/dev/null
	tar -xzf $(VENV)/swagger-pack/swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz \
	  -C $(VENV)/swagger-pack package/swagger-ui-bundle.js package/swagger-ui.css package/LICENSE
	cp $(VENV)/swagger-pack/package/swagger-ui.css $(VENV)/swagger-pack/package/LICENSE \
	  static/vendor/swagger-ui/
	cp $(VENV)/swagger-pack/package/swagger-ui-bundle.js $@

## The accessibility checks of the browser suite inject axe-core into the pages they test:
## the pinned npm package's script, kept out of the app (the app never serves it).
axe-core: $(AXE_CORE)

$(AXE_CORE):
	rm -rf $(VENV)/axe-pack && mkdir -p $(VENV)/axe-pack $(dir $@)
	cd $(VENV)/axe-pack && npm pack --silent axe-core@$(AXE_CORE_VERSION) >/dev/null
	tar -xzf $(VENV)/axe-pack/axe-core-$(AXE_CORE_VERSION).tgz \
	  -C $(VENV)/axe-pack package/axe.min.js package/LICENSE
	cp $(VENV)/axe-pack/package/LICENSE $(dir $@)
	cp $(VENV)/axe-pack/package/axe.min.js $@
	rm -rf $(VENV)/axe-pack

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -q -d translations 2>/dev/null || $(BIN)/pybabel compile -d translations

## Refresh the message catalogs from the code and templates (then translate the new entries).
extract: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o translations/messages.pot \
	  --ignore-dirs=.venv --ignore-dirs=tests --ignore-dirs=migrations .
	$(BIN)/pybabel update -i translations/messages.pot -d translations

## Set up, create/upgrade the SQLite database, load demo data once, serve on 127.0.0.1:5000.
run: setup
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	SCHEDULER_ENABLED=$${SCHEDULER_ENABLED:-1} $(FLASK) run --host 127.0.0.1 --port 5000

## Set up everything the tests need, run the static checks (ruff, bandit, pip-audit when its
## advisory service can be reached), then the whole suite on SQLite and PostgreSQL.
test: setup-dev
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory bandit audit
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

## Security lint of our code (tests, migrations and .venv excluded: pyproject's [tool.bandit]).
## Every finding fails; a reviewed one is marked on its line: `# nosec BXXX  # why`.
bandit: $(VENV)/.dev
	$(BIN)/bandit -c pyproject.toml -r . -q

## Known vulnerabilities in every installed package (pip-audit asks PyPI's JSON API). When
## that service cannot be reached, nothing is audited: say so plainly and go on; a finding
## fails the build.
AUDIT_PROBE := import json, urllib.request as r; \
  body = json.load(r.urlopen("https://pypi.org/pypi/flask/3.1.3/json", timeout=10)); \
  assert "vulnerabilities" in body
audit: $(VENV)/.dev
	@if $(BIN)/python -c '$(AUDIT_PROBE)' >/dev/null 2>&1; then \
	  $(BIN)/pip-audit --progress-spinner off --skip-editable; \
	else \
	  echo "pip-audit: NOT AUDITED - PyPI's vulnerability service (pypi.org/pypi/<package>/json)"; \
	  echo "  cannot be reached from this machine, so no installed package was checked for known"; \
	  echo "  vulnerabilities. Run 'make audit' where it can be reached."; \
	fi

## Chromium and CJK fonts for the browser journeys, and the PostgreSQL client tools
## (pg_dump/pg_restore for `flask backup`/`restore`): Debian packages; needs root or sudo.
DEBIAN_PACKAGES := chromium fonts-noto-cjk postgresql-client
browser-deps:
	@if dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1; then :; else \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEBIAN_PACKAGES); \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory bandit

clean:
	rm -rf $(VENV) .pytest_cache static/vendor test-artifacts

## The benchmark suite (bench/README.md; never part of `make test` or CI): fresh databases
## seeded with `flask seed-bulk`, gunicorn -w 2 driven by locust, the sweep and the weekly
## report timed; writes bench/RESULTS.md, raw output in bench/out/. For example
##   make bench TICKETS=100000 DB=postgresql
##   make bench SIZES="10000 100000" DB="sqlite postgresql"
.PHONY: bench
bench: TICKETS ?= 10000
bench: SIZES ?= $(TICKETS)
bench: DB ?= sqlite
bench: WEEKS ?= 26
bench: USERS ?= 8
bench: SPAWN_RATE ?= $(USERS)
bench: CREATE_USERS ?= $(USERS)
bench: JOURNEY_TIME ?= 30
bench: RUN_TIME ?= 20
bench: WAIT ?= 0.1-0.5
bench: SITE ?=
bench: PG_URL ?= postgresql://postgres@127.0.0.1:5432
bench: BENCH_ARGS ?=
bench: $(VENV)/.runtime translations
	@mkdir -p bench/out
	@sed -e 's/\[[^]]*\]//' requirements.txt > bench/out/constraints.txt
	$(BIN)/pip install -q -r bench/requirements.txt -c bench/out/constraints.txt
	$(BIN)/python -m bench.run --sizes "$(SIZES)" --db "$(DB)" --weeks $(WEEKS) \
	  --users $(USERS) --spawn-rate $(SPAWN_RATE) --create-users $(CREATE_USERS) \
	  --journey-time $(JOURNEY_TIME) --create-time $(RUN_TIME) --wait "$(WAIT)" \
	  --site "$(SITE)" --pg-url "$(PG_URL)" \
	  --command "$(strip make bench $(MAKEOVERRIDES))" $(BENCH_ARGS)
