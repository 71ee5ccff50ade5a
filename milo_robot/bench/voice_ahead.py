# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""French phrases synthesised ahead: the tts's memory at the first French answer, English's first audio.

The seventh soak (docs/soak.md) saw the tts's RSS step by about 21 MB at Kokoro's first synthesis,
the first French answer, and that answer's introduction synthesised while the class waited. The
tts node now has Kokoro synthesise Milo's French phrases once it is loaded, yielding to any
request (`SpeechPlayer.prepare`). This compares, each in a fresh process as the tts node loads its
voices, the same code with the French phrases prepared and without: the RSS before and after the
first French answer, and the time from an English request (not prepared: synthesised by Piper) to
its first audio, sent while Kokoro is synthesising ahead.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

from milo_robot.bench.results import result
from milo_robot.bench.voice_memory import memory_mb

COMMAND = 'milo bench --only voice_ahead'
ENGLISH = ('Resistors in series add up.', 'A capacitor stores charge, and keeps it.',
           'Current is the same in every part of a series circuit.')
QUOTE = 'Le condensateur stocke une charge, puis il la rend au circuit.'
WAIT_S = 900  # a busy 2-core machine makes a Kokoro synthesis take a minute


def _wait(condition, what: str) -> None:
    end = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > end:
            raise RuntimeError(f'{what}: not within {WAIT_S} s')
        time.sleep(0.02)


def speak(folder: str, ahead: bool) -> dict:
    """In this process: the tts's voices, French prepared ahead or not; return the figures."""
    from milo_robot.nodes.tts_node import said_ahead
    from milo_robot.speaking.player import PacedWavSink, PlayerEvents, SpeechPlayer
    from milo_robot.speaking.voices import KokoroChoice, VoiceBook
    from milo_robot.thinking.sources import PLACEHOLDER_QUOTE, introductions

    class Times(PlayerEvents):
        def __init__(self):
            self.first, self.done = {}, set()

        def started(self, request_id, at):
            self.first.setdefault(request_id, at)

        def spoken(self, request_id, text, interrupted):
            self.done.add(request_id)

    voices = VoiceBook(kokoro=KokoroChoice(max_rtf=0))
    voices.for_language('fr')  # Kokoro loaded, as the tts node's French choice does
    events = Times()
    player = SpeechPlayer(voices, PacedWavSink(os.path.join(folder, 'out.wav'), voices.default.rate,
                                               realtime=False), events=events)
    answer = introductions('fr')[0].replace(PLACEHOLDER_QUOTE['fr'], QUOTE)
    pieces = {p for text, upto in said_ahead('fr') for p in player.pieces(text, 'fr')[:upto]}
    if ahead:
        for text, upto in said_ahead('fr'):
            player.prepare(text, 'fr', upto)
        _wait(lambda: player.prepared >= 1, "Kokoro's first synthesis ahead")
    figures = {'rss_loaded': memory_mb()[0], 'first_audio': [], 'during_ahead': 0}
    for i, sentence in enumerate(ENGLISH):
        if ahead:  # sent while Kokoro synthesises ahead, as long as there is some to do
            _wait(lambda: player.preparing or player.prepared == len(pieces), 'a synthesis ahead')
            figures['during_ahead'] += player.preparing
        sent = time.time()
        player.say(sentence, 'en', f'en{i}')
        _wait(lambda: f'en{i}' in events.done, 'an English request')
        figures['first_audio'].append(events.first[f'en{i}'] - sent)
    if ahead:
        _wait(lambda: player.prepared >= 2, 'the first introduction')  # "Hmm.", then this one
    figures['rss_before_fr'] = memory_mb()[0]
    sent = time.time()
    player.say(answer, 'fr', 'fr')
    _wait(lambda: 'fr' in events.done, 'the French answer')
    figures['rss_after_fr'] = memory_mb()[0]
    figures['fr_first_audio'] = events.first['fr'] - sent
    player.close()
    return figures


def voice_ahead() -> dict:
    """One fresh process a side, alternated: French prepared ahead, then not."""
    sides = {}
    with tempfile.TemporaryDirectory(prefix='milo-voice-ahead-') as folder:
        for side in ('none', 'ahead'):
            out = os.path.join(folder, f'{side}.json')
            subprocess.run([sys.executable, '-m', 'milo_robot.bench.voice_ahead', folder, side, out],
                           check=True)
            with open(out) as f:
                sides[side] = json.load(f)
            print(f'    {side}: {sides[side]}', flush=True)
    note = 'the tts\'s voices in a fresh process (Piper, Kokoro loaded), French phrases prepared'
    keys = {}
    for side, label in (('ahead', 'with French prepared ahead'), ('none', 'without')):
        s = sides[side]
        step = s['rss_after_fr'] - s['rss_before_fr']
        keys[f'tts_first_fr_answer_rss_step_{side}_mb'] = result(
            [step], 'MB', COMMAND, f'{note}: RSS after the first French answer minus before, {label}')
        keys[f'tts_en_first_audio_{side}_s'] = result(
            s['first_audio'], 's', COMMAND, f'{note}: English request to its first audio (Piper), '
            f'{label}; {s["during_ahead"]} of {len(ENGLISH)} sent during a synthesis ahead')
        keys[f'tts_fr_answer_first_audio_{side}_s'] = result(
            [s['fr_first_audio']], 's', COMMAND, f'{note}: the first French answer (Le professeur '
            f'vient de dire : ...) to its first audio, {label}')
    return keys


BENCHMARKS = (voice_ahead,)

if __name__ == '__main__':
    with open(sys.argv[3], 'w') as f:
        json.dump(speak(sys.argv[1], sys.argv[2] == 'ahead'), f)
