# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""ONNX sessions for the voices (Piper, Kokoro): small in memory, quiet on shared cores.

Measured in the tts node (docs/speaking.md): onnxruntime's own memory arena keeps the largest
buffers a synthesis ever needed, about 110 MB for the Piper voice and as much again for Kokoro,
for the life of the process. Without it, the buffers go back to the C allocator after each
synthesis, and `release_memory` gives them back to the system: the same speed, half the memory.
"""

import ctypes
import ctypes.util


def open_session(path: str, threads: int = 2):
    """Open an ONNX model for CPU inference: no memory arena, idle threads that sleep."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_cpu_mem_arena = False
    # Idle threads sleep instead of spinning: the two cores are shared with hearing and thinking
    # (docs/speaking.md: the same wall time for less CPU on a busy machine).
    options.add_session_config_entry('session.intra_op.allow_spinning', '0')
    return ort.InferenceSession(path, sess_options=options, providers=['CPUExecutionProvider'])


def _trim():
    """Return glibc's malloc_trim, or None (another C library: memory is left as it is)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6').malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _trim()


def release_memory() -> None:
    """Give the memory freed by the last synthesis back to the system (a few ms)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
