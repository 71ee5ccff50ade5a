# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The real firmware in the simulator: what the servos and the light do, on good and bad input."""

import random
import time

import pytest
import serial

from milo_robot.bench.body import FUZZ_LIGHT, FUZZ_POSE, bad_frame, fuzz
from milo_robot.body import protocol as p
from milo_robot.body.link import Nacked, SerialLink
from milo_robot.body.simulator import SimulatedBody

AMBER = (255, 96, 0)


def us(degrees: float) -> float:
    return 1500.0 + 10 * degrees


@pytest.fixture
def body():
    sim = SimulatedBody()
    time.sleep(0.2)
    link = SerialLink(sim.port)
    yield sim, link
    link.close()
    sim.stop()


def servo_values(sim, joint, since=0):
    index = str(p.JOINTS.index(joint))
    return [float(v[1]) for _, kind, v in list(sim.events)[since:] if kind == 'servo' and v[0] == index]


def test_ping_answers_with_the_versions_and_the_board_says_hello(body):
    sim, link = body
    assert p.Version.from_pong(link.request(p.PING).payload) == p.Version('1.1.0', p.PROTOCOL_VERSION)


def test_joint_targets_are_clamped_and_slewed_by_the_firmware(body):
    sim, link = body
    assert sim.wait_for(lambda s: s.angles().get('pan') == 0.0)
    before = len(sim.events)
    ack = link.request(p.SET_JOINTS, p.set_joints_payload({'pan': 60.0, 'tilt': 90.0, 'jaw': -20.0}))
    assert ack.payload[0] & 1, 'the ACK says a value was clamped'
    assert sim.wait_for(lambda s: s.angles() == {'pan': 60.0, 'tilt': 30.0, 'jaw': 0.0})
    pan = servo_values(sim, 'pan', before)
    steps = [b - a for a, b in zip([us(0)] + pan, pan)]
    assert len(pan) > 5 and max(steps) <= 36 + 0.5, f'pan moved in steps {steps}: not slewed'
    assert max(servo_values(sim, 'tilt', before)) < us(30.0) + 1, 'tilt went past its limit'


def test_light_colour_and_pattern_reach_the_pwm_pins(body):
    sim, link = body
    link.request(p.SET_LIGHT, p.set_light_payload((0, 160, 60)))
    assert sim.wait_for(lambda s: s.light == (0, 160, 60))
    before = len(sim.events)
    link.request(p.SET_LIGHT, p.set_light_payload((200, 0, 0), 'blink', 0.2))
    time.sleep(0.5)
    lights = {tuple(v) for _, kind, v in list(sim.events)[before:] if kind == 'led'}
    assert ('200', '0', '0') in lights and ('0', '0', '0') in lights, lights


def test_without_the_host_the_head_goes_to_the_safe_pose_and_the_light_says_so(body):
    sim, link = body
    link.request(p.SET_JOINTS, p.set_joints_payload({'pan': 40.0}))
    link.request(p.SET_LIGHT, p.set_light_payload((0, 160, 60)))
    assert sim.wait_for(lambda s: s.angles().get('pan') == 40.0 and s.light == (0, 160, 60))
    # Silence from the host (a crashed PC, a cut cable) for more than 500 ms:
    assert sim.wait_for(lambda s: s.angles().get('pan') == 0.0 and s.light in (AMBER, (0, 0, 0)), 10.0)
    status = p.Status.parse(link.request(p.GET_STATUS).payload)
    assert status.target['pan'] == 0.0
    assert sim.wait_for(lambda s: s.light == (0, 160, 60)), 'the light comes back with the host'


def test_the_emergency_stop_latches_until_released(body):
    sim, link = body
    link.request(p.SET_JOINTS, p.set_joints_payload({'pan': 50.0}))
    time.sleep(0.1)
    link.request(p.ESTOP)
    time.sleep(0.1)  # the pulse of the next 20 ms servo frame shows where it froze
    frozen = sim.angles()['pan']
    with pytest.raises(Nacked) as refused:
        link.request(p.SET_JOINTS, p.set_joints_payload({'pan': -50.0}))
    assert refused.value.code == p.ESTOPPED
    time.sleep(0.3)
    assert sim.angles()['pan'] == frozen and sim.light == (255, 0, 0)
    assert p.Status.parse(link.request(p.GET_STATUS).payload).estop
    link.request(p.RELEASE)
    link.request(p.SET_JOINTS, p.set_joints_payload({'pan': -50.0}))
    assert sim.wait_for(lambda s: s.angles()['pan'] == -50.0)


def test_garbage_never_moves_anything_and_a_bad_crc_is_nacked(body):
    sim, link = body
    link.request(p.SET_JOINTS, p.set_joints_payload(FUZZ_POSE))
    link.request(p.SET_LIGHT, p.set_light_payload(FUZZ_LIGHT))
    assert sim.wait_for(lambda s: s.angles() == FUZZ_POSE and s.light == FUZZ_LIGHT)
    before = len(sim.events)
    frame = bytearray(p.Frame(0x42, p.SET_JOINTS, p.set_joints_payload({'pan': -70.0})).encode())
    frame[5] ^= 0x10  # one bit flipped on the wire
    port = serial.serial_for_url(sim.port, baudrate=115200, timeout=0.5)
    port.write(bytes(frame))
    reader = p.FrameReader()
    list(reader.feed(b'\x00'))
    replies = []
    deadline = time.monotonic() + 2
    while not replies and time.monotonic() < deadline:
        replies = [f for f in reader.feed(port.read(max(1, port.in_waiting))) if isinstance(f, p.Frame)]
    assert replies and replies[0].cmd == p.NACK and replies[0].payload[1] == 1  # BAD_CRC
    rng = random.Random(7)
    port.write(b''.join(bad_frame(rng) for _ in range(200)))
    port.close()
    # ~0.5 s of bytes at 115200 baud are queued before the ping: the firmware must get through them.
    slow = SerialLink(sim.port, reply_timeout_s=3.0)
    assert p.Version.from_pong(slow.request(p.PING).payload).protocol == p.PROTOCOL_VERSION
    slow.close()
    moved = [(kind, v) for _, kind, v in list(sim.events)[before:]]
    assert moved == [], f'bad frames actuated: {moved[:5]}'


def test_fuzzing_thousands_of_hostile_frames_actuates_nothing_and_never_hangs():
    outcome = fuzz(2000, seed=11)
    assert outcome.frames == 2000
    assert (outcome.wrong_actuations, outcome.hangs) == (0, 0)
    assert outcome.link_losses < 5, 'the run was too slow to judge'


def test_the_controller_follows_a_stop_latched_on_the_board_and_resends_after_a_timeout(body):
    from milo_robot.body.controller import BodyController

    sim, link = body
    link.request(p.ESTOP)  # latched before this host connects (another host, or kept over a reset)
    link.close()
    controller = BodyController(lambda: SerialLink(sim.port)).start()
    try:
        controller.set_joints({'pan': 30.0})
        deadline = time.monotonic() + 5
        while not controller.estopped and time.monotonic() < deadline:
            time.sleep(0.02)
        assert controller.estopped, 'the host shows the stop the board holds'
        assert controller.release() == 'release requested'
        assert sim.wait_for(lambda s: s.angles()['pan'] == 30.0)
        assert not controller.estopped
        assert controller.report.counters['nacked'] <= 2, 'no storm of refused commands'
    finally:
        controller.stop()
