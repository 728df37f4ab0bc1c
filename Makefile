# pbxops.pbx — contributor commands. `make demo` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8080
DB ?=
TLS ?=
export PYTHONPATH := $(CURDIR)/tests

.PHONY: venv simulator test test-sim

venv: $(VENV)/.installed

$(VENV)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r tests/requirements.txt
	touch $@

## Run the PBX simulator in the foreground (PORT=8080 DB=state.sqlite TLS=1).
simulator: venv
	$(PY) -m pbxsim --port $(PORT) $(if $(DB),--db $(DB)) $(if $(filter 1 yes true,$(TLS)),--tls)

## The simulator's own test suite.
test-sim: venv
	$(PY) -m pytest -q tests/simulator

test: test-sim
