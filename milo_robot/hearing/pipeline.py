# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The hearing pipeline, shared by the VAD and ASR nodes and by `milo transcribe`.

`SpeechDetector` turns audio frames into speech start/end events (VAD, with Milo's own voice
removed while it speaks). `SegmentTranscriber` turns frames and those events into partial and
final transcripts. Both work on the audio's own clock: each frame comes with the index of its
first sample (milo_robot.interfaces.audio), event times are sample indices in seconds, and a
segment's audio is exactly the samples between its start and its end. Missing audio is never
silently skipped: it is counted, and it takes its place on the clock as silence.
"""

import threading
from dataclasses import replace
from typing import Callable, Optional

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.timeline import Arrival, Continuity
from milo_robot.hearing.asr import Transcript
from milo_robot.hearing.echo import EchoGate
from milo_robot.hearing.segmenter import Segmenter, SegmenterSettings, SpeechEvent
from milo_robot.hearing.vad import FRAME_SAMPLES

FRAME_S = FRAME_SAMPLES / SAMPLE_RATE
# A segment this short, even heard with a full stop, may be the first part of a sentence that a
# pause cut ("Un condensateur." before "est formé de deux plaques"; "when a capacitor charges
# through a resistor."): Whisper ends with a mark every segment it is given.
FRAGMENT_S = 3.0


def cut_by_a_pause(text: str, seconds: float) -> bool:
    """Whether a final heard over `seconds` may be the first part of a sentence cut by a pause.

    No mark at its end, or a comma, colon, semicolon or ellipsis; or a short one with a full
    stop. A question or an exclamation is whole: a question to Milo is never joined to more.
    """
    text = text.strip()
    if not text or text.endswith(('?', '!')):
        return False
    return seconds <= FRAGMENT_S or not text.endswith('.') or text.endswith(('...', '…'))


def to_index(seconds: float) -> int:
    """Return the sample index of an event time (seconds on the stream's clock)."""
    return int(round(seconds * SAMPLE_RATE))


class SpeechDetector:
    """VAD and segmentation of a frame stream, aware of when Milo itself is speaking."""

    def __init__(self, vad, settings: SegmenterSettings, speaking_threshold: float = 0.8,
                 echo: Optional[EchoGate] = None, barge_in_s: float = 0.096, turn_end=None):
        """Use `vad` (probability per 512-sample block); raise the threshold while Milo speaks.

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
        self.continuity = Continuity()  # frames lost on the way, counted
        self._pending = np.zeros(0, dtype=np.int16)  # samples of the block under way
        self._block_at: Optional[int] = None  # sample index of the block under way

    @property
    def frames_lost(self) -> int:
        """Return how many frames never arrived (seen as gaps in the sample indices)."""
        return self.continuity.frames_lost

    def push(self, samples: np.ndarray, index: int) -> list:
        """Add a frame of any size starting at sample `index`; return (SpeechEvent, barge_in) pairs."""
        arrival = self.continuity.arrive(index, len(samples))
        events = []
        if arrival.restart or self._block_at is None:
            events += self._restart(index)
        elif arrival.gap:
            events += self._missing(arrival.gap)
        self._pending = np.concatenate([self._pending, samples[arrival.repeat:]])
        return events + self._blocks()

    def flush(self) -> list:
        """End any open segment (end of the stream)."""
        return [(e, False) for e in self.segmenter.flush(self._heard_until())]

    def _heard_until(self) -> int:
        return (self._block_at or 0) + len(self._pending)

    def _blocks(self) -> list:
        events = []
        while len(self._pending) >= FRAME_SAMPLES:
            block, self._pending = self._pending[:FRAME_SAMPLES], self._pending[FRAME_SAMPLES:]
            events += self._classify(block, self._block_at)
            self._block_at += FRAME_SAMPLES
        return events

    def _restart(self, index: int) -> list:
        """Begin at `index`: the first frame, or the microphone started again (a new stream)."""
        events = [] if self._block_at is None else \
            [(e, False) for e in self.segmenter.restart(self._heard_until(), index)]
        self._pending, self._block_at = np.zeros(0, dtype=np.int16), index
        self.vad.reset()
        self._voiced_over = 0.0
        return events

    def _missing(self, gap: int) -> list:
        """Let the time of lost frames pass as silence, without running the model on it."""
        fill = min(gap, FRAME_SAMPLES - len(self._pending)) if len(self._pending) else 0
        self._pending = np.concatenate([self._pending, np.zeros(fill, dtype=np.int16)])
        events = self._blocks()
        whole, rest = divmod(gap - fill, FRAME_SAMPLES)
        if whole:
            self.vad.reset()  # the audio on either side of the hole does not join up
            self._voiced_over = 0.0
        for _ in range(whole):
            events += [(e, False) for e in self.segmenter.push(0.0, self._block_at, FRAME_SAMPLES)]
            self._block_at += FRAME_SAMPLES
        self._pending = np.zeros(rest, dtype=np.int16)
        return events

    def _classify(self, block: np.ndarray, index: int) -> list:
        t = index / SAMPLE_RATE
        heard = self.echo.residual(block, t) if self.milo_speaking else block
        p = self.vad.probability(heard)
        if self.milo_speaking:
            # Stricter while Milo talks: only a confident voice over it counts (barge-in).
            p = p if p >= self.speaking_threshold else 0.0
        barge_in = []
        if self.milo_speaking and p > 0.0:
            self._onset = t if self._voiced_over == 0.0 else self._onset
            self._voiced_over += FRAME_S
            if self._voiced_over - FRAME_S < self.barge_in_s <= self._voiced_over + 1e-9:
                barge_in = [(SpeechEvent('barge_in', self._onset), True)]
        else:
            self._voiced_over = 0.0
        events = self.segmenter.push(p, index, FRAME_SAMPLES)
        if self.turn_end is not None:
            events = self.turn_end.review(heard, t, FRAME_S, self.segmenter, events)
        return barge_in + [(e, self.milo_speaking and e.kind == 'start') for e in events]


class AudioRing:
    """The latest audio of a frame stream, read back by sample index.

    A circular buffer holding `keep_s` of audio on the stream's clock. One thread may add frames
    while another reads (the asr node's receiving thread and its recognition worker). Samples that
    never arrived read as silence; samples older than the buffer are let go, and a read says how
    many of those it was asked for.
    """

    def __init__(self, keep_s: float = 40.0):
        """Hold up to `keep_s` of audio."""
        self._size = max(1, int(keep_s * SAMPLE_RATE))
        self._buffer = np.zeros(self._size, dtype=np.int16)
        self._first: Optional[int] = None  # where the stream began: nothing was heard before it
        self._lock = threading.Lock()
        self.continuity = Continuity()

    @property
    def end(self) -> Optional[int]:
        """Return the index just after the newest sample (None before the first frame)."""
        return self.continuity.next

    @property
    def start(self) -> Optional[int]:
        """Return the index of the oldest sample held (None before the first frame)."""
        with self._lock:
            return self._oldest()

    def _oldest(self) -> Optional[int]:
        return None if self._first is None else max(self._first, self.continuity.next - self._size)

    def add(self, samples: np.ndarray, index: int) -> Arrival:
        """Keep a frame; return where it landed on the stream's clock."""
        with self._lock:
            arrival = self.continuity.arrive(index, len(samples))
            if self._first is None or arrival.restart:
                self._first = index  # a new stream: what was held before is not its past
            elif arrival.gap:
                self._write(index - arrival.gap, np.zeros(min(arrival.gap, self._size), dtype=np.int16),
                            arrival.gap)
            self._write(index + arrival.repeat, samples[arrival.repeat:], len(samples) - arrival.repeat)
            return arrival

    def _write(self, index: int, samples: np.ndarray, length: int) -> None:
        """Write the last `len(samples)` of `length` samples starting at `index`."""
        at = (index + length - len(samples)) % self._size
        head = min(len(samples), self._size - at)
        self._buffer[at:at + head] = samples[:head]
        self._buffer[:len(samples) - head] = samples[head:]

    def read(self, start: int, end: int) -> tuple:
        """Return (the samples held from `start` to `end`, how many before them were let go).

        Samples lost on the way read as silence. Samples already let go (older than the buffer)
        are left out: the audio returned starts at the oldest sample held.
        """
        with self._lock:
            oldest, newest = self._oldest(), self.continuity.next
            if oldest is None:
                return np.zeros(0, dtype=np.int16), 0
            lo, hi = max(start, oldest), min(end, newest)
            let_go = max(0, min(end, oldest) - max(start, self._first))
            if lo >= hi:
                return np.zeros(0, dtype=np.int16), let_go
            at = lo % self._size
            head = min(hi - lo, self._size - at)
            out = np.concatenate([self._buffer[at:at + head], self._buffer[:hi - lo - head]])
        return out, let_go


class SegmentTranscriber:
    """Cut speech segments out of the frame stream and run a recognition engine on them.

    A segment's audio is exactly the samples from its start event's time to its end event's.
    A streaming engine (Vosk) hears the audio as it comes, `stream_hold_s` behind the newest
    frame, for partials; if the segment ends before what it heard (the VAD was late), the
    segment is heard again from its start, so that its final holds only its own words.
    """

    def __init__(self, engine, keep_s: float = 40.0,
                 clock: Callable[[float], float] = lambda t: t, peek_max_s: float = 0.0,
                 stream_hold_s: float = 0.5, join_gap_s: float = 0.0, join_max_s: float = 25.0):
        """Keep `keep_s` of audio; `clock` maps stream time to lecture time for transcripts.

        `peek_max_s` > 0: on a pause, a segment no longer than that is transcribed so far (a
        partial transcript), so the dialogue can start on a question before the hangover ends
        it. Questions are short; a lecturer's long stretches do not pay for it.

        `join_gap_s` > 0: a segment that starts at most this long after the last one ended, when
        that one may be cut by a pause (`cut_by_a_pause`), is heard again from the last one's start,
        as one sentence: its final (`rejoins`) replaces the last one's. The VAD's short hangover
        is for the conversation's pace; a teacher pausing mid-sentence ("Un condensateur ... est
        formé de deux plaques") must not leave the record two fragments, each heard without the
        other ("Un condensateur." / "Et former de deux plaques"). `join_max_s`: a longer whole
        is heard as two (Whisper's window is 30 s).
        """
        self.engine = engine
        self.clock = clock
        self.peek_max_s = peek_max_s
        self.ring = AudioRing(keep_s)
        self._hold = int(stream_hold_s * SAMPLE_RATE)
        self._join_gap, self._join_max = int(join_gap_s * SAMPLE_RATE), int(join_max_s * SAMPLE_RATE)
        self._last: Optional[tuple] = None  # (start, end, text) of the last final
        self._own_start = 0  # where the open segment's own audio starts (joined or not)
        self._rejoins = False  # the open segment is heard from the last one's start
        self._active_since: Optional[int] = None  # sample index of the open segment's start
        self._fed_until = 0  # index up to which the engine has heard the open segment
        self.dropped_samples = 0  # segment audio no longer held when its turn came
        self.peeks_skipped = 0  # pauses not peeked at because newer events waited

    def push_frame(self, samples: np.ndarray, index: int) -> list:
        """Add a frame starting at sample `index`; return partial transcripts (streaming engines)."""
        self.ring.add(samples, index)
        return self.stream()

    def stream(self) -> list:
        """Let a streaming engine hear the open segment so far; return its partial transcripts."""
        if self._active_since is None or not self.engine.streaming or self.ring.end is None:
            return []
        until = self.ring.end - self._hold
        return self._feed(until) if until > self._fed_until else []

    def push_event(self, event: SpeechEvent, behind: bool = False) -> list:
        """Start or end a segment, or peek at it on a pause; return the transcripts that result.

        `behind`: newer events already wait (recognition lags the class). A pause is then not
        peeked at: its segment's end, or more speech, is already known, and a peek would only
        cost a recognition run that delays the final everyone waits for (`peeks_skipped`).
        """
        if event.kind == 'start':
            self._begin(self._joined_start(to_index(event.start)))
            return self.stream()
        if event.kind == 'pause':
            if behind:
                self.peeks_skipped += 1
                return []
            return self._peek(to_index(event.end))
        # An end whose start this node missed (it restarted mid-segment): the end event still
        # says where the segment began, and the ring holds what was heard since the restart.
        if self._active_since is None:
            self._begin(self._joined_start(max(to_index(event.start), self.ring.start or 0)))
        return self._end(to_index(event.end))

    def flush(self) -> list:
        """End the open segment at the last audio received (the node is stopping); return its final."""
        if self._active_since is None or self.ring.end is None:
            return []
        return self._end(self.ring.end)

    def _joined_start(self, start: int) -> int:
        """Return where the segment starting at `start` is heard from: the last one's start to join it."""
        self._own_start, last = start, self._last
        self._rejoins = bool(self._join_gap) and last is not None and \
            0 <= start - last[1] <= self._join_gap and \
            cut_by_a_pause(last[2], (last[1] - last[0]) / SAMPLE_RATE)
        return last[0] if self._rejoins else start

    def _begin(self, start: int) -> None:
        self._active_since = self._fed_until = start
        self.engine.begin(self.clock(start / SAMPLE_RATE))

    def _peek(self, until: int) -> list:
        if self._active_since is None or \
                not 0 < until - self._active_since <= self.peek_max_s * SAMPLE_RATE:
            return []
        partials = self._feed(until) if until > self._fed_until else []
        text, language = self.engine.peek()
        start = self.clock(self._active_since / SAMPLE_RATE)
        return partials + ([Transcript(text, start, self.clock(until / SAMPLE_RATE), language, 0.0,
                                       False, self.engine.name)] if text else [])

    def _end(self, end: int) -> list:
        partials = []
        again = self._fed_until > end  # it heard past the end (the VAD was late): hear it again
        if self._rejoins and end - self._active_since > self._join_max:
            self._rejoins, self._active_since, again = False, self._own_start, True  # too long for one
        if again:
            self._begin(self._active_since)
            self._feed(end)  # its partials were told already
        elif end > self._fed_until:
            partials = self._feed(end)
        start, self._active_since = self._active_since, None
        final = self.engine.finish(self.clock(end / SAMPLE_RATE))
        if not final.text:
            return partials
        self._last = (start, end, final.text)
        return partials + [replace(final, rejoins=self._rejoins)]

    def _feed(self, until: int) -> list:
        audio, let_go = self.ring.read(self._fed_until, until)
        self.dropped_samples += let_go  # gone before its turn: left out, never made up as silence
        self._fed_until = until
        if not len(audio):
            return []
        partial = self.engine.accept(audio)
        if not partial:
            return []
        return [Transcript(partial, self.clock(self._active_since / SAMPLE_RATE),
                           self.clock(until / SAMPLE_RATE), self.engine.language, 0.0, False,
                           self.engine.name)]


def transcribe_frames(frames, detector: SpeechDetector, transcriber: SegmentTranscriber):
    """Yield the transcripts of a finite stream of 16 kHz frames, in order (`milo transcribe`).

    The stream's own sample clock gives the times: seconds from its first sample.
    """
    index = 0
    for frame in frames:
        yield from transcriber.push_frame(frame, index)
        for event, _ in detector.push(frame, index):
            yield from transcriber.push_event(event)
        index += len(frame)
    for event, _ in detector.flush():
        yield from transcriber.push_event(event)
