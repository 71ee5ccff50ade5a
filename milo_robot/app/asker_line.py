# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The web node's line of text questions: a few go to the brain at a time, the others wait here.

The brain's desk lets only `queue_size` text questions wait and tells the next one at once that
Milo is busy ("One moment"). With more students asking than that, the refused ones asked again
at once, in a loop: on 2026-12-07, 1257 of 1852 text questions were such refusals, each a round
trip through the web node, the brain and the record's question log, on the cores the class's
voice needs (docs/app.md). Waiting here costs nothing: a student's question is sent when one
ahead of it is answered, first come, first served.
"""

import collections
import threading
from typing import Optional

# One text question at the brain at a time: it answers one at a time anyway, and one is all the
# desk needs to keep (with room left for a text answer the class interrupts, asked again first).
IN_FLIGHT = 1


class AskerLine:
    """At most `in_flight` questions hold a place; the others wait for one, in the order they came."""

    def __init__(self, in_flight: int = IN_FLIGHT):
        """Let `in_flight` questions go at a time."""
        self.in_flight = in_flight
        self._changed = threading.Condition()
        self._waiting = collections.deque()  # tickets, first come first
        self._holding = set()

    def join(self) -> object:
        """Join the line; return the ticket to `wait` and `leave` with."""
        ticket = object()
        with self._changed:
            self._waiting.append(ticket)
            self._changed.notify_all()
        return ticket

    def wait(self, ticket: object, timeout: Optional[float] = None) -> bool:
        """Return True once the ticket holds a place (until `leave`), False after `timeout` seconds."""
        def may_go() -> bool:
            return ticket in self._holding or (
                self._waiting and self._waiting[0] is ticket and len(self._holding) < self.in_flight)
        with self._changed:
            if not self._changed.wait_for(may_go, timeout):
                return False
            if ticket not in self._holding:
                self._waiting.popleft()
                self._holding.add(ticket)
            return True

    def leave(self, ticket: object) -> None:
        """Give the place back, or leave the line without one (the asker went away)."""
        with self._changed:
            if ticket in self._holding:
                self._holding.discard(ticket)
            elif ticket in self._waiting:
                self._waiting.remove(ticket)
            self._changed.notify_all()
