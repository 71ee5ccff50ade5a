# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The body node over real DDS, driving the real firmware in the simulator through a pty."""

import math
import time

from diagnostic_msgs.msg import DiagnosticArray
from geometry_msgs.msg import Twist
from harness import latest_status, statuses, wait_until
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool, ColorRGBA, Empty, Float32, String
from std_srvs.srv import Trigger

from milo_robot.body.expressions import EXPRESSIONS
from milo_robot.body.simulator import SimulatedBody
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces.topics import (
    BODY_ESTOP,
    BODY_ESTOPPED,
    BODY_JOINT_COMMANDS,
    BODY_LIGHT,
    DIAGNOSTICS,
    JOINT_STATES,
    RELEASE_SERVICE,
    ROBOT_STATE,
    STATE_QOS,
    TELEOP_CMD_VEL,
    TTS_MOUTH,
)


def body_diag(inbox):
    status = latest_status(inbox, 'body')
    return status.values if status else {}


def test_states_commands_estop_teleop_and_replug(tmp_path, probe, processes):
    link = str(tmp_path / 'milo-body')  # like /dev/serial/by-id: the path survives a replug
    sim = SimulatedBody(link=link)
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    joints = probe.subscribe(JointState, JOINT_STATES.name)
    estopped = probe.subscribe(Bool, BODY_ESTOPPED.name, STATE_QOS.profile())
    processes.node('body_node', port=link, teleop_timeout_s=1.0, retry_s=0.2,
                   latch_file=str(tmp_path / 'estop.latch'))
    wait_until(lambda: body_diag(diagnostics).get('link') == 'connected', 'the body link', 60)
    assert body_diag(diagnostics)['firmware'] == '1.1.0'
    wait_until(lambda: joints.messages, JOINT_STATES.name)

    # The robot state chooses the expression: thinking looks aside with a purple light.
    state = probe.publisher(String, ROBOT_STATE.name, STATE_QOS.profile())
    state.publish(String(data='thinking'))
    thinking = EXPRESSIONS['thinking']
    head = (thinking.pan, thinking.tilt)
    assert sim.wait_for(lambda s: (s.angles()['pan'], s.angles()['tilt']) == head, 10)

    # A joint command in radians, then lip-sync from the TTS mouth level.
    command = probe.publisher(JointState, BODY_JOINT_COMMANDS.name)
    command.publish(JointState(name=['pan'], position=[math.radians(-20.0)]))
    assert sim.wait_for(lambda s: s.angles()['pan'] == -20.0, 10)
    wait_until(lambda: abs(math.degrees(joints.messages[-1].position[0]) + 20.0) < 0.2,
               'joint_states to report the pan the firmware holds')
    probe.publisher(Float32, TTS_MOUTH.name).publish(Float32(data=1.0))
    assert sim.wait_for(lambda s: s.angles()['jaw'] == 30.0, 10)

    # A light command (alpha is brightness); a bad one is reported, not sent.
    light = probe.publisher(ColorRGBA, BODY_LIGHT.name)
    light.publish(ColorRGBA(r=1.0, g=0.0, b=0.0, a=0.5))
    assert sim.wait_for(lambda s: s.light == (128, 0, 0), 10)
    wait_until(lambda: body_diag(diagnostics).get(d.LIGHT) == '#800000', 'the light in the diagnostics')
    light.publish(ColorRGBA(r=2.0, g=0.0, b=0.0, a=1.0))
    command.publish(JointState(name=['elbow'], position=[0.0]))

    # Teleop wins while active, then hands the head back.
    teleop = probe.publisher(Twist, TELEOP_CMD_VEL.name)
    twist = Twist()
    twist.angular.z = math.radians(60.0)
    for _ in range(10):  # a held arrow key repeats
        teleop.publish(twist)
        time.sleep(0.05)
    assert sim.wait_for(lambda s: s.angles()['pan'] > -20.0 + 5, 10)
    wait_until(lambda: body_diag(diagnostics).get('teleop') == 'active', 'teleop to be active')
    assert sim.wait_for(lambda s: s.angles()['pan'] == -20.0, 10), 'autonomous after the teleop timeout'

    # Emergency stop: latched, commands ignored, explicit release.
    probe.publisher(Empty, BODY_ESTOP.name).publish(Empty())
    wait_until(lambda: estopped.messages and estopped.messages[-1].data, '/body/estopped true')
    assert sim.wait_for(lambda s: s.light == (255, 0, 0), 10)
    command.publish(JointState(name=['pan'], position=[math.radians(40.0)]))
    assert not sim.wait_for(lambda s: s.angles()['pan'] == 40.0, 1.0)
    assert probe.call(Trigger, RELEASE_SERVICE.name, Trigger.Request()).message == 'release requested'
    assert sim.wait_for(lambda s: s.angles()['pan'] == 40.0, 10)
    wait_until(lambda: not estopped.messages[-1].data, '/body/estopped false')

    # Unplug: the link is lost; replug: the latest command is restored.
    sim.stop()
    wait_until(lambda: body_diag(diagnostics).get('link') == 'connecting', 'the link to be lost', 30)
    sim = SimulatedBody(link=link)
    try:
        wait_until(lambda: body_diag(diagnostics).get('link') == 'connected', 'the link to come back', 30)
        assert sim.wait_for(lambda s: s.angles()['pan'] == 40.0 and s.angles()['jaw'] == 30.0, 10)
        assert sim.wait_for(lambda s: s.light == (128, 0, 0), 10)
        diag = body_diag(diagnostics)
        assert int(diag['reconnects']) >= 2
    finally:
        sim.stop()
    levels = statuses(diagnostics, 'body')
    assert any(BODY_LIGHT.name in s.message or 'unknown joints' in s.message for s in levels)
