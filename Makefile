# Townlet developer entry points.  `make run` and `make test` are the two you need.
#
#   make venv    create .venv with maturin
#   make build   build the Rust extension (release) and install townlet editable, with [dev]
#   make run     build, then `townlet run` (default town, two days)
#   make lint    ruff, ruff format, mypy --strict, import contracts, docstrings, cargo fmt, clippy
#   make test    build, lint, cargo test, config reference check, the whole pytest suite
#   make wheel   release wheel into dist/
#   make bench   criterion benches and `townlet bench`
#   make parity  the full scale-up parity matrix (10 seeds x 3 days x {10, 60} agents)
#   make browser Debian's chromium for the web viewer tests (never fails; tests skip without it)
#   make test-ml install the [ml] extra (torch) and run the learning tests
#   make learning-check  the micro learning check of docs/training.md (minutes of CPU)
#
# Targets are idempotent: stamp files under .venv/ skip the Rust build when no Rust,
# Cargo or pyproject file changed. The extension is built once (release) and the wheel
# reuses the same target/ directory.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENV_ABS := $(abspath $(VENV))
STAMP_VENV := $(VENV)/.townlet-venv.stamp
STAMP_BUILD := $(VENV)/.townlet-build.stamp
STAMP_WHEEL := dist/.townlet-wheel.stamp

# One interpreter for every PyO3 build script, so cargo never rebuilds pyo3 because
# the environment changed between maturin, clippy and cargo test.
export PYO3_PYTHON := $(VENV_ABS)/bin/python

RUST_INPUTS := Cargo.toml $(wildcard Cargo.lock) pyproject.toml \
	$(shell find rust benches -type f \( -name '*.rs' -o -name 'Cargo.toml' \) 2>/dev/null)

PYTEST_WORKERS ?= 2

.PHONY: help venv build run lint test wheel bench parity clean browser viewer-screenshot test-ml learning-check

help:
	@sed -n '1,18p' Makefile | sed 's/^# \{0,1\}//'

$(STAMP_VENV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet 'maturin>=1.7,<2'
	touch $@

venv: $(STAMP_VENV)

$(STAMP_BUILD): $(STAMP_VENV) $(RUST_INPUTS)
	VIRTUAL_ENV=$(VENV_ABS) $(BIN)/maturin develop --release -E dev
	touch $@

build: $(STAMP_BUILD)

run: build
	$(BIN)/townlet run

lint: build
	$(BIN)/ruff check python tests
	$(BIN)/ruff format --check python tests
	$(BIN)/mypy --strict python/townlet
	$(BIN)/lint-imports
	$(BIN)/interrogate python/townlet
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

$(STAMP_WHEEL): $(STAMP_VENV) $(RUST_INPUTS) $(shell find python/townlet -type f -not -name '*.so' -not -path '*/__pycache__/*')
	rm -f dist/townlet-*.whl
	$(BIN)/maturin build --release --interpreter $(BIN)/python --out dist
	touch $@

wheel: $(STAMP_WHEEL)

# The viewer tests drive the system chromium through Playwright (operations.md 4.2).
# Installing it is best effort: without apt-get or root the browser tests skip.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
	       && { apt-get install -y -qq chromium >/dev/null 2>&1 \
	            || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }; }; } \
	  || echo "note: chromium not installed; the web viewer browser tests will skip"

# Refresh docs/img/viewer.png (the README screenshot) from the browser test.
viewer-screenshot: build browser
	TOWNLET_UI_SCREENSHOT_DOCS=$(abspath docs/img/viewer.png) $(BIN)/python -m pytest -q tests/ui/test_viewer.py -k screenshots

test: build lint wheel browser
	cargo test --workspace
	$(BIN)/townlet config doc --check
	$(BIN)/townlet config doc --layout --check
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

bench: build
	cargo bench --workspace
	$(BIN)/townlet bench --agents 10,100 --json target/townlet-bench.json

parity: build
	TOWNLET_PARITY_FULL=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/parity/test_full_parity.py

test-ml: build
	$(BIN)/python -m pip install --quiet 'torch>=2.2'
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/learning tests/test_docstring_examples.py

learning-check: build
	$(BIN)/python -m pip install --quiet 'torch>=2.2'
	$(BIN)/townlet train --algo check --tier micro --threads 1 --run-dir runs/check-micro

clean:
	rm -rf dist target $(STAMP_BUILD) $(STAMP_WHEEL)
