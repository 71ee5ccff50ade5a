# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Make data/qa_noise: course questions spoken by espeak-ng and heard back by Whisper as noise.

Each question of data/qa_dev (never a held-out split) is spoken by espeak-ng in its language,
heard back by the project's hearing pipeline (VAD, then Whisper base in that language, as
`milo transcribe` does), and kept when what came back is garbled: its word error against the
question meant is over `--min-word-error`. Such a transcript is not the question the student
asked, and Milo must not answer it as if it were. Progress goes to stderr; each item heard is
appended to `--heard` (JSON lines) so that a cut-off run loses nothing.

    PYTHONPATH=$PWD python scripts/make_qa_noise.py --heard build/qa_noise_heard.jsonl
"""

import argparse
import json
import os
import sys

import yaml

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.resample import resample
from milo_robot.session.round_trip import Ears, compare
from milo_robot.speaking.voices import EspeakEngine


def main() -> int:
    """Hear every question not heard yet, appending each to --heard."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--questions', default='data/qa_dev/questions.yaml')
    p.add_argument('--heard', default='build/qa_noise_heard.jsonl', help='every item heard (appended)')
    p.add_argument('--limit', type=int, default=0, help='most questions per language (0: all)')
    args = p.parse_args()
    with open(args.questions, encoding='utf-8') as f:
        questions = [q for q in yaml.safe_load(f) if not q.get('follows')]  # a follow-up needs its context
    done = set()
    if os.path.exists(args.heard):
        with open(args.heard, encoding='utf-8') as f:
            done = {json.loads(line)['source'] for line in f}
    by_language = {lang: [q for q in questions if q['language'] == lang and q['id'] not in done]
                   for lang in ('en', 'fr')}
    if args.limit:
        by_language = {lang: qs[:args.limit] for lang, qs in by_language.items()}
    voices = {lang: EspeakEngine(lang) for lang in by_language}
    ears = {lang: Ears(lang) for lang in by_language}
    # Alternate the languages, so that a run cut short still holds both.
    order = [q for pair in zip(by_language['en'], by_language['fr']) for q in pair]
    order += by_language['en'][len(by_language['fr']):] + by_language['fr'][len(by_language['en']):]
    with open(args.heard, 'a', encoding='utf-8') as out:
        for n, q in enumerate(order, 1):
            lang = q['language']
            voice = voices[lang]
            heard = ears[lang].hear(resample(voice.synthesize(q['question']), voice.rate, SAMPLE_RATE))
            trip = compare(q['question'], heard, lang)
            out.write(json.dumps({'source': q['id'], 'language': lang, 'meant': q['question'],
                                  'heard': heard, 'word_error': round(trip.word_error, 2)},
                                 ensure_ascii=False) + '\n')
            out.flush()
            print(f'{n}/{len(order)} {q["id"]} {trip.word_error:.2f}', file=sys.stderr, flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
