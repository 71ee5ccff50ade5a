# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What the pages compute from the record and the notes folder, kept until either changes.

A class browsing during a lecture asks for the same few pages again and again (30 students, a
page every few seconds each): building a lecture's notes pack (the transcript, the questions, the
course notes' passages) and rendering it cost most of a page's CPU, on the robot's two cores
beside the class's voice (docs/app.md, *The voice under the app's load*). The cache keeps them
for as long as the record's `data_version` (it changes with every commit by another connection:
a new segment, a question logged, an erasure) and the notes folder's files stay the same.

Only what every reader of a page sees goes in (a lecture's pack, its rendered body, its quiz):
never a session's, a token's or a role's own data, which each request still renders. At the
first request after a change the whole cache is dropped, so words erased from the record do
not outlive the erasure in memory beyond the next page asked for.
"""

import os
import threading
from typing import Callable, Hashable

from milo_robot.lectures.vocabulary import files_signature

MAX_ENTRIES = 256  # a pack and a body per language per lecture: a term's lectures fit


def notes_signature(notes_dir) -> tuple:
    """Return the files of the notes folder and its course folders, with their times and sizes."""
    if not notes_dir or not os.path.isdir(notes_dir):
        return ()
    return files_signature(root for root, _, _ in os.walk(notes_dir))


class RecordCache:
    """Values keyed by the caller, valid for one version of the record and of the notes folder."""

    def __init__(self, reader: Callable, notes_dir):
        """Read the record's version through `reader()` (a RecordFile), the notes from `notes_dir`."""
        self._reader, self._notes_dir = reader, notes_dir
        self._version = None
        self._values = {}
        self._lock = threading.Lock()
        self.hits = self.misses = 0  # for the tests and the benchmark's notes

    def __len__(self) -> int:
        """Return how many values are kept."""
        with self._lock:
            return len(self._values)

    def version(self) -> tuple:
        """Return the current version of what the values are computed from."""
        return self._reader().data_version(), notes_signature(self._notes_dir)

    def get(self, key: Hashable, compute: Callable[[], object], version: tuple):
        """Return the value of `key`, computed now unless it was for this version.

        `version` is `self.version()` read by the caller before anything was computed, so that a
        change meanwhile makes the value old at once (a request reads it once for the two or three
        values of its page: app.views.cached). An exception from `compute` (a 404) is raised and
        nothing is kept.
        """
        with self._lock:
            if version != self._version:
                self._values.clear()
                self._version = version
            elif key in self._values:
                self.hits += 1
                return self._values[key]
            self.misses += 1
        value = compute()
        with self._lock:
            if version == self._version:
                if len(self._values) >= MAX_ENTRIES:
                    self._values.pop(next(iter(self._values)))
                self._values[key] = value
        return value
