# LKjIP pipeline. `make help` lists the targets; `make report` is the main job.
YEAR ?= 2017
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
JOBS ?=
# Agency folder (params/, data/raw/; its outputs go there too); empty = the shipped example
AGENCY ?=
AG := $(if $(AGENCY),--agency "$(AGENCY)",)

.DEFAULT_GOAL := help
.PHONY: help env system-deps data report preview start-page test test-travel lint format bench lab new-year new-agency clean expected batch synth bench-batch

## Show this help
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-zA-Z_-]+:/{if(doc){split($$1,t,":"); printf "  make %-12s %s\n", t[1], doc}; doc=""}' $(MAKEFILE_LIST)
	@echo "  Variables: YEAR=$(YEAR) (report year), JOBS (parallel notebooks, default: cores),"
	@echo "             AGENCY (agency folder, default: the example at the repository root)"

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# The project itself, editable, with its pinned dependencies and dev tools.
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

## Create the Python environment in .venv (done automatically by the other targets)
env: $(VENV)/.installed

## Install the Debian packages the browser and PDF tests need (chromium, poppler-utils)
system-deps:
	@if command -v chromium >/dev/null && command -v pdftoppm >/dev/null; then \
	  echo "chromium and pdftoppm present"; \
	else \
	  apt-get update -qq && apt-get install -y -qq chromium poppler-utils; \
	fi

## Validate raw data of YEAR (of AGENCY), write data/processed/YEAR and outputs/YEAR/audit.csv
data: env
	$(PY) -m lkjip_helpers data --year $(YEAR) $(AG)

## Build the LKjIP of YEAR: outputs/YEAR/lkjip-YEAR.html and .pdf (under AGENCY if given)
report: env
	$(PY) -m lkjip_helpers report --year $(YEAR) $(AG) $(if $(JOBS),--jobs $(JOBS),)

## Render one chapter to HTML in seconds: make preview CHAPTER=bab3 (id, 3/III, title or notebook)
preview: env
	@test -n "$(CHAPTER)" || { echo "usage: make preview CHAPTER=bab3 [YEAR=$(YEAR)]"; exit 2; }
	$(PY) -m lkjip_helpers preview --year $(YEAR) $(AG) --chapter "$(CHAPTER)"

## Write the analysts' start page MULAI_DI_SINI.md and the JupyterLab workspace of YEAR
start-page: env
	$(PY) -m lkjip_helpers start-page --year $(YEAR) $(AG)

## Create params and Excel templates for a new YEAR (never overwrites)
new-year: env
	$(PY) -m lkjip_helpers new-year --year $(YEAR) $(AG)

## Create a new agency folder: make new-agency DIR=../dinas-x [YEAR=2024] (never overwrites)
new-agency: env
	@test -n "$(DIR)" || { echo "usage: make new-agency DIR=path/to/agency [YEAR=...]"; exit 2; }
	$(PY) -m lkjip_helpers new-agency --dir "$(DIR)" $(if $(filter command line,$(origin YEAR)),--year $(YEAR),)

## Lint, check formatting and run the whole test suite (what CI runs)
test: env
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

## Run make test in a copy of the repository holding another (synthetic) agency (not part of make test)
test-travel: env
	$(PY) tools/travel_check.py --nice

## Format the code with ruff
format: env
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## Regenerate tests/acceptance/ from a fresh build (when a change is meant to alter the report)
expected: env
	LKJIP_UPDATE_EXPECTED=1 $(PY) -m pytest tests/test_acceptance_report.py -q

## Benchmark naive vs cached/parallel builds; writes outputs/bench.json
bench: env
	$(PY) -m lkjip_helpers bench --year $(YEAR) $(AG)

## Build every agency-year of a portfolio on Dask: make batch PORTFOLIO=portfolio.yaml [WORKERS=n] [JOBS_PER_AGENCY=1] [SCHEDULER=tcp://host:8786]
batch: env
	@test -n "$(PORTFOLIO)" || { echo "usage: make batch PORTFOLIO=portfolio.yaml [WORKERS=n] [SCHEDULER=tcp://host:8786]"; exit 2; }
	$(PY) -m lkjip_helpers batch --portfolio "$(PORTFOLIO)" $(if $(WORKERS),--workers $(WORKERS),) $(if $(JOBS_PER_AGENCY),--jobs-per-agency $(JOBS_PER_AGENCY),) $(if $(SCHEDULER),--scheduler $(SCHEDULER),)

## Write N synthetic agencies and their portfolio: make synth N=8 OUT=synthetic [SEED=0] [BROKEN=0]
synth: env
	@test -n "$(N)" -a -n "$(OUT)" || { echo "usage: make synth N=8 OUT=folder [SEED=0] [BROKEN=0]"; exit 2; }
	$(PY) -m lkjip_helpers synth --agencies $(N) --out "$(OUT)" --seed $(or $(SEED),0) --broken $(or $(BROKEN),0)

## Benchmark the batch: 8 synthetic agencies on 1 and 2 local workers; writes outputs/bench-batch.json
bench-batch: env
	$(PY) -m lkjip_helpers bench-batch --agencies 8 --workers 1,2

## Open JupyterLab at the project root on the start page (data and start page of YEAR built first)
lab: data start-page
	$(if $(AGENCY),LKJIP_AGENCY="$(abspath $(AGENCY))",) $(PY) -m jupyter lab --ServerApp.root_dir=. \
	  --LabApp.workspaces_dir=$(or $(AGENCY),.)/.jupyter/workspaces --LabApp.default_url=/lab/workspaces/lkjip \
	  $(if $(filter 0,$(shell id -u)),--allow-root,)

## Remove processed data, outputs and the build cache (raw data is never touched)
clean:
	cd "$(or $(AGENCY),.)" && rm -rf data/processed/[0-9]* outputs/[0-9]* outputs/preview outputs/bench.json outputs/bench-batch.json outputs/batch .cache
