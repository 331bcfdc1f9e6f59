# The ENT: `make run` to serve it, `make test` to test it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ent
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Debian packages: to build python-ldap and psycopg2, the local directory (slapd), the private
# PostgreSQL of ENT_STORAGE=relstorage, HAProxy and memcached for ENT_INSTANCES, and a virtualenv with
# Debian's Python; the tests also start a real memcached.
SYSTEM_PACKAGES := gcc libc6-dev libldap2-dev libsasl2-dev slapd ldap-utils postgresql libpq-dev haproxy memcached varnish
DEBIAN_PYTHON_PACKAGES := python3-dev python3-venv
TEST_SYSTEM_PACKAGES := memcached chromium chromium-driver

# `make test` runs the tests on one worker per core (pytest-xdist); `make test TEST_WORKERS=0`
# runs them in this process, one after the other.
TEST_WORKERS ?= auto

RUN_INPUTS := requirements.txt constraints.txt src/ent.policy/pyproject.toml src/ent.theme/pyproject.toml src/ent.server/pyproject.toml

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP)-system: scripts/system-packages.sh Makefile
	@if [ "$$($(PYTHON) -c 'import sys; print(sys.prefix)')" = /usr ]; then \
	    scripts/system-packages.sh $(SYSTEM_PACKAGES) $(DEBIAN_PYTHON_PACKAGES); \
	else scripts/system-packages.sh $(SYSTEM_PACKAGES); fi
	@mkdir -p $(VENV) && touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP)-run: $(STAMP)-system $(BIN)/python $(RUN_INPUTS)
	$(BIN)/python -m pip install -q -c constraints.txt pip setuptools wheel
	$(BIN)/python -m pip install -q --no-build-isolation -r requirements.txt
	$(BIN)/python scripts/compile_translations.py
	@touch $@

$(STAMP)-test: $(STAMP)-run requirements-test.txt
	$(BIN)/python -m pip install -q --no-build-isolation -r requirements-test.txt
	@touch $@

.PHONY: install
install: $(STAMP)-run ## Install what `make run` needs (Debian packages, .venv, pinned packages)

.PHONY: run
run: $(STAMP)-run ## Serve the ENT (creates the site and its demo on first run)
	@$(BIN)/ent-instance run

.PHONY: backup
backup: $(STAMP)-run ## Back up the data into ENT_BACKUP_DIR (incremental; FULL=1 for a full backup; docs/operations.md)
	@$(BIN)/python -m ent.server.commands.backup backup $(if $(FULL),--full)

.PHONY: restore
restore: $(STAMP)-run ## Restore the newest backup (or AT=YYYY-MM-DD-HH-MM-SS) into var/, the instance stopped
	@$(BIN)/python -m ent.server.commands.backup restore $(if $(AT),--at $(AT))

.PHONY: check
check: $(STAMP)-run ## Check the ENT_* settings without starting
	@$(BIN)/ent-instance check

.PHONY: stop
stop: $(STAMP)-run ## Stop the instance that `make run` started
	@$(BIN)/ent-instance stop

# Python files and the ZCML and XML files that ruff and zpretty check.
LINT_XML = $$(git ls-files 'src/*.zcml' 'src/*.xml' 'instance/*.zcml' 2>/dev/null || find src instance -name '*.zcml' -o -name '*.xml')

.PHONY: lint
lint: $(STAMP)-test ## Check the code's style: ruff (lint and format) and zpretty (ZCML and XML)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/zpretty --check $(LINT_XML)

.PHONY: format
format: $(STAMP)-test ## Rewrite the code in the checked style (what `make lint` checks)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/zpretty -i $(LINT_XML)

.PHONY: test
test: lint ## Run every test (after `make lint`)
	@scripts/system-packages.sh $(SYSTEM_PACKAGES) $(TEST_SYSTEM_PACKAGES)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The French catalogues (locales/ of ent.policy and ent.theme): the .mo files are committed so
# that the test layers, which read no zope.conf, load them too; tests/portal/test_i18n.py
# checks that each .mo says what its .po says.
.PHONY: translations
translations: ## Compile the translation catalogues (locales/*/LC_MESSAGES/*.po) into their .mo files
	@for po in $$(find src -path '*/locales/*/LC_MESSAGES/*.po'); do \
	    $(BIN)/python -c 'import sys; from pythongettext.msgfmt import Msgfmt; open(sys.argv[2], "wb").write(Msgfmt(open(sys.argv[1], "rb")).get())' $$po $${po%.po}.mo \
	    && echo "$${po%.po}.mo"; done

.PHONY: screenshots
screenshots: $(STAMP)-test ## PNGs of the pages people use, desktop and phone, into docs/screenshots/
	@scripts/system-packages.sh $(SYSTEM_PACKAGES) $(TEST_SYSTEM_PACKAGES)
	$(BIN)/python scripts/screenshots.py

.PHONY: bench
bench: $(STAMP)-test ## Benchmarks against plain Plone and local users in the same run (docs/benchmarks.md)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/directory.py $(BENCH_ARGS_DIRECTORY)
	$(BIN)/python benchmarks/feed.py $(BENCH_ARGS_FEED)
	$(BIN)/python benchmarks/security.py $(BENCH_ARGS_SECURITY)
	$(BIN)/python benchmarks/cases.py $(BENCH_ARGS_CASES)
	$(BIN)/python benchmarks/sectoring.py $(BENCH_ARGS_SECTORING)
	$(BIN)/python benchmarks/workspaces.py $(BENCH_ARGS_WORKSPACES)
	$(BIN)/python benchmarks/caching.py $(BENCH_ARGS_CACHING)
	$(BIN)/python benchmarks/surge.py $(BENCH_ARGS_SURGE)
	$(BIN)/python benchmarks/storage.py $(BENCH_ARGS_STORAGE)
	$(BIN)/python benchmarks/stats.py $(BENCH_ARGS_STATS)

.PHONY: versions
versions: buildout/versions.cfg ## Regenerate buildout's versions.cfg from constraints.txt

buildout/versions.cfg: constraints.txt scripts/versions_cfg.py
	$(PYTHON) scripts/versions_cfg.py constraints.txt > $@.new && mv $@.new $@

.PHONY: freeze
freeze: $(STAMP)-test ## Rewrite constraints.txt from what the virtualenv holds
	$(BIN)/python scripts/freeze.py > constraints.txt.new && mv constraints.txt.new constraints.txt

.PHONY: clean
clean: ## Remove the virtualenv (keeps var/, the data)
	rm -rf $(VENV)
