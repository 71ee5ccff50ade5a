# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A learned ranker: which candidate sentence holds the answer, and how sure, from the hand ranker's signals.

The hand ranker (thinking/rank.py) adds its signals with weights fitted one failure at a time;
on a fresh held-out split those did not generalise (docs/thinking.md, "A learned ranker"). Here a
logistic regression, fitted on every developer set at once, reads the same signals of each
candidate (its parts, its raw e5 similarity and word share, its place and margin in the hand
ranking, what the question asks) and gives the probability that the candidate holds the
question's expected facts. Milo quotes the most probable candidate, and declines when that
probability is under the model's threshold (thinking/coverage.py); the other decline rules stay.

The weights live in `ranker_weights.json` next to this module, with their provenance; they are
made by `python -m milo_robot.bench.train_ranker` (milo_robot/bench/train_ranker.py).
"""

import dataclasses
import json
import math
import os
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from milo_robot.thinking.coverage import OPEN_WANTS  # one owner: which questions are open

WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ranker_weights.json')
# The hand ranker's parts (rank.Weights times each signal): absent parts count 0.
PARTS = ('meaning', 'words', 'window', 'lecture', 'fact', 'pair', 'head', 'asks', 'symbols', 'near_previous')
FEATURES = PARTS + (
    'meaning_raw',  # e5 similarity of the question to the candidate's best sentence
    'words_raw',  # share of the question's words (idf-weighted) it holds
    'fact_raw',  # it gives the kind of fact asked (thinking/facts.py)
    'sentences',  # 1, 2 or 3 sentences
    'hand_rank',  # log(1 + its place in the hand ranking)
    'below_top',  # the hand score of the best candidate less its own
    'margin',  # its hand score less the next candidate's
    'meaning_below_top',  # the best raw e5 similarity among candidates less its own
    'words_below_top',  # the same for the word share
    'top_meaning',  # question-level: how close the best candidate is (an off-course question is far)
    'top_words',  # question-level: the best word share
    'follow_up',
    'open',  # the question asks no kind of fact ("what is X", 'definition' or 'any')
    'wants_value',  # it asks a value, a duration or a unit
    # The fact asked, per kind of question: a number with its unit answers "how much", a
    # definition "what is X", a "because" "why"; one weight for all kinds fitted worse (left out
    # one set at a time, docs/thinking.md).
    'fact_value',  # fact_raw when a value is asked
    'fact_open',  # fact_raw when the question is open
    'fact_other',  # fact_raw for the other kinds (a reason, a time, a place, a formula...)
    # The sentences its answer adds (thinking/answer.py: the why before a "so", what a lead-in
    # announces, what to bring): the labels judge that answer, and the parts above read only the
    # candidate's own sentences.
    'widened',
)
VALUE_WANTS = frozenset({'value', 'duration', 'unit'})


class WeightsError(ValueError):
    """The ranker's weights file is missing, unreadable or does not fit this code's features."""


@dataclass
class Model:
    """A logistic regression over standardised features, and the probability under which Milo declines."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    std: np.ndarray
    threshold: float
    provenance: dict = field(default_factory=dict)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Return P(holds the answer) of each row of features."""
        z = ((x - self.mean) / self.std) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def features(question, candidates: list, widened: Optional[list] = None) -> np.ndarray:
    """Return one row of FEATURES per candidate, `candidates` in the hand ranker's order.

    `widened`: the sentences the answer quoting each candidate adds to it (`Brain.widening`); none if None.
    """
    if not candidates:
        return np.zeros((0, len(FEATURES)))
    scores = np.array([c.score for c in candidates])
    meaning = np.array([c.meaning for c in candidates])
    words = np.array([c.words for c in candidates])
    nxt = np.append(scores[1:], scores[-1])
    value, open_ = question.wants in VALUE_WANTS, question.wants in OPEN_WANTS
    question_level = [float(meaning.max()), float(words.max()), float(bool(question.follow_up)),
                      float(open_), float(value)]
    widened = widened or [0] * len(candidates)
    rows = []
    for k, c in enumerate(candidates):
        rows.append([c.parts.get(p, 0.0) for p in PARTS] + [
            c.meaning, c.words, c.fact, len(c.positions), math.log1p(k), scores[0] - c.score,
            c.score - nxt[k], meaning.max() - c.meaning, words.max() - c.words] + question_level + [
            c.fact * value, c.fact * open_, c.fact * (not value and not open_), widened[k]])
    return np.array(rows, dtype=float)


def rerank(question, candidates: list, model: Model, widened: Optional[list] = None) -> list:
    """Return the candidates (hand order in) with their probability, most probable first."""
    if not candidates:
        return []
    p = model.probabilities(features(question, candidates, widened))
    out = [dataclasses.replace(c, probability=float(v)) for c, v in zip(candidates, p)]
    order = sorted(range(len(out)), key=lambda k: (-out[k].probability, k))  # ties: the hand order
    return [out[k] for k in order]


def save(model: Model, path: str = WEIGHTS) -> None:
    """Write a model as JSON: feature names, weights, standardisation, threshold, provenance."""
    data = {'features': list(FEATURES), 'weights': [round(float(v), 6) for v in model.weights],
            'bias': round(float(model.bias), 6), 'mean': [round(float(v), 6) for v in model.mean],
            'std': [round(float(v), 6) for v in model.std], 'threshold': round(float(model.threshold), 4),
            'provenance': model.provenance}
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write('\n')


def load(path: str = WEIGHTS) -> Model:
    """Read and check a weights file; raise WeightsError saying what is wrong."""
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except FileNotFoundError:
        raise WeightsError(f'ranker weights not found: {path} (make them with '
                           '`python -m milo_robot.bench.train_ranker`)') from None
    except (OSError, ValueError) as exc:
        raise WeightsError(f'ranker weights unreadable: {path}: {exc}') from None
    if not isinstance(data, dict) or data.get('features') != list(FEATURES):
        raise WeightsError(f'ranker weights {path} were made for other features than '
                           f'{", ".join(FEATURES)}: train them again')
    try:
        arrays = [np.array(data[k], dtype=float) for k in ('weights', 'mean', 'std')]
        bias, threshold = float(data['bias']), float(data['threshold'])
    except (KeyError, TypeError, ValueError) as exc:
        raise WeightsError(f'ranker weights {path}: missing or not numbers: {exc}') from None
    if any(a.shape != (len(FEATURES),) for a in arrays) or not all(np.isfinite(a).all() for a in arrays) \
            or not math.isfinite(bias) or not 0.0 <= threshold <= 1.0 or (arrays[2] <= 0).any():
        raise WeightsError(f'ranker weights {path}: wrong lengths, non-finite values, a std <= 0 '
                           'or a threshold outside [0, 1]')
    return Model(arrays[0], bias, arrays[1], arrays[2], threshold, data.get('provenance', {}))


def fit(x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, l2: float = 1.0,
        iterations: int = 50) -> Model:
    """Fit a logistic regression by Newton's method (L2 on the weights, not the bias); threshold 0.5."""
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std < 1e-9] = 1.0
    z = np.hstack([(x - mean) / std, np.ones((len(x), 1))])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        gradient = z.T @ (sample_weight * (p - y)) + penalty * beta
        hessian = (z * (sample_weight * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return Model(beta[:-1], float(beta[-1]), mean, std, 0.5)

