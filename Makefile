# `make` sets everything up, builds every PDF, the web site (build/site/), a braille file
# per leaflet and language, and the preview page build/index.html; `make test` runs the tests.
# Options as variables: make PAPER=letter, LANGS="en", LEAFLETS=focal-dystonia,
# ENGINE=reportlab, CLINIC=file.yaml (default: clinic.yaml when present), NOTES=1, BOOKLET=1,
# FORMATS="pdf brf" (what to make: pdf, html, brf; all three by default).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= build
PAPER ?= a4
ENGINE ?= weasyprint
LEAFLETS ?=
LANGS ?=
CLINIC ?= $(wildcard clinic.yaml)
NOTES ?=
BOOKLET ?=
FORMATS ?= pdf html brf
HOST ?= 127.0.0.1
PORT ?= 8000

# Values are quoted for the shell, so a folder or file name with spaces (or quotes)
# works; LEAFLETS and LANGS are lists separated by spaces.
quote = '$(subst ','\'',$(1))'
BUILD_ARGS = $(foreach name,$(LEAFLETS),$(call quote,$(name))) --paper $(call quote,$(PAPER)) \
	--engine $(call quote,$(ENGINE)) --out-dir $(call quote,$(OUT)) \
	$(foreach lang,$(LANGS),--lang $(call quote,$(lang))) $(if $(CLINIC),--clinic $(call quote,$(CLINIC))) \
	$(if $(NOTES),--notes) $(if $(BOOKLET),--booklet)
FORMAT_ARGS = $(foreach format,$(FORMATS),--format $(call quote,$(format)))

.PHONY: all setup system-packages test-packages build site preview serve test test-fast lint docs check list clean \
	distclean readme-picture catalogs catalogs-extract catalogs-update

all: build preview

setup: $(VENV)/.installed

system-packages:
	@sh scripts/install-system-packages.sh

# Headless Chromium and chromium-driver (Debian), and axe-core (npm, pinned in package-lock.json) that the tests run in it.
test-packages: node_modules/.installed
	@sh scripts/install-system-packages.sh test

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The virtual environment is rebuilt only when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml scripts/install-system-packages.sh
	@sh scripts/install-system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# Fixed wording ("Page N of M", "Sources" ...) in gettext catalogs under templates/locale.
# After changing wording in a template: make catalogs-extract catalogs-update, translate
# the new entries in each messages.po, then make (which compiles them).
CATALOG_DIR := templates/locale
PO_FILES := $(wildcard $(CATALOG_DIR)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

catalogs-extract: setup
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output \
		--project leafletpress --version 0.1 --ignore-dirs ".* _* .venv build tests" \
		-o $(CATALOG_DIR)/messages.pot .

catalogs-update: setup
	$(VENV)/bin/pybabel update -i $(CATALOG_DIR)/messages.pot -d $(CATALOG_DIR) --ignore-obsolete

catalogs: $(MO_FILES)

%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile -i $< -o $@

# The sources are checked first (errors stop the build); the generator itself
# skips every PDF that is already up to date.
build: setup catalogs
	$(PY) generate.py check --quiet $(foreach name,$(LEAFLETS),$(call quote,$(name)))
	$(PY) generate.py build $(BUILD_ARGS) $(FORMAT_ARGS)

# The web site alone, in build/site/, with the PDFs it links to.
site: setup catalogs
	$(PY) generate.py check --quiet $(foreach name,$(LEAFLETS),$(call quote,$(name)))
	$(PY) generate.py build $(BUILD_ARGS) --format pdf --format html

# Page-1 thumbnails of every PDF and build/index.html listing them.
preview: build
	$(PY) generate.py preview --out-dir $(call quote,$(OUT))

# The web page for clinicians on http://HOST:PORT (this machine only by default); Ctrl-C stops it.
serve: setup catalogs
	$(PY) generate.py serve --host $(call quote,$(HOST)) --port $(call quote,$(PORT)) \
		$(if $(CLINIC),--clinic $(call quote,$(CLINIC)))

check: setup catalogs
	$(PY) generate.py check $(foreach name,$(LEAFLETS),$(call quote,$(name)))

list: setup
	$(PY) generate.py list

# Lint (ruff) and types (mypy), then every test, one worker per core (a test file stays on one worker);
# test-fast runs the unit tier alone (seconds).
test: setup catalogs test-packages lint
	$(PY) -m pytest -n auto --dist loadfile

test-fast: setup
	$(PY) -m pytest -m "not pdf"

lint: setup
	$(VENV)/bin/ruff check leafletpress tests bench scripts generate.py
	$(VENV)/bin/mypy

# docs/cli.md: every command's --help, as the tool prints it.
docs: setup
	$(PY) scripts/cli_docs.py

# The picture of page 1 shown in the README (needs poppler-utils' pdftoppm).
readme-picture: build
	pdftoppm -png -r 50 -f 1 -l 1 -singlefile $(call quote,$(OUT)/focal-dystonia.en.pdf) docs/page1
	pdftoppm -png -r 50 -f 1 -l 1 -singlefile $(call quote,$(OUT)/focal-dystonia.en.large-print.pdf) docs/page1-large-print

# Removes only what the tool wrote in OUT (the PDFs and braille files it recorded, the web site's files, thumbnails, the
# gallery page, its record) and its caches; never a folder it did not create.
clean:
	@if [ -x $(PY) ]; then $(PY) generate.py clean --out-dir $(call quote,$(OUT)); fi
	@# .cache may be a link to another folder: never remove through it
	if [ ! -L .cache ]; then rm -rf .cache/leaflets .cache/fonts .cache/layouts; fi

distclean: clean
	rm -rf $(VENV) *.egg-info
