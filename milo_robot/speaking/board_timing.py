# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Kokoro's speed on this board: timed once, then remembered.

Timing Kokoro holds a core for seconds, tens of seconds on a slow or busy board, and the voice
used to do it at every start: while the class begins, when the hearing needs the CPU most (in the
test of a class session with other work on the machine, the asr fell 5 s behind the teacher during
it). The board does not change from one start to the next, so the time measured is kept in a small
private file, by model, threads, speaking rate and processor, and later starts read it. A new board,
model or setting is timed again; deleting the file times everything again.
"""

import json
import os
import platform
import threading
import time

from milo_robot.private_files import open_private, private_folder

FILE_NAME = 'kokoro_timing.json'


def cache_dir() -> str:
    """Return where Milo keeps what it measured about this board (MILO_CACHE_DIR overrides)."""
    return os.environ.get('MILO_CACHE_DIR') or os.path.join(
        os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'), 'milo_robot')


def processor() -> str:
    """Return the processor's name and core count: what a timing holds for."""
    fields = {}
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                key, _, value = line.partition(':')
                fields.setdefault(key.strip().lower(), value.strip())
    except OSError:
        pass
    # x86 says `model name`; a Raspberry Pi says `Model` (the board), other ARM boards `Hardware`.
    name = fields.get('model name') or fields.get('model') or fields.get('hardware') or \
        platform.machine()
    return f'{name} x{os.cpu_count()}'


class BoardTimings:
    """Real-time factors measured on this board, by what was timed (a key the caller builds)."""

    def __init__(self, folder: str = ''):
        """Read the timings kept in `folder` (cache_dir() by default); a bad file counts as none."""
        self.path = os.path.join(folder or cache_dir(), FILE_NAME)
        self._lock = threading.Lock()
        try:
            with open(self.path, encoding='utf-8') as f:
                self._timings = dict(json.load(f))
        except (OSError, ValueError, TypeError):
            self._timings = {}

    def key(self, *parts) -> str:
        """Return the key of a timing: `parts` (model digest, settings) on this processor."""
        return ' | '.join([*map(str, parts), processor()])

    def get(self, key: str):
        """Return (real-time factor, date timed) for `key`, or None if it was never timed."""
        entry = self._timings.get(key)
        if not isinstance(entry, dict) or not isinstance(entry.get('rtf'), (int, float)):
            return None
        return float(entry['rtf']), str(entry.get('timed', ''))

    def put(self, key: str, rtf: float) -> None:
        """Remember `rtf` for `key` (a file that cannot be written only costs a timing next start)."""
        with self._lock:
            self._timings[key] = {'rtf': round(rtf, 4), 'timed': time.strftime('%Y-%m-%d')}
            try:
                private_folder(os.path.dirname(self.path))
                with open_private(self.path + '.tmp') as f:
                    json.dump(self._timings, f, indent=1, sort_keys=True)
                os.replace(self.path + '.tmp', self.path)
            except OSError:
                pass
