# The two set-up commands: `make run` and `make test`. Both create or refresh
# .venv from pyproject.toml first, so a fresh machine needs only Python >= 3.11.
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean translations lupdate

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# The windows' languages: resources/i18n/*.ts are committed (`make lupdate`
# refreshes them from the code), the .qm files Qt loads are built here.
I18N := resources/i18n
QM   := $(patsubst %.ts,%.qm,$(wildcard $(I18N)/*.ts))

translations: $(QM)

$(I18N)/%.qm: $(I18N)/%.ts | $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

lupdate: $(STAMP)
	$(VENV)/bin/python -m booking_desktop.tools.translations update

run: $(STAMP) translations
	$(VENV)/bin/python main.py

test: $(STAMP) translations
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check booking_desktop tests main.py

bench: $(STAMP)
	$(VENV)/bin/python main.py bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache $(QM)
