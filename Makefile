# Liondale Medical mesotherapy assistant.
# A newcomer needs two commands: `make run` and `make test`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10: pyenv's first, then any python3.10 on PATH.
PYTHON310 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10.*/bin/python3.10) $(shell command -v python3.10 2>/dev/null))
VENV := .venv
UV_VERSION := 0.13.9
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export PYTHONWARNINGS ?= ignore::DeprecationWarning
# Rasa would otherwise try to send usage data; nothing leaves this machine.
export RASA_TELEMETRY_ENABLED := false
# The database tests run a second time against the PostgreSQL service.
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/liondale_test

SPACY_MODEL := models/spacy/en_liondale/meta.json
MODEL := models/mesotherapy.tar.gz
RASA_DATA := config.yml $(wildcard domain/*.yml) $(shell find data -name '*.yml')

include web/web.mk

# Chart.js for the staff console's dashboard, from npm as console/package-lock.json pins it
# (served by the console itself: no CDN).
CONSOLE_ASSETS := console/node_modules/.installed
$(CONSOLE_ASSETS): console/package.json console/package-lock.json console/.npmrc
	npm ci --prefix console
	@touch $@

.PHONY: help setup migrate train run shell validate test test-fast bench bench-dashboard lint lock consults handoffs staff-user purge clean

help:
	@echo "make run       set up, train if the data changed, start action server + bot"
	@echo "make test      set up, train, run every check and test"
	@echo "make test-fast ruff and the unit tests (no model, none of our servers): about 30 s"
	@echo "make shell     chat with the bot in the terminal (staff)"
	@echo "make train     build the spaCy pipeline and train the Rasa model if inputs changed"
	@echo "make validate  rasa data validate (fails on warnings)"
	@echo "make bench     speed and memory figures -> bench/results.json, bench/latency.png, bench/dashboard.json"
	@echo "make lint      ruff"
	@echo "make consults  open consult requests (DONE=LM-XXXXXX marks one done)"
	@echo "make handoffs  conversations waiting for a person (RESUME=ID resumes the bot)"
	@echo "make staff-user EMAIL=...  create a staff console account or set its password (asked for)"
	@echo "make purge     delete conversations older than TRACKER_RETENTION_DAYS (30; make run does it daily)"
	@echo "make lock      re-pin requirements.lock from requirements.in"

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 is required (Rasa 3.6 supports 3.8-3.10) and was not found."; \
	  echo "Install it, e.g. 'pyenv install 3.10.13' or 'apt-get install python3.10 python3.10-venv',"; \
	  echo "or point to it: make PYTHON310=/path/to/python3.10 ..."; \
	  exit 1; \
	fi
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.0" "uv==$(UV_VERSION)"
	@# uv installs exactly the lock (no resolving) in seconds, where pip took minutes.
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	$(PY) -m pip check
	@touch $@

# The clinic database's schema (DATABASE_URL, default var/clinic.db, this user's only).
migrate: $(VENV)/.installed
	umask 077 && $(PY) -m clinic_db.migrate

lock: $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements.in
	$(PY) -m pip freeze --all --exclude-editable | grep -v "^pip==" > requirements.lock

$(SPACY_MODEL): $(VENV)/.installed spacy_pipeline/build.py spacy_pipeline/vocabulary.yml
	$(PY) -m spacy_pipeline.build models/spacy/en_liondale

# Rasa fingerprints the spaCy pipeline by its name only, so a rebuilt pipeline
# forces a full retrain; otherwise `rasa train` reuses what did not change.
$(MODEL): $(SPACY_MODEL) $(RASA_DATA)
	@umask 077 && mkdir -p var && start=$$(date +%s) && \
	$(RASA) train --domain domain --fixed-model-name mesotherapy --out models \
	  $(if $(filter $(SPACY_MODEL),$?),--force) && \
	echo $$(( $$(date +%s) - start )) > var/last-training-seconds
	@touch $@

train: $(MODEL)

validate: $(VENV)/.installed
	$(RASA) data validate --domain domain --fail-on-warnings

run: $(MODEL) migrate $(WEBCHAT_BUNDLE) $(CONSOLE_ASSETS)
	./scripts/serve.sh

# Chats with the model as trained (only a missing one is trained first): staff get a
# prompt in seconds, not a retraining because a file's date changed.
shell: migrate $(if $(wildcard $(MODEL)),,$(MODEL))
	@$(MAKE) --no-print-directory --question $(MODEL) || \
	  echo "Note: config, domain, data or the spaCy pipeline changed since the model was trained: \`make train\` to chat with the changes."
	./scripts/shell.sh

consults: migrate
	$(PY) -m staff.cli consults $(if $(DONE),--done $(DONE))

handoffs: migrate
	$(PY) -m staff.cli handoffs $(if $(RESUME),--resume $(RESUME))

# EMAIL and PASSWORD reach the command through the environment (make exports variables
# given on its command line), never as arguments; without PASSWORD it is asked for.
staff-user: migrate
	@umask 077 && $(PY) -m console.accounts

purge: $(VENV)/.installed
	umask 077 && $(PY) -m privacy.retention

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

test: $(MODEL) lint $(WEB_TEST_DEPS) $(CONSOLE_ASSETS)
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml \
	  --fail-on-prediction-errors --out results/core
	$(PY) -m pytest -m "not several_instances"
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -m database

# The unit tier (tests/conftest.py sets each test's tier from what it needs).
test-fast: lint
	$(PY) -m pytest -m unit -q

# Figures, not pass/fail tests: run it on a quiet machine.
bench: $(MODEL) migrate bench-dashboard
	$(PY) -m bench.run $(if $(wildcard var/last-training-seconds),--training-seconds $$(cat var/last-training-seconds))

# The staff console's dashboard on 100,000 seeded conversations -> bench/dashboard.json.
bench-dashboard: migrate $(CONSOLE_ASSETS)
	$(PY) -m bench.dashboard

clean:
	rm -rf results .pytest_cache
