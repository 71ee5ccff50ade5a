# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Turn taking as a student hears it: questions with a pause in the middle, through the whole graph.

`milo bench --only turns` scores the hearing's segments and the words' judgement alone: a pause
that ends a segment on words taken as finished is a false cut-off there, even when the dialogue
would take the answer back once the student goes on (`resume_window_s`: a student who speaks
again before Milo's first sound is still asking). This benchmark asks what the student lives:
the 20 questions of data/bench/turns.yaml (English by the packaged Piper voice as a student,
French by the voice Milo speaks French with on this board, as turns.py speaks them), each with
its pause, are played to the real graph in sim mode (ROS on localhost, the default models,
question time), 13 s apart, and for each question:

- **talked over** (`turn_talked_over_ratio_*`): Milo's first sound of anything (an answer, or
  the acknowledgement) started after the student's pause began and before the question's end:
  Milo spoke into the pause or over the rest of the question;
- **fragment answered** (`turn_fragment_answered_ratio_*`): an answer Milo started to say, and
  did not cut short, was to a question that lacks the words after the pause, or those before it
  (an answer the student's voice cut short was taken back: it counts as talked over);
- **cut-off heard** (`turn_cutoff_heard_ratio_*`): either of the two: what the student notices;
- **whole answered** (`turn_whole_answered_ratio_*`): an answer Milo started to say was to the
  whole question; `turn_paused_v2v_p50_s_*`: the end of the question to that answer's first
  sound.
"""

import json
import os
import re

import numpy as np
import yaml

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.wav_speaker import WavSpeaker
from milo_robot.bench.results import result
from milo_robot.bench.turns import LOUD, SESSION, paused, voices
from milo_robot.graph import data_root
from milo_robot.interfaces import topics as t
from milo_robot.session.runner import run_session

COMMAND = 'milo bench --only turns_heard'
WAIT_S = 10.0  # silence after each question (after turns.paused' own 2 s): Milo answers in it
LANGUAGES = ('en', 'fr')
PART_SHARE = 0.5  # a question holds a part when it has at least this share of the part's words


def words(text: str) -> list:
    """Return the words of `text`, lower case, without punctuation."""
    return re.findall(r"\w+", text.lower())


def holds(question: str, part: str) -> bool:
    """Return whether `question` (as Whisper heard it) has most of the words of `part`."""
    wanted, heard = words(part), set(words(question))
    return bool(wanted) and sum(w in heard for w in wanted) >= PART_SHARE * len(wanted)


def make_session(out_dir: str) -> tuple:
    """Synthesise the paused questions into out_dir/session.wav; return (wav, timeline).

    Timeline: per question, its language, text, and the start of its speech, of its pause, of the
    rest (the student resumes) and the end of its speech, in seconds into the WAV. Kept, and
    made again only when the questions or the voices change (French by Kokoro takes minutes).
    """
    with open(os.path.join(data_root(), SESSION), encoding='utf-8') as f:
        source = f.read()
    session = yaml.safe_load(source)
    speak, pause_s = voices(), session['pause_s']
    wav, json_path = os.path.join(out_dir, 'session.wav'), os.path.join(out_dir, 'session.json')
    try:
        with open(json_path, encoding='utf-8') as f:
            kept = json.load(f)
        if kept['source'] == source and kept['voices'] == speak['names'] and os.path.exists(wav):
            return wav, kept
    except (OSError, ValueError, KeyError):
        pass
    os.makedirs(out_dir, exist_ok=True)
    speaker = WavSpeaker(wav, SAMPLE_RATE)
    turns = []
    for language in LANGUAGES:
        for question in session[language]:
            audio, pause_start, pause_end = paused(question, speak[language], pause_s)
            loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > LOUD)
            offset = speaker.seconds
            speaker.play(audio)
            speaker.play(np.zeros(int(WAIT_S * SAMPLE_RATE), dtype=np.int16))
            turns.append({'language': language, 'text': question, 'start_s': offset + loud[0] / SAMPLE_RATE,
                          'pause_s': offset + pause_start, 'resume_s': offset + pause_end,
                          'speech_end_s': offset + (loud[-1] + 1) / SAMPLE_RATE})
    speaker.close()
    timeline = {'pause_s': pause_s, 'voices': speak['names'], 'turns': turns, 'source': source}
    with open(json_path, 'w', encoding='utf-8') as f:
        json.dump(timeline, f, indent=1, ensure_ascii=False)
    return wav, timeline


def judge_paused(observation, timeline: dict) -> list:
    """Return, per paused question of `timeline`, what the student heard of Milo (dicts).

    `observation`: the session observer's (milo_robot.session.observer.Observation); times in the
    timeline are seconds after its `audio_t0`. A question's window runs from its pause to the
    next question's start: Milo's sounds and answers in it are the question's.
    """
    t0, turns = observation.audio_t0, timeline['turns']
    asked = {q.request_id: q.text for _, q in observation.of(t.BRAIN_QUESTION.name)}
    sounds = sorted((s.time, s.kind, s.request_id) for _, s in observation.of(t.TTS_STARTED.name))
    cut = {s.request_id for _, s in observation.of(t.TTS_SPOKEN.name) if s.kind == 'answer' and s.interrupted}
    judged = []
    for i, turn in enumerate(turns):
        pause, end = t0 + turn['pause_s'], t0 + turn['speech_end_s']
        until = t0 + turns[i + 1]['start_s'] if i + 1 < len(turns) else float('inf')
        before, after = turn['text'].split('|')
        over = [(at, kind) for at, kind, _ in sounds if pause <= at < end]
        answers = {}  # request id -> its answer's first sound, for answers started in the window
        for at, kind, request_id in sounds:
            if kind == 'answer' and pause <= at < until and request_id in asked:
                answers.setdefault(request_id, at)
        # An answer that starts before the question's end cannot be to the whole of it.
        complete = {rid: at >= end and holds(asked[rid], before) and holds(asked[rid], after)
                    for rid, at in answers.items()}
        whole = [at for rid, at in answers.items() if complete[rid]]
        # An answer cut short (the student's voice over it) was taken back: talked over, not given.
        fragments = [asked[rid] for rid in answers if not complete[rid] and rid not in cut]
        judged.append({
            'language': turn['language'], 'text': turn['text'],
            'talked_over': bool(over), 'over': [(round(at - pause, 2), kind) for at, kind in over],
            'fragments': fragments, 'whole': bool(whole),
            'v2v_s': min(whole) - end if whole else None,
            'asked': [text for rid, text in asked.items() if rid in answers],
        })
    return judged


def turns_heard() -> dict:
    """Measure the false cut-offs a student hears: 20 questions with a pause, through the whole graph."""
    out_dir = os.path.join(data_root(), 'build', 'bench', 'turns_heard')
    wav, timeline = make_session(out_dir)
    status, observer = run_session(wav, out_dir, ['dialogue.mode=qa'])
    if status != 0:
        raise RuntimeError(f'the graph exited with status {status}: see {out_dir}/nodes.log')
    judged = judge_paused(observer.observation, timeline)
    with open(os.path.join(out_dir, 'judged.json'), 'w', encoding='utf-8') as f:
        json.dump(judged, f, indent=1, ensure_ascii=False)
    out = {}
    for language in LANGUAGES:
        mine = [j for j in judged if j['language'] == language]
        for j in mine:
            print(f"    {language} | {j['text']} | over {j['over']} | fragments {j['fragments']} | "
                  f"whole {j['whole']} | v2v {j['v2v_s']}")
        count = len(mine)
        note = (f"{count} questions of {SESSION} with a {timeline['pause_s']} s pause, "
                f"{timeline['voices'][language]}; the whole graph in sim mode, question time, default models")
        ratios = {
            'cutoff_heard': ('Milo talked over the student (any sound from the pause to the end of '
                             'the question) or answered a fragment',
                             lambda j: j['talked_over'] or j['fragments']),
            'talked_over': ("Milo's first sound of anything (acknowledgement included) between the "
                            "pause's start and the question's end", lambda j: j['talked_over']),
            'fragment_answered': ('Milo started saying, and did not cut short, an answer to a '
                                  'question lacking the words before or after the pause',
                                  lambda j: j['fragments']),
            'whole_answered': ('Milo started saying an answer to the whole question',
                               lambda j: j['whole']),
        }
        for name, (what, test) in ratios.items():
            out[f'turn_{name}_ratio_{language}'] = result(
                [sum(bool(test(j)) for j in mine) / max(count, 1)], 'ratio', COMMAND, f'{what}; {note}')
        latencies = [j['v2v_s'] for j in mine if j['v2v_s'] is not None]
        if latencies:
            out[f'turn_paused_v2v_p50_s_{language}'] = result(
                latencies, 's', COMMAND, f"end of the question's speech to the first sound of the "
                f'answer to the whole question; {note}')
    return out


BENCHMARKS = (turns_heard,)
