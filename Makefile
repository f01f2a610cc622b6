# Two entry points: `make demo` runs the main job on a bundled example,
# `make test` runs every check CI runs. Both build their own virtualenv.
# `make fuzz` runs the long fuzz campaign (docs/fuzzing.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FUZZ_STAMP := $(VENV)/.installed-fuzz
# The fuzz campaigns: how long, which seed, which target for the guided one.
FUZZ_SECONDS ?= 600
FUZZ_SEED ?= 0
FUZZ_TARGET ?= framework-yaml

.PHONY: demo test bench bench-population docs clean fuzz fuzz-guided

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/progression demo

test: $(STAMP)
	$(BIN)/pytest -q -n auto
	$(BIN)/mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mkdocs build --strict --site-dir $(VENV)/site

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_evaluate.py
	$(BIN)/python benchmarks/bench_csv.py
	$(BIN)/python benchmarks/bench_lint.py

# The population engine and the analyses on it: minutes, and several GB of memory.
bench-population: $(STAMP)
	$(BIN)/python benchmarks/bench_population.py --employees 1000000 --csv-employees 100000
	$(BIN)/python benchmarks/bench_population_exact.py --employees 100000
	$(BIN)/python benchmarks/bench_what_if.py 1000000
	$(BIN)/python benchmarks/bench_calibration.py 300000

$(FUZZ_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,fuzz]'
	touch $(FUZZ_STAMP)

# Every target, structure-aware mutation, for FUZZ_SECONDS; niced, as the cores are shared.
fuzz: $(STAMP)
	nice -n 19 $(BIN)/python -m fuzz.run --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED) \
		--findings fuzz-findings --json fuzz-findings/counts.json

# One target, coverage-guided by atheris (libFuzzer), with a corpus kept between runs.
fuzz-guided: $(FUZZ_STAMP)
	mkdir -p fuzz-corpus/$(FUZZ_TARGET) fuzz-findings
	nice -n 19 $(BIN)/python -m fuzz.guided $(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) \
		-max_len=65536 -artifact_prefix=fuzz-findings/$(FUZZ_TARGET)- fuzz-corpus/$(FUZZ_TARGET)

docs: $(STAMP)
	$(BIN)/mkdocs serve

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis fuzz-findings fuzz-corpus
