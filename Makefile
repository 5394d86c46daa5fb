# The two commands: `make up` runs Boucle, `make test` runs every check. Both set up what they need,
# from the lock: uv (pinned with its hashes in requirements-uv.txt) installs exactly uv.lock.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV_HOME := .uv
UV := $(UV_HOME)/bin/uv
# The machine's python3 is the interpreter; uv never downloads one.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: up test check lint audit unit lock lock-uv fresh-check bench contracts translations chromium clean

$(UV): requirements-uv.txt
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet --require-hashes --no-deps -r requirements-uv.txt
	touch $@

# --locked: installs what uv.lock says, and fails when pyproject.toml and uv.lock disagree.
$(BIN)/boucle: pyproject.toml uv.lock $(UV)
	$(UV) sync --locked --python $(PYTHON) --quiet
	touch $@

up: $(BIN)/boucle  ## all four services on embedded PostgreSQL and NATS, with a demo territory
	$(BIN)/boucle up --demo

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

lint: $(BIN)/boucle
	$(UV) lock --check --python $(PYTHON) --quiet
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/boucle contracts --check

# Known vulnerabilities of the locked dependencies (PyPI's advisories, through pip-audit);
# a risk is accepted only in accepted-risks.toml, with a reason and an expiry date.
audit: $(BIN)/boucle
	$(BIN)/python -m tests.dependency_audit

unit: $(BIN)/boucle
	$(BIN)/pytest -q tests/unit tests/contracts/test_proto.py tests/contracts/test_compose.py

check: lint unit  ## the inner loop, about a minute: lint, format, types, contracts, unit tests

test: $(BIN)/boucle chromium lint audit  ## everything: lint, types, contracts, the dependency audit, then unit → browser tests
	$(BIN)/pytest

lock: $(UV)  ## upgrade every dependency to its newest allowed version, then commit uv.lock
	$(UV) lock --upgrade --python $(PYTHON)

lock-uv: $(UV)  ## re-hash uv itself after changing its version in requirements-uv.txt
	grep '^uv==' requirements-uv.txt | cut -d' ' -f1 > $(UV_HOME)/uv.in
	$(UV) pip compile --universal --generate-hashes --no-header --quiet $(UV_HOME)/uv.in -o $(UV_HOME)/uv.txt
	{ grep '^#' requirements-uv.txt; grep -v '^ *# via' $(UV_HOME)/uv.txt; } > requirements-uv.txt.new
	mv requirements-uv.txt.new requirements-uv.txt

fresh-check:  ## the README's two commands in a fresh clone of HEAD, empty venv and caches
	bash .ci/fresh-check

bench: $(BIN)/boucle  ## throughput, latency, memory, matching, the register at scale and its rebuild, with the machine's raw limits
	$(BIN)/python -m tests.benchmarks.bench_intakes
	$(BIN)/python -m tests.benchmarks.bench_matching
	$(BIN)/python -m tests.benchmarks.bench_pages
	$(BIN)/python -m tests.benchmarks.bench_inventory_scale
	$(BIN)/python -m tests.benchmarks.bench_tiers  # --full: 1,000,000 devices, 10,000,000 rows
	$(BIN)/python -m tests.benchmarks.bench_rebuild --events 10000 --events 100000  # 10 M: --events 10000000

translations: $(BIN)/boucle  ## find new messages in code and templates, add them to shared/locale/*.po, check they compile
	$(BIN)/python -m shared.translations

contracts: $(BIN)/boucle  ## regenerate proto/ from the event Structs
	$(BIN)/boucle contracts

clean:
	rm -rf $(VENV) $(UV_HOME) .boucle .pytest_cache .mypy_cache .ruff_cache
