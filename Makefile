# Two commands do everything on a fresh machine:
#   make        set up .venv, provision the datasets, build every release and autograder
#   make test   the same set-up, then the test suite
.DEFAULT_GOAL := all
SHELL := /bin/bash

# The kit runs on Python 3.11, 3.12 and 3.13. The grader runs student kernels as an unprivileged
# user, who must be able to run the venv's interpreter: prefer the system's Python over one
# installed inside a private home folder. `make PYTHON=/path/to/python3.X` picks another.
SUPPORTED := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))
PYTHON ?= $(shell for p in /usr/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12 \
  /usr/bin/python3.11 /usr/local/bin/python3 "$$(command -v python3)"; do \
  [ -x "$$p" ] && "$$p" -c '$(SUPPORTED)' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: all setup python bubblewrap export-tools browser data release autograder test lint bench calibrate lock clean

all: setup data release autograder

$(BIN)/coursekit: requirements.txt pyproject.toml | python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==23.2.1"
	$(BIN)/python -m pip install --quiet --requirement requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $@

setup: $(BIN)/coursekit bubblewrap export-tools browser

# A supported Python that can make a virtual environment (Debian and Ubuntu ship venv's
# ensurepip as python3.X-venv: installed here when root, else named).
python:
	@if [ -z "$(PYTHON)" ] || ! "$(PYTHON)" -c '$(SUPPORTED)' 2>/dev/null; then \
	  found="$(PYTHON)"; found=$${found:-$$(command -v python3 || true)}; \
	  version=$$("$$found" -c 'import platform; print(platform.python_version())' 2>/dev/null); \
	  echo "make: coursekit needs Python 3.11, 3.12 or 3.13; found $${found:-no python3}$${found:+ \
	(Python $${version:-that does not run})}." >&2; \
	  echo "      Install one (Debian 12: python3.11, Debian 13: python3.13, Ubuntu 24.04:" >&2; \
	  echo "      python3.12, each with its -venv package), or run make PYTHON=/path/to/python3.X" >&2; \
	  exit 1; \
	fi; \
	"$(PYTHON)" -c 'import ensurepip' 2>/dev/null && exit 0; \
	venv=python$$("$(PYTHON)" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q $$venv >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get install -y -q $$venv >/dev/null; }; \
	else \
	  echo "make: $(PYTHON) cannot make a virtual environment: sudo apt-get install $$venv" >&2; \
	  exit 1; \
	fi

# Student code is graded inside a bubblewrap sandbox: installed here when root, else named.
bubblewrap:
	@command -v bwrap >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q bubblewrap >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get install -y -q bubblewrap >/dev/null; }; \
	else \
	  echo "note: install bubblewrap (sudo apt-get install bubblewrap): without it, student code"; \
	  echo "      is graded as your own user (coursekit grade says so; see docs/isolation.md)"; \
	fi

# The tests open the feedback, report and similarity pages in Debian's headless chromium (they
# skip, saying why, without it): installed here when root, else named.
browser:
	@command -v chromium >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } || \
	  echo "note: chromium could not be installed; the browser tests will skip"; \
	else \
	  echo "note: the browser tests need chromium (sudo apt-get install chromium)"; \
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

bench: release
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
