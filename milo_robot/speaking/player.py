# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Speak text sentence by sentence, without gaps, and stop at once.

Synthesis of the next sentence overlaps playback of this one; playback goes in short blocks, so
a stop silences Milo within one block, and every block reports its loudness (for the mouth) and
its audio (for the echo gate).
"""

import queue
import threading
import time
from collections import OrderedDict, defaultdict, deque
from typing import Callable, Optional

import numpy as np

from milo_robot.audio.format import level_dbfs
from milo_robot.audio.resample import resample
from milo_robot.audio.wav_speaker import WavSpeaker
from milo_robot.speaking.normalize import clauses, cut_head, lead_clause, normalize, sentences
from milo_robot.speaking.onnx import Interrupted, Interruptible


def mouth_level(block: np.ndarray) -> float:
    """Map a block's loudness to a mouth opening: -50 dBFS (closed) to -10 dBFS (wide open)."""
    return float(np.clip((level_dbfs(block) + 50.0) / 40.0, 0.0, 1.0))


class PacedWavSink:
    """The sim speaker for speech: a WAV file written at the pace a sound card would play it."""

    def __init__(self, path: str, rate: int, realtime: bool = True,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, append: bool = False):
        """Create the file; `realtime` False writes as fast as it can (`milo say --out`).

        `append`: continue the file (a sim device reopened after a failure).
        """
        self.rate = rate
        self.realtime = realtime
        self._wav = WavSpeaker(path, rate, append)
        self._clock, self._sleep = clock, sleep
        self._start: Optional[float] = None
        self._written = 0

    def play(self, block: np.ndarray) -> None:
        """Write a block when the previous ones would have finished playing."""
        if self._start is None:
            self._start, self._written = self._clock(), 0
        delay = self._start + self._written / self.rate - self._clock()
        if delay > 0 and self.realtime:
            self._sleep(delay)
        self._wav.play(block)
        self._written += len(block)

    def drain(self) -> None:
        """Wait until the last block has played; the next one starts a new stretch of sound."""
        if self._start is not None and self.realtime:
            delay = self._start + self._written / self.rate - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._start = None

    def close(self) -> None:
        """Close the file (already complete)."""
        self._wav.close()


SHORT_WORDS = 2  # utterances this short are kept once synthesised
# The first pieces of recent requests are kept too: an answer's introduction ("The teacher said,
# just now:") comes back again and again, and is the piece the listener waits for.
LEAD_CACHE = 64
_WAKE = ('wake',)  # queued by prepare(): look at what is to be synthesised ahead
IDLE_S = 0.1  # how long the voice has had nothing to do before it synthesises ahead
SILENCE_LEVEL = 300  # int16 amplitude under which the end of a clip is silence
# Of a voice's opening silence, what is kept when it starts a stretch of sound: Kokoro computes
# 0.35 s of it before every piece, which only delays the first word after Milo was silent. A
# little is kept so that a soft first consonant ("f", "s") keeps its onset.
LEAD_KEEP_MS = 40


def _loud(audio: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.abs(audio.astype(np.int32)) > SILENCE_LEVEL)


def trim_silence(audio: np.ndarray) -> np.ndarray:
    """Return `audio` without its silent tail."""
    loud = _loud(audio)
    return audio[:loud[-1] + 1] if loud.size else audio[:0]


def trim_lead(audio: np.ndarray, keep: int) -> np.ndarray:
    """Return `audio` from `keep` samples before its first sound (all of it if it has none)."""
    loud = _loud(audio)
    return audio[max(int(loud[0]) - keep, 0):] if loud.size else audio


# A slow voice's first clause, when it is long, is cut after at most this many words (`cut_head`),
# so that the first sound waits for a few words' synthesis, not a whole sentence's; 0 never cuts.
# Off: a 4-word head came 2.6 times sooner but cost words, 0.187 to 0.248 (docs/speaking.md, "Sixth pass").
HEAD_WORDS = 0
# The two halves of a cut clause are joined as one phrase: the first keeps this much of its
# closing silence (a comma's pause), the second only LEAD_KEEP_MS of its opening silence. As
# synthesised, each half would end and start with Kokoro's 0.5 s and 0.35 s of silence.
JOIN_PAUSE_MS = 120


