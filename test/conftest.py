# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Test set-up: DDS kept on this machine, a ROS domain of this run's own, and the harness fixtures."""

import os
import tempfile

# Before anything imports rclpy: every node this run starts, in-process or as a child process,
# inherits these.
os.environ['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
os.environ['ROS_DOMAIN_ID'] = os.environ.get('MILO_TEST_DOMAIN_ID', str(1 + os.getpid() % 100))
os.environ.setdefault('ROS_LOG_DIR', tempfile.mkdtemp(prefix='milo-test-roslog-'))
os.environ['PYTHONUNBUFFERED'] = '1'
# What nodes remember about the board (Kokoro's timing) stays with this run, not the user's cache.
os.environ['MILO_CACHE_DIR'] = tempfile.mkdtemp(prefix='milo-test-cache-')

import pytest  # noqa: E402
from harness import Probe, ProcessGroup  # noqa: E402


@pytest.fixture
def probe():
    """An in-process ROS node that subscribes, publishes and calls services for a test."""
    p = Probe()
    yield p
    p.close()


@pytest.fixture
def processes():
    """Start child processes (nodes, `milo up`); every one is killed at teardown, pass or fail."""
    group = ProcessGroup()
    yield group
    group.kill_all()
