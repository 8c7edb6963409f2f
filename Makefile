# The two set-up commands: `make run` and `make test`. Both create or refresh
# .venv from pyproject.toml first, so a fresh machine needs only Python >= 3.11.
# `make dist` builds the application folder (README, "Install").
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean dist test-dist install-desktop uninstall-desktop icons translations lupdate

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
	$(VENV)/bin/ruff check booking_desktop tests main.py packaging/render_icons.py

bench: $(STAMP)
	$(VENV)/bin/python main.py bench

# --- the application folder (PyInstaller, a build dependency only) -----------------
DIST_STAMP := $(VENV)/.installed-dist
BUNDLE     := dist/booking-desktop/booking-desktop
SPEC       := packaging/booking-desktop.spec
SOURCES    := main.py pyproject.toml $(SPEC) \
              $(shell find booking_desktop resources -type f -not -path '*/__pycache__/*')
# Where install-desktop puts the app, its menu entry and its icons.
PREFIX     ?= $(HOME)/.local

$(DIST_STAMP): $(STAMP)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,dist]'
	touch $(DIST_STAMP)

$(BUNDLE): $(DIST_STAMP) $(QM) $(SOURCES)
	@started=$$(date +%s); \
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist \
	    --workpath build/pyinstaller $(SPEC) && \
	touch $(BUNDLE) && \
	echo "Built dist/booking-desktop in $$(( $$(date +%s) - started )) s:" \
	     "$$(du -sh dist/booking-desktop | cut -f1)," \
	     "$$(find dist/booking-desktop -type f | wc -l) files"

dist: $(BUNDLE)

# The folder on its own: outside the source tree, no Python on PATH (README, "Install").
test-dist: $(BUNDLE)
	packaging/test-dist.sh dist/booking-desktop

install-desktop: $(BUNDLE)
	packaging/desktop-entry.sh install dist/booking-desktop "$(PREFIX)"

uninstall-desktop:
	packaging/desktop-entry.sh uninstall "$(PREFIX)"

# The PNG sizes of the app's icon, from its SVG (committed under resources/icons).
icons: $(STAMP)
	$(VENV)/bin/python packaging/render_icons.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache $(QM)
