# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The host side of the serial protocol and the head arbitration, without a device."""

import os
import random
import struct

import pytest

from milo_robot.body import protocol as p
from milo_robot.body.arbiter import HeadArbiter
from milo_robot.body.expressions import EXPRESSIONS, jaw_for
from milo_robot.interfaces.payloads import EXPRESSION_NAMES, ROBOT_STATES


def test_crc_is_ccitt_false():
    assert p.crc16(b'123456789') == 0x29B1


def test_cobs_round_trips_any_bytes():
    rng = random.Random(1)
    for size in [0, 1, 253, 254, 255, 600] + [rng.randrange(100) for _ in range(300)]:
        data = bytes(rng.randrange(256) for _ in range(size))
        encoded = p.cobs_encode(data)
        assert 0 not in encoded
        assert p.cobs_decode(encoded) == data


def test_the_documented_ping_example():
    # docs/serial_protocol.md: PING with seq 7.
    assert p.Frame(7, p.PING).encode() == bytes.fromhex('030701033d7a00')


def test_frames_round_trip_and_bad_ones_say_why():
    frame = p.Frame(9, p.SET_JOINTS, p.set_joints_payload({'pan': 12.5, 'jaw': 3}))
    wire = frame.encode()
    assert p.decode(wire[:-1]) == frame
    corrupted = bytearray(wire[:-1])
    corrupted[4] ^= 0x01
    with pytest.raises(p.ProtocolError, match='CRC|COBS'):
        p.decode(bytes(corrupted))
    with pytest.raises(p.ProtocolError, match='truncated'):
        p.decode(p.cobs_encode(b'\x01\x02'))
    with pytest.raises(p.ProtocolError, match='oversized'):
        p.decode(b'\x01' * 41)
    with pytest.raises(ValueError, match='payload'):
        p.Frame(1, p.PING, bytes(33)).encode()


def test_the_reader_resynchronises_on_delimiters_after_garbage():
    reader = p.FrameReader()
    good = p.Frame(3, p.PING).encode()
    noise = os.urandom(7).replace(b'\x00', b'\x01')
    items = list(reader.feed(b'\x17\x42\x00' + noise + b'\x00' + good))
    assert isinstance(items[0], p.ProtocolError)
    assert items[-1] == p.Frame(3, p.PING)
    assert list(reader.feed(b'\x05' * 500))[0].args[0].startswith('garbage')


def test_payloads_match_the_documented_layout():
    mask, pan, tilt, jaw = struct.unpack('<B3h', p.set_joints_payload({'pan': -80.0, 'tilt': 1.26}))
    assert (mask, pan, tilt, jaw) == (0b011, -800, 13, 0)
    assert p.set_light_payload((300, -5, 128), 'breathe', 2.0) == bytes([255, 0, 128, 2, 200])
    status = p.Status.parse(struct.pack('<B6h2HB4B', 0b1011, 100, -50, 0, 100, -50, 400, 7, 2, 8,
                                        255, 0, 0, 0))
    assert status.estop and status.link_lost and status.watchdog_reset and not status.moving
    assert status.position == {'pan': 10.0, 'tilt': -5.0, 'jaw': 0.0} and status.target['jaw'] == 40.0
    assert (status.rx_ok, status.rx_bad, status.light) == (7, 2, (255, 0, 0, 0))
    assert p.Version.from_pong(bytes([1, 0, 0, 1])) == p.Version('1.0.0', 1)


def test_teleop_wins_while_active_then_hands_back():
    arbiter = HeadArbiter(teleop_timeout_s=2.0)
    arbiter.autonomous({'pan': 10.0, 'tilt': 5.0})
    assert arbiter.targets(0.0, 0.02) == {'pan': 10.0, 'tilt': 5.0}
    arbiter.teleop_velocity(50.0, 0.0, now=1.0)
    for step in range(10):  # 0.2 s of a held key
        head = arbiter.targets(1.0 + 0.02 * step, 0.02)
    assert head['pan'] == pytest.approx(20.0)
    arbiter.autonomous({'pan': -30.0})  # the dialogue's expression waits while teleop drives
    assert arbiter.targets(1.5, 0.02)['pan'] == pytest.approx(20.0)  # the key was released
    assert arbiter.targets(3.1, 0.02) == {'pan': -30.0, 'tilt': 5.0}


def test_teleop_cannot_push_past_the_joint_limits():
    arbiter = HeadArbiter()
    arbiter.teleop_velocity(0.0, 1000.0, now=0.0)
    assert arbiter.targets(0.1, 1.0)['tilt'] == p.JOINT_LIMITS_DEG['tilt'][1]


def test_every_robot_state_has_an_expression_within_limits():
    for name, expression in EXPRESSIONS.items():
        assert p.JOINT_LIMITS_DEG['pan'][0] <= expression.pan <= p.JOINT_LIMITS_DEG['pan'][1], name
        assert p.JOINT_LIMITS_DEG['tilt'][0] <= expression.tilt <= p.JOINT_LIMITS_DEG['tilt'][1], name
    assert tuple(EXPRESSIONS) == EXPRESSION_NAMES, 'one expression per name the interfaces allow'
    assert set(ROBOT_STATES) <= set(EXPRESSIONS)
    assert jaw_for(0.0) == 0.0 and jaw_for(2.0) == jaw_for(1.0) <= p.JOINT_LIMITS_DEG['jaw'][1]


def test_the_link_skips_garbage_from_the_board_counts_it_and_retransmits():
    import pty
    import threading
    import tty

    from milo_robot.body.link import SerialLink

    board, host = pty.openpty()  # the test plays a board that sends noise before its answers
    tty.setraw(host)
    link = SerialLink(os.ttyname(host), reply_timeout_s=0.2)
    requests = []

    def device():
        reader = p.FrameReader(synced=True)
        while len(requests) < 2:
            for frame in reader.feed(os.read(board, 64)):
                if not isinstance(frame, p.Frame):
                    continue
                requests.append(frame)
                if len(requests) == 1:
                    continue  # the first try is lost: the host must send it again
                truncated = p.Frame(frame.seq, p.NACK, bytes([p.PING, 3])).encode()[:3] + b'\x00'
                pong = p.Frame(frame.seq, p.PING | p.REPLY, bytes([1, 0, 0, 1])).encode()
                os.write(board, b'\x13\x37\xff\x00' + truncated + pong)

    thread = threading.Thread(target=device, daemon=True)
    thread.start()
    reply = link.request(p.PING)
    thread.join(timeout=5)
    assert p.Version.from_pong(reply.payload) == p.Version('1.0.0', 1)
    assert link.retransmits == 1 and requests[0] == requests[1], 'the same frame, same seq, again'
    assert link.garbage >= 2 and link.last_problem.startswith('garbage from the device')
    link.close()
    os.close(board)


def test_the_light_says_whether_milo_records_and_whether_the_camera_is_on():
    from milo_robot.body.expressions import NOT_RECORDING, light_for

    assert light_for('idle', recording=False) == NOT_RECORDING
    assert light_for('idle', recording=True) == EXPRESSIONS['idle'].light != NOT_RECORDING
    assert light_for('speaking', recording=False) == EXPRESSIONS['speaking'].light
    seeing = light_for('listening', recording=True, camera_on=True)
    assert seeing.pattern == 'blink' and seeing.rgb == EXPRESSIONS['listening'].light.rgb
    assert light_for('thinking', recording=True, camera_on=True) == EXPRESSIONS['thinking'].light
