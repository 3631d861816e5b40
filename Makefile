# Two commands do everything on a fresh machine:
#   make        set up .venv, provision the datasets, build every release and autograder
#   make test   the same set-up, then the test suite
.DEFAULT_GOAL := all
SHELL := /bin/bash

# The grader runs student kernels as an unprivileged user, who must be able to run the venv's
# interpreter: prefer the system Python over one installed inside a private home folder.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) $(shell command -v python3.11) python3)
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: all setup bubblewrap export-tools data release autograder test lint bench calibrate lock clean

all: setup data release autograder

$(BIN)/coursekit: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==23.2.1"
	$(BIN)/python -m pip install --quiet --requirement requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $@

setup: $(BIN)/coursekit bubblewrap export-tools

# Student code is graded inside a bubblewrap sandbox: installed here when root, else named.
bubblewrap:
	@command -v bwrap >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q bubblewrap >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get install -y -q bubblewrap >/dev/null; }; \
	else \
	  echo "note: install bubblewrap (sudo apt-get install bubblewrap): without it, student code"; \
	  echo "      is graded as your own user (coursekit grade says so; see README, Isolation)"; \
	fi

# `coursekit export` typesets written answers with pandoc and xelatex (nbconvert's LaTeX
# template) and counts pages with poppler's pdfinfo: installed here when root, else named.
EXPORT_PACKAGES := pandoc texlive-xetex texlive-fonts-recommended texlive-plain-generic poppler-utils
export-tools:
	@command -v pandoc >/dev/null && command -v xelatex >/dev/null && \
	  command -v pdfinfo >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q --no-install-recommends $(EXPORT_PACKAGES) >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && \
	    apt-get install -y -q --no-install-recommends $(EXPORT_PACKAGES) >/dev/null; }; \
	else \
	  echo "note: coursekit export needs these packages (sudo apt-get install"; \
	  echo "      --no-install-recommends $(EXPORT_PACKAGES))"; \
	fi

data: setup
	$(BIN)/coursekit data

release: data
	$(BIN)/coursekit release

autograder: data
	$(BIN)/coursekit autograder

test: setup data
	$(BIN)/python -m pytest -n auto --dist worksteal

lint: setup
	$(BIN)/ruff check .

bench: setup data
	$(BIN)/python benchmarks/run_all.py

calibrate: setup data
	$(BIN)/coursekit calibrate

# Re-pin after changing the environment: requirements.txt, then environment.yml from it.
# --all keeps setuptools and wheel, which tensorflow-cpu needs at run time (pip is pinned above).
lock: setup
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -v '^pip==' | LC_ALL=C sort -f > requirements.txt
	{ sed -n '1,9p' environment.yml; sed 's/^/      - /' requirements.txt; } > environment.yml.new
	mv environment.yml.new environment.yml

clean:
	rm -rf $(VENV) autograder/dist
