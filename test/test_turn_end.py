# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The turn-end model (Smart Turn v3) in the hearing pipeline: real model, real speech, no ROS.

A student who hesitates mid-question keeps the turn; a finished question ends it as soon as the
model's verdict is in. English with the packaged Piper voice, French with espeak-ng. The verdict is
ready a fixed time after it is asked for, on the stream's clock, so the tests do not depend on the
machine's speed: at once (a fast machine: the model ends the turn before the hangover would), or
0.35 s later (a call that costs more than the 300 ms hangover, as Smart Turn's 0.27-0.34 s of CPU
do here: the segment waits for the verdict instead of letting the hangover end it).
"""

import functools
import threading

import numpy as np
import pytest
from speech import say, silence
from turn_hearing import HANGOVER_S, model, segment_ends

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.resample import resample
from milo_robot.hearing.log_mel import log_mel
from milo_robot.hearing.pipeline import FRAME_S
from milo_robot.hearing.turn_end import Judge, TurnEnd
from milo_robot.speaking.voices import EspeakEngine


@functools.lru_cache(maxsize=16)
def say_fr(text: str) -> np.ndarray:
    voice = EspeakEngine('fr')
    return resample(voice.synthesize(text), voice.rate, SAMPLE_RATE)


def trimmed(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 0.02 * 32768)
    return audio[loud[0]:loud[-1] + 1]


SLOW_S = 0.35  # a verdict that comes after the hangover would have ended the segment


def hear(audio: np.ndarray, latency_s: float = 0.0, wait_s: float = 0.5, judge=None,
         after_frame=lambda: None) -> tuple:
    """Return the segment ends (end time, time decided) the hearing gives, and its TurnEnd.

    `judge` defaults to an inline one whose verdicts are ready `latency_s` later on the stream.
    """
    turn_end = TurnEnd(judge or Judge(model(), latency_s=latency_s), wait_s=wait_s)
    return segment_ends(audio, turn_end, after_frame), turn_end


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


FINISHED = {'en': 'What is the time constant of an RC circuit?',
            'fr': 'Pourquoi le courant double quand la tension double ?'}


def finished_question(language: str) -> tuple:
    """Return (audio, end of speech) of a finished question with silence around it."""
    text = FINISHED[language]
    spoken = trimmed(say(text) if language == 'en' else say_fr(text))
    return np.concatenate([silence(1.0), spoken, silence(1.5)]), 1.0 + len(spoken) / SAMPLE_RATE


@pytest.mark.parametrize('language', ['en', 'fr'])
def test_a_finished_question_ends_the_turn_before_the_hangover(language):
    audio, speech_end = finished_question(language)
    ends, turn_end = hear(audio)
    assert len(ends) == 1, ends
    end, decided = ends[0]
    assert abs(end - speech_end) < 0.3  # the segment ends where the voice stopped
    assert turn_end.ended_early == 1 and turn_end.last.probability >= 0.5
    assert decided - end < HANGOVER_S  # the model, not the 300 ms hangover, ended it


@pytest.mark.parametrize('language', ['en', 'fr'])
def test_a_verdict_slower_than_the_hangover_still_ends_the_turn(language):
    audio, speech_end = finished_question(language)
    ends, turn_end = hear(audio, latency_s=SLOW_S)
    assert len(ends) == 1, ends
    end, decided = ends[0]
    assert abs(end - speech_end) < 0.3  # dated where the voice stopped, not when decided
    assert turn_end.last.probability >= 0.5
    # The segment waited for the verdict past the hangover, and ended on the verdict's frame.
    assert decided - end > HANGOVER_S
    assert abs(decided - turn_end.last.ready_at) <= FRAME_S + 1e-6


@pytest.mark.parametrize('wait_s', [0.0, 0.32])
def test_a_verdict_later_than_the_wait_is_never_used(wait_s):
    # No wait (the behaviour before it), or a wait shorter than the call: the hangover, or the
    # wait, ends the segment first, and the model changes nothing.
    audio, speech_end = finished_question('en')
    ends, turn_end = hear(audio, latency_s=SLOW_S, wait_s=wait_s)
    assert len(ends) == 1, ends
    end, decided = ends[0]
    assert turn_end.last is None and turn_end.ended_early == 0
    assert abs(decided - end - max(wait_s, HANGOVER_S)) <= FRAME_S + 1e-6


@pytest.mark.parametrize('latency_s', [0.0, SLOW_S])
@pytest.mark.parametrize('language, before, after', [
    ('en', 'What is the,', 'time constant of an RC circuit?'),
    ('fr', 'Quelle est la constante de temps, euh,', "d'un circuit RC ?"),
])
def test_a_pause_mid_question_keeps_the_turn(language, before, after, latency_s):
    speak = say if language == 'en' else say_fr
    first, second = trimmed(speak(before)), trimmed(speak(after))
    audio = np.concatenate([silence(1.0), first, silence(0.6), second, silence(1.5)])
    ends, turn_end = hear(audio, latency_s)
    pause_start = 1.0 + len(first) / SAMPLE_RATE
    assert len(ends) == 1, ends  # one segment: the question, whole
    assert ends[0][0] > pause_start + 0.6  # it ends after the second part, not in the pause
    assert turn_end.judge.calls >= 2  # judged in the pause (and at the end)



def test_in_a_worker_thread_the_verdict_ends_the_turn_on_the_next_frame():
    # The vad node's way: the model runs in a worker thread while frames keep coming. Here each
    # call is let finish before the next frame (a machine where a call takes one frame), by
    # joining the worker, so the result does not depend on the machine's speed.
    audio, speech_end = finished_question('en')

    def let_the_call_finish():
        for worker in [t for t in threading.enumerate() if t.name == 'turn-end']:
            worker.join(timeout=60)
    ends, turn_end = hear(audio, judge=Judge(model(), background=True), after_frame=let_the_call_finish)
    assert len(ends) == 1, ends
    end, decided = ends[0]
    assert abs(end - speech_end) < 0.3
    assert turn_end.ended_early == 1 and turn_end.last.probability >= 0.5
    assert decided - end < HANGOVER_S
