# pbxops.pbx — contributor commands. `make demo` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# -rs: a skipped test always says why in the summary.
PYTEST := $(PY) -m pytest -p no:cacheprovider -rs
PORT ?= 8080
DB ?=
TLS ?=
N ?= 1000
LOOP_N ?= 500
export PYTHONPATH := $(CURDIR)/tests

.PHONY: help venv lock lock-check galaxy-import simulator demo test test-unit test-sim test-integration sanity lint docs-check \
        changelog-lint bench bench-10k bench-phones bench-kinds bench-onboarding bench-sim build clean

help:
	@echo "make demo        onboard the example tenant on three simulated PBXs, twice, then export it (the round trip)"
	@echo "make test        everything CI runs: unit, simulator, integration tests and the quality gates"
	@echo "make lock        resolve the requirements afresh and rewrite their locks (tests/*constraints.txt)"
	@echo "make galaxy-import  galaxy-importer, as Galaxy runs it on upload, on the built artifact"
	@echo "make simulator   run the PBX simulator in the foreground (PORT=8080 DB=state.sqlite TLS=1)"
	@echo "make bench       converge N=$(N) extensions, then N phones, per platform; requests, time ratios, bulk vs loop"
	@echo "make bench-10k   the large-tenant part of make bench alone: LARGE_N=10000 new extensions per platform,"
	@echo "                 whole ansible-playbook against a plain requests script, and peak memory"
	@echo "make bench-phones  the phones part of make bench alone"
	@echo "make bench-kinds   the call group, gateway and ERL part of make bench alone (KIND_N=200)"
	@echo "make bench-onboarding  the whole-tenant part of make bench alone (ONBOARD_N=300 extensions and phones)"
	@echo "make bench-sim   the simulator's own requests per second"

venv: $(VENV)/.installed

# Installed from the lock (tests/constraints.txt), so that a fresh clone tests the versions that passed.
$(VENV)/.installed: tests/requirements.txt tests/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip -c tests/constraints.txt 2>&1 | grep -v "is ignored" || true
	$(VENV)/bin/pip install -q -r tests/requirements.txt -c tests/constraints.txt 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import ansible, fastapi, uvicorn, requests, openapi_core, hypothesis"
	touch $@

## Run the PBX simulator in the foreground.
simulator: venv
	$(PY) -m pbxsim --port $(PORT) $(if $(DB),--db $(DB)) $(if $(filter 1 yes true,$(TLS)),--tls)

## Build and install the collection, start a simulator, onboard the example tenant on its three PBXs twice
## (the second run must change nothing), export one tenant and onboard the file (changed=0), stop.
demo: venv
	$(PY) tests/demo.py

test: lock-check test-unit test-sim test-integration demo sanity lint docs-check changelog-lint galaxy-import
	@echo "make test: all suites and gates passed"

## The lock (tests/constraints.txt) still matches tests/requirements.txt and the environment made from it.
lock-check: venv
	$(PY) tests/tools/lock_check.py

## Resolve the requirements afresh and rewrite their locks (then make test, commit them).
lock:
	PYTHON=$(PYTHON) tests/tools/lock.sh tests/requirements.txt tests/constraints.txt
	PYTHON=$(PYTHON) tests/tools/lock.sh tests/importer-requirements.txt tests/importer-constraints.txt

## galaxy-importer (what Galaxy runs on upload) on the built artifact, from its own locked environment.
IMPORTER_VENV ?= build/importer-venv
$(IMPORTER_VENV)/.installed: tests/importer-requirements.txt tests/importer-constraints.txt
	$(PYTHON) -m venv $(IMPORTER_VENV)
	$(IMPORTER_VENV)/bin/pip install -q --upgrade pip -c tests/importer-constraints.txt 2>&1 | grep -v "is ignored" || true
	$(IMPORTER_VENV)/bin/pip install -q -r tests/importer-requirements.txt -c tests/importer-constraints.txt 2>&1 \
		| grep -v "is ignored" || true
	$(IMPORTER_VENV)/bin/python tests/tools/lock_check.py tests/importer-requirements.txt tests/importer-constraints.txt
	touch $@

galaxy-import: venv $(IMPORTER_VENV)/.installed
	VENV=$(VENV) IMPORTER_VENV=$(IMPORTER_VENV) tests/tools/galaxy_import.sh

test-unit: venv
	$(PYTEST) -q tests/unit

test-sim: venv
	$(PYTEST) -q tests/simulator

test-integration: venv
	rm -rf build/reports
	$(PYTEST) -q -n 2 --durations=30 tests/integration

sanity: venv
	VENV=$(VENV) tests/tools/sanity.sh

lint: venv
	VENV=$(VENV) tests/tools/lint.sh

docs-check: venv
	VENV=$(VENV) tests/tools/docs.sh

changelog-lint: venv
	$(VENV)/bin/antsibull-changelog lint
	$(VENV)/bin/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

## N10K (default 10000): the unchanged-rerun phase. On 2 cores the extensions part took 18 minutes and
## the phones part 8, the large-tenant part (bench_large.py) about 8 on a quiet machine (docs/benchmarks.md); allow 55.
bench: venv
	$(PY) tests/bench/bench_extensions.py --n $(N) --loop-n $(LOOP_N) --n10k $(or $(N10K),10000)
	$(PY) tests/bench/bench_large.py --n $(or $(LARGE_N),10000)
	$(PY) tests/bench/bench_phones.py --n $(N) --loop-n $(or $(PHONE_LOOP_N),200)
	$(PY) tests/bench/bench_kinds.py --n $(or $(KIND_N),200) --loop-n $(or $(KIND_LOOP_N),50)
	$(PY) tests/bench/bench_onboarding.py --n $(or $(ONBOARD_N),300)

## The whole-tenant part of make bench alone.
bench-onboarding: venv
	$(PY) tests/bench/bench_onboarding.py --n $(or $(ONBOARD_N),300)

## The large-tenant part of make bench alone: 10,000 new extensions per platform, 3 back-to-back pairs of the
## plain script and the whole ansible-playbook (about 8 minutes on 2 cores).
bench-10k: venv
	$(PY) tests/bench/bench_large.py --n $(or $(LARGE_N),10000)

## The phones part of make bench alone.
bench-phones: venv
	$(PY) tests/bench/bench_phones.py --n $(N) --loop-n $(or $(PHONE_LOOP_N),200)

## The call group, gateway and ERL part of make bench alone.
bench-kinds: venv
	$(PY) tests/bench/bench_kinds.py --n $(or $(KIND_N),200) --loop-n $(or $(KIND_LOOP_N),50)

bench-sim: venv
	$(PY) tests/bench/sim_bench.py

build: venv
	mkdir -p build
	$(VENV)/bin/ansible-galaxy collection build --force --output-path build .

clean:
	rm -rf build .pytest_cache
