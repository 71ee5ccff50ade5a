# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The learned ranker: its weights file is checked, its model reorders and declines, its training runs."""

import json

import numpy as np
import pytest
from test_thinking_forms import said

from milo_robot.bench import train_ranker
from milo_robot.thinking import learned
from milo_robot.thinking import question as questions
from milo_robot.thinking.answer import Brain
from milo_robot.thinking.rank import Candidate


def test_the_shipped_weights_load_with_their_provenance():
    model = learned.load()
    assert model.weights.shape == (len(learned.FEATURES),)
    assert 0.0 < model.threshold < 1.0
    assert 'data/qa_heldout3' not in model.provenance['sets'] and model.provenance['commit']


@pytest.mark.parametrize('content, says', [
    (None, 'not found'),
    ('{"features": [', 'unreadable'),
    (json.dumps({'features': ['meaning'], 'weights': [1.0]}), 'other features'),
    (json.dumps({'features': list(learned.FEATURES), 'weights': [1.0], 'bias': 0, 'mean': [0.0],
                 'std': [1.0], 'threshold': 0.5}), 'wrong lengths'),
    (json.dumps({'features': list(learned.FEATURES), 'bias': 0}), 'missing'),
])
def test_a_missing_or_corrupt_weights_file_says_what_is_wrong(tmp_path, content, says):
    path = tmp_path / 'weights.json'
    if content is not None:
        path.write_text(content)
    with pytest.raises(learned.WeightsError, match=says):
        learned.load(str(path))


def test_saved_weights_read_back(tmp_path):
    n = len(learned.FEATURES)
    model = learned.Model(np.arange(n) / n, -0.5, np.zeros(n), np.ones(n), 0.4, {'sets': ['data/qa']})
    learned.save(model, str(tmp_path / 'w.json'))
    back = learned.load(str(tmp_path / 'w.json'))
    assert np.allclose(back.weights, model.weights) and back.threshold == 0.4
    assert back.provenance == model.provenance


def test_fit_separates_what_the_features_separate():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 1] - 0.5 * x[:, 2] > 0).astype(float)
    model = learned.fit(x, y, np.ones(len(y)), l2=0.1)
    assert ((model.probabilities(x) > 0.5) == (y > 0)).mean() > 0.97
    assert model.weights[1] > 0 > model.weights[2] and abs(model.weights[0]) < model.weights[1] / 5


def _model(feature: str, weight: float, threshold: float = 0.5) -> learned.Model:
    """A model that reads one feature only."""
    n = len(learned.FEATURES)
    weights = np.zeros(n)
    weights[learned.FEATURES.index(feature)] = weight
    return learned.Model(weights, 0.0, np.zeros(n), np.ones(n), threshold)


def test_the_model_picks_against_the_hand_score_and_gives_a_probability():
    question = questions.read('What is the Young modulus of steel?', 'en')
    hand = [Candidate((0,), 3.0, 0.8, 0.9, fact=0.0), Candidate((1,), 2.0, 0.8, 0.6, fact=1.0)]
    ranked = learned.rerank(question, hand, _model('fact_raw', 3.0))
    assert [c.positions for c in ranked] == [(1,), (0,)]
    assert ranked[0].probability > 0.9 > 0.5 == ranked[1].probability


@pytest.mark.parametrize('question, feature', [
    ('How much does the bar stretch?', 'fact_value'),
    ('What is stress?', 'fact_open'),
    ('Why does the bar stretch?', 'fact_other'),
])
def test_the_fact_asked_is_read_apart_for_each_kind_of_question(question, feature):
    hand = [Candidate((0,), 3.0, 0.8, 0.9, fact=1.0), Candidate((1,), 2.0, 0.8, 0.6, fact=0.0)]
    rows = learned.features(questions.read(question, 'en'), hand)
    kinds = ('fact_value', 'fact_open', 'fact_other')
    given, none = (dict(zip(learned.FEATURES, row)) for row in rows)
    assert [k for k in kinds if given[k]] == [feature] and not any(none[k] for k in kinds)


