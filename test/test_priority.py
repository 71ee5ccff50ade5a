# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A node's CPU share: its own session's autogroup lowered and given back, never a shared one's.

Each case runs in a child process, as the supervisor runs a node: with a session of its own, or
in the session of the program that started it.
"""

import subprocess
import sys

import pytest

from milo_robot.priority import autogroup_nice

CHILD = '''
import time
from milo_robot.priority import GiveWay, autogroup_nice

def until(give_way):
    # The kernel takes one change every 100 ms, machine-wide: ask again until it is taken.
    deadline = time.monotonic() + 60
    while not way.update(give_way):
        assert time.monotonic() < deadline, 'the kernel never took the change'
        time.sleep(0.05)
    return autogroup_nice()

way = GiveWay()
print(way.normal, until(True), until(False))
'''

pytestmark = pytest.mark.skipif(autogroup_nice() is None, reason='this kernel has no autogroups')


def run_child(own_session: bool) -> list:
    done = subprocess.run([sys.executable, '-c', CHILD], capture_output=True, text=True, timeout=120,
                          start_new_session=own_session)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_node_in_its_own_session_gives_way_and_takes_its_share_back():
    normal, giving_way, after = run_child(own_session=True)
    assert normal == after == '0' and giving_way == '19'


def test_a_process_in_a_shared_session_leaves_its_share_alone():
    before = autogroup_nice()
    normal, giving_way, after = run_child(own_session=False)
    assert normal == 'None' and giving_way == after == str(before)
    assert autogroup_nice() == before
