# The two commands: `make up` runs Boucle, `make test` runs every check. Both set up what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: up test lint bench contracts chromium clean

$(BIN)/boucle: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

up: $(BIN)/boucle  ## all four services on embedded PostgreSQL and NATS, with a demo territory
	$(BIN)/boucle up --demo

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

lint: $(BIN)/boucle
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/boucle contracts --check

test: $(BIN)/boucle chromium lint  ## lint, types, contracts, then unit → browser tests
	$(BIN)/pytest

bench: $(BIN)/boucle  ## throughput, latency, memory, matching and the register at scale, with the machine's raw limits
	$(BIN)/python -m tests.benchmarks.bench_intakes
	$(BIN)/python -m tests.benchmarks.bench_matching
	$(BIN)/python -m tests.benchmarks.bench_inventory_scale

contracts: $(BIN)/boucle  ## regenerate proto/ from the event Structs
	$(BIN)/boucle contracts

clean:
	rm -rf $(VENV) .boucle .pytest_cache .mypy_cache .ruff_cache
