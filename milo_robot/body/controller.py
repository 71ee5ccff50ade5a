# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The body controller: one worker thread owns the serial link and keeps the device in the wanted state.

Callers only set what they want (head targets, light, emergency stop); the worker sends what changed,
at most once per tick, polls the status as a heartbeat, reconnects after an unplug and restores the
latest command after a reconnect or a device reset. No caller waits on the serial port; estop() and
the worker write the latch file (milo_robot/body/latch.py) before they go on, so a stop outlives a
restart of this process.
"""

import threading
import time
from dataclasses import dataclass, field

from milo_robot.body import protocol as p
from milo_robot.body.latch import PersistentLatch
from milo_robot.body.link import LinkDown, LinkTimeout, Nacked

# Consecutive unanswered requests after which the port is closed and opened again.
MAX_TIMEOUTS = 3


@dataclass(frozen=True)
class Light:
    """A light command: colour 0-255, pattern, period."""

    rgb: tuple = (0, 0, 0)
    pattern: str = 'solid'
    period_s: float = 1.0

    def describe(self) -> str:
        """Say it in a few characters, for diagnostics and the club's page: '#ff8000 blink 0.5 s'."""
        if not any(self.rgb):
            return 'off'
        colour = '#' + ''.join(f'{round(c):02x}' for c in self.rgb)
        return colour + ('' if self.pattern == 'solid' else f' {self.pattern} {self.period_s:g} s')


@dataclass
class LinkReport:
    """What the controller knows about the link, for diagnostics and the teleop screen."""

    state: str = 'connecting'  # connecting | connected | incompatible | unresponsive
    port: str = ''
    firmware: str = ''
    problem: str = ''
    status: p.Status = None
    counters: dict = field(default_factory=dict)


