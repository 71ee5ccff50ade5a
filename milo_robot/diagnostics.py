# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A node's health, kept as plain data and summarised for the 1 Hz diagnostics."""

import time
from typing import Callable, Optional

from milo_robot.interfaces import diagnostics as d

OK, WARN, ERROR = 0, 1, 2  # the levels of diagnostic_msgs/DiagnosticStatus

# An error stays visible in the summary this long after it happened.
RECENT_ERROR_S = 10.0


class Health:
    """What a node reports about itself: a persistent fault, recent errors, counters and facts."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        """Start healthy, with no activity yet."""
        self._clock = clock
        self._values = {}
        self._fault: Optional[str] = None
        self._last_error: Optional[str] = None
        self._last_error_at: Optional[float] = None
        self._last_activity: Optional[float] = None
        self.errors = 0

    def set(self, key: str, value) -> None:
        """Record a fact to report, such as the device name or a counter."""
        self._values[key] = value

    def count(self, key: str, step: int = 1) -> None:
        """Add to a counter reported as a value."""
        self._values[key] = self._values.get(key, 0) + step

    def activity(self) -> None:
        """Note that the node just did its job (a frame captured, a message handled)."""
        self._last_activity = self._clock()

    def error(self, message: str) -> None:
        """Record a passing error: the node carries on, the summary shows it for a while."""
        self.errors += 1
        self._last_error = message
        self._last_error_at = self._clock()

    def fault(self, message: str) -> None:
        """Set a lasting condition that stops the node doing its job (device missing...)."""
        self._fault = message

    def clear_fault(self) -> None:
        """Clear the lasting condition once the node works again."""
        self._fault = None

    @property
    def last_error(self) -> Optional[str]:
        """The latest passing error, if any."""
        return self._last_error

    @property
    def faulted(self) -> bool:
        """Whether a lasting fault is set."""
        return self._fault is not None

    def report(self, summary: str = 'running') -> tuple:
        """Return (level, message, [(key, value as text)]) for a DiagnosticStatus."""
        now = self._clock()
        if self._fault:
            level, message = ERROR, self._fault
        elif self._last_error_at is not None and now - self._last_error_at < RECENT_ERROR_S:
            level, message = WARN, self._last_error
        else:
            level, message = OK, summary
        # A copy first: a node's loading thread may report while its workers count.
        values = [(k, _text(v)) for k, v in list(self._values.items())]
        values.append((d.ERRORS, str(self.errors)))
        if self._last_error:
            values.append((d.LAST_ERROR, self._last_error))
        idle = 'never' if self._last_activity is None else f'{now - self._last_activity:.1f}'
        values.append((d.LAST_ACTIVITY, idle))
        return level, message, values


def _text(value) -> str:
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float):
        return f'{value:.3g}'
    return str(value)
