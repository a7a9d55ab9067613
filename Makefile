# Stage 3 — Neural Language Models. `make` alone lists the targets.
# Every target that needs Python packages creates the virtual environment on first use.

PYTHON ?= python3
HOST   ?= 127.0.0.1:8000
override VENV  := .venv
override BIN   := $(VENV)/bin
override STAMP := $(VENV)/.installed
override DEV   := $(VENV)/.installed-dev
override LAB   := $(VENV)/.installed-lab
override SHELL := /bin/sh

# What a reader sets (on the command line, or the variables below from the environment) is
# plain text: make never runs a `$(shell ...)` inside it. It reaches a recipe's shell as an
# environment variable, quoted there ("$$HOST"), or is only tested by make ($(if $(KEEP),...)):
# one argument, never a command. tests/test_stitch.py tries each.
READER := PYTHON HOST BENCH_JSON N LIMIT V KEEP DIFF NAME
TYPED  := $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v)))
$(foreach v,$(sort $(READER) $(TYPED)),$(eval override $(v) := $$(value $(v))))
export PYTHON HOST BENCH_JSON N LIMIT NAME

override export NO_MKDOCS_2_WARNING := 1
override export PYTHONHASHSEED := 0
# No BLAS thread setting here: every program that trains (the command line, the benchmark, the
# test session) sets its own process up with runtime.configure() (docs/stage-03/speed.md).

.DEFAULT_GOAL := help
.PHONY: help install install-dev tangle stitch check-sync lint test test-kernels test-browser browser site serve outputs notebooks lab clean

help:  ## list the targets
	@echo "Stage 3 — Neural Language Models"
	@echo
	@grep -hE '^[a-z-]+:.*## ' Makefile | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-13s %s\n", $$1, $$2}'

install: $(STAMP)  ## create .venv with what reading needs (quick once done)

install-dev: $(DEV)  ## add what testing needs to .venv: pytest, ruff, hypothesis, selenium

# Every dependency is pinned in the requirement files, so pip installs them as listed
# (--no-deps: no resolving), and compiles each module when it is first imported (--no-compile).
$(STAMP): requirements.txt pyproject.toml tools/install_paths.py
	@start=$$(date +%s); \
	test -x $(BIN)/python || "$$PYTHON" -m venv $(VENV) || exit 1; \
	echo "installing what reading needs into $(VENV) (requirements.txt)"; \
	$(BIN)/python -m pip install --quiet --no-deps --no-compile -r requirements.txt || exit 1; \
	$(BIN)/python -m pip install --quiet --no-deps --editable . || exit 1; \
	$(BIN)/python tools/install_paths.py || exit 1; \
	echo "installed in $$(( $$(date +%s) - start )) s"
	@touch $@

$(DEV): $(STAMP) requirements-dev.txt
	@start=$$(date +%s); \
	echo "installing what testing needs into $(VENV) (requirements-dev.txt)"; \
	$(BIN)/python -m pip install --quiet --no-deps --no-compile -r requirements-dev.txt || exit 1; \
	echo "installed in $$(( $$(date +%s) - start )) s"
	@touch $@

$(LAB): $(STAMP) requirements-lab.txt
	@start=$$(date +%s); \
	echo "installing JupyterLab into $(VENV) (requirements-lab.txt)"; \
	$(BIN)/python -m pip install --quiet --no-deps --no-compile -r requirements-lab.txt || exit 1; \
	echo "installed in $$(( $$(date +%s) - start )) s"
	@touch $@

tangle: $(STAMP)  ## write code/ from the chapters in docs/ (V=1 shows entangled's log)
	@$(BIN)/python tools/tangle.py tangle $(if $(filter 1,$(V)),--verbose)

stitch: $(STAMP)  ## carry edits of tangled files in code/ into the chapters, then tangle (V=1)
	@$(BIN)/python tools/tangle.py stitch $(if $(filter 1,$(V)),--verbose)

check-sync: $(STAMP)  ## fail if code/ differs from what the chapters tangle to
	$(BIN)/python tools/tangle.py check

lint: $(DEV)  ## ruff over the code, the tools and the tests (settings in pyproject.toml)
	$(BIN)/python -m ruff check code tools tests conftest.py

