# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The turn-end model (Smart Turn v3) in the hearing pipeline: real model, real speech, no ROS.

A student who hesitates mid-question keeps the turn; a finished question ends it at once, before
the hangover. English with the packaged Piper voice, French with espeak-ng. The verdict is taken
as ready as soon as it is computed (latency 0), so the tests do not depend on the machine's speed.
"""

import functools

import numpy as np
import pytest
from speech import say, silence

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.resample import resample
from milo_robot.hearing.engines import make_vad
from milo_robot.hearing.log_mel import log_mel
from milo_robot.hearing.pipeline import SpeechDetector
from milo_robot.hearing.segmenter import SegmenterSettings
from milo_robot.hearing.turn_end import Judge, TurnEnd, load_smart_turn
from milo_robot.speaking.voices import EspeakEngine


@functools.lru_cache(maxsize=1)
def model():
    return load_smart_turn()


@functools.lru_cache(maxsize=16)
def say_fr(text: str) -> np.ndarray:
    voice = EspeakEngine('fr')
    return resample(voice.synthesize(text), voice.rate, SAMPLE_RATE)


def trimmed(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 0.02 * 32768)
    return audio[loud[0]:loud[-1] + 1]


def hear(audio: np.ndarray) -> tuple:
    """Return the segment ends (end time, time decided) the hearing gives, and its TurnEnd."""
    turn_end = TurnEnd(Judge(model(), latency_s=0.0))
    detector = SpeechDetector(make_vad('silero'), SegmenterSettings(hangover_s=0.3), turn_end=turn_end)
    ends = []
    for i in range(0, len(audio), 512):
        ends += [(e.end, (i + 512) / SAMPLE_RATE) for e, _ in detector.push(audio[i:i + 512], i)
                 if e.kind == 'end']
    return ends, turn_end


def test_log_mel_is_whisper_front_end():
    # faster-whisper's own feature extractor (numpy) is the reference: same frames, same values.
    from faster_whisper.feature_extractor import FeatureExtractor

    t = np.arange(8 * SAMPLE_RATE) / SAMPLE_RATE
    audio = (0.3 * np.sin(2 * np.pi * (200 + 300 * t) * t) +
             0.05 * np.random.default_rng(1).standard_normal(len(t))).astype(np.float32)
    ours = log_mel(audio)
    reference = FeatureExtractor(chunk_length=8)(audio, padding=0)[:, :ours.shape[1]]
    assert ours.shape == (80, 800)
    np.testing.assert_allclose(ours, reference, atol=1e-4)


@pytest.mark.parametrize('language, finished', [
    ('en', 'What is the time constant of an RC circuit?'),
    ('fr', 'Pourquoi le courant double quand la tension double ?'),
])
def test_a_finished_question_ends_the_turn_before_the_hangover(language, finished):
    spoken = trimmed(say(finished) if language == 'en' else say_fr(finished))
    ends, turn_end = hear(np.concatenate([silence(1.0), spoken, silence(1.5)]))
    speech_end = 1.0 + len(spoken) / SAMPLE_RATE
    assert len(ends) == 1, ends
    end, decided = ends[0]
    assert abs(end - speech_end) < 0.3  # the segment ends where the voice stopped
    assert turn_end.ended_early == 1 and turn_end.last.probability >= 0.5
    assert decided - end < 0.3  # the model, not the 300 ms hangover, ended it


@pytest.mark.parametrize('language, before, after', [
    ('en', 'What is the,', 'time constant of an RC circuit?'),
    ('fr', 'Quelle est la constante de temps, euh,', "d'un circuit RC ?"),
])
def test_a_pause_mid_question_keeps_the_turn(language, before, after):
    speak = say if language == 'en' else say_fr
    first, second = trimmed(speak(before)), trimmed(speak(after))
    audio = np.concatenate([silence(1.0), first, silence(0.6), second, silence(1.5)])
    ends, turn_end = hear(audio)
    pause_start = 1.0 + len(first) / SAMPLE_RATE
    assert len(ends) == 1, ends  # one segment: the question, whole
    assert ends[0][0] > pause_start + 0.6  # it ends after the second part, not in the pause
    assert turn_end.judge.calls >= 2  # judged in the pause (and at the end)

