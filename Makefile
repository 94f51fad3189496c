# The two quickstart commands (README) and what CI runs. Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint install bytecode dev clean

$(BIN)/pgshift: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/pgshift

# pip byte-compiles a regular install; an editable one is left to the interpreter, which
# compiles every module again on each command where PYTHONDONTWRITEBYTECODE is set (as
# in many containers). Incremental: only changed modules are compiled.
bytecode: install
	$(BIN)/python -m compileall -q pgshift dsl compiler runner

## run: install, apply migrations/ on the embedded PostgreSQL + pgvector, show the status
run: install bytecode
	$(BIN)/pgshift up
	$(BIN)/pgshift status

## test: install, then run the whole test suite
test: install
	$(BIN)/python -m pytest

## lint: ruff and mypy, as CI runs them
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
