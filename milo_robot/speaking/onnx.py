# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""ONNX sessions for the voices (Piper, Kokoro): small in memory, quiet on shared cores.

onnxruntime's memory arena reuses its buffers within a synthesis, which keeps the peak low, but by
default it keeps them after it for the life of the process: about 110 MB for the Piper voice,
as much again for Kokoro. Shrinking the arena at the end of each run gives them back. Measured
in one process (docs/speaking.md): the same peak as with the arena kept, 110 MB less between
syntheses; without any arena the peak doubles.

What the arena gives back goes to glibc's heap, which keeps it unless asked: in the 96-minute
soak the tts grew 50 MB at Kokoro's first French answers. Each run therefore ends with a trim as
well, and glibc's mmap threshold is kept from rising, so that large buffers stay out of the heap
(docs/soak.md, "Taken: a trim after every run").
"""

import ctypes
import ctypes.util
import functools


def open_session(path: str, threads: int = 2) -> 'ShrinkingSession':
    """Open an ONNX model for CPU inference: an arena shrunk after each run, idle threads that sleep."""
    import onnxruntime as ort

    fix_mmap_threshold()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle threads sleep instead of spinning: the two cores are shared with hearing and thinking
    # (docs/speaking.md: the same wall time for less CPU on a busy machine).
    options.add_session_config_entry('session.intra_op.allow_spinning', '0')
    return ShrinkingSession(ort.InferenceSession(path, sess_options=options,
                                                 providers=['CPUExecutionProvider']))


class ShrinkingSession:
    """An InferenceSession whose every run ends by giving its arena's buffers back to the system.

    Piper's voice calls `run(None, inputs)` on the session it is given: this object stands in for
    the session, and adds the run option.
    """

    def __init__(self, session):
        """Wrap an onnxruntime.InferenceSession."""
        import onnxruntime as ort

        self.session = session
        self._options = ort.RunOptions()
        self._options.add_run_config_entry('memory.enable_memory_arena_shrinkage', 'cpu:0')

    def run(self, output_names, inputs: dict, run_options=None) -> list:
        """Run the model, shrink the arena (`run_options` are replaced by that one), trim the heap."""
        outputs = self.session.run(output_names, inputs, self._options)
        release_memory()
        return outputs

    def __getattr__(self, name: str):
        """Everything else is the session's (inputs, outputs, providers)."""
        if name == 'session':  # not set yet: no recursion
            raise AttributeError(name)
        return getattr(self.session, name)


def release_memory() -> bool:
    """Give the C allocator's free memory back to the system; return whether it could be asked.

    glibc's malloc_trim(0) returns the free pages of every heap, not only the top of the main one
    (a few milliseconds); another C library has no such call, and this does nothing there. Used
    after each voice's run, and for a model dropped for good (a Kokoro too slow for the board),
    whose 100 MB would otherwise stay with the process.
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
    to 369 MB at the second answer; with both it stayed at 277 to 280 MB.
    """
    mallopt = _glibc('mallopt', (ctypes.c_int, ctypes.c_int))
    return mallopt is not None and mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1


@functools.cache
def _glibc(name: str, argtypes: tuple):
    """Return glibc's function `name` (taking `argtypes`, returning an int), or None elsewhere.

    Looked up once per name: it is called after every run of a voice.
    """
    try:
        function = getattr(ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6'), name)
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = list(argtypes), ctypes.c_int
    return function
