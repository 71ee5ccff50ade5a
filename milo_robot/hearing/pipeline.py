# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The hearing pipeline, shared by the VAD and ASR nodes and by `milo transcribe`.

`SpeechDetector` turns audio frames into speech start/end events (VAD, with Milo's own voice
removed while it speaks). `SegmentTranscriber` turns frames and those events into partial and
final transcripts. Times are seconds on the stream's clock: the frames' stamps.
"""

from collections import deque
from typing import Callable, Optional

import numpy as np

from milo_robot.audio.capture import FrameAssembler
from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.hearing.asr import Transcript
from milo_robot.hearing.echo import EchoGate
from milo_robot.hearing.segmenter import Segmenter, SegmenterSettings, SpeechEvent
from milo_robot.hearing.vad import FRAME_SAMPLES


class SpeechDetector:
    """VAD and segmentation of a frame stream, aware of when Milo itself is speaking."""

    def __init__(self, vad, settings: SegmenterSettings, speaking_threshold: float = 0.8,
                 echo: Optional[EchoGate] = None, barge_in_s: float = 0.096, turn_end=None):
        """Use `vad` (probability per 512-sample frame); raise the threshold while Milo speaks.

        While Milo speaks, `barge_in_s` of confident voice over it is reported at once as a
        barge-in event, well before the segment start (which needs the minimum speech length).
        `turn_end` (hearing.turn_end.TurnEnd): a model that ends short segments when the turn is
        over, instead of the fixed hangover.
        """
        self.turn_end = turn_end
        self.vad = vad
        self.barge_in_s = barge_in_s
        self._voiced_over = 0.0  # confident voice heard over Milo so far
        self._onset = 0.0
        self.segmenter = Segmenter(settings)
        self.speaking_threshold = speaking_threshold
        self.echo = echo or EchoGate()
        self.milo_speaking = False
        self._assembler = FrameAssembler(SAMPLE_RATE, 1, FRAME_SAMPLES)
        self._next: Optional[float] = None  # stream time of the next 512-sample block

    def push(self, samples: np.ndarray, start: float) -> list:
        """Add frames of any size starting at `start`; return (SpeechEvent, barge_in) pairs."""
        # Follow the stamps: the first frame, and after frames lost on the way.
        if self._next is None or abs(start + self._assembler.pending_samples / SAMPLE_RATE
                                     - self._next) > 0.5 * FRAME_SAMPLES / SAMPLE_RATE:
            self._next = start - self._assembler.pending_samples / SAMPLE_RATE
        events = []
        for block in self._assembler.feed(samples):
            t = self._next
            self._next += FRAME_SAMPLES / SAMPLE_RATE
            events += self._classify(block, t)
        return events

    def _classify(self, block: np.ndarray, t: float) -> list:
        heard = self.echo.residual(block, t) if self.milo_speaking else block
        p = self.vad.probability(heard)
        if self.milo_speaking:
            # Stricter while Milo talks: only a confident voice over it counts (barge-in).
            p = p if p >= self.speaking_threshold else 0.0
        frame_s = FRAME_SAMPLES / SAMPLE_RATE
        barge_in = []
        if self.milo_speaking and p > 0.0:
            self._onset = t if self._voiced_over == 0.0 else self._onset
            self._voiced_over += frame_s
            if self._voiced_over - frame_s < self.barge_in_s <= self._voiced_over + 1e-9:
                barge_in = [(SpeechEvent('barge_in', self._onset), True)]
        else:
            self._voiced_over = 0.0
        events = self.segmenter.push(p, t, frame_s)
        if self.turn_end is not None:
            events = self.turn_end.review(heard, t, frame_s, self.segmenter, events)
        return barge_in + [(e, self.milo_speaking and e.kind == 'start') for e in events]

    def flush(self) -> list:
        """End any open segment (end of the stream)."""
        return [(e, False) for e in self.segmenter.flush(self._next or 0.0)]


class SegmentTranscriber:
    """Cut speech segments out of the frame stream and run a recognition engine on them."""

    def __init__(self, engine, keep_s: float = 40.0,
                 clock: Callable[[float], float] = lambda t: t, peek_max_s: float = 0.0):
        """Keep `keep_s` of audio; `clock` maps stream time to lecture time for transcripts.

        `peek_max_s` > 0: on a pause, a segment no longer than that is transcribed so far (a
        partial transcript), so the dialogue can start on a question before the hangover ends
        it. Questions are short; a lecturer's long stretches do not pay for it.
        """
        self.engine = engine
        self.clock = clock
        self.peek_max_s = peek_max_s
        self._ring = deque()  # (start time, samples), oldest first
        self._keep = keep_s
        self._active_since: Optional[float] = None
        self._fed_until = 0.0

    def push_frame(self, samples: np.ndarray, start: float) -> list:
        """Add a frame; return partial transcripts it produced (streaming engines only)."""
        self._ring.append((start, samples))
        while self._ring and self._ring[0][0] < start - self._keep:
            self._ring.popleft()
        if self._active_since is None:
            return []
        return self._feed(start + len(samples) / SAMPLE_RATE)

    def push_event(self, event: SpeechEvent) -> list:
        """Start or end a segment, or peek at it on a pause; return the transcripts that result."""
        if event.kind == 'start':
            return self._begin(event.start)
        if event.kind == 'pause':
            return self._peek(event.end)
        # An end whose start this node missed (it restarted mid-segment): the end event still
        # says where the segment began, and the ring holds what was heard since the restart.
        partials = self._begin(event.start, event.end) if self._active_since is None else []
        return partials + self._end(event.end)

    def flush(self) -> list:
        """End the open segment at the last audio received (the node is stopping); return its final."""
        if self._active_since is None or not self._ring:
            return []
        last_start, samples = self._ring[-1]
        return self._end(last_start + len(samples) / SAMPLE_RATE)

    def _begin(self, start: float, until: float = float('inf')) -> list:
        self._active_since = start
        self._fed_until = start
        self.engine.begin(self.clock(start))
        return self._feed(until)

    def _peek(self, until: float) -> list:
        if self._active_since is None or not 0 < until - self._active_since <= self.peek_max_s:
            return []
        partials = self._feed(until)
        text, language = self.engine.peek()
        return partials + ([Transcript(text, self.clock(self._active_since), self.clock(until),
                                       language, 0.0, False, self.engine.name)]
                           if text else [])

    def _end(self, end: float) -> list:
        partials = self._feed(end)
        self._active_since = None
        final = self.engine.finish(self.clock(end))
        return partials + ([final] if final.text else [])

    def _feed(self, until: float) -> list:
        out = []
        for t, samples in self._ring:
            end = t + len(samples) / SAMPLE_RATE
            if end <= self._fed_until + 1e-6 or t >= until:
                continue
            lo = max(0, int(round((self._fed_until - t) * SAMPLE_RATE)))
            hi = len(samples) if until >= end else int(round((until - t) * SAMPLE_RATE))
            if lo >= hi:
                continue
            partial = self.engine.accept(samples[lo:hi])
            self._fed_until = t + hi / SAMPLE_RATE
            if partial:
                out.append(Transcript(partial, self.clock(self._active_since),
                                      self.clock(self._fed_until), self.engine.language, 0.0,
                                      False, self.engine.name))
        return out
