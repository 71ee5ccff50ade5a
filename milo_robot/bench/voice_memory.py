# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The tts's memory over many French answers: whether it keeps growing once Kokoro has spoken.

The 96-minute soak asks this of the whole graph (docs/soak.md, "The tts's memory growth"); this
asks it of the voices alone, in minutes. A fresh process loads what the tts node loads (Piper,
Kokoro for French, espeak-ng: `VoiceBook`), then its speech player speaks ANSWERS French answers
one after the other into a WAV file, as fast as it can; the resident memory is read after each.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading

from milo_robot.bench.results import result
from milo_robot.graph import data_root

COMMAND = 'milo bench --only voice_memory'
ANSWERS = 50
EDGE = 5  # answers at each end compared: the first ones are where the soak's tts grew
LECTURES = [f'data/qa_dev/lecture_fr_{n}.txt' for n in range(1, 6)]


def french_answers(count: int = ANSWERS) -> list:
    """Return `count` answers as the brain writes them: an introduction, then a lecture's line.

    The introductions are those the tts prepares at start (each with its placeholder quote
    replaced); the lines are every fifth of the French development lectures, long and short.
    """
    from milo_robot.thinking.sources import PLACEHOLDER_QUOTE, introductions

    lines = []
    for path in LECTURES:
        with open(os.path.join(data_root(), path), encoding='utf-8') as f:
            lines += [line.split(']', 1)[1].strip() for line in f if line.startswith('[')]
    intros = introductions('fr')
    quote = PLACEHOLDER_QUOTE['fr']
    return [intros[i % len(intros)].replace(quote, lines[5 * i % len(lines)]) for i in range(count)]


def memory_mb() -> tuple:
    """Return this process's (RSS, PSS) in MB."""
    values = {}
    with open('/proc/self/smaps_rollup') as f:
        for line in f:
            key, _, rest = line.partition(':')
            if key in ('Rss', 'Pss'):
                values[key] = int(rest.split()[0]) / 1024
    return values['Rss'], values['Pss']


def speak_answers(folder: str, count: int = ANSWERS) -> dict:
    """In this process: load the voices, speak `count` French answers; return the memory figures."""
    from milo_robot.speaking.player import PacedWavSink, PlayerEvents, SpeechPlayer
    from milo_robot.speaking.voices import KokoroChoice, VoiceBook

    class Done(PlayerEvents):
        def __init__(self):
            self.answers = threading.Semaphore(0)

        def spoken(self, request_id, text, interrupted):
            self.answers.release()

    voices = VoiceBook(kokoro=KokoroChoice(max_rtf=0))  # Kokoro whatever this board's speed
    engine, _ = voices.for_language('fr')
    if not engine.name.startswith('kokoro'):
        raise RuntimeError(f'French is spoken by {engine.name}, not Kokoro')
    loaded = memory_mb()
    done = Done()
    player = SpeechPlayer(voices, PacedWavSink(os.path.join(folder, 'answers.wav'),
                                               voices.default.rate, realtime=False), events=done)
    after = []
    for i, answer in enumerate(french_answers(count)):
        player.say(answer, 'fr', str(i))
        if not done.answers.acquire(timeout=600):
            raise RuntimeError(f'answer {i + 1} was not spoken within 10 minutes')
        after.append(memory_mb())
        print(f'    answer {i + 1}: RSS {after[-1][0]:.1f} MB, PSS {after[-1][1]:.1f} MB', flush=True)
    player.close()
    return {'loaded': loaded, 'after': after}


def voice_memory() -> dict:
    """RSS of the tts's voices after the first and the last 5 of 50 French answers (Kokoro)."""
    with tempfile.TemporaryDirectory(prefix='milo-voice-memory-') as folder:
        out = os.path.join(folder, 'memory.json')
        subprocess.run([sys.executable, '-m', 'milo_robot.bench.voice_memory', folder, out],
                       check=True)
        with open(out) as f:
            figures = json.load(f)
    rss = [r for r, _ in figures['after']]
    pss = [p for _, p in figures['after']]
    first, last = rss[:EDGE], rss[-EDGE:]
    print(f"    (RSS MB: loaded {figures['loaded'][0]:.1f}, then after answers 1-{EDGE} "
          + ' '.join(f'{r:.0f}' for r in first) + ', the last ' + ' '.join(f'{r:.0f}' for r in last) + ')')
    note = f'{len(rss)} French answers (Kokoro, Piper loaded beside it) in one fresh process'
    return {
        'tts_fr_rss_first5_mb': result(first, 'MB', COMMAND, note + f'; after answers 1 to {EDGE}'),
        'tts_fr_rss_last5_mb': result(last, 'MB', COMMAND, note + f'; after the last {EDGE}'),
        'tts_fr_pss_last5_mb': result(pss[-EDGE:], 'MB', COMMAND, note + f'; after the last {EDGE}'),
        'tts_fr_rss_growth_ratio': result([statistics.median(last) / statistics.median(first)],
                                          'ratio', COMMAND, note + f'; median RSS after the last '
                                          f'{EDGE} over that after the first {EDGE}'),
    }


BENCHMARKS = (voice_memory,)

if __name__ == '__main__':
    with open(sys.argv[2], 'w') as f:
        json.dump(speak_answers(sys.argv[1]), f)
