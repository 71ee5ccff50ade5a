# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Synthesise a spoken session (data/demo/session.yaml, data/bench/conversation.yaml): a WAV and a timeline.

Each turn is spoken by the packaged Piper voice, students faster than the teacher so that they sound like
someone else, and followed by its `wait_s` (or the session's `pause_s`) of silence. A turn in another
language (`language: fr`; the session's `language` by default, else English) is spoken by the voice Milo
itself would use for it (milo_robot.speaking.voices: a Piper voice of that language under models/, else
espeak-ng, or Kokoro for French when the session says `french_voice: kokoro`: it sounds like a person
but synthesises slowly, so a long session may keep espeak-ng for the teacher and give Kokoro to the
students alone, `french_voice: {teacher: espeak-ng, student: kokoro}`); such a turn is spoken at that
voice's own pace, whoever speaks it. The timeline JSON written next to the WAV says when each turn's
speech starts and ends, and in which language, for the demo and benchmark checks.
"""

import argparse
import json
import os

import numpy as np
import yaml

from milo_robot.audio.piper_voice import load_voice, synthesize
from milo_robot.audio.resample import StreamingResampler
from milo_robot.audio.wav_speaker import WavSpeaker
from milo_robot.speaking.voices import KokoroChoice, VoiceBook

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LENGTH_SCALE = {'teacher': None, 'student': 0.9}  # None: the voice's own pace; students speak faster
FRENCH_VOICES = ('espeak-ng', 'kokoro')  # the session's `french_voice`, espeak-ng by default
SPEECH_LEVEL = int(0.02 * 32768)  # 2 % of full scale: above the voice's trailing noise


def speech_bounds(samples: np.ndarray, rate: int) -> tuple[float, float]:
    """Return the times (s) of the first and last samples louder than SPEECH_LEVEL, (0, 0) if none."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SPEECH_LEVEL)
    if loud.size == 0:
        return 0.0, 0.0
    return loud[0] / rate, loud[-1] / rate


def read_turns(session: dict) -> list[dict]:
    """Return the session's turns as dicts with speaker, text, case, expect and the silence after it."""
    turns = []
    for i, turn in enumerate(session['turns']):
        speakers = [s for s in LENGTH_SCALE if s in turn]
        if len(speakers) != 1:
            raise ValueError(f'turn {i}: needs exactly one of {list(LENGTH_SCALE)}: {turn}')
        turns.append({'speaker': speakers[0], 'text': turn[speakers[0]], 'case': turn.get('case'),
                      'expect': turn.get('expect'), 'facts': turn.get('facts', []),
                      'language': turn.get('language', session.get('language', 'en')),
                      'round_trip': bool(turn.get('round_trip')),
                      'wait_s': turn.get('wait_s', session['pause_s'])})
    return turns


class Voices:
    """The packaged Piper voice for its language, and Milo's own choice of voice for the others."""

    def __init__(self, french_voice='espeak-ng'):
        """Load the packaged voice; the others are found on first use.

        `french_voice`: one voice for every French turn, or one per speaker ({'teacher': ...,
        'student': ...}; a speaker left out gets espeak-ng).
        """
        by_speaker = (french_voice if isinstance(french_voice, dict)
                      else dict.fromkeys(LENGTH_SCALE, french_voice))
        for voice in by_speaker.values():
            if voice not in FRENCH_VOICES:
                raise ValueError(f"french_voice '{voice}': choose one of {', '.join(FRENCH_VOICES)}")
        self._french = by_speaker
        self.piper = load_voice()
        self.rate = self.piper.config.sample_rate
        self.language = self.piper.config.espeak_voice.split('-')[0]
        self._books = {}  # French voice name -> its VoiceBook, made on first use

    def _book(self, language: str, speaker: str) -> VoiceBook:
        voice = self._french.get(speaker, 'espeak-ng') if language == 'fr' else 'espeak-ng'
        if voice not in self._books:
            # Not timed (max_rtf 0): the session is written ahead, not spoken live, so Kokoro is never
            # too slow here, whatever the board Milo will later run on.
            self._books[voice] = VoiceBook(kokoro=KokoroChoice(max_rtf=0.0) if voice == 'kokoro' else None)
        return self._books[voice]

    def speak(self, text: str, language: str, speaker: str) -> np.ndarray:
        """Return `text` spoken in `language` at `rate`; students speak faster with the Piper voice."""
        if language == self.language:
            return synthesize(text, self.piper, length_scale=LENGTH_SCALE[speaker])
        engine, _ = self._book(language, speaker).for_language(language)
        audio = engine.synthesize(text)
        if engine.rate == self.rate:
            return audio
        resampler = StreamingResampler(engine.rate, self.rate)
        return np.concatenate([resampler.process(audio), resampler.flush()])


def make_session(session_path: str, out_path: str) -> dict:
    """Write the session's WAV to `out_path` and its timeline next to it; return the timeline."""
    with open(session_path, encoding='utf-8') as f:
        session = yaml.safe_load(f)
    turns = read_turns(session)
    voices = Voices(session.get('french_voice', 'espeak-ng'))
    rate = voices.rate  # kept on purpose: the microphone node must resample to 16 kHz
    speaker = WavSpeaker(out_path, rate)
    speaker.play(np.zeros(int(session['pause_s'] * rate), dtype=np.int16))
    timeline = []
    for i, turn in enumerate(turns):
        audio = voices.speak(turn['text'], turn['language'], turn['speaker'])
        start, end = speech_bounds(audio, rate)
        offset = speaker.seconds
        speaker.play(audio)
        speaker.play(np.zeros(int(turn['wait_s'] * rate), dtype=np.int16))
        timeline.append({'index': i, 'speaker': turn['speaker'], 'text': turn['text'], 'case': turn['case'],
                         'expect': turn['expect'], 'facts': turn['facts'], 'language': turn['language'],
                         'round_trip': turn['round_trip'], 'start_s': round(offset + start, 3),
                         'speech_end_s': round(offset + end, 3)})
        print(f'[{i + 1}/{len(turns)}] {turn["speaker"]} {len(audio) / rate:.1f} s', flush=True)
    speaker.close()
    result = {'session': os.path.relpath(os.path.abspath(session_path), REPO), 'rate': rate,
              'duration_s': round(speaker.seconds, 3), 'turns': timeline,
              'summary_facts': session.get('summary_facts', [])}
    json_path = os.path.splitext(out_path)[0] + '.json'
    with open(json_path, 'w', encoding='utf-8') as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write('\n')
    students = sum(t['speaker'] == 'student' for t in turns)
    print(f'{out_path}: {len(turns)} turns ({students} student), {speaker.seconds:.1f} s at {rate} Hz; '
          f'timeline {json_path}')
    return result


def main() -> None:
    """Parse the command line and synthesise the session."""
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        epilog='Example: python scripts/make_demo_audio.py data/demo/session.yaml build/demo/session.wav '
               '(also writes build/demo/session.json)')
    parser.add_argument('session', metavar='SESSION.yaml', help='the session: title, pause_s and turns')
    parser.add_argument('out', metavar='OUT.wav', help='the WAV to write, at the voice rate (22.05 kHz)')
    args = parser.parse_args()
    make_session(args.session, args.out)


if __name__ == '__main__':
    main()
