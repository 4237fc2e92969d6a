# Two commands set everything up on a fresh machine that has only Python 3.11+:
#   make run    venv, install, then the main job on the default files
#   make test   venv, install, then the whole test suite (lint, types, tests)

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run crawl test lint bench clean screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/atalaia run

crawl: $(STAMP)
	$(BIN)/atalaia crawl

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/python -m pytest -q -n 3 --dist loadfile

screenshots: $(STAMP)
	ATALAIA_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/web/test_browser.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m bench.crawl_bench
	$(BIN)/python -m bench.poll_bench
	$(BIN)/python -m bench.matching_bench
	$(BIN)/python -m bench.delivery_bench
	$(BIN)/python -m bench.latency_bench
	$(BIN)/python -m bench.startup_bench
	$(BIN)/python -m bench.web_bench --memory
	@for d in ../shared/realpages ../shared/devpages/ferret; do \
		if [ -d $$d ]; then $(BIN)/python -m bench.extraction_eval --quiet $$d; fi; done

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
