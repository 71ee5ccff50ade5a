# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The voices give their memory back after each synthesis (speaking/onnx.py, heap.py): heap and arena."""

import ctypes
import ctypes.util
import subprocess
import sys

import pytest

from milo_robot.heap import release_memory
from milo_robot.speaking.voices import VoiceBook

BLOCK = 32 * 1024  # under glibc's mmap threshold: these blocks come from the heap
HOLE_MB = 64


def rss_mb() -> float:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    raise AssertionError('no VmRSS in /proc/self/status')


@pytest.fixture
def libc():
    c = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
    if not hasattr(c, 'malloc_trim'):
        pytest.skip('not glibc: there is no malloc_trim to ask')
    c.malloc.restype, c.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    c.free.argtypes = [ctypes.c_void_p]
    return c


@pytest.fixture
def hole(libc):
    """Leave HOLE_MB of freed, touched heap under a block still in use: free() keeps it resident.

    That is what a synthesis leaves behind once its arena is shrunk; only a trim returns it.
    """
    blocks = [libc.malloc(BLOCK) for _ in range(HOLE_MB * 1024 * 1024 // BLOCK)]
    for block in blocks:
        ctypes.memset(block, 1, BLOCK)
    keeper = libc.malloc(BLOCK)  # above the others: the freed space is not the heap's top
    for block in blocks:
        libc.free(block)
    yield
    libc.free(keeper)


def test_release_memory_returns_the_heaps_free_pages(hole):
    before = rss_mb()
    assert release_memory()
    assert rss_mb() < before - HOLE_MB * 0.7


@pytest.fixture(scope='module')
def piper():
    engine = VoiceBook().default
    engine.synthesize('Warming up.')  # the first run's one-time allocations are not measured
    return engine


def test_a_synthesis_ends_with_the_freed_heap_given_back(piper, hole):
    before = rss_mb()
    audio = piper.synthesize('Hello, everyone.')
    assert len(audio) > piper.rate // 4
    assert rss_mb() < before - HOLE_MB * 0.7


MAPPED_BLOCKS = '''
import ctypes, ctypes.util, sys
from milo_robot.heap import fix_mmap_threshold
c = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
c.malloc.restype, c.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
c.free.argtypes = [ctypes.c_void_p]
class Info(ctypes.Structure):  # struct mallinfo2: hblks counts the blocks mapped on their own
    _fields_ = [(name, ctypes.c_size_t) for name in ('arena', 'ordblks', 'smblks', 'hblks', 'hblkhd',
                                                     'usmblks', 'fsmblks', 'uordblks', 'fordblks',
                                                     'keepcost')]
c.mallinfo2.restype = Info
if sys.argv[1] == 'fixed':
    assert fix_mmap_threshold()
c.free(c.malloc(20 << 20))  # as the arena's regions are: left alone, glibc raises its threshold
before = c.mallinfo2().hblks
block = c.malloc(1 << 20)
print(c.mallinfo2().hblks - before)
'''


@pytest.mark.parametrize('threshold, mapped', [('dynamic', 0), ('fixed', 1)])
def test_a_fixed_mmap_threshold_maps_a_megabyte_even_after_a_large_block_was_freed(
        libc, threshold, mapped):
    out = subprocess.run([sys.executable, '-c', MAPPED_BLOCKS, threshold], capture_output=True,
                         text=True, check=True).stdout
    assert int(out) == mapped


FIRST_RUNS = '''
from milo_robot.speaking.kokoro import KokoroEngine
def anonymous_mb():
    with open('/proc/self/smaps_rollup') as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith('Anonymous:'))
kokoro = KokoroEngine('fr').load()
loaded = anonymous_mb()
for text in ('Le professeur a dit,', 'il y a environ dix minutes :',
             "Je ne répète que ce qui a été dit en cours,"):
    assert len(kokoro.synthesize(text)) > kokoro.rate // 4
print(anonymous_mb() - loaded)
'''
GROWTH_MB = 6  # 17.5 MB with the weights prepacked (their arena regions kept the runs' buffers); 1 MB now


@pytest.mark.timeout(600)  # Kokoro loaded, then three short pieces: a minute on a busy machine
def test_kokoros_first_runs_leave_the_process_as_it_was_loaded():
    # A fresh process: what the tts node keeps once its French phrases are synthesised ahead.
    out = subprocess.run([sys.executable, '-c', FIRST_RUNS], capture_output=True, text=True,
                         check=True).stdout
    assert float(out) < GROWTH_MB
