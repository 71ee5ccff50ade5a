# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Build the VAD and recognition engines from settings (nodes and `milo transcribe` share this)."""

import os

from milo_robot.hearing.asr import VoskEngine, WhisperEngine
from milo_robot.hearing.vad import SileroVad, WebRtcVad
from milo_robot.models import get_model, models_dir

DEFAULT_MODELS = {'whisper': 'whisper-base', 'vosk': 'vosk-ko', 'silero': 'silero-vad'}


def model_path(engine: str, model: str) -> str:
    """Resolve '' (the engine's default), a catalogue name, or a path under models/."""
    name = model or DEFAULT_MODELS[engine]
    if os.path.sep in name or os.path.exists(os.path.join(models_dir(), name)):
        return name if os.path.isabs(name) else os.path.join(models_dir(), name)
    return get_model(name).check()


def make_vad(kind: str, model: str = '', aggressiveness: int = 2):
    """Return a Silero or WebRTC voice activity detector."""
    if kind == 'webrtc':
        return WebRtcVad(aggressiveness)
    return SileroVad(model_path('silero', model))


def decode_threads(requested: int = 0, cores: int = 0) -> int:
    """Return the threads Whisper decodes with: `requested`, or for 0 what suits the board.

    On a 2-core board one thread decodes a question faster than two, with less CPU, quiet or not
    (docs/hearing.md: 0.94 s against 1.20 s; 0.95-1.44 s against 1.39-1.82 s with two busy
    loops beside it): two threads wait on each other for a core that the rest of the robot needs
    too. With more cores, two.
    """
    return requested or (1 if (cores or os.cpu_count() or 1) <= 2 else 2)


def make_recognizer(engine: str, model: str = '', language: str = '',
                    languages: tuple = ('fr', 'en'), threads: int = 0, beam_size: int = 5):
    """Return a Vosk or Whisper engine; ModelError (with the fix) when its model is unusable.

    `threads` 0: decode_threads() chooses for the board.
    """
    path = model_path(engine, model)
    if engine == 'vosk':
        # A Vosk model knows one language; the catalogue's default is the packaged Korean one.
        return VoskEngine(path, language or ('ko' if not model else languages[0]))
    return WhisperEngine(path, language, languages, decode_threads(threads), beam_size)
