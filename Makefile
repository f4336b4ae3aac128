# Every target installs what it needs: `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
PY := .venv/bin/python
STAMP := .venv/.installed
# The data home: $SALIENCY_NB_DATA if set, else ../shared/data when it exists (this repository's CI).
SALIENCY_NB_DATA ?= $(if $(wildcard ../shared/data/README.md),$(abspath ../shared/data),)
export SALIENCY_NB_DATA
export MPLBACKEND := agg

.PHONY: install demo test test-all docs export clean-nbs lint

$(PY):
	python3 -m venv .venv

$(STAMP): $(PY) setup.py settings.ini
	$(PY) -m pip install --no-compile -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	.venv/bin/saliency_nb demo --out demo_out

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup --durations=20 tests

test-all: $(STAMP)
	SALIENCY_NB_TEST_FLAGS="slow" $(PY) -m pytest -n 2 --dist loadgroup --durations=20 tests

docs: $(STAMP)
	$(PY) tools/build_docs.py

export: $(STAMP)
	.venv/bin/nbdev_clean && .venv/bin/nbdev_export

lint: $(STAMP)
	.venv/bin/ruff check --select F821,F811 saliency_nb
