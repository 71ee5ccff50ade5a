# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The sim-mode speaker: everything played is appended to a WAV file that stays valid throughout.

The RIFF header is rewritten after every write, so a process killed mid-sentence still leaves a
readable file holding everything played until then.
"""

import os
import struct

import numpy as np

_HEADER_BYTES = 44


class WavSpeaker:
    """Append int16 mono samples at `rate` to `path` (created, or replaced)."""

    def __init__(self, path: str, rate: int):
        """Create the file with an empty but valid WAV header."""
        self.path, self.rate = path, rate
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        self._file = open(path, 'w+b')
        self._data_bytes = 0
        self._write_header()
        self._file.flush()

    def play(self, samples: np.ndarray) -> None:
        """Append samples and update the header."""
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
