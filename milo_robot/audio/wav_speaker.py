# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The sim-mode speaker: everything played is appended to a WAV file that stays valid throughout.

The RIFF header is rewritten after every write, so a process killed mid-sentence still leaves a
readable file holding everything played until then.
"""

import os
import struct

import numpy as np

from milo_robot.devices import check_plugged
from milo_robot.private_files import open_private, private_folder

_HEADER_BYTES = 44


class WavSpeaker:
    """Append int16 mono samples at `rate` to `path` (created, or replaced unless `append`)."""

    def __init__(self, path: str, rate: int, append: bool = False):
        """Create the file with an empty but valid WAV header; `append` continues one of this rate.

        Appending is how a reopened sim device goes on: what was played before stays in the file.
        """
        self.path, self.rate = path, rate
        private_folder(os.path.dirname(os.path.abspath(path)))
        self._data_bytes = _continued_bytes(path, rate) if append else 0
        # What Milo says and hears is the class's: readable by Milo's user only.
        self._file = open_private(path, 'r+b' if self._data_bytes else 'w+b')
        self._write_header()
        self._file.flush()

    def play(self, samples: np.ndarray) -> None:
        """Append samples and update the header (OSError while the sim device is unplugged)."""
        check_plugged(self.path, 'sim speaker')
        data = samples.astype('<i2', copy=False).tobytes()
        self._file.seek(_HEADER_BYTES + self._data_bytes)
        self._file.write(data)
        self._data_bytes += len(data)
        self._write_header()
        self._file.flush()

    @property
    def seconds(self) -> float:
        """Return how much audio has been played so far, in seconds."""
        return self._data_bytes / 2 / self.rate

    def close(self) -> None:
        """Close the file (it is already complete)."""
        self._file.close()

    def _write_header(self) -> None:
        self._file.seek(0)
        self._file.write(b'RIFF' + struct.pack('<I', 36 + self._data_bytes) + b'WAVE')
        # fmt chunk: PCM, 1 channel, rate, byte rate, block align 2, 16 bits per sample
        self._file.write(b'fmt ' + struct.pack('<IHHIIHH', 16, 1, 1, self.rate, self.rate * 2, 2, 16))
        self._file.write(b'data' + struct.pack('<I', self._data_bytes))


def _continued_bytes(path: str, rate: int) -> int:
    """Return the audio bytes of an existing WAV file written here at `rate`, or 0 to start afresh."""
    try:
        with open(path, 'rb') as f:
            header = f.read(_HEADER_BYTES)
    except OSError:
        return 0
    if len(header) < _HEADER_BYTES or header[:4] != b'RIFF' or struct.unpack('<I', header[24:28])[0] != rate:
        return 0
    return struct.unpack('<I', header[40:44])[0]
