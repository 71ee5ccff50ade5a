# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The soak benchmark's class session: data/bench/soak.yaml expanded, synthesised once, cached.

The plan names lecture transcripts and the questions to ask Milo during them; `build_session`
turns it into a session for scripts/make_demo_audio.py, whole or cut to a few minutes for
development, with the silence after each question stretched by the microphone's realtime_factor
(Milo's answer is spoken in real time whatever the input's pace). `session_wav` synthesises it into
build/bench/ once per digest of its inputs.
"""

import hashlib
import json
import os
import re
import subprocess
import sys

import yaml

from milo_robot.graph import data_root

PLAN = 'data/bench/soak.yaml'

# Speaking rates of the packaged voices (Piper in English, espeak-ng in French), measured on the
# synthesised soak session (words a minute of speech): only used to cut a short session; the
# synthesised WAV's duration is what is reported.
WORDS_PER_MINUTE = {'en': 182.0, 'fr': 211.0}

# A transcriber's note of a student speaking, at the start of a line.
_STUDENT = re.compile(r'^(Student (?:asks|says|answers)|Une? étudiante? (?:demande|répond|dit))\s*:\s*',
                      re.I)
_STAMPED = re.compile(r'\s*\[(?:(\d+):)?(\d+):(\d{2})\]\s*(.*)')


class PlanError(ValueError):
    """The soak plan is malformed (the message says where)."""


def clock_s(text: str) -> int:
    """Return the seconds of a transcript time, 'mm:ss' or 'h:mm:ss'."""
    match = _STAMPED.match(f'[{text}]')
    if not match:
        raise PlanError(f"{text!r} is not a time like '12:34' or '1:02:03'")
    return int(match.group(1) or 0) * 3600 + int(match.group(2)) * 60 + int(match.group(3))


def transcript_lines(path: str) -> list:
    """Return (time s, speaker, text) of each stamped line of a lecture transcript."""
    lines = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            match = _STAMPED.match(line)
            if not line.strip():
                continue
            if not match:
                raise PlanError(f'{path}:{number}: not a [mm:ss] stamped line')
            text = match.group(4).strip()
            student = _STUDENT.match(text)
            at = clock_s(line.split(']', 1)[0].lstrip(' ['))
            lines.append((at, 'student' if student else 'teacher', text[student.end():] if student else text))
    return lines


def estimate_s(turn: dict, pause_s: float) -> float:
    """Return about how long a session turn lasts: its speech and the silence after it."""
    rate = WORDS_PER_MINUTE.get(turn.get('language', 'en'), WORDS_PER_MINUTE['en'])
    return len(turn[_speaker(turn)].split()) * 60.0 / rate + turn.get('wait_s', pause_s)


def _speaker(turn: dict) -> str:
    return 'teacher' if 'teacher' in turn else 'student'


def _part_turns(part: dict, root: str, answer_wait_s: float) -> list:
    """Return the session turns of one part: its transcript lines and its questions, in order."""
    language = part['language']
    until = clock_s(part['until']) if part.get('until') else float('inf')
    lines = [line for line in transcript_lines(os.path.join(root, part['transcript'])) if line[0] < until]
    questions = sorted(((clock_s(q['after']), q['ask']) for q in part.get('questions', ())),
                       key=lambda q: q[0])
    turns = []
    for index, (at, speaker, text) in enumerate(lines):
        turns.append({speaker: text, 'language': language})
        following = lines[index + 1][0] if index + 1 < len(lines) else until
        # A question goes after the last line said at or before its time, never before a fact.
        while questions and questions[0][0] < following:
            turns.append({'student': questions.pop(0)[1], 'language': language, 'case': 'addressed',
                          'expect': 'answer', 'wait_s': answer_wait_s})
    if questions:
        raise PlanError(f"{part['transcript']}: questions after {questions[0][0]} s, past its last line")
    return turns


def build_session(plan: dict, realtime_factor: float, minutes: float = 0.0, root: str = '') -> dict:
    """Return the session (make_demo_audio's format) of the plan, or its first `minutes` about.

    A short session keeps the same share of each part (so both languages and their questions are
    in it); `realtime_factor` stretches the silence after each question.
    """
    root = root or data_root()
    if realtime_factor <= 0:
        raise PlanError(f'realtime_factor must be positive, not {realtime_factor}')
    pause_s = float(plan['pause_s'])
    answer_wait_s = round(float(plan['answer_s']) * realtime_factor, 1)
    parts = [_part_turns(part, root, answer_wait_s) for part in plan['parts']]
    if minutes:
        total_s = sum(estimate_s(t, pause_s) for turns in parts for t in turns)
        share = min(1.0, minutes * 60.0 / total_s)
        parts = [_first_share(turns, share, pause_s) for turns in parts]
    session = {'title': plan['title'], 'pause_s': pause_s, 'turns': [t for turns in parts for t in turns]}
    if 'french_voice' in plan:
        session['french_voice'] = plan['french_voice']
    return session


def _first_share(turns: list, share: float, pause_s: float) -> list:
    budget = share * sum(estimate_s(t, pause_s) for t in turns)
    kept, spent = [], 0.0
    for turn in turns:
        if spent >= budget:
            break
        kept.append(turn)
        spent += estimate_s(turn, pause_s)
    return kept


def session_wav(realtime_factor: float, minutes: float = 0.0, log=None) -> str:
    """Synthesise the soak session into build/bench/ unless it is there already; return its WAV.

    The WAV's name carries a digest of its inputs (the session and the synthesis script), so a
    changed plan, a cut or another realtime_factor gives a new one.
    """
    root = data_root()
    with open(os.path.join(root, PLAN), encoding='utf-8') as f:
        plan = yaml.safe_load(f)
    session = build_session(plan, realtime_factor, minutes, root)
    text = yaml.safe_dump(session, allow_unicode=True, sort_keys=False)
    script = os.path.join(root, 'scripts', 'make_demo_audio.py')
    with open(script, 'rb') as f:
        digest = hashlib.sha256(text.encode() + f.read()).hexdigest()[:12]
    out = os.path.join(root, 'build', 'bench', 'soak')
    os.makedirs(out, exist_ok=True)
    wav = os.path.join(out, f'session-{digest}.wav')
    if os.path.exists(os.path.splitext(wav)[0] + '.json'):
        return wav
    path = os.path.join(out, f'session-{digest}.yaml')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(f'# Generated from {PLAN} by milo_robot/bench/soak_session.py\n{text}')
    print(f'    synthesising the soak session ({len(session["turns"])} turns) into {wav}', flush=True)
    subprocess.run([sys.executable, script, path, wav], check=True, stdout=log or subprocess.DEVNULL)
    return wav


def describe(timeline: dict) -> str:
    """Say in one line what a synthesised session holds."""
    turns = timeline['turns']
    questions = [t for t in turns if t.get('case') == 'addressed']
    languages = sorted({t.get('language', 'en') for t in turns})
    return (f"{timeline['duration_s'] / 60:.1f} min, {len(turns)} turns, {len(questions)} questions to "
            f"Milo ({sum(t.get('language') == 'fr' for t in questions)} in French), languages "
            f"{', '.join(languages)}")


if __name__ == '__main__':
    # Print the estimated length of the whole plan: `python -m milo_robot.bench.soak_session [RTF]`.
    with open(os.path.join(data_root(), PLAN), encoding='utf-8') as f:
        whole = build_session(yaml.safe_load(f), float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
    print(json.dumps({'turns': len(whole['turns']), 'estimated_min': round(sum(
        estimate_s(t, whole['pause_s']) for t in whole['turns']) / 60, 1)}))
