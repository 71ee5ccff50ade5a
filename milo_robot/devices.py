# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The one device-failure policy of every node that owns a device (microphone, speaker, camera...).

A device that is missing or fails is reported as an ERROR on /diagnostics with the reason; the
node keeps running and tries again with a growing pause (back-off), and clears the error by
itself once the device works again. Exit status 78 stays for configuration errors found at start.

Sim devices (WAV files, video files) can be "unplugged" for tests and soak runs: while a file
named `<device path>.unplugged` exists, the device fails as a real one pulled out would.
"""

import errno
import os
import time
from typing import Callable, Optional

UNPLUGGED_SUFFIX = '.unplugged'


def check_plugged(path: str, what: str) -> None:
    """Raise OSError(ENODEV) while the sim device at `path` is unplugged."""
    if os.path.exists(path + UNPLUGGED_SUFFIX):
        raise OSError(errno.ENODEV, f'{what} unplugged ({path}{UNPLUGGED_SUFFIX} exists)')


class Backoff:
    """Pauses that double after each failure, from `first_s` up to `max_s`, and reset on success."""

    def __init__(self, first_s: float, max_s: float):
        """Bounds of the pause, in seconds."""
        self.first_s, self.max_s = first_s, max(first_s, max_s)
        self.delay_s = first_s

    def failed(self) -> float:
        """Return the pause before the next try, and lengthen the one after it."""
        delay, self.delay_s = self.delay_s, min(self.max_s, self.delay_s * 2)
        return delay

    def reset(self) -> None:
        """Start again from the first pause."""
        self.delay_s = self.first_s


class DevicePolicy:
    """Report a device's failures and recovery, and say when to try it again."""

    def __init__(self, what: str, health, log: Callable[[str], None], first_s: float = 0.5,
                 max_s: float = 10.0, clock: Callable[[], float] = time.monotonic):
        """Name the device (`what`); `log` writes one line (an error-level logger call)."""
        self.what, self.health, self.log = what, health, log
        self.backoff = Backoff(first_s, max_s)
        self._clock = clock
        self._retry_at = 0.0
        self.problem: Optional[str] = None

    @property
    def due(self) -> bool:
        """Whether it is time to try the device (always true while it works)."""
        return self._clock() >= self._retry_at

    def failed(self, exc: BaseException) -> float:
        """Report a failure (the first of a series is logged); return the pause before the next try."""
        problem = f'{self.what}: {exc}'
        if problem != self.problem:
            self.log(f'{problem}; retrying with back-off')
        self.problem = problem
        self.health.fault(problem)
        self.health.error(problem)
        self.health.count(f'{self.what.split()[0]}_failures')
        delay = self.backoff.failed()
        self._retry_at = self._clock() + delay
        return delay

    def worked(self) -> None:
        """Note that the device works: clear the fault once, after a failure."""
        if self.problem is not None:
            self.log(f'{self.what} works again')
            self.problem = None
            self.health.clear_fault()
        self.backoff.reset()
        self._retry_at = 0.0
