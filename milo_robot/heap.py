# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The C heap of a process that runs a model: what a run freed goes back to the system.

glibc keeps the memory that C code frees (onnxruntime's arena for the voices, CTranslate2's
buffers for Whisper) in its heap for the next allocation; over a class of varied inputs the
process grows in steps to its high-water mark and stays there (docs/soak.md). A trim after each
run gives the free pages back, for a few milliseconds. Another C library has neither call, and
these functions do nothing there.
"""

import ctypes
import ctypes.util
import functools


def release_memory() -> bool:
    """Give the C allocator's free memory back to the system; return whether it could be asked.

    glibc's malloc_trim(0) returns the free pages of every heap, not only the top of the main one.
    Used after each voice's run and each Whisper transcription, and for a model dropped for good
    (a Kokoro too slow for the board), whose 100 MB would otherwise stay with the process.
    """
    trim = _glibc('malloc_trim', (ctypes.c_size_t,))
    if trim is None:
        return False
    trim(0)
    return True


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD = 128 * 1024  # glibc's own default, kept from rising


def fix_mmap_threshold() -> bool:
    """Keep glibc's mmap threshold at 128 KiB for this process; return whether it could be set.

    By default glibc raises the threshold (up to 32 MB) each time a large mapped block is freed,
    as onnxruntime's arena does at the end of each run: its next buffers then come from the heap,
    between small blocks that stay, and neither the arena's shrinking nor malloc_trim gets them
    all back. Fixed, every buffer over 128 KiB is mapped and unmapped on its own. Measured in the
    speech player over French answers (docs/soak.md): with the trim alone the RSS stepped from 290
    to 369 MB at the second answer; with both it stayed at 277 to 280 MB. Not for Whisper: its
    many large buffers mapped one by one cost 52 % more CPU a transcription (docs/hearing.md).
    """
    mallopt = _glibc('mallopt', (ctypes.c_int, ctypes.c_int))
    return mallopt is not None and mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1


@functools.cache
def _glibc(name: str, argtypes: tuple):
    """Return glibc's function `name` (taking `argtypes`, returning an int), or None elsewhere.

    Looked up once per name: it is called after every run of a model.
    """
    try:
        function = getattr(ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6'), name)
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = list(argtypes), ctypes.c_int
    return function
