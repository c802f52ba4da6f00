# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= build

.PHONY: demo test install clean help

help:
	@echo "make demo   set up .venv, install kg, build the graph from data/ into $(OUT)/"
	@echo "make test   set up .venv with the test extras and run the whole test suite"
	@echo "make clean  remove .venv, $(OUT)/ and other generated files"

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

demo: $(VENV)/.installed
	$(BIN)/kg build --data data --out $(OUT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(OUT) dist .pytest_cache .hypothesis viz/out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
