# One entry point for every chore. `make run` and `make test` are the whole set-up.
VENV    ?= .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
PYTHON  ?= python3
export TRUTHLINE_DATA_DIR ?= $(CURDIR)/data

.PHONY: install web run serve test test-fast test-backend test-e2e test-web lint format bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web: web/node_modules/.installed
	cd web && npm run build

run: install web
	$(BIN)/truthline demo --if-empty
	$(BIN)/truthline serve

serve: install
	$(BIN)/truthline serve

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src/truthline

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test-web: web/node_modules/.installed
	cd web && npm test

test-backend: install
	$(BIN)/pytest -q -m "not e2e"

test-fast: install
	$(BIN)/pytest -q -m "not slow and not e2e" -x

test-e2e: install web
	$(BIN)/pytest -q -m e2e

# Every test: lint, front-end unit tests, backend on SQLite and PostgreSQL, browser tests.
test: install web
	$(BIN)/ruff check src tests bench
	cd web && npm test
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) web/node_modules src/truthline/static/assets src/truthline/static/index.html
