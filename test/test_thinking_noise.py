# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A question heard as noise is not answered: Milo asks for it again (data/qa_noise)."""

import pytest

from milo_robot.record.lecture_record import Segment
from milo_robot.thinking import coverage
from milo_robot.thinking import question as questions
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.rank import Candidate

# What Whisper base heard of espeak-ng speaking a course question (data/qa_noise, verbatim), the
# question meant, and the teacher's sentences that answer it (data/qa_dev).
CASES = [
    ('fr', ["Il y a une relation très pratique entre la couleur et l'énergie : l'énergie d'un photon en "
            'électronvolts vaut environ 1240 divisé par la longueur d\'onde en nanomètres.'],
     "qu'elle veut rassurer l'énergie d'un photo à sa longue note.",
     "Quelle relation relie l'énergie d'un photon à sa longueur d'onde ?"),
    ('fr', ['Pour éviter qu\'une machine transmette ses vibrations au sol, on la pose sur des plots souples.',
            "Et la règle, c'est que l'isolation ne marche que si la fréquence d'excitation est supérieure à "
            'racine de deux fois la fréquence propre de la machine sur ses plots.'],
     "A qu'un condition vait plus ou plus, mais on aurait vraiment une machine de célébration.",
     'À quelle condition des plots souples isolent-ils vraiment une machine de ses vibrations ?'),
    ('en', ['Why do we put steel bars inside concrete?',
            'Concrete is strong in compression but weak in tension, so the steel bars carry the tension.'],
     'Why do build a spare metal rocket inside the conqueror?',
     'Why do builders put steel bars inside concrete?'),
]


def _evidence(language, said):
    evidence = Evidence()  # words only: the decision reads no embedding here
    evidence.add_segments([Segment(i + 1, 1, 5.0 * i, 5.0 * i + 4, None, None, text, language, 0.9,
                                   'teacher', 'whisper') for i, text in enumerate(said)], flush=True)
    return evidence


@pytest.mark.parametrize('language, said, heard, meant', CASES)
def test_a_question_heard_as_noise_is_declined_as_misheard(language, said, heard, meant):
    evidence = _evidence(language, said)
    best = Candidate((len(said) - 1,), 9.0, 0.9, fact=1.0)  # a strong candidate: only the words decide
    declined = coverage.decide(questions.read(heard, language), best, evidence)
    assert not declined.covered and declined.misheard, declined
    # The question meant, with the course's words, is answered.
    assert coverage.decide(questions.read(meant, language), best, evidence).covered


@pytest.mark.parametrize('language, said, question', [
    # A paraphrase describes its thing in everyday words, but keeps most of the course's.
    ('en', ['Stress is the force divided by the area that carries it.'],
     'What do we get when the force on a bar is divided by the area of the bar that carries it?'),
    ('fr', ["La contrainte, c'est la force divisée par la surface qui la porte."],
     "Qu'obtient-on quand on divise la force sur une barre par la surface de la barre qui la porte ?"),
])
def test_a_paraphrase_is_not_misheard(language, said, question):
    best = Candidate((0,), 9.0, 0.9, fact=1.0)
    assert coverage.decide(questions.read(question, language), best, _evidence(language, said)).covered
