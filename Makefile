# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
#
# make demo   - set up what is missing, then run the whole graph in sim mode on the demo input
# make test   - set up what is missing, then run the whole test suite
# make setup  - only the set-up (idempotent; fast when nothing is missing)
# make bench  - measure speed and memory; record medians in bench/results.json and BENCHMARKS.md

VENV ?= .venv
PY := $(VENV)/bin/python
export ROS_LOG_DIR ?= $(CURDIR)/build/ros_log

.PHONY: setup demo test bench lint clean help

help:
	@sed -n 's/^# make /make /p' Makefile

setup:
	@bash scripts/setup.sh

demo: setup
	ROS_AUTOMATIC_DISCOVERY_RANGE=$${ROS_AUTOMATIC_DISCOVERY_RANGE:-LOCALHOST} $(VENV)/bin/milo up --sim

test: setup
	$(PY) -m pytest test

bench: setup
	$(VENV)/bin/milo bench

lint: setup
	$(PY) -m pytest test/test_lint.py

clean:
	rm -rf build .pytest_cache
