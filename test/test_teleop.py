# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo teleop` in a terminal (a pty): keys become commands on the topics the robot listens to."""

import json
import os
import pty
import select
import subprocess
import sys
import time

from diagnostic_msgs.msg import DiagnosticArray
from geometry_msgs.msg import Twist
from harness import wait_until
from std_msgs.msg import Empty, String

from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces.diagnostics import diagnostic_array
from milo_robot.interfaces.topics import (
    BODY_ESTOP,
    DIAGNOSTICS,
    DIALOGUE_MODE,
    DIALOGUE_SET_MODE,
    STATE_QOS,
    TELEOP_CMD_VEL,
    TTS_SAY,
)
from milo_robot.teleop.client import TeleopClient
from milo_robot.teleop.keymap import PHRASES, action_for

LEFT = '\x1bOD'  # what a terminal sends in keypad mode, which curses turns on


def test_the_keymap():
    assert action_for('left').value[0] > 0 and action_for('down').value[1] < 0
    assert action_for(' ').kind == 'estop' and action_for('R').kind == 'release'
    assert action_for('r') is None, 'release must be deliberate (shift)'
    assert action_for('m', 'lecture').value == 'qa' and action_for('m', 'sleep').value == 'lecture'
    assert action_for('h').value == PHRASES['h'] and action_for('q').kind == 'quit'


class Terminal:
    """A child process on a pseudo-terminal, as a club member's terminal."""

    def __init__(self, argv):
        self.master, slave = pty.openpty()
        env = dict(os.environ, TERM='xterm', LINES='30', COLUMNS='100')
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True)
        os.close(slave)
        self.screen = b''

    def read(self):
        while select.select([self.master], [], [], 0)[0]:
            try:
                self.screen += os.read(self.master, 65536)
            except OSError:
                break
        return self.screen.decode('utf-8', 'replace')

    def type(self, keys: str):
        os.write(self.master, keys.encode())
        time.sleep(0.1)

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        os.close(self.master)


def test_keys_drive_the_head_estop_speech_and_modes(probe):
    cmd_vel = probe.subscribe(Twist, TELEOP_CMD_VEL.name)
    estop = probe.subscribe(Empty, BODY_ESTOP.name)
    say = probe.subscribe(String, TTS_SAY.name)
    modes = probe.subscribe(String, DIALOGUE_SET_MODE.name)
    # Transient-local, like the dialogue node's: the teleop sees it whenever it joins.
    mode = probe.node.create_publisher(String, DIALOGUE_MODE.name, STATE_QOS.profile())
    mode.publish(String(data='lecture'))
    terminal = Terminal([sys.executable, '-m', 'milo_robot.cli.main', 'teleop'])
    try:
        wait_until(lambda: 'Milo teleop' in terminal.read(), 'the teleop screen')
        wait_until(lambda: terminal.type(LEFT) or cmd_vel.messages, 'a head command from the left arrow')
        assert cmd_vel.messages[-1].angular.z > 0
        wait_until(lambda: 'lecture' in terminal.read(), 'the mode on screen')  # curses redraws only changes
        terminal.type('m')
        wait_until(lambda: modes.messages, 'a mode switch')
        assert modes.messages[-1].data == 'qa'
        terminal.type('h')
        terminal.type('\nHow are you?\n')
        wait_until(lambda: len(say.messages) >= 2, 'two sentences to say')
        texts = [json.loads(m.data)['text'] for m in say.messages]
        assert texts[:2] == [PHRASES['h'][0], 'How are you?']
        terminal.type(' ')
        wait_until(lambda: estop.messages, 'the emergency stop')
        wait_until(lambda: 'EMERGENCY STOP sent' in terminal.read(), 'the stop on screen')
        terminal.type('q')
        assert terminal.process.wait(timeout=10) == 0
    finally:
        terminal.close()


def test_the_club_sees_the_link_and_the_light_the_body_reports(probe):
    client = TeleopClient(probe.node)
    diagnostics = probe.publisher(DiagnosticArray, DIAGNOSTICS.name, DIAGNOSTICS.qos.profile())
    report = diagnostic_array('body', 0, 'link connected', [
        (d.LINK, 'connected'), (d.FIRMWARE, '1.1.0'), (d.TELEOP, 'inactive'), (d.LIGHT, '#800000')],
        '/body', probe.node.get_clock().now().to_msg())
    probe.publish_until(diagnostics, report, lambda: client.snapshot()['light'] != '?', 'the body report')
    view = client.snapshot()
    assert (view['link'], view['firmware'], view['light']) == ('connected', '1.1.0', '#800000')
