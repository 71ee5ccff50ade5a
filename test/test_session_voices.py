# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""scripts/make_demo_audio.py's voices: who speaks a session's French turns."""

import importlib.util
import os

import pytest

from milo_robot.speaking.kokoro import KokoroEngine
from milo_robot.speaking.voices import EspeakEngine

SCRIPT = os.path.join(os.path.dirname(__file__), '..', 'scripts', 'make_demo_audio.py')


@pytest.fixture(scope='module')
def make_demo_audio():
    spec = importlib.util.spec_from_file_location('make_demo_audio', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def french_engine(voices, speaker):
    return voices._book('fr', speaker).for_language('fr')[0]


def test_one_french_voice_per_speaker(make_demo_audio):
    voices = make_demo_audio.Voices({'teacher': 'espeak-ng', 'student': 'kokoro'})
    assert isinstance(french_engine(voices, 'teacher'), EspeakEngine)
    assert isinstance(french_engine(voices, 'student'), KokoroEngine)
    audio = voices.speak('Milo, que dit le théorème de Bernoulli ?', 'fr', 'student')
    assert len(audio) > voices.rate  # over a second of speech, at the session's rate


def test_one_voice_for_every_french_turn_and_a_clear_error(make_demo_audio):
    voices = make_demo_audio.Voices('espeak-ng')
    assert isinstance(french_engine(voices, 'student'), EspeakEngine)
    with pytest.raises(ValueError, match="french_voice 'piper'"):
        make_demo_audio.Voices({'student': 'piper'})
