# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Whether the class has the floor: the app's work gives way while it does. No ROS here.

The class has the floor while someone speaks in question time and for `FLOOR_AFTER_S` after: the
VAD's end of turn, the final transcript and the dialogue's question to the brain come within it,
and Milo's first words soon after. The brain's desk keeps text questions waiting then; the web
node gives its CPU share away (`milo_robot.priority`). At most `FLOOR_MAX_S` from the start of a
turn, so a class that talks on does not starve the app.
"""

import time

# After the speech stops, the class keeps the floor this long (docs/app.md, measured).
FLOOR_AFTER_S = 2.0
FLOOR_MAX_S = 15.0  # the app waits no longer than this for a class that keeps talking


class Floor:
    """The class's floor, from the speech heard in question time. Not thread-safe: callers lock."""

    def __init__(self, clock=time.monotonic):
        """Read the time from `clock`."""
        self.clock = clock
        self._since = None  # since when the class has had the floor, None when it has not
        self._until = float('-inf')  # when the speech stopped, plus FLOOR_AFTER_S

    def speaking(self, speaking: bool) -> None:
        """Someone in question time starts (True) or stops (False) speaking."""
        now = self.clock()
        if speaking:
            # A new turn once the last one's floor has ended, even if nobody looked meanwhile:
            # its FLOOR_MAX_S counts from this speech.
            if self._since is None or now >= self._until:
                self._since = now
            self._until = float('inf')
        elif self._since is not None:
            self._until = now + FLOOR_AFTER_S

    def held(self) -> bool:
        """Whether the class has the floor now (and has not kept it too long)."""
        if self._since is None:
            return False
        now = self.clock()
        if now >= self._until:
            self._since = None
            return False
        return now - self._since < FLOOR_MAX_S

    def ends_in(self) -> float:
        """Seconds until the floor ends by itself (the speech stopped, or FLOOR_MAX_S); 0 if not held."""
        if not self.held():
            return 0.0
        return min(self._until, self._since + FLOOR_MAX_S) - self.clock()
