# Chung Tay — the two set-up commands are `make demo` and `make test` (see README).
PYTHON ?= python3.11
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: demo test serve bench screenshots clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

## Install, migrate, load the demo province (synthetic Kon Tum 2016–2025) and start the web app.
demo: $(STAMP)
	$(PY) -m chungtay demo

## Run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
# --dist loadfile: each test file runs in one worker, so a file's installation or served stack is set up
# once (xdist 3.8's xdist_group marks are not applied under pytest 9: the files were split over both
# workers and set their module fixtures up twice).
test: $(STAMP)
	@scripts/ensure-test-tools
	$(PY) -m pytest -n 2 --dist loadfile

## Refresh the screenshots in docs/screenshots/ (the only command that writes them).
screenshots: $(STAMP)
	@scripts/ensure-test-tools
	CHUNGTAY_SCREENSHOTS=$(CURDIR)/docs/screenshots $(PY) -m pytest -m e2e -p no:xdist

serve: $(STAMP)
	$(PY) -m chungtay serve

bench: $(STAMP)
	$(PY) benchmarks/run_all.py && $(PY) benchmarks/bench_measures.py && $(PY) benchmarks/bench_national_pages.py

clean:
	rm -rf $(VENV) data/chungtay.sqlite3*
