# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Milo's body in sim mode: the real firmware on the simavr harness, with its UART on a pty.

The harness (firmware/sim) reports what the actuators would do: each servo's pulse width and the
light's PWM duty cycles, stamped with CLOCK_MONOTONIC, so tests and benchmarks assert outputs, not
commands.

A simulated board with an EEPROM file can be unplugged like the sim devices of milo_robot.devices:
while `<eeprom>.unplugged` exists, the running board loses power (its pty disappears, as a USB
cable pulled out) and a new one cannot start.
"""

import os
import subprocess
import threading
import time
from collections import deque

from milo_robot.body.protocol import JOINTS
from milo_robot.devices import UNPLUGGED_SUFFIX, check_plugged
from milo_robot.graph import data_root

CENTRE_US = 1500.0  # pulse width of angle 0; 1 µs per 0.1°
UNPLUG_POLL_S = 0.1  # how often a board with an EEPROM file looks for its unplug marker


class SimulatorError(RuntimeError):
    """The harness is not built, or it did not start."""


def firmware_paths() -> tuple:
    """Return (harness, firmware ELF) as built by `make -C firmware`."""
    build = os.path.join(data_root(), 'build', 'firmware')
    return os.path.join(build, 'milo-body-sim'), os.path.join(build, 'milo_body.elf')


class SimulatedBody:
    """Run the firmware in the simulator; `port` is its serial port."""

    def __init__(self, speed: float = 1.0, link: str = '', eeprom: str = '', history: int = 100_000):
        """Start the harness; `link` names a symlink kept pointing at the pty (like /dev/serial/by-id).

        `eeprom` names a file that holds the chip's EEPROM between runs (loaded if it exists,
        saved at every write), so that a new SimulatedBody on it is the same board powered again.
        `history`: how many of the harness's reports `events` keeps, for checks that replay them;
        0 for a board that runs for hours (the body node's): the light's breathing and the head
        make about 12 reports a second, and 100,000 of them held about 28 MB (docs/soak.md).
        """
        harness, elf = firmware_paths()
        for path in (harness, elf):
            if not os.path.exists(path):
                raise SimulatorError(f'{path} is missing: build it with `make -C firmware` '
                                     f'(make setup does)')
        if eeprom:
            try:
                check_plugged(eeprom, 'simulated body')
            except OSError as exc:
                raise SimulatorError(str(exc)) from exc
        options = ['--eeprom', eeprom] if eeprom else []
        self._process = subprocess.Popen([harness, '--speed', str(speed), *options, elf],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True, bufsize=1)
        first = self._process.stdout.readline().split()
        if first[:1] != ['pty'] or len(first) != 2:
            self._process.kill()
            raise SimulatorError(f'the body simulator did not start: {first or self._stderr()}')
        self.port = first[1]
        if link:
            temporary = f'{link}.new'
            if os.path.lexists(temporary):
                os.unlink(temporary)
            os.symlink(self.port, temporary)
            os.replace(temporary, link)
            self.port = link
        self._lock = threading.Lock()
        self.pulses = {}  # joint → µs
        self.light = None  # (r, g, b) duty 0-255
        self.resets = 0
        self.crashed = ''
        self.events = deque(maxlen=history)  # (mono_ns, kind, values)
        self._reader = threading.Thread(target=self._read, daemon=True, name='body-sim')
        self._reader.start()
        if eeprom:
            threading.Thread(target=self._unplug_when_marked, args=(eeprom + UNPLUGGED_SUFFIX,),
                             daemon=True, name='body-sim-plug').start()

    def _unplug_when_marked(self, marker: str) -> None:
        while self.alive:
            if os.path.exists(marker):
                self._process.kill()  # power gone with the cable: the chip stops mid-instruction
                return
            time.sleep(UNPLUG_POLL_S)

    def _stderr(self) -> str:
        try:
            return self._process.communicate(timeout=2)[1].strip()[-400:]
        except subprocess.TimeoutExpired:
            return '(no output)'

    def _read(self) -> None:
        for line in self._process.stdout:
            kind, *fields = line.split()
            if len(fields) < 2:
                continue
            mono_ns = int(fields[1])
            values = fields[2:]
            with self._lock:
                if kind == 'servo' and len(values) == 2 and int(values[0]) < len(JOINTS):
                    self.pulses[JOINTS[int(values[0])]] = float(values[1])
                elif kind == 'led' and len(values) == 3:
                    self.light = tuple(int(v) for v in values)
                elif kind == 'reset':
                    self.resets += 1
                elif kind == 'crash':
                    self.crashed = ' '.join(values)
                self.events.append((mono_ns, kind, tuple(values)))

    def angles(self) -> dict:
        """Return each joint's angle in degrees, from its measured pulse width."""
        with self._lock:
            return {j: round((us - CENTRE_US) / 10, 1) for j, us in self.pulses.items()}

    def wait_for(self, condition, timeout: float = 5.0) -> bool:
        """Wait until `condition(self)` is true; return whether it became so."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition(self):
                return True
            time.sleep(0.01)
        return condition(self)

    @property
    def alive(self) -> bool:
        """Return whether the harness still runs."""
        return self._process.poll() is None

    def stop(self, power_cut: bool = False) -> None:
        """Stop the harness (the pty disappears, like an unplugged board).

        `power_cut` kills it at once (SIGKILL), as pulling the plug stops a chip mid-instruction.
        """
        if self.alive and power_cut:
            self._process.kill()
            self._process.wait()
        elif self.alive:
            self._process.terminate()
            try:
                self._process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._reader.join(timeout=2)
        for stream in (self._process.stdout, self._process.stderr):
            stream.close()