test: $(DEV)  ## everything CI checks, in phases on every core; prints the time of each
	@$(BIN)/python tools/make_test.py

test-kernels: $(DEV)  ## the stage tests again under two other BLAS kernels (float tolerance check)
	$(BIN)/python tools/test_kernels.py

test-browser: $(DEV) browser  ## the built site and the models panel in headless Chromium (prints the panel's timings)
	$(BIN)/python -m pytest -m browser -rP tests/test_browser.py tests/test_panel_browser.py
	@echo "screenshots: artefacts/screenshots/"

browser:  # Debian's chromium and chromium-driver (no browser download), installed when missing
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing chromium and chromium-driver with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "test-browser needs chromium and chromedriver: sudo apt-get install chromium chromium-driver" >&2; exit 1; \
	  fi; }

site: $(STAMP)  ## build the site into site/ (strict)
	$(BIN)/python -m mkdocs build --strict --site-dir site

serve: $(STAMP)  ## serve the book on http://127.0.0.1:8000, rebuilding (and re-tangling) on edits
	$(BIN)/python -m mkdocs serve --dev-addr "$$HOST"

notebooks: $(STAMP)  ## every chapter and lab as a notebook in notebooks/ (a notebook you changed there is kept)
	@$(BIN)/python tools/notebooks.py notebooks

lab: $(LAB) notebooks  ## open the chapters as notebooks in JupyterLab (installed on first use: requirements-lab.txt)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks

outputs: $(STAMP)  ## run the executed blocks whose inputs changed, into run-outputs/ (commit it)
	@site=$$(mktemp -d); $(BIN)/python -m mkdocs build --strict --site-dir "$$site"; \
	status=$$?; rm -rf "$$site"; \
	test $$status = 0 && git status --short -- run-outputs 2>/dev/null; exit $$status

.PHONY: demo
demo: $(STAMP)  ## the network (a 45-second training budget) against tuned n-gram models on 1M characters of Shakespeare
	$(BIN)/python code/stage-03/cli.py compare --data shakespeare --max-chars 1000000 --time-budget 45

.PHONY: bench
bench: $(STAMP)  ## time one training step: Tensor vs numpy vs PyTorch vs Value (BENCH_JSON=out.json)
	$(BIN)/python code/stage-03/bench.py $${BENCH_JSON:+--json "$$BENCH_JSON"}

.PHONY: bench-memory
bench-memory: $(STAMP)  ## peak memory: the reference model on Shakespeare, a generated large text, the estimates (BENCH_JSON=out.json)
	$(BIN)/python code/stage-03/bench_memory.py $${BENCH_JSON:+--json "$$BENCH_JSON"}

.PHONY: bench-ngram
bench-ngram: $(STAMP)  ## time counting n-grams (orders 1..8) and scoring held-out text, both corpora
	$(BIN)/python code/stage-01/bench_ngram.py

.PHONY: record
record: $(STAMP)  ## runs too long for the site build, kept with their provenance: make record NAME=chars-1m-steps (no NAME: the list)
	@$(BIN)/python code/stage-03/record.py $${NAME:+"$$NAME"}

.PHONY: hostile
hostile: $(STAMP)  ## the hostile cases of issues 13 and 21, each classified clear or not
	$(BIN)/python tools/hostile_cases.py --skip-slow

.PHONY: exercise debug
# N reaches the recipe's shell as an environment variable (see READER above), quoted there:
# `N="3; touch x"` is one (bad) argument, never a second command.
exercise: $(STAMP)  ## check your answer to exercise N (copies its starter to exercises/ first; an experiment prints its commands): make exercise N=3
	@$(BIN)/python code/stage-03/exercises/runner.py $${N:+"$$N"} $${LIMIT:+--time-limit "$$LIMIT"}

debug: $(DEV)  ## Common Mistake N in a copy of code/: its symptom, failing tests (DIFF=1: then the diff): make debug N=2
	@$(BIN)/python code/stage-03/mistakes.py $${N:+"$$N"} $(if $(KEEP),--keep) $(if $(filter 1,$(DIFF)),--show-diff)

clean:  ## remove the built site and caches (keeps .venv)
	rm -rf site .cache .pytest_cache .hypothesis .entangled
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
