# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The startup bench's measure: a graph process started alone, heard ready, and how late."""

from milo_robot.bench.startup import ReadyLog, start_once
from milo_robot.graph import node_environment, parameter_specs, plan, record_overrides


def test_a_process_started_alone_is_heard_ready_with_the_delay_of_its_report(tmp_path):
    launches, errors = plan(True, (), record_overrides(f'{tmp_path}/milo.db', parameter_specs()))
    assert not errors
    microphone = next(launch for launch in launches if launch.name == 'microphone')
    log = ReadyLog()
    try:
        took, delays = start_once(microphone, node_environment(), log)
    finally:
        log.close()
    assert len(delays) == len(microphone.nodes) == 1
    # The report was stamped by the node (same machine, same clock) before the listener heard it,
    # and after the process was spawned: a delay outside that is a stamp not read.
    assert -0.05 < delays[0] < took
