# Fellowship — the commands the README names. Only Python 3.11+ and make are needed on the machine.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app fellowship
HOST ?= 127.0.0.1
PORT ?= 5000
LOCALES := en es pl ar he
CATALOGS := fellowship/translations
MO_FILES := $(foreach l,$(LOCALES),$(CATALOGS)/$(l)/LC_MESSAGES/messages.mo)

.PHONY: run test lint translations compile-translations demo clean wheel bench screenshots

run: $(BIN)/.installed compile-translations
	$(FLASK) db upgrade
	$(FLASK) fellowship curriculum sync
	FELLOWSHIP_BASE_URL=http://$(HOST):$(PORT) $(FLASK) fellowship demo
	@echo
	@echo "Fellowship is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo "Emails it sends land in the development mailbox: http://$(HOST):$(PORT)/dev/mailbox"
	FELLOWSHIP_DEV_MAILBOX=1 FELLOWSHIP_BASE_URL=http://$(HOST):$(PORT) $(FLASK) run --host $(HOST) --port $(PORT)

# The suite runs on every core (pytest-xdist), a test file per worker at a time: tests of one file may share
# state (a Redis database, a demo), tests of different files never do. PYTEST_XDIST= runs it in one process.
PYTEST_XDIST ?= -n auto --dist loadfile
test: $(BIN)/.installed-test compile-translations
	$(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Benchmarks (not part of CI, which runs a smoke run): needs wrk (apt-get install wrk) and PostgreSQL.
bench: $(BIN)/.installed-test compile-translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The guides' pictures in docs/images/ (a documentation tool, not part of `make test`): a throwaway demo on a
# free port, Chromium (/usr/bin/chromium or FELLOWSHIP_CHROMIUM) clicking through each person's journey.
# SCREENSHOTS_ARGS="--only juror --lang en" narrows it; "--serve" only starts the demo server.
screenshots: $(BIN)/.installed-test compile-translations
	$(BIN)/python -m tests.e2e.screenshots $(SCREENSHOTS_ARGS)

lint: $(BIN)/.installed-test
	$(BIN)/ruff check .

# Extract every string, merge it into the five catalogs, compile them.
translations: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output \
		--project Fellowship -o $(CATALOGS)/messages.pot .
	@for l in $(LOCALES); do \
		if [ -f $(CATALOGS)/$$l/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(CATALOGS)/messages.pot -d $(CATALOGS) -l $$l; \
		else \
			$(BIN)/pybabel init -i $(CATALOGS)/messages.pot -d $(CATALOGS) -l $$l; \
		fi; done
	$(MAKE) compile-translations

compile-translations: $(MO_FILES)

$(CATALOGS)/%/LC_MESSAGES/messages.mo: $(CATALOGS)/%/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile --statistics -d $(CATALOGS) -l $*

wheel: $(BIN)/.installed compile-translations
	$(BIN)/pip wheel --no-deps -w dist .

$(BIN)/.installed: pyproject.toml | $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(BIN)/.installed-test: pyproject.toml $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

$(VENV):
	@if [ -z "$(PYTHON)" ]; then \
		echo "Fellowship needs Python 3.11 or newer on the PATH (python3.11, python3.12 ... or python3)."; exit 1; fi
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
		echo "$(PYTHON) cannot create virtual environments: its venv/ensurepip modules are missing."; \
		echo "On Debian or Ubuntu install them with:  sudo apt-get install python3-venv"; \
		echo "(or python$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv), then run make again."; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
	find $(CATALOGS) -name '*.mo' -delete
