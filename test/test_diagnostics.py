# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A node's health summary, without ROS."""

from manual_clock import Clock

from milo_robot.diagnostics import ERROR, OK, RECENT_ERROR_S, WARN, Health


def test_health_goes_from_ok_to_warn_to_error_and_back():
    clock = Clock(0.0)
    h = Health(clock)
    level, message, values = h.report('capturing')
    assert (level, message) == (OK, 'capturing')
    assert dict(values)['last_activity_s_ago'] == 'never'

    h.activity()
    h.count('frames', 3)
    h.set('device', 'wav:x.wav')
    h.error('bad frame')
    clock.now = 2.0
    level, message, values = h.report()
    assert (level, message) == (WARN, 'bad frame')
    assert dict(values) == {'frames': '3', 'device': 'wav:x.wav', 'errors': '1',
                            'last_error': 'bad frame', 'last_activity_s_ago': '2.0'}

    h.fault('device unplugged')
    assert h.report()[:2] == (ERROR, 'device unplugged')
    h.clear_fault()
    clock.now = 2.0 + RECENT_ERROR_S
    level, message, values = h.report('capturing')
    assert (level, message) == (OK, 'capturing')
    assert dict(values)['errors'] == '1'  # the count stays for the record
