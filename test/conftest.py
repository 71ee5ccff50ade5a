# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Test set-up: DDS kept on this machine, a ROS domain of this run's own, and the harness fixtures."""

import os
import shutil
import tempfile

from milo_robot.speaking.board_timing import FILE_NAME, cache_dir  # no rclpy in it

# Before anything imports rclpy: every node this run starts, in-process or as a child process,
# inherits these.
os.environ['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
os.environ['ROS_DOMAIN_ID'] = os.environ.get('MILO_TEST_DOMAIN_ID', str(1 + os.getpid() % 100))
_ros_log_dir = None if 'ROS_LOG_DIR' in os.environ else tempfile.mkdtemp(prefix='milo-test-roslog-')
os.environ.setdefault('ROS_LOG_DIR', _ros_log_dir or '')
os.environ['PYTHONUNBUFFERED'] = '1'
# What nodes learn about the board (Kokoro's timing) is written to this run's own folder, which
# starts with what set-up measured (`milo models time`): nodes do not time it again at each start.
_user_cache = cache_dir()
os.environ['MILO_CACHE_DIR'] = tempfile.mkdtemp(prefix='milo-test-cache-')
if os.path.exists(os.path.join(_user_cache, FILE_NAME)):
    shutil.copy(os.path.join(_user_cache, FILE_NAME), os.environ['MILO_CACHE_DIR'])

import pytest  # noqa: E402
from harness import Probe, ProcessGroup  # noqa: E402


def pytest_sessionfinish(session, exitstatus):
    """Remove this run's folders; keep the nodes' ROS logs of a run that failed, and say where."""
    shutil.rmtree(os.environ['MILO_CACHE_DIR'], ignore_errors=True)
    if _ros_log_dir and exitstatus == 0:
        shutil.rmtree(_ros_log_dir, ignore_errors=True)
    elif _ros_log_dir:
        print(f'\nthe nodes\' ROS logs of this run: {_ros_log_dir}')


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
