# The README and CI call these targets, nothing else.
# Each creates the project's virtual environment when it is missing and installs into it.

VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install site validate test test-fast lint format benchmark national clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $@

## plotly.js and MiniSearch with `npm pack` at their pinned versions and checksums
## (site/vendor.json), into a cache outside the repository. Without npm the site still builds.
VENDOR := $(VENV)/.vendor-stamp
$(VENDOR): $(STAMP) src/munro_data/site/vendor.json
	$(PY) -m munro_data.site vendor
	touch $@

install: $(STAMP) $(VENDOR)

## Check the data (validator messages, exit 1 on any problem). DATA=dir checks another folder.
validate: $(STAMP)
	$(PY) -m munro_data validate $(DATA)

## The main job: validate, re-run the notebooks whose inputs changed, build _site/.
## With `quarto` on the PATH it renders with Quarto, otherwise with nbconvert (--without-quarto).
## Quarto's hooks run with this venv's Python either way (the build sets QUARTO_PYTHON).
site: install
	$(PY) -m munro_data.site build

## Every test: lint, data contract, provenance, bad input, notebooks (nbval), the built site.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

## The inner loop: every test but the slow, browser and Quarto tiers (markers in pyproject.toml).
## pytest's exit 5 (nothing selected, e.g. with a -k that matches only slow tests) is no failure.
FAST := not slow and not browser and not quarto
test-fast: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -m "$(FAST)" $(PYTEST_ARGS) || [ $$? -eq 5 ]

## Build time, rebuild time and page weight against the README's budgets (RUNS=3).
benchmark: install
	$(PY) benchmarks/benchmark.py --runs $(or $(RUNS),3)

## Synthetic national-scale data (152 councils) in NATIONAL_DIR, never in data/.
national: $(STAMP)
	$(PY) benchmarks/synthetic.py $(or $(NATIONAL_DIR),/tmp/munro-national)

## ruff, then the code's shape (tests/test_code_shape.py): no import cycle in src/ (lazy imports
## included), no file over 500 lines, no function over 80.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -q -p no:cacheprovider tests/test_code_shape.py

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf _site .quarto assets/plotly.min.js assets/favicon.svg downloads test-artifacts .pytest_cache .ruff_cache build src/*.egg-info .site-build-* ._site-old-*
