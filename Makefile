# Quick start:
#   make demo   set up .venv (first time only), then run the demo job
#   make test   set up .venv (first time only), then run the whole test suite
#
# The environment is rebuilt when setup.py or requirements/*.txt change.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sskt-installed
DEMO_WORK_DIR ?= work_dirs/demo

.PHONY: demo test venv clean-venv

venv: $(STAMP)

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip setuptools wheel
	$(PY) -m pip install -r requirements/runtime.txt -r requirements/tests.txt
	$(PY) -m pip install --no-deps -e .
	@touch $(STAMP)

# scratch vs KD vs DML vs SSKT on scikit-learn's digits, 3 seeds each
# (about 4 minutes on 2 CPU cores): work_dirs/demo/results.md, curves.png
demo: $(STAMP)
	$(PY) tools/demo.py --work-dir $(DEMO_WORK_DIR)

test: $(STAMP)
	$(PY) -m pytest tests

clean-venv:
	rm -rf $(VENV)
