# `make` sets everything up and builds every PDF; `make test` runs the tests.
# Options as variables: make PAPER=letter, make LANGS="en", make LEAFLETS=focal-dystonia.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= build
PAPER ?= a4
ENGINE ?= weasyprint
LEAFLETS ?=
LANGS ?=

BUILD_ARGS := $(LEAFLETS) --paper $(PAPER) --engine $(ENGINE) --out-dir $(OUT) \
	$(foreach lang,$(LANGS),--lang $(lang))

.PHONY: all setup system-packages build test check list clean distclean readme-picture

all: build

setup: $(VENV)/.installed

system-packages:
	@sh scripts/install-system-packages.sh

# The virtual environment is rebuilt only when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml scripts/install-system-packages.sh
	@sh scripts/install-system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# The generator itself skips every PDF that is already up to date.
build: setup
	$(PY) generate.py build $(BUILD_ARGS)

check: setup
	$(PY) generate.py check $(LEAFLETS)

list: setup
	$(PY) generate.py list

test: setup
	$(PY) -m pytest

# The picture of page 1 shown in the README (needs poppler-utils' pdftoppm).
readme-picture: build
	pdftoppm -png -r 50 -f 1 -l 1 -singlefile $(OUT)/focal-dystonia.en.pdf docs/page1
	pdftoppm -png -r 50 -f 1 -l 1 -singlefile $(OUT)/focal-dystonia.en.large-print.pdf docs/page1-large-print

clean:
	rm -rf $(OUT)

distclean: clean
	rm -rf $(VENV) *.egg-info
