# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Synthesise the demo lecture WAV with the packaged Piper voice: one sentence a line, with pauses.

Usage: python scripts/make_demo_audio.py TEXT_FILE OUT.wav
"""

import sys

import numpy as np

from milo_robot.audio.piper_voice import load_voice, synthesize
from milo_robot.audio.wav_speaker import WavSpeaker

PAUSE_S = 1.0  # between sentences, as a teacher pauses; it also ends each speech segment


def main(text_path: str, out_path: str) -> None:
    """Write the lecture: a pause, then each line followed by a pause."""
    voice = load_voice()
    rate = voice.config.sample_rate
    speaker = WavSpeaker(out_path, rate)
    pause = np.zeros(int(PAUSE_S * rate), dtype=np.int16)
    speaker.play(pause)
    with open(text_path, encoding='utf-8') as f:
        for line in filter(None, (raw.strip() for raw in f)):
            speaker.play(synthesize(line, voice))
            speaker.play(pause)
    speaker.close()
    print(f'{out_path}: {speaker.seconds:.1f} s at {rate} Hz')


if __name__ == '__main__':
    main(*sys.argv[1:3])
