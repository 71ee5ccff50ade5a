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
(docs/soak.md, "Taken: a trim after every run"). Weights are not prepacked: prepacked copies pin
the arena's first regions, whose free space each run then dirties for good (docs/conversation.md).
"""

import contextlib
import threading

from milo_robot.heap import fix_mmap_threshold, release_memory


def open_session(path: str, threads: int = 2) -> 'ShrinkingSession':
    """Open an ONNX model for CPU inference: an arena shrunk after each run, weights not prepacked."""
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
    # Weights are not prepacked at load: the prepacked copies live in the arena's first regions
    # for good, so the shrink never gives those regions back, and each run's buffers land in their
    # free space and stay resident: 19 MB after Kokoro's French phrases, in every session. The
    # same CPU a synthesis, alternated in one process (docs/conversation.md, "Memory").
    options.add_session_config_entry('session.disable_prepacking', '1')
    return ShrinkingSession(ort.InferenceSession(path, sess_options=options,
                                                 providers=['CPUExecutionProvider']))


class ShrinkingSession:
    """An InferenceSession whose every run ends by giving its arena's buffers back to the system.

    Piper's voice calls `run(None, inputs)` on the session it is given: this object stands in for
    the session, and adds the run option.
    """

    def __init__(self, session):
        """Wrap an onnxruntime.InferenceSession."""
        self.session = session
        self._options = _run_options()

    def run(self, output_names, inputs: dict, run_options=None) -> list:
        """Run the model, shrink the arena (`run_options` are replaced by that one), trim the heap.

        Inside `Interruptible.running()` the run has options of its own, which `interrupt()` ends.
        """
        interruptible = getattr(_this_thread, 'interruptible', None)
        try:
            if interruptible is None:
                return self.session.run(output_names, inputs, self._options)
            with interruptible.run() as options:
                return self.session.run(output_names, inputs, options)
        finally:
            release_memory()

    def __getattr__(self, name: str):
        """Everything else is the session's (inputs, outputs, providers)."""
        if name == 'session':  # not set yet: no recursion
            raise AttributeError(name)
        return getattr(self.session, name)


class Interrupted(Exception):
    """A voice's run ended by `Interruptible.interrupt()`: its result is lost, nothing else."""


_this_thread = threading.local()  # .interruptible: the Interruptible this thread runs inside, if any


class Interruptible:
    """Work on one thread whose sessions' runs another thread can end at once.

    The speech player synthesises ahead of need (introductions, its own phrases) only while no
    one waits; a request that arrives meanwhile must not wait for that synthesis to finish
    (Kokoro takes seconds a phrase on two busy cores). onnxruntime checks a run's `terminate`
    flag between the model's operators, so the run ends within milliseconds (docs/speaking.md).
    """

    def __init__(self):
        """Nothing runs yet."""
        self._lock = threading.Lock()
        self._active = False  # a thread is inside running()
        self._interrupted = False
        self._options = None  # the RunOptions of the run in progress, if any

    @contextlib.contextmanager
    def running(self):
        """Run the block on this thread as interruptible work: its runs raise `Interrupted` once ended."""
        with self._lock:
            self._active, self._interrupted = True, False
        _this_thread.interruptible = self
        try:
            yield
        finally:
            _this_thread.interruptible = None
            with self._lock:
                self._active, self._options = False, None

    @property
    def in_run(self) -> bool:
        """Whether a session run of the work is in progress (what `interrupt()` ends mid-way)."""
        with self._lock:
            return self._options is not None

    def interrupt(self) -> bool:
        """End the work in progress: its current run stops, and any later run it starts raises.

        Returns whether there was such work. Outside `running()` it does nothing, so a caller can
        call it whenever something more urgent arrives.
        """
        with self._lock:
            if not self._active:
                return False
            self._interrupted = True
            if self._options is not None:
                self._options.terminate = True
            return True

    @contextlib.contextmanager
    def run(self):
        """Give one session run its options; turn an ending by `interrupt()` into `Interrupted`."""
        options = _run_options()
        with self._lock:
            if self._interrupted:
                raise Interrupted('interrupted before the run')
            self._options = options
        try:
            yield options
        except Exception as exc:  # onnxruntime's own Fail ("Exiting due to terminate flag ...")
            if options.terminate:
                raise Interrupted('interrupted during the run') from exc
            raise
        finally:
            with self._lock:
                self._options = None


def _run_options():
    """Return run options that give the arena's buffers back at the end of the run."""
    import onnxruntime as ort

    options = ort.RunOptions()
    options.add_run_config_entry('memory.enable_memory_arena_shrinkage', 'cpu:0')
    return options
