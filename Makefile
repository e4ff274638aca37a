# motcua: two commands for a fresh machine (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Install, migrate the SQLite database, deploy bpmn/ and serve the API on :8000.
run: $(STAMP)
	$(BIN)/motcua serve --host 127.0.0.1 --port 8000

## Install and run the whole test suite: import contracts, ruff, mypy, then unit, integration and
## features on SQLite and PostgreSQL.
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check engine api forms tests features bench conftest.py
	$(BIN)/mypy
	$(BIN)/pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python bench/bench_tasks.py

clean:
	rm -rf $(VENV) motcua.db
