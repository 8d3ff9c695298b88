# Guichet: shortcuts around dev.py and the tools of .venv. `make help` lists them.
PYTHON ?= python3
VENV_BIN := .venv/bin

.PHONY: help setup run test lint format ci bench

help:
	@echo "make run     - start Guichet on http://127.0.0.1:8000 with its embedded worker (python3 dev.py run)"
	@echo "make test    - the whole test suite (python3 dev.py test; ARGS='-k foo' passes arguments to pytest)"
	@echo "make lint    - ruff check and ruff format --check"
	@echo "make format  - ruff format and ruff check --fix"
	@echo "make ci      - what CI runs (.ci/run): lint, checks, suite on PostgreSQL + Redis, then on SQLite"
	@echo "make bench   - load benchmark on gunicorn + PostgreSQL + Redis (bench/run.py)"

setup:
	$(PYTHON) dev.py setup --dev

run:
	$(PYTHON) dev.py run

test:
	$(PYTHON) dev.py test $(ARGS)

lint: setup
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .

format: setup
	$(VENV_BIN)/ruff format .
	$(VENV_BIN)/ruff check --fix .

ci:
	.ci/run

bench: setup
	$(VENV_BIN)/python bench/run.py $(ARGS)