def continues(piece: str) -> bool:
    """Whether a piece is the first half of a clause cut short: it ends on a word, not a mark.

    Pieces end on punctuation (sentences, clauses), but those of `cut_head` and a sentence too
    long for one piece (`sentences`), which are cut at a space.
    """
    return piece.rstrip()[-1:].isalnum()


def join_cut(audio: np.ndarray, rate: int, head: bool, tail: bool) -> np.ndarray:
    """Shape a piece of a cut clause: `head`, it goes on into the next; `tail`, it follows one."""
    if tail:
        audio = trim_lead(audio, rate * LEAD_KEEP_MS // 1000)
    if head:  # the voice's own fading silence, not zeros: no step in the signal, no click
        loud = _loud(audio)
        audio = audio[:(int(loud[-1]) + 1 if loud.size else 0) + rate * JOIN_PAUSE_MS // 1000]
    return audio


class PlayerEvents:
    """What the player reports; override the methods that matter (all run in its threads)."""

    def speaking(self, active: bool) -> None:
        """Report that Milo started or stopped producing sound."""

    def block(self, samples: np.ndarray, level: float, started: float) -> None:
        """Report a block of audio (at the sink's rate) that began playing at wall time `started`."""

    def started(self, request_id: str, at: float) -> None:
        """Report that a sentence of a request began playing at wall time `at`."""

    def spoken(self, request_id: str, text: str, interrupted: bool) -> None:
        """Report a request finished or cut short: `text` holds only the words that were heard."""

    def note(self, message: str) -> None:
        """Report something worth a log line (a fallback voice, a failed synthesis)."""


class SpeechPlayer:
    """Queue text, speak it without gaps, stop at once on request."""

    def __init__(self, voices, sink, block_ms: int = 20, events: Optional[PlayerEvents] = None,
                 lead_keep_ms: Optional[int] = LEAD_KEEP_MS, head_words: int = HEAD_WORDS):
        """Start the synthesis and playback threads.

        `lead_keep_ms`: how much of a voice's opening silence to play when a piece starts a
        stretch of sound (None: all of it, as the voice made it; benchmarks compare).
        `head_words`: the most words of a slow voice's first piece (0: its first clause whole).
        """
        self.voices, self.sink = voices, sink
        self.head_words = head_words
        self._lead_keep = None if lead_keep_ms is None else sink.rate * lead_keep_ms // 1000
        self.events = events or PlayerEvents()
        self.block = max(1, sink.rate * block_ms // 1000)
        self._texts = queue.Queue()
        self._audio = queue.Queue(maxsize=2)  # one sentence ahead is enough to never stall
        self._lock = threading.Lock()
        self._epoch = 0  # bumped by stop(): work from an older epoch is dropped
        self._short = {}  # (text, language) → audio of short utterances, synthesised once
        self._leads = OrderedDict()  # (text, language) → audio of first pieces, least recent first
        self._prepared = {}  # (text, language) → audio of the first pieces prepare() was given, kept
        self._ahead = deque()  # (text, language) first pieces to synthesise while the voice is idle
        self._yield = Interruptible()  # the synthesis ahead in progress, which any request ends
        self.ahead_interrupted = 0  # syntheses ahead ended by a request (each is done again later)
        self._pending = defaultdict(int)  # request -> sentences not fully played yet
        self._heard = defaultdict(list)  # request -> words heard so far
        self._closing = False
        self._now = ('', [], 0.0)  # request, words and fraction played of the current sentence
        self.gap_blocks = 0  # blocks of silence played because synthesis was late
        self._threads = [threading.Thread(target=self._synthesize_loop, daemon=True, name='synth'),
                         threading.Thread(target=self._play_loop, daemon=True, name='play')]
        for t in self._threads:
            t.start()

    def say(self, text: str, language: str = '', request_id: str = '') -> int:
        """Queue text; return how many pieces it makes. ValueError if nothing is speakable.

        The pieces are sentences, or clauses for a language that a slower voice may speak (Kokoro);
        the first sentence's first clause is a piece of its own in any case (`lead_clause`).
        """
        language = language or self.voices.default.language
        parts = self.pieces(text, language)
        if not parts:
            raise ValueError('nothing to say: the text is empty once markup and symbols are removed')
        with self._lock:
            self._pending[request_id] += len(parts)
            for index, part in enumerate(parts):
                head = index + 1 < len(parts) and continues(part)  # goes on into the next piece
                tail = index > 0 and continues(parts[index - 1])
                self._texts.put((self._epoch, request_id, part, language, index == 0, (head, tail)))
        if self._yield.interrupt():  # a request never waits for a synthesis ahead
            self.ahead_interrupted += 1
        return len(parts)

    def pieces(self, text: str, language: str) -> list:
        """Return the pieces `say` synthesises one by one (the first is what the listener waits for)."""
        parts = sentences(normalize(text, language))
        if not self.voices.by_clause(language):
            return lead_clause(parts)
        parts = clauses(parts)
        return cut_head(parts[0], self.head_words) + parts[1:] if parts and self.head_words else parts

    def prepare(self, text: str, language: str, upto: Optional[int] = 1) -> None:
        """Synthesise pieces of `text` ahead, while nothing is said, and keep them.

        `upto`: which pieces, as the end of a slice: 1 the first (what the listener waits for),
        -1 all but the last (an introduction, before its quote), None all. A request that has
        them plays them without synthesis (an answer's introduction starts at once).
        The synthesis waits until the voice has been idle IDLE_S, one piece at a time, and a
        request that arrives meanwhile ends it (`say`): the piece is synthesised again once idle.
        Prepare a language once its voice is loaded: until then the synthesis would wait for it.
        """
        pieces = self.pieces(text, language)
        # Kept as `say` will look them up: the first half of a cut clause is said with a comma.
        kept = [f'{part},' if index + 1 < len(pieces) and continues(part) else part
                for index, part in enumerate(pieces)][:upto]
        if kept:
            self._ahead.extend((said, language) for said in kept)
            self._texts.put(_WAKE)  # the synthesis thread may be waiting with nothing to do

    @property
    def prepared(self) -> int:
        """How many pieces given to prepare() are synthesised and kept."""
        return len(self._prepared)

    @property
    def preparing(self) -> bool:
        """Whether a synthesis ahead is running its voice's model now (what a request interrupts)."""
        return self._yield.in_run

    @property
    def busy(self) -> bool:
        """Whether anything is queued or playing."""
        with self._lock:
            return any(self._pending.values())

    def stop(self) -> None:
        """Silence Milo within one block and drop everything queued."""
        with self._lock:
            self._epoch += 1
            for q in (self._texts, self._audio):
                while not q.empty():
                    q.get_nowait()
            cut = [r for r, n in self._pending.items() if n]
            playing, words, fraction = self._now
            if playing in cut:  # the words of the sentence cut short that were already heard
                self._heard[playing] += words[:int(round(fraction * len(words)))]
            heard = {r: ' '.join(self._heard.pop(r, [])) for r in cut}
            self._pending.clear()
        for request_id in cut:
            self.events.spoken(request_id, heard[request_id], True)

    def close(self) -> None:
        """Stop, end the threads and close the sink."""
        self.stop()
        self._closing = True
        self._texts.put(None)
        for t in self._threads:
            t.join(timeout=5.0)
        self.sink.close()

    def _synthesize_loop(self) -> None:
        while True:
            try:  # polls only while there is something to synthesise ahead
                job = self._texts.get(timeout=IDLE_S if self._ahead else None)
            except queue.Empty:
                if not self.busy:  # while Milo speaks, the model is writing what follows
                    self._synthesize_ahead()
                continue
            if job is None:
                return
            if job is _WAKE:
                continue
            epoch, request_id, text, language, first, (head, tail) = job
            if epoch != self._epoch:
                continue
            # The first half of a cut clause is said with a comma: Kokoro then phrases it as a
            # clause that goes on, not as a sentence that ends.
            said = f'{text},' if head else text
            audio = self._cached(said, language)
            if audio is None:
                audio = self._synthesize(said, language)
                if first:
                    self._keep_lead((said, language), audio)
            if head or tail:
                audio = join_cut(audio, self.sink.rate, head, tail)
            if not (head or tail) and len(text.split()) <= SHORT_WORDS:
                # "Hmm.", "Yes.": said again and again, and the acknowledgement must cost nothing
                # while the model thinks; without the voice's trailing silence, the answer follows.
                audio = self._short.setdefault((text, language), trim_silence(audio))
            while epoch == self._epoch and not self._closing:
                try:
                    self._audio.put((epoch, request_id, text, audio), timeout=0.05)
                    break
                except queue.Full:
                    continue

    def _cached(self, text: str, language: str) -> Optional[np.ndarray]:
        key = (text, language)
        if key in self._prepared:
            return self._prepared[key]
        if key in self._leads:
            self._leads.move_to_end(key)
            return self._leads[key]
        return self._short.get(key)

    def _keep_lead(self, key: tuple, audio: np.ndarray) -> None:
        self._leads[key] = audio
        while len(self._leads) > LEAD_CACHE:
            self._leads.popitem(last=False)

    def _synthesize_ahead(self) -> None:
        key = self._ahead[0]  # only this thread takes from the left
        audio = self._cached(*key)
        if audio is None:
            try:
                with self._yield.running():
                    if not self._texts.empty():  # a request came before it could interrupt this
                        return
                    audio = self._synthesize(*key)
            except Interrupted:
                return  # a request came: it goes first, and this piece waits for the next idle time
        self._prepared[key] = audio
        self._ahead.popleft()

    def _synthesize(self, text: str, language: str) -> np.ndarray:
        engine, note = self.voices.for_language(language)
        if note:
            self.events.note(note)
        try:
            audio = engine.synthesize(text)
        except Interrupted:
            raise
        except Exception as exc:  # a voice failing on one sentence must not silence Milo
            self.events.note(f'could not synthesise {text[:40]!r}: {exc}')
            audio = np.zeros(0, dtype=np.int16)
        return resample(audio, engine.rate, self.sink.rate)

    def _play_loop(self) -> None:
        speaking = False
        while not self._closing:
            try:
                epoch, request_id, text, audio = self._audio.get(timeout=0.005)
            except queue.Empty:
                if speaking and self.busy and self.sink.realtime:
                    # Synthesis is late: the listener hears silence; keep the device fed, count it.
                    silence = np.zeros(self.block, dtype=np.int16)
                    started = time.time()
                    if self._feed(silence):
                        self.gap_blocks += 1
                        self.events.block(silence, 0.0, started)
                elif speaking and not self.busy:
                    self.sink.drain()
                    speaking = False
                    self.events.speaking(False)
                continue
            if epoch != self._epoch:
                continue
            if not speaking:
                speaking = True
                self.events.speaking(True)
                if self._lead_keep is not None:  # Milo was silent: the opening silence is only delay
                    audio = trim_lead(audio, self._lead_keep)
            played = self._play(epoch, request_id, text.split(), audio)
            self._account(epoch, request_id, text, played / max(len(audio), 1))
            if epoch != self._epoch:  # stopped: silence now, not after the queue drains
                self.sink.drain()
                speaking = False
                self.events.speaking(False)

    def _play(self, epoch: int, request_id: str, words: list, audio: np.ndarray) -> int:
        """Play blocks until the end or a stop; return how many samples were played."""
        for start in range(0, len(audio), self.block):
            if epoch != self._epoch:
                return start
            block = audio[start:start + self.block]
            started = time.time()
            if not self._feed(block):
                return start
            self._now = (request_id, words, (start + len(block)) / len(audio))
            if start == 0:
                self.events.started(request_id, started)
            self.events.block(block, mouth_level(block), started)
        self._now = ('', [], 0.0)
        return len(audio)

    def _feed(self, block: np.ndarray) -> bool:
        """Play a block; on a device failure, report it and stop what is queued (False)."""
        try:
            self.sink.play(block)
            return True
        except (OSError, RuntimeError) as exc:  # a device gone or a full disk: stay alive
            self.events.note(f'playback failed: {exc}')
            self.stop()
            return False

    def _account(self, epoch: int, request_id: str, text: str, fraction: float) -> None:
        words = text.split()
        with self._lock:
            if epoch != self._epoch:
                return  # stop() already reported this request
            self._heard[request_id] += words[:int(round(fraction * len(words)))]
            self._pending[request_id] -= 1
            done = self._pending[request_id] == 0
            heard = ' '.join(self._heard.pop(request_id)) if done else ''
        if done:
            self.events.spoken(request_id, heard, False)
