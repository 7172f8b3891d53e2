# sparsestat developer commands.  Every target creates .venv when it is missing
# and installs what it needs, so a fresh clone only needs `make demo` / `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
DEMO_OUTPUT ?= demo_output

.PHONY: demo test fuzz lint format docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# one stamp file per set of extras, redone whenever pyproject.toml changes
$(VENV)/.stamp-demo: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[plot,dask,progress]"
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[test]"
	touch $@

$(VENV)/.stamp-lint: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[lint]"
	touch $@

$(VENV)/.stamp-docs: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[docs]"
	touch $@

# dagma declares torch, which its linear model does not use: install it without
# dependencies (plus what it imports) so no multi-GB torch wheel is pulled.
$(VENV)/.stamp-bench: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[bench]"
	$(PIP) install --no-deps dagma
	$(PIP) install tqdm python-igraph
	touch $@

demo: $(VENV)/.stamp-demo
	$(BIN)/python -m sparsestat.demo --output $(DEMO_OUTPUT)

test: $(VENV)/.stamp-test
	$(BIN)/python -m pytest tests sparsestat --doctest-modules

# the long part of the fuzz suite (hypothesis, random examples; SPARSESTAT_FUZZ_EXAMPLES
# sets how many per property, 400 by default); its fast part runs within `make test`
fuzz: $(VENV)/.stamp-test
	$(BIN)/python -m pytest tests/fuzz -m fuzz -p no:cacheprovider

lint: $(VENV)/.stamp-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.stamp-lint
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

docs: $(VENV)/.stamp-docs
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

# every benchmark at its --quick setting (the full settings take hours); run a
# script without --quick for the tables quoted in the closing notes
bench: $(VENV)/.stamp-bench
	for script in bench_prox bench_regression bench_group bench_multitask \
		bench_sparse_coding bench_dag; do \
		echo "== $$script"; $(BIN)/python benchmarks/$$script.py --quick || exit 1; done

clean:
	rm -rf $(VENV) docs/_build docs/generated docs/auto_examples $(DEMO_OUTPUT)
