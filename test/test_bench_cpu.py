# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The benchmarks' CPU count of a process tree keeps the time of descendants that have exited.

`cpu_idle_share_listening` once had 10 s windows above 1 (the graph's CPU going backwards): a
node's short-lived child took its CPU time with it when it ended.
"""

import subprocess
import sys

from milo_robot.bench.conversation import tree_cpu_s

# The parent starts a child that burns CPU for a while, reaps it, then waits to be told to end.
BURN = 'import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.5: pass'
PARENT = f'''
import subprocess, sys
subprocess.run([sys.executable, "-c", "{BURN}"])
print("child done", flush=True)
sys.stdin.readline()
'''


def test_the_time_of_an_exited_child_stays_in_the_tree():
    parent = subprocess.Popen([sys.executable, '-c', PARENT], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == 'child done'
        assert tree_cpu_s([parent.pid]) >= 0.5
    finally:
        parent.communicate('\n', timeout=10)
