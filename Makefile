# Quick start:
#   make demo   set up .venv (first time only), then run the demo job
#   make test   set up .venv (first time only), then run the whole test suite
#
# The environment is rebuilt when setup.py or requirements/*.txt change.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sskt-installed
DEMO_CONFIG ?= configs/baselines/scratch/r20_digits.py
DEMO_EPOCHS ?= 10
DEMO_WORK_DIR ?= work_dirs/demo_r20_digits

.PHONY: demo test venv clean-venv

venv: $(STAMP)

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip setuptools wheel
	$(PY) -m pip install -r requirements/runtime.txt -r requirements/tests.txt
	$(PY) -m pip install --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(PY) tools/train.py $(DEMO_CONFIG) --work-dir $(DEMO_WORK_DIR) \
		--cfg-options train_cfg.max_epochs=$(DEMO_EPOCHS)
	$(PY) tools/test.py $(DEMO_CONFIG) $(DEMO_WORK_DIR)/epoch_$(DEMO_EPOCHS).pth \
		--work-dir $(DEMO_WORK_DIR)

test: $(STAMP)
	$(PY) -m pytest tests

clean-venv:
	rm -rf $(VENV)
