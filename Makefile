# The two set-up commands: `make run` and `make test`. Both create or refresh
# .venv from pyproject.toml first, so a fresh machine needs only Python >= 3.11.
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/python main.py

test: $(STAMP)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check booking_desktop tests main.py

bench: $(STAMP)
	$(VENV)/bin/python main.py bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
