# Two commands do all set-up: `make check` (check a bundled example) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXAMPLE ?= examples/declarations/aurora-social.yaml
# The day the examples are assessed as of: their DPIAs and audits age like any other's.
AS_OF ?= 2026-09-15

.PHONY: check check-failing test lint bench fuzz install clean browser docs dist

install: $(STAMP)

# The last line installs OPA's engine in process: its metadata asks for Python 3.14, it
# runs on 3.11 (on 3.14 the extra 'opa' installs it by itself).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --ignore-requires-python 'opa-golib-python-bindings>=0.4.4'
	touch $(STAMP)

## Check the bundled compliant example (exit 0 when compliant).
check: $(STAMP)
	$(BIN)/pyrules check $(EXAMPLE) --as-of $(AS_OF)

## Check the bundled non-compliant example (exits 1 and lists every failing control).
check-failing: $(STAMP)
	$(BIN)/pyrules check examples/declarations/kestrel-video.yaml --as-of $(AS_OF)

## Ruff: style, formatting, and complexity (C901: at most 15 per function).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## The whole test suite: lint, the standard's own checks, pytest. pytest runs every control
## case as a test of its own (tests/test_control_cases.py) and their Rego coverage
## (tests/test_coverage.py), so `pyrules test --coverage` need not run them again here.
test: $(STAMP) browser lint
	$(BIN)/pyrules lint --since release
	$(BIN)/python -m pytest

## Debian's Chromium for the HTML report's browser test; installed when missing (as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "chromium is missing: run 'sudo make browser' (the HTML browser test skips)"; fi; }

## Publish the standard: generate build/docs-src/ and build site/ with mkdocs --strict.
docs: $(STAMP)
	$(BIN)/pyrules docs build

## Build the sdist and the wheel (pyrules-edhs) into dist/ and check their metadata.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/ads.py

## 10,000 seeded hostile inputs against every entry point (make test runs 500 of them).
fuzz: $(STAMP)
	$(BIN)/python fuzz/hostile.py --count 10000

clean:
	rm -rf $(VENV) build dist site .pytest_cache .ruff_cache test-artifacts
