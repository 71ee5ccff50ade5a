# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The round trip of a spoken answer: Milo's own ears write down what its voice said.

An answer whose text is right can still be lost on the class: a voice that mangles French
(espeak-ng's, heard by Whisper as nonsense: docs/speaking.md) says the right words to nobody.
So the demo transcribes the answer Milo played, with the project's own hearing pipeline (VAD,
then Whisper in the answer's language), and counts the word error against the text Milo meant
to say. Both sides are normalised by the language's rules first (milo_robot.speaking.normalize),
so that "10 V" meant and "dix volts" heard are the same words.
"""

from dataclasses import dataclass

import numpy as np

from milo_robot.bench.wer import word_error_rate
from milo_robot.hearing.pipeline import SegmentTranscriber, SpeechDetector, transcribe_frames
from milo_robot.hearing.segmenter import SegmenterSettings
from milo_robot.hearing.vad import FRAME_SAMPLES
from milo_robot.speaking.normalize import normalize

# Measured on the demo's French answer ("Le professeur a dit, il y a un instant : Un condensateur est
# formé de deux plaques séparées par un isolant."), heard back by Whisper base: Kokoro 0.05; espeak-ng
# (Milo's French on a board too slow for Kokoro) 0.21 to 0.25; the English Piper voice reading it 0.35
# to 0.55 (its random variation); the answer's audio reversed, or another text, about 1. The check is
# of intelligibility: both of Milo's French voices pass on these plain words; audio that says nothing
# understandable, an answer cut short, or words Milo did not mean, fail. (Kokoro: 0.32 and espeak-ng
# 0.82 on sentences dense with units and acronyms, docs/speaking.md.)
MAX_WORD_ERROR = 0.4
# On a board too slow for Kokoro, Milo speaks French with espeak-ng by design (docs/speaking.md), and
# its round trip is judged against that voice's own measured level: 0.62 over the French lecture
# sentences of `milo bench --only french_voices`. Above it, the answer was cut short or is not the
# text meant; under it but over MAX_WORD_ERROR, the demo says a class would struggle to follow.
# (A demo answer that quotes a fragment, "Un condensateur.", came back at 0.47 with espeak-ng.)
MAX_WORD_ERROR_ESPEAK = 0.65


@dataclass
class RoundTrip:
    """What was meant, what came back, and whether they are close enough."""

    meant: str
    heard: str
    word_error: float
    ok: bool


class Ears:
    """The hearing pipeline of `milo transcribe`, in one language, loaded once for many answers."""

    def __init__(self, language: str):
        """Load the VAD and Whisper (a ModelError says what is missing)."""
        from milo_robot.hearing.engines import make_recognizer, make_vad

        self.language = language
        self._recognizer = make_recognizer('whisper', '', language)
        self._vad = make_vad('silero')

    def hear(self, samples: np.ndarray) -> str:
        """Return the words heard in int16 16 kHz audio, its segments joined."""
        frames = (samples[i:i + FRAME_SAMPLES] for i in range(0, len(samples), FRAME_SAMPLES))
        self._recognizer.forget_lecture()  # each answer heard on its own, not after the last one
        detector = SpeechDetector(self._vad, SegmenterSettings())
        found = transcribe_frames(frames, detector, SegmentTranscriber(self._recognizer))
        return ' '.join(t.text.strip() for t in found if t.final and t.text.strip())


def compare(meant: str, heard: str, language: str, max_word_error: float = MAX_WORD_ERROR) -> RoundTrip:
    """Return the round trip of `meant` heard as `heard`, both normalised for `language`."""
    error = word_error_rate(normalize(meant, language), normalize(heard, language)) if meant.strip() else 1.0
    return RoundTrip(meant, heard, error, error <= max_word_error)
