# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Whether the speaker has finished their turn, judged from the audio (Smart Turn v3).

The VAD's hangover ends a segment after a fixed silence, the same for "What is the time constant
of an RC circuit?" as for "What is the, um…". A turn-end model hears the difference: Smart Turn v3
(a Whisper-tiny encoder, int8 ONNX) gives the probability that the speech so far is a finished
turn, from up to 8 s of 16 kHz audio. `TurnEnd` uses it on short segments (questions; a
lecturer's long stretches keep the plain hangover):

- as soon as the voice stops (the segmenter's first silent frame), the model judges the segment
  so far: the model costs about 0.1-0.3 s of CPU a call on two cores, so it starts at once, not
  after a fixed pause;
- a finished turn ends the segment, dated where the silence began, once the silence has lasted
  `min_silence_s` (150 ms: the short pause of a comma inside a sentence is not its end), without
  waiting for the hangover;
- an unfinished one makes the segment wait up to `hold_s` of silence for the rest of the
  sentence, and is judged again after `REJUDGE_S` of silence (the model is surer with a little
  silence after the words);
- while the first verdict is under way, the segment waits for it up to `wait_s` of silence
  (0.5 s), even past the hangover: a call costs about as much as the 300 ms hangover, which
  would otherwise end every segment before its verdict came and leave the model no say (as
  measured before this wait); a busy machine's late verdict adds at most `wait_s` minus the
  hangover to a turn's end;
- when the voice comes back, the judgement under way is dropped (and stopped, in the node).

The model runs in `Judge`: at once in the caller's thread, with the verdict taken as ready when a
node would have it (the call's own duration later on the stream's clock: benchmarks and tests),
or in a worker thread (the vad node, which must not stop taking frames meanwhile; its
`compute_s` is then wall time). Inline, the call's CPU time stands for its duration: what it
takes on a free core, not what a busy machine adds by queueing.
"""

import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Optional

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.hearing.log_mel import log_mel, normalized

WINDOW_S = 8.0  # the model hears the last 8 s of the segment (zeros before a shorter one)
REJUDGE_S = 0.2  # silence after which an unfinished verdict is judged again
MAX_SEGMENT_S = 8.0  # longer segments (a lecturer's) keep the hangover: no model call
WAIT_S = 0.5  # silence a segment waits for its first verdict (a call costs ~0.3 s on 2 cores)


class SmartTurn:
    """Smart Turn v3: the probability that the speech heard so far is a finished turn."""

    def __init__(self, path: str, threads: int = 1):
        """Load the ONNX model; one thread by default (the ASR and the model use the others)."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        self._session = ort.InferenceSession(path, options, providers=['CPUExecutionProvider'])
        self._input = self._session.get_inputs()[0].name
        self.probability(np.zeros(SAMPLE_RATE, dtype=np.int16))  # the first call costs seconds

    def probability(self, audio: np.ndarray, run_options=None) -> float:
        """Judge int16 (or float in [-1, 1]) audio at 16 kHz; only its last 8 s count."""
        audio = np.asarray(audio)
        if audio.dtype == np.int16:
            audio = audio.astype(np.float32) / 32768.0
        window = int(WINDOW_S * SAMPLE_RATE)
        audio = audio[-window:]
        audio = np.pad(audio, (window - len(audio), 0))  # silence before a short segment
        features = log_mel(normalized(audio))[np.newaxis]
        return float(self._session.run(None, {self._input: features}, run_options)[0].ravel()[0])


def load_smart_turn(name: str = 'smart-turn', threads: int = 1) -> SmartTurn:
    """Load the catalogue's turn-end model (a ModelError says how to install a missing one)."""
    from milo_robot.models import ModelError, get_model

    path = get_model(name).check()
    if os.path.isdir(path):  # a prepared folder holding the one ONNX file
        files = sorted(f for f in os.listdir(path) if f.endswith('.onnx'))
        if len(files) != 1:
            raise ModelError(f"model '{name}': expected one .onnx file in {path}, found {files}")
        path = os.path.join(path, files[0])
    return SmartTurn(path, threads)


@dataclass(frozen=True)
class Verdict:
    """A judgement: the probability of a finished turn, and what it cost."""

    probability: float
    asked_at: float  # stream time of the last sample judged
    ready_at: float  # stream time at which the verdict is known
    compute_s: float


class Judge:
    """Runs the model on one segment at a time, inline or in a worker thread."""

    def __init__(self, model: SmartTurn, background: bool = False, latency_s: Optional[float] = None):
        """Judge with `model`, in a worker thread when `background` (a node).

        Otherwise at once, the verdict ready `latency_s` later on the stream's clock (None: the
        call's CPU time, what it takes on a free core).
        """
        self.model, self.background, self.latency_s = model, background, latency_s
        self.calls = 0
        self.compute_s = 0.0  # total, for diagnostics and the benchmark
        self._done: Optional[Verdict] = None
        self._running: Optional[tuple] = None  # (thread, run options) of a background call
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        """Whether a judgement is under way or waiting to be taken."""
        return self._running is not None or self._done is not None

    def start(self, audio: np.ndarray, at: float) -> None:
        """Judge `audio`, whose last sample is at stream time `at`."""
        self.calls += 1
        if not self.background:
            began = time.thread_time()  # the model's one thread: its cost on a free core
            p = self.model.probability(audio)
            spent = time.thread_time() - began
            self.compute_s += spent
            self._done = Verdict(p, at, at + (spent if self.latency_s is None else self.latency_s), spent)
            return
        import onnxruntime as ort

        options = ort.RunOptions()
        thread = threading.Thread(target=self._run, args=(audio, at, options), daemon=True,
                                  name='turn-end')
        self._running = (thread, options)
        thread.start()

    def _run(self, audio: np.ndarray, at: float, options) -> None:
        began = time.perf_counter()
        try:
            p = self.model.probability(audio, options)
        except Exception:  # noqa: BLE001 - stopped by cancel(), or a failed call: no verdict
            p = None
        spent = time.perf_counter() - began
        with self._lock:
            self.compute_s += spent
            if self._running is not None and self._running[1] is options:
                self._running = None
                if p is not None:
                    self._done = Verdict(p, at, at, spent)

    def result(self, now: float) -> Optional[Verdict]:
        """Return the verdict once it is known at stream time `now` (once), else None."""
        with self._lock:
            done = self._done
            if done is None or (not self.background and done.ready_at > now + 1e-9):
                return None
            self._done = None
        return done if not self.background else Verdict(done.probability, done.asked_at, now,
                                                        done.compute_s)

    def cancel(self) -> None:
        """Drop the judgement under way (the voice came back): it is not needed any more."""
        with self._lock:
            running, self._running, self._done = self._running, None, None
        if running is not None:
            running[1].terminate = True  # onnxruntime stops the call at its next node


class TurnEnd:
    """Ends a short segment when the model judges the turn finished; holds it while unfinished."""

    def __init__(self, judge: Judge, threshold: float = 0.5, hold_s: float = 1.0,
                 min_silence_s: float = 0.15, max_segment_s: float = MAX_SEGMENT_S,
                 wait_s: float = WAIT_S):
        """Decide with `judge`'s verdicts.

        `threshold`: probability from which a turn counts as finished; `hold_s`: the longest
        silence a segment judged unfinished waits for its rest; `min_silence_s`: the shortest
        silence that ends a finished turn; `wait_s`: the longest silence a segment waits for
        its first verdict (less than the hangover: the hangover ends it, and the model acts
        only where a call costs less than the hangover).
        """
        self.judge, self.threshold, self.hold_s = judge, threshold, hold_s
        self.wait_s = wait_s
        self.min_silence_s = min_silence_s
        self.max_segment_s = max_segment_s
        self.last: Optional[Verdict] = None  # the latest verdict, for diagnostics
        self.ended_early = 0  # segments the model ended before the hangover would have
        self._ring = deque()  # (start time, samples) of the recent audio
        self._asked = 0  # judgements of the silence under way
        self._finished = False  # the silence under way follows a finished turn

    def review(self, block: np.ndarray, t: float, frame_s: float, segmenter, events: list) -> list:
        """Take a frame the segmenter has just seen; return its events, plus an end if the turn is over."""
        self._ring.append((t, block))
        while self._ring and self._ring[0][0] < t - WINDOW_S - 1.0:
            self._ring.popleft()
        now = t + frame_s
        if not segmenter.in_speech or any(e.kind == 'end' for e in events) or \
                segmenter.silence_s <= 0.0 or now - segmenter.segment_start > self.max_segment_s:
            return self._quiet(events, segmenter)  # no silence to judge, or a lecturer's stretch
        verdict = self.judge.result(now)
        if verdict is not None:
            self.last = verdict
            self._finished = verdict.probability >= self.threshold
            # Unfinished: wait up to hold_s for the rest; finished: end it below.
            segmenter.hold(None if self._finished else self.hold_s)
        elif self._asked == 1 and self.judge.busy:
            # The silence's first verdict is under way. A call costs about as much as the
            # hangover, which would end the segment before the verdict comes: wait for it, but
            # only up to wait_s, so that a busy machine adds at most that to a turn's end.
            segmenter.hold(max(self.wait_s, segmenter.settings.hangover_s))
        if self._finished and segmenter.silence_s + 1e-9 >= self.min_silence_s:
            self.ended_early += segmenter.silence_s < segmenter.settings.hangover_s
            self._asked, self._finished = 0, False
            return events + segmenter.close()
        if not self._finished and not self.judge.busy and (self._asked == 0 or
                                    (self._asked == 1 and segmenter.silence_s >= REJUDGE_S)):
            self.judge.start(self._audio(segmenter.segment_start, now), now)
            self._asked += 1
        return events

    def _quiet(self, events: list, segmenter) -> list:
        """No judgement is needed now: drop any under way; the plain hangover again."""
        if self._asked or self.judge.busy:
            self.judge.cancel()
        self._asked, self._finished = 0, False
        if segmenter.in_speech:
            segmenter.hold(None)
        return events

    def _audio(self, start: float, until: float) -> np.ndarray:
        blocks = [b for t, b in self._ring if t >= start - 1e-6 and t < until - 1e-6]
        return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int16)