class BodyController:
    """Keep the device in the wanted state from a worker thread."""

    def __init__(self, connect, tick_s: float = 0.02, status_period_s: float = 0.1,
                 retry_s: float = 0.5, on_status=None, latch_path: str = ''):
        """`connect()` returns an open SerialLink or raises LinkDown.

        `latch_path` is the file that keeps the emergency stop over restarts (see PersistentLatch);
        '' keeps it in memory only. A stop read from it is sent to the board before anything else.
        """
        self._connect = connect
        self._tick_s = tick_s
        self._status_period_s = status_period_s
        self._retry_s = retry_s
        self._on_status = on_status or (lambda status: None)
        self._lock = threading.Lock()
        self._joints = {}  # wanted targets, degrees
        self._light = None
        self._latch = PersistentLatch(latch_path)  # latched on the host until a release goes through
        # Stops asked for so far, and the count when the pending release was asked for (None when
        # none is pending): a release only clears the latch if no stop came after it was asked for.
        self._stops = 0
        self._release = None
        self._sent = {}  # what the device holds: payloads by command, estop flag
        self._timeouts = 0  # consecutive
        self._resets_seen = 0
        self.report = LinkReport()
        self._counters = {'sent': 0, 'nacked': 0, 'timeouts': 0, 'reconnects': 0}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name='body-link', daemon=True)

    def start(self) -> 'BodyController':
        """Start the worker."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the worker and close the port."""
        self._stopping.set()
        self._thread.join(timeout=5.0)

    def set_joints(self, targets: dict) -> None:
        """Want these joint targets (degrees by joint name); others keep theirs."""
        with self._lock:
            self._joints.update({k: float(v) for k, v in targets.items() if k in p.JOINTS})

    def set_light(self, light: Light) -> None:
        """Want this light."""
        with self._lock:
            self._light = light

    def estop(self, reason: str = 'emergency stop requested') -> None:
        """Latch the emergency stop until release(); it wins over any release still in progress.

        The latch file is written before this returns.
        """
        with self._lock:
            self._stops += 1
            self._release = None
            self._latch.latch(reason)

    def release(self) -> str:
        """Ask to release the emergency stop; say what happens."""
        with self._lock:
            if not self._latch.latched:
                return 'not stopped'
            self._release = self._stops
            return 'release requested'

    @property
    def estopped(self) -> bool:
        """Return whether the emergency stop is latched (host or device)."""
        return self._latch.latched

    @property
    def estop_reason(self) -> str:
        """Say why the stop is latched ('' when released)."""
        return self._latch.reason

    @property
    def latch_problem(self) -> str:
        """Say why the latch file could not be written ('' when it is up to date)."""
        return self._latch.problem

    def _run(self) -> None:
        link = None
        next_status = 0.0
        while not self._stopping.is_set():
            if link is None:
                link = self._open()
                if link is None:
                    self._stopping.wait(self._retry_s)
                    continue
                next_status = 0.0
            started = time.monotonic()
            try:
                # The status first: after a (re)connection, a stop the board holds is taken over
                # before anything is sent, and a board that timed us out gets its targets at once.
                if started >= next_status:
                    self._poll(link)
                    next_status = started + self._status_period_s
                self._sync(link)
                self._timeouts = 0
            except LinkTimeout as exc:
                self._counters['timeouts'] += 1
                self._timeouts += 1
                self.report.problem = str(exc)
                if self._timeouts >= MAX_TIMEOUTS:
                    self.report.state = 'unresponsive'
                    link.close()
                    link = None
            except Nacked as exc:
                self._counters['nacked'] += 1
                self.report.problem = str(exc)
                if exc.code == p.ESTOPPED:  # latched on the device (kept across its reset)
                    self._latch_from_device('the board refused a command: it holds a stop')
                else:
                    self._sent.clear()
            except (LinkDown, p.ProtocolError) as exc:
                self.report.state = 'connecting'
                self.report.problem = str(exc)
                link.close()
                link = None
            if link is not None:
                self._update_counters(link)
            self._stopping.wait(max(0.0, self._tick_s - (time.monotonic() - started)))
        if link is not None:
            link.close()

    def _open(self):
        """Open the port and check the versions; None (and a reported problem) when it fails."""
        try:
            link = self._connect()
        except LinkDown as exc:
            self.report.state, self.report.problem = 'connecting', str(exc)
            return None
        try:
            version = p.Version.from_pong(link.request(p.PING).payload)
        except (LinkDown, LinkTimeout, Nacked, p.ProtocolError) as exc:
            self.report.state, self.report.problem = 'connecting', f'{link.port}: no answer to ping ({exc})'
            link.close()
            return None
        if version.protocol != p.PROTOCOL_VERSION:
            self.report.state = 'incompatible'
            self.report.problem = (f'firmware {version.firmware} speaks protocol {version.protocol}, '
                                   f'this host speaks {p.PROTOCOL_VERSION}: flash the firmware '
                                   f'(make -C firmware)')
            link.close()
            return None
        self._counters['reconnects'] += 1
        self._sent.clear()  # restore the latest command on the (maybe new) device
        self._resets_seen = link.device_resets
        self.report = LinkReport('connected', link.port, version.firmware, '', None,
                                 self.report.counters)
        return link

    def _sync(self, link) -> None:
        """Send whatever the device does not hold yet."""
        if link.device_resets != self._resets_seen:  # it rebooted: its state is gone
            self._resets_seen = link.device_resets
            self._sent.clear()
        with self._lock:
            release = self._release
        if release is not None:
            link.request(p.RELEASE)
            self._sent.clear()
            with self._lock:
                if self._stops == release:  # else a stop came meanwhile: it is sent again below
                    self._release = None
                    self._latch.release()
        with self._lock:
            estop = self._latch.latched
            joints, light = dict(self._joints), self._light
        if estop:
            if not self._sent.get('estop'):
                link.request(p.ESTOP)
                self._sent = {'estop': True}
            return
        if joints:
            self._send(link, p.SET_JOINTS, p.set_joints_payload(joints))
        if light is not None:
            self._send(link, p.SET_LIGHT, p.set_light_payload(light.rgb, light.pattern,
                                                              light.period_s))

    def _send(self, link, cmd: int, payload: bytes) -> None:
        if self._sent.get(cmd) != payload:
            link.request(cmd, payload)
            self._sent[cmd] = payload
            self._counters['sent'] += 1

    def _latch_from_device(self, reason: str) -> None:
        """Latch here too when the device is stopped though the host did not ask (release works)."""
        with self._lock:
            if self._release is None:
                self._latch.latch(reason)
        self._sent = {'estop': True}

    def _poll(self, link) -> None:
        status = p.Status.parse(link.request(p.GET_STATUS).payload)
        if status.estop and not self.estopped:
            self._latch_from_device('the board kept a stop over its restart' if status.estop_restored
                                    else 'the board holds a stop the host did not ask for')
        elif not status.estop and (status.link_lost or self.estopped):
            # The firmware timed us out and went to its safe pose, or it lost the host's stop (a
            # reset whose HELLO went unseen): resend all, the stop first.
            self._sent.clear()
        self.report.status = status
        self._on_status(status)

    def _update_counters(self, link) -> None:
        self.report.counters = dict(self._counters, garbage=link.garbage, stray=link.stray,
                                    retransmits=link.retransmits, device_resets=link.device_resets)
        if link.last_problem:
            self.report.problem, link.last_problem = link.last_problem, ''