WINDUP = ('Today we talk about the PID controller and its three actions.',
          "There's a trap with the integral, called integral windup.",
          'While the actuator is saturated, the integral keeps growing, and the output overshoots badly.',
          'The lab on PID tuning is in room C105.')


def test_a_candidate_is_labelled_by_the_answer_quoting_it():
    # The training's labels (bench/train_ranker.py) read Brain.quotes(): the sentence that names
    # the thing asked leads into the one that says what it is, and its answer says both.
    evidence = said('en', *WINDUP)
    brain = Brain(evidence, ranker='hand')
    answer = ' '.join(p.text for p in brain.ask('What is integral windup?', 'en') if not p.final)
    quotes = dict(zip((c.positions for c in brain.candidates), brain.quotes()))
    assert quotes[(1,)].endswith(f'{WINDUP[1]} {WINDUP[2]}') and 'saturated' not in WINDUP[1]
    assert 'room C105' not in quotes[(1,)] and 'room C105' in quotes[(3,)]
    # ... and the learned ranker reads that its answer adds a sentence.
    widened = dict(zip((c.positions for c in brain.candidates), brain.widening()))
    assert widened[(1,)] == 1 and widened[(2,)] == 0
    # The best candidate's is the answer itself: one path makes both.
    assert brain.quotes()[0] == answer


def test_the_learned_ranker_quotes_its_choice_and_declines_under_its_threshold():
    evidence = said('en', "Today we look at the stiffness of metals.",
                    "Young's modulus of steel is 210 gigapascals.")
    ask = "What is Young's modulus of steel?"
    learned_brain = Brain(evidence, ranker='learned', model=_model('fact_raw', 3.0))
    answer = ' '.join(p.text for p in learned_brain.ask(ask))
    assert '210' in answer
    # The same evidence, a model sure of nothing: declined, where the hand ranker answers.
    unsure = Brain(evidence, ranker='learned', model=_model('fact_raw', 3.0, threshold=0.99))
    assert list(unsure.ask(ask))[-1].declined
    assert '210' in ' '.join(p.text for p in Brain(evidence, ranker='hand').ask(ask))


def test_an_unknown_ranker_is_refused():
    with pytest.raises(ValueError, match='hand, learned'):
        Brain(said('en', 'Stress is force over area.'), ranker='neural')


@pytest.mark.timeout(900)  # it embeds data/qa's two lectures: minutes on a loaded 2-core machine
def test_training_runs_on_a_tiny_set(tmp_path):
    out = tmp_path / 'w.json'
    assert train_ranker.main(['--sets', 'qa', '--limit', '8', '--out', str(out)]) == 0
    model = learned.load(str(out))
    assert model.provenance['sets'] == ['data/qa'] and '--limit 8' in model.provenance['command']


def test_training_refuses_the_held_out_split():
    with pytest.raises(SystemExit):
        train_ranker.main(['--sets', 'qa_heldout3'])


@pytest.fixture(scope='module')
def circuits():
    """The developer set's English lecture on circuits, indexed with e5 as the QA bench does."""
    from milo_robot.bench.thinking import _qa

    return _qa('qa', lectures=('data/qa/lecture_en.txt',))[1]


def test_the_learned_ranker_quotes_what_the_law_says_where_the_hand_one_names_it(circuits):
    # data/qa's en-08: the hand ranker's best is the sentence that names the law ("The first one is
    # Kirchhoff's current law, often called KCL."), the shipped weights' the passage through the
    # sentence after it, which says what it says. Trained on every developer set: in-sample.
    ask = "What does Kirchhoff's current law say?"
    hand = ' '.join(p.text for p in Brain(circuits, ranker='hand').ask(ask, 'en'))
    learnt = ' '.join(p.text for p in Brain(circuits, ranker='learned').ask(ask, 'en'))
    assert 'KCL' in hand and 'sum of the currents' not in hand
    assert 'sum of the currents entering the node' in learnt
