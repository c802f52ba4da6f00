# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= build

.PHONY: demo test install clean help bench bench-quick

help:
	@echo "make demo   set up .venv, install kg, build the graph from data/ into $(OUT)/, analyse it, write the views"
	@echo "make test   set up .venv with the test extras and run the whole test suite"
	@echo "make clean  remove .venv, $(OUT)/ and other generated files"
	@echo "make bench  run the benchmark suite, write BENCHMARKS.md (long; BENCH_SIZES=1,10,100 to cap)"
	@echo "make bench-quick  the same in quick mode (under a minute)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when pyproject.toml changes (stamp files record the last install).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

# one process: build + SHACL (in a forked child) + analysis + every view
demo: $(VENV)/.installed
	$(BIN)/kg build --data data --out $(OUT) --analyze --views viz/out

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# Benchmarks (not part of `make test`): see bench/README.md. Scratch goes to bench/.scratch/.
BENCH_SIZES ?= 1,10,100,1000
BENCH_ARGS  ?=

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES) --out BENCHMARKS.md --json bench/results.json $(BENCH_ARGS)

bench-quick: $(VENV)/.installed-test
	$(BIN)/python bench/run.py --quick --out BENCHMARKS.md $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(OUT) dist .pytest_cache .hypothesis viz/out bench/.scratch
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
