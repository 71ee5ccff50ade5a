# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The emergency stop stays stopped: over a node respawn, a host reboot, a board power cut, a port
opening, and a release that a stop overtakes. The board is the real firmware in the simulator."""

import fcntl
import os
import pty
import stat
import termios
import threading

import pytest
from harness import wait_until

from milo_robot.body import protocol as p
from milo_robot.body.controller import BodyController, Light
from milo_robot.body.latch import PersistentLatch
from milo_robot.body.link import Nacked, SerialLink
from milo_robot.body.simulator import SimulatedBody

RED = (255, 0, 0)
GREEN = (0, 160, 60)
MOTION = (p.SET_JOINTS, p.SET_LIGHT)


class WatchedLink(SerialLink):
    """The real link, logging each command the board answered; it can hold a RELEASE's reply back.

    With `hold`, a RELEASE that the board has acted on sets hold['on_board'], then the reply waits
    for hold['go']: the test acts while the release is in flight.
    """

    def __init__(self, port: str, log: list, hold: dict = None):
        super().__init__(port)
        self.log, self.hold = log, hold

    def request(self, cmd, payload=b''):
        reply = super().request(cmd, payload)
        self.log.append(cmd)
        if cmd == p.RELEASE and self.hold:
            self.hold['on_board'].set()
            assert self.hold['go'].wait(10), 'the test never let the release go on'
        return reply


def board_status(sim) -> p.Status:
    link = SerialLink(sim.port)
    try:
        return p.Status.parse(link.request(p.GET_STATUS).payload)
    finally:
        link.close()


def eeprom_writes(sim) -> list:
    return [values for _, kind, values in list(sim.events) if kind == 'eeprom']


@pytest.fixture
def sims():
    """Start simulated boards; each one is stopped at teardown."""
    started = []

    def start(**options):
        sim = SimulatedBody(**options)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


# The latch file on the host.

def test_the_latch_file_is_private_written_whole_and_read_back(tmp_path):
    path = tmp_path / 'records' / 'estop.latch'  # its folder does not exist yet
    latch = PersistentLatch(str(path))
    assert (latch.latched, latch.reason) == (False, ''), 'no file: never latched on this robot'
    latch.latch('emergency stop requested')
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(path.parent) == ['estop.latch'], 'no temporary file left behind'
    assert path.read_text() == 'latched\nemergency stop requested\n'
    again = PersistentLatch(str(path))  # the node respawned, or the host rebooted
    assert (again.latched, again.reason) == (True, 'emergency stop requested')
    again.release()
    assert not PersistentLatch(str(path)).latched
    assert (again.problem, os.listdir(path.parent)) == ('', ['estop.latch'])


@pytest.mark.parametrize('content', [b'', b'relaxed\n', b'\xff\xfe latched', b'latched' * 1000],
                         ids=['empty', 'unknown word', 'not utf-8', 'oversized'])
def test_a_corrupt_latch_file_fails_safe_and_a_release_rewrites_it(tmp_path, content):
    path = tmp_path / 'estop.latch'
    path.write_bytes(content)
    latch = PersistentLatch(str(path))
    assert latch.latched
    assert str(path) in latch.reason and 'corrupt' in latch.reason and 'latched to be safe' in latch.reason
    latch.release()
    assert not PersistentLatch(str(path)).latched


def test_an_unreadable_latch_file_fails_safe_and_a_failed_write_is_reported(tmp_path):
    path = tmp_path / 'estop.latch'
    path.mkdir()  # something that cannot be read as a file
    latch = PersistentLatch(str(path))
    assert latch.latched and 'cannot be read' in latch.reason
    blocked = PersistentLatch(str(tmp_path / 'a-file' / 'estop.latch'))
    (tmp_path / 'a-file').write_text('')  # the latch's folder is a file: nothing can be written
    blocked.latch('emergency stop requested')
    assert blocked.latched and 'cannot write the emergency stop latch' in blocked.problem


# The serial port.

def test_opening_the_port_never_raises_dtr_or_rts(monkeypatch):
    calls = []
    real_ioctl = fcntl.ioctl

    def spy(fd, request, *args):
        calls.append((request, args[0] if args else None))
        return real_ioctl(fd, request, *args)

    monkeypatch.setattr(fcntl, 'ioctl', spy)
    board, host = pty.openpty()
    try:
        SerialLink(os.ttyname(host)).close()
    finally:
        os.close(board)
        os.close(host)
    raised = [arg for request, arg in calls if request == termios.TIOCMBIS]
    assert raised == [], 'DTR or RTS raised on open: an Uno resets'
    lowered = [arg for request, arg in calls if request == termios.TIOCMBIC]
    assert lowered, 'DTR is explicitly held low'


# The board: its EEPROM keeps the latch over a power cut.

def test_the_board_keeps_its_stop_and_pose_over_a_power_cut_and_the_host_takes_it_over(tmp_path, sims):
    eeprom = str(tmp_path / 'board.eeprom')
    sim = sims(eeprom=eeprom)
    link = SerialLink(sim.port)
    link.request(p.SET_JOINTS, p.set_joints_payload({'pan': 40.0, 'tilt': -10.0}))
    assert sim.wait_for(lambda s: s.angles().get('pan') == 40.0 and s.angles().get('tilt') == -10.0)
    # EEPROM wear: each change writes only the bytes that differ; a repeat writes nothing. (The
    # harness reports writes in order, so waiting for a later one shows there was none between.)
    link.request(p.ESTOP)
    assert sim.wait_for(lambda s: len(eeprom_writes(s)) == 5), 'the state and 4 bytes of pose'
    assert eeprom_writes(sim)[0] == ('0', str(0x5A)), 'the state goes first'
    link.request(p.ESTOP)
    link.request(p.RELEASE)
    assert sim.wait_for(lambda s: len(eeprom_writes(s)) >= 6)
    assert eeprom_writes(sim)[5:] == [('0', '255')], 'the second ESTOP wrote nothing'
    link.request(p.RELEASE)
    link.request(p.ESTOP)  # the same frozen pose: only the state byte changes
    assert sim.wait_for(lambda s: len(eeprom_writes(s)) >= 7)
    assert eeprom_writes(sim)[6:] == [('0', str(0x5A))], 'the second RELEASE wrote nothing'
    link.request(p.RELEASE)
    link.request(p.ESTOP)
    sim.stop(power_cut=True)  # the moment the ESTOP is acknowledged, it is kept
    link.close()

    sim = sims(eeprom=eeprom)  # power on again
    assert sim.wait_for(lambda s: s.angles() == {'pan': 40.0, 'tilt': -10.0, 'jaw': 0.0}), \
        'the servos are held at the frozen pose from the first pulse'
    link = SerialLink(sim.port)
    status = p.Status.parse(link.request(p.GET_STATUS).payload)
    assert status.estop and status.estop_restored and status.reset_cause == 1  # power-on
    with pytest.raises(Nacked) as refused:
        link.request(p.SET_JOINTS, p.set_joints_payload({'pan': -40.0}))
    assert refused.value.code == p.ESTOPPED
    assert sim.wait_for(lambda s: s.light == RED)
    link.close()

    # A host whose latch file was lost learns the stop from the board and keeps it on disk.
    latch_path = str(tmp_path / 'estop.latch')
    controller = BodyController(lambda: SerialLink(sim.port), latch_path=latch_path).start()
    try:
        controller.set_joints({'pan': -40.0})
        wait_until(lambda: controller.estopped, 'the host to take over the stop the board kept')
        assert 'kept a stop over its restart' in controller.estop_reason
        wait_until(lambda: PersistentLatch(latch_path).latched, 'the latch file to say latched')
        before = len(eeprom_writes(sim))
        assert controller.release() == 'release requested'
        assert sim.wait_for(lambda s: s.angles()['pan'] == -40.0)
        assert [v[0] for v in eeprom_writes(sim)[before:]] == ['0'], 'one byte cleared'
        wait_until(lambda: not PersistentLatch(latch_path).latched, 'the latch file to say released')
    finally:
        controller.stop()
    sim.stop()

    sim = sims(eeprom=eeprom)  # and after the release, a power cycle finds the board released
    assert not board_status(sim).estop
    assert sim.wait_for(lambda s: s.angles().get('pan') == 0.0), 'a released board boots to the safe pose'


# The host: its latch outlives the node, and a stop always beats a release. The controller's flag
# changes before the latch file is rewritten (motion stops first; the file follows within the same
# call), so the tests wait for the file rather than read it the moment the flag changes.

def test_a_respawned_controller_stops_the_board_before_any_motion(tmp_path, sims):
    latch_path = str(tmp_path / 'estop.latch')
    BodyController(lambda: None, latch_path=latch_path).estop()  # then the node dies
    sim = sims()  # a board that lost the stop (one that does not keep it, or a new one)
    log = []
    controller = BodyController(lambda: WatchedLink(sim.port, log), latch_path=latch_path)
    assert controller.estopped and controller.estop_reason == 'emergency stop requested'
    controller.set_joints({'pan': 30.0})
    controller.set_light(Light(GREEN))
    controller.start()
    try:
        wait_until(lambda: log.count(p.GET_STATUS) >= 3, 'a few status polls')
        assert set(log[:log.index(p.ESTOP)]) <= {p.PING, p.GET_STATUS}, f'the stop goes first: {log[:5]}'
        assert not set(MOTION) & set(log), 'nothing that moves is sent while stopped'
        assert sim.wait_for(lambda s: s.light == RED) and sim.angles()['pan'] == 0.0
        assert controller.release() == 'release requested'
        assert sim.wait_for(lambda s: s.angles()['pan'] == 30.0 and s.light == GREEN)
        wait_until(lambda: not PersistentLatch(latch_path).latched, 'the latch file to say released')
    finally:
        controller.stop()


def test_a_stop_during_a_release_in_flight_wins(tmp_path, sims):
    latch_path = str(tmp_path / 'estop.latch')
    sim = sims()
    log = []
    hold = {'on_board': threading.Event(), 'go': threading.Event()}
    controller = BodyController(lambda: WatchedLink(sim.port, log, hold), latch_path=latch_path).start()
    try:
        controller.set_joints({'pan': 30.0})
        assert sim.wait_for(lambda s: s.angles().get('pan') == 30.0)
        controller.estop()
        wait_until(lambda: p.ESTOP in log, 'the stop to reach the board')
        assert controller.release() == 'release requested'
        assert hold['on_board'].wait(10), 'the board got the RELEASE'
        controller.estop()  # while the worker still waits for the RELEASE's reply
        hold['go'].set()
        released_at = log.index(p.RELEASE)
        wait_until(lambda: p.ESTOP in log[released_at:], 'the stop to be sent again')
        wait_until(lambda: log[released_at:].count(p.GET_STATUS) >= 2, 'status polls after it')
        assert controller.estopped
        wait_until(lambda: PersistentLatch(latch_path).latched, 'the latch file to say latched')
        assert not set(MOTION) & set(log[released_at:]), 'nothing that moves follows the release'
    finally:
        controller.stop()
    assert board_status(sim).estop, 'the board is stopped'
