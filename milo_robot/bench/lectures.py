# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Benchmarks of lecture summaries: speed, memory, key facts kept, numbers never said, length.

The dev set is data/summaries: nine timed transcripts (English and French, 2 to 72 minutes) and
the key facts a summary must hold (facts.yaml), and sentences labelled as announcements or not
(announcements.yaml). The summaries are written in a child process, as the brain node writes
them (default profile, one thread), so its peak memory is the summarizer's alone.
"""

import json
import os
import subprocess
import sys
import time

import yaml

from milo_robot.bench.results import result
from milo_robot.evaluation import missing
from milo_robot.graph import data_root
from milo_robot.thinking.faithfulness import Support
from milo_robot.thinking.retrieval import lecture_passages, text_lecture_segments

COMMAND = 'make bench'
PROFILE, THREADS = 'small', 1  # the brain node's: the other core stays with the class
SHORT_MIN, HOUR_MIN = 10, 50  # lectures under 10 minutes are short; from 50 minutes, hour-long
SPEED_MIN = 20  # seconds per lecture hour are measured on lectures of 20 minutes or more: a
                # 2-minute lecture's fixed costs, per hour, would say nothing about speed


def _dev_set() -> tuple:
    root = os.path.join(data_root(), 'data', 'summaries')
    with open(os.path.join(root, 'facts.yaml'), encoding='utf-8') as f:
        return root, yaml.safe_load(f)


def write_summaries(profile: str = PROFILE, threads: int = THREADS) -> dict:
    """Summarise every dev lecture in this process; return their Markdown, times and peak memory."""
    from milo_robot.lectures.summary import summarize, to_markdown
    from milo_robot.thinking.llm import load_llm

    root, facts = _dev_set()
    llm = load_llm(profile, threads=threads)
    # The brain's model has answered questions before it summarises: its weights are in memory.
    llm.create_chat_completion(messages=[{'role': 'user', 'content': 'Hello'}], max_tokens=8)
    out = {}
    for stem in facts:
        segments = text_lecture_segments(os.path.join(root, f'{stem}.txt'))
        started = time.perf_counter()
        summary = summarize(segments, llm=llm, threads=threads)
        out[stem] = {'seconds': time.perf_counter() - started, 'hours': segments[-1].end_s / 3600,
                     'lecture_words': sum(len(s.text.split()) for s in segments),
                     'markdown': to_markdown(summary), 'language': summary.language,
                     'texts': [summary.title, summary.overview] + [i.text for i in summary.items()],
                     'dropped': len(summary.dropped)}
    with open('/proc/self/status') as f:
        peak_kb = next(int(line.split()[1]) for line in f if line.startswith('VmHWM'))
    return {'lectures': out, 'peak_rss_mb': peak_kb / 1024}


def unsupported_numbers(texts: list, segments: list, language: str) -> list:
    """Return the numbers of `texts` that the transcript does not say (computed ones included)."""
    support = Support([p.text for p in lecture_passages(segments)])
    found = []
    for text in filter(None, texts):
        verdict = support.check(text, language=language)
        found += [c.text for c in verdict.unsupported if c.kind == 'number'] + list(verdict.computed)
    return found


def summaries() -> dict:
    """Seconds per lecture hour, key facts kept (en, fr), numbers never said, length, peak memory."""
    run = subprocess.run([sys.executable, '-m', 'milo_robot.bench.lectures'], capture_output=True,
                         text=True, check=True)
    written = json.loads(run.stdout)
    root, facts = _dev_set()
    kept, numbers, speeds = {'en': [0, 0], 'fr': [0, 0]}, [], []
    shares = {'short': {}, 'hour': {}}
    for stem, lecture in facts.items():
        summary = written['lectures'][stem]
        lacking = [f for f in lecture['facts'] if missing(summary['markdown'], f['expect'])]
        tally = kept[lecture['language']]
        tally[0] += len(lecture['facts']) - len(lacking)
        tally[1] += len(lecture['facts'])
        segments = text_lecture_segments(os.path.join(root, f'{stem}.txt'))
        numbers += unsupported_numbers(summary['texts'], segments, summary['language'])
        minutes = summary['hours'] * 60
        if minutes >= SPEED_MIN:
            speeds.append(summary['seconds'] / summary['hours'])
        group = 'short' if minutes < SHORT_MIN else 'hour' if minutes >= HOUR_MIN else ''
        if group:
            words = sum(len(text.split()) for text in summary['texts'] if text)
            shares[group][stem] = words / summary['lecture_words']
    note = (f'data/summaries ({len(facts)} lectures, 2-72 min, {sum(t[1] for t in kept.values())} key '
            f'facts), profile {PROFILE}, {THREADS} thread as in the brain node')
    out = {f'summary_fact_recall_{language}': result([k / n], '', COMMAND, f'{note}; {k}/{n} facts')
           for language, (k, n) in kept.items()}
    out['summary_unsupported_numbers'] = result([len(numbers)], '', COMMAND,
                                                f"{note}; {', '.join(numbers) or 'none'}")
    out['summary_s_per_lecture_hour'] = result(speeds, 's', COMMAND, f'{note}; the slowest lecture of '
                                               f'{SPEED_MIN} minutes or more, model loading excluded',
                                               percentile=100)
    out['summary_peak_rss_mb'] = result([written['peak_rss_mb']], 'MB', COMMAND,
                                        f'{note}; peak resident memory of the summarising process')
    for group, what in (('short', f'under {SHORT_MIN} minutes'), ('hour', f'of {HOUR_MIN} minutes or more')):
        each = ', '.join(f'{stem} {share:.3f}' for stem, share in shares[group].items())
        out[f'summary_length_share_{group}'] = result(
            list(shares[group].values()), '', COMMAND, f'words of the summary (title and items) over '
            f'words of the lecture, the longest of the lectures {what}: {each}', percentile=100)
    return out


def announcements() -> dict:
    """Precision and recall of the announcement rules on labelled sentences (en, fr), held-out split."""
    from milo_robot.lectures.announcements import is_announcement

    root, _ = _dev_set()
    with open(os.path.join(root, 'announcements.yaml'), encoding='utf-8') as f:
        labelled = yaml.safe_load(f)
    counts = {}
    for split, languages in labelled.items():
        for language, sentences in languages.items():
            said = [(label, is_announcement(text)) for label, text in sentences]
            counts[split, language] = (sum(label and found for label, found in said),
                                       sum(found for _, found in said), sum(label for label, _ in said))
    out = {}
    for language in ('en', 'fr'):
        hit, found, labelled_true = counts['test', language]
        dev = counts['dev', language]
        note = (f"data/summaries/announcements.yaml, the test split ({language}): {hit} of {found} "
                f"sentences found are announcements, {hit} of {labelled_true} announcements found; on the "
                f"dev split the rules were written on: {dev[0]}/{dev[1]} and {dev[0]}/{dev[2]}")
        out[f'announcement_precision_{language}'] = result([hit / max(found, 1)], '', COMMAND, note)
        out[f'announcement_recall_{language}'] = result([hit / max(labelled_true, 1)], '', COMMAND, note)
    hit = sum(counts['test', language][0] for language in ('en', 'fr'))
    found = sum(counts['test', language][1] for language in ('en', 'fr'))
    out['announcement_precision'] = result([hit / max(found, 1)], '', COMMAND,
                                           f'the test split of data/summaries/announcements.yaml, French and '
                                           f'English together: {hit} of {found} found are announcements')
    return out


BENCHMARKS = (summaries, announcements)


if __name__ == '__main__':
    print(json.dumps(write_summaries()))
