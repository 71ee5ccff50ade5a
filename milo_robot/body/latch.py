# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The emergency stop's latch on the host, kept in a small file so it outlives the process.

A respawned body node or a rebooted computer must come back stopped if Milo was stopped. The file
holds two lines: `latched` or `released`, then why. It is replaced atomically (a temporary file,
fsync, rename, fsync of the folder), so a crash leaves the old file or the new one, never half of
one. A file that cannot be read or understood counts as latched: it fails safe, and a release
writes a good one again.
"""

import os
import tempfile

LATCHED, RELEASED = 'latched', 'released'
MAX_FILE_BYTES = 4096  # a latch file is a few dozen bytes: anything longer is not one


class PersistentLatch:
    """Latched or released, and why; kept in `path` (or in memory only when `path` is '').

    Not thread-safe: BodyController calls it under its own lock.
    """

    def __init__(self, path: str = ''):
        """Read the latch from `path`: missing is released, unreadable or corrupt is latched."""
        self.path = path
        self.problem = ''  # why the file could not be written, '' while it is up to date
        self.latched, self.reason = self._read()

    def _read(self) -> tuple:
        if not self.path:
            return False, ''
        try:
            with open(self.path, 'rb') as f:
                data = f.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return False, ''  # never latched on this robot
        except OSError as exc:
            return True, self._fail_safe(f'cannot be read ({exc.strerror or exc})')
        try:
            state, reason = (data.decode('utf-8').split('\n') + [''])[:2]
        except UnicodeDecodeError:
            state = reason = ''
        if len(data) > MAX_FILE_BYTES or state not in (LATCHED, RELEASED):
            return True, self._fail_safe(f'is corrupt (starts with {data[:24]!r})')
        if state == LATCHED:
            return True, reason.strip() or 'emergency stop latched before the restart'
        return False, ''

    def _fail_safe(self, what: str) -> str:
        return f'the latch file {self.path} {what}: latched to be safe; a release rewrites it'

    def latch(self, reason: str) -> None:
        """Latch (the first reason is kept while latched) and write the file before returning."""
        if not self.latched:
            self.latched, self.reason = True, ' '.join(reason.split())
            self._write()
        elif self.problem:
            self._write()

    def release(self) -> None:
        """Release and write the file before returning."""
        if self.latched or self.problem:
            self.latched, self.reason = False, ''
            self._write()

    def _write(self) -> None:
        if not self.path:
            return
        folder = os.path.dirname(os.path.abspath(self.path))
        text = f'{LATCHED}\n{self.reason}\n' if self.latched else f'{RELEASED}\n\n'
        temporary = ''
        try:
            os.makedirs(folder, exist_ok=True)
            # mkstemp creates the file with mode 0600: only Milo's user reads or replaces the latch.
            fd, temporary = tempfile.mkstemp(prefix='.estop-', suffix='.tmp', dir=folder)
            with os.fdopen(fd, 'w', encoding='utf-8') as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, self.path)
            temporary = ''
            self._sync_folder(folder)
            self.problem = ''
        except OSError as exc:
            self.problem = (f'cannot write the emergency stop latch to {self.path} '
                            f'({exc.strerror or exc}): it holds only until this process ends')
        finally:
            if temporary:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass

    @staticmethod
    def _sync_folder(folder: str) -> None:
        """Make the rename itself durable (a host that loses power could otherwise undo it)."""
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
