# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Benchmarks of speaking: time to first audio, real-time factor, gaps between sentences, stop."""

import os
import tempfile
import time
import wave

import numpy as np

from milo_robot.bench.results import result
from milo_robot.speaking.player import LEAD_KEEP_MS, PacedWavSink, PlayerEvents, SpeechPlayer
from milo_robot.speaking.voices import VoiceBook

COMMAND = 'make bench'
TEN_WORDS = 'The voltage across the resistor equals current times its resistance.'
ANSWER = ('Ohm law links voltage, current and resistance.',
          'The teacher said it at the start of the lecture.',
          'The voltage equals the current times the resistance.',
          'With three amperes through four ohms, you get twelve volts.',
          'The power is then thirty six watts.')
SILENT = 64  # |sample| below this is silence


class _Timeline(PlayerEvents):
    """When blocks start playing, and which of them hold sound."""

    def __init__(self):
        self.blocks = []
        self.loud = []

    def block(self, samples, level, started):
        self.blocks.append(time.perf_counter())
        self.loud.append(bool(samples.size) and int(np.abs(samples.astype(np.int32)).max()) >= SILENT)


class _TimedSink(PacedWavSink):
    """A paced WAV sink that also notes when each block went out."""

    def __init__(self, path, rate):
        super().__init__(path, rate)
        self.writes = []

    def play(self, block):
        super().play(block)
        self.writes.append((time.perf_counter(), len(block)))


def _player(tmp: str, voices=None, lead_keep_ms=LEAD_KEEP_MS):
    voices = voices or VoiceBook()
    voices.default.steady = True  # the same audio for the same text: gaps can be measured exactly
    events = _Timeline()
    sink = _TimedSink(os.path.join(tmp, 'speech.wav'), voices.default.rate)
    return SpeechPlayer(voices, sink, events=events, lead_keep_ms=lead_keep_ms), events, sink, voices


def _wait_idle(player, timeout=60.0):
    deadline = time.perf_counter() + timeout
    while player.busy and time.perf_counter() < deadline:
        time.sleep(0.005)
    time.sleep(0.1)


def first_audio(voices, text: str, language: str, runs: int = 10, lead_keep_ms=LEAD_KEEP_MS) -> tuple:
    """Return the seconds from `text` in to its first sample out, and to its first sound, `runs` times.

    The first sample out may be the voice's opening silence (all of it with `lead_keep_ms` None).
    """
    with tempfile.TemporaryDirectory() as tmp:
        player, events, _, _ = _player(tmp, voices, lead_keep_ms)
        firsts, sounds = [], []
        for _ in range(runs):
            before = len(events.blocks)
            started = time.perf_counter()
            player.say(text, language)
            while len(events.blocks) == before:
                time.sleep(0.001)
            firsts.append(events.blocks[before] - started)
            _wait_idle(player)
            sounds.append(events.blocks[events.loud.index(True, before)] - started)
        player.close()
    return firsts, sounds


def first_audio_and_rtf() -> dict:
    """Seconds from text in to the first sample out (10 words), and synthesis real-time factor."""
    voices = VoiceBook()
    firsts, _ = first_audio(voices, TEN_WORDS, 'en')
    rtfs = []
    for sentence in ANSWER * 2:
        started = time.perf_counter()
        audio = voices.default.synthesize(sentence)
        rtfs.append((time.perf_counter() - started) / (len(audio) / voices.default.rate))
    return {'tts_first_audio_p50_s': result(firsts, 's', COMMAND, '10-word sentence, Piper '
                                            'en_US-joe-medium, paced WAV sink'),
            'tts_rtf': result(rtfs, '', COMMAND, 'Piper en_US-joe-medium, 22.05 kHz')}


def _silent_runs(audio: np.ndarray) -> list:
    """Return the lengths (samples) of silent stretches between stretches of sound."""
    loud = np.flatnonzero(np.abs(audio) >= SILENT)
    if len(loud) < 2:
        return []
    steps = np.diff(loud)
    return [int(s - 1) for s in steps if s > 1]


def gaps() -> dict:
    """Longest silence added between sentences of a 5-sentence answer streamed one by one."""
    with tempfile.TemporaryDirectory() as tmp:
        player, _, _, voices = _player(tmp)
        for sentence in ANSWER:  # each sentence arrives as the language model finishes it
            player.say(sentence, 'en')
            time.sleep(0.3)
        _wait_idle(player)
        player.close()
        with wave.open(os.path.join(tmp, 'speech.wav')) as w:
            played = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        natural = np.concatenate([voices.default.synthesize(s) for s in ANSWER])
    # Steady synthesis makes the output the natural speech plus any silence inserted between
    # sentences when synthesis was late; those lengthen the natural silent stretches one by one.
    runs, expected = _silent_runs(played), _silent_runs(natural)
    if len(runs) != len(expected):
        raise RuntimeError(f'the output has {len(runs)} pauses, the speech {len(expected)}')
    added = [(a - b) / voices.default.rate * 1000 for a, b in zip(runs, expected)]
    note = (f'5 sentences said 0.3 s apart, measured on the output WAV against the same speech '
            f'without gaps; {player.gap_blocks} gap blocks')
    return {'tts_gap_max_ms': result([max(0.0, max(added))], 'ms', COMMAND, note)}


def stop_latency() -> dict:
    """Milliseconds from a stop to the end of the last sound played."""
    with tempfile.TemporaryDirectory() as tmp:
        player, events, sink, _ = _player(tmp)
        latencies = []
        for _ in range(10):
            before = len(events.blocks)
            player.say(' '.join(ANSWER), 'en')
            while len(events.blocks) < before + 30:  # 0.6 s into the answer
                time.sleep(0.002)
            stopped = time.perf_counter()
            player.stop()
            _wait_idle(player)
            last, samples = sink.writes[-1]
            latencies.append(max(0.0, last + samples / sink.rate - stopped) * 1000)
        player.close()
    return {'tts_stop_latency_p50_ms': result(latencies, 'ms', COMMAND,
                                              'stop 0.6 s into an answer; 20 ms blocks, paced WAV sink')}


BENCHMARKS = (first_audio_and_rtf, gaps, stop_latency)
