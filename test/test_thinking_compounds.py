# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A word written with a hyphen is one term: "the p-value" is not said by a class that said "p"
and "value" apart, nor "the make-up quiz" by one that said "make" and "quiz"."""

import pytest
from test_thinking_forms import decide

from milo_robot.thinking import coverage


@pytest.mark.parametrize('language, sentences, question', [
    ('en', ['Ninety-five percent of the values are below z equals 1.645.', 'A hypothesis is a guess to test.',
            'The p of the test is the probability of the value.'],
     'How do you compute the p-value of a hypothesis test?'),
    ('en', ["There's a short quiz on kinematics next Friday.", 'Make sure you are up to date.'],
     'When is the make-up quiz for kinematics?'),
    ('fr', ['Le circuit est court, et le courant est fort.'], 'Que provoque un court-circuit ?'),
])
def test_a_compound_never_said_is_declined_though_its_parts_were(language, sentences, question):
    decision = decide(language, sentences, question)
    assert not decision.covered and decision.reason.startswith('a compound never said'), decision


@pytest.mark.parametrize('language, sentences, question', [
    ('en', ['The z-score tells you how many standard deviations you are from the mean.'],
     'What does the z-score tell you?'),
    ('en', ['The z score tells you how many standard deviations you are from the mean.'],
     'What does the z-score tell you?'),
    ('en', ['A pvalue under 0.05 is significant.'], 'When is a p-value significant?'),
    ('fr', ['Le court-circuit fait fondre le fusible.'], 'Que fait un court-circuit ?'),
])
def test_a_compound_said_with_a_hyphen_a_space_or_as_one_word_is_said(language, sentences, question):
    assert decide(language, sentences, question).covered


@pytest.mark.parametrize('question', ['What makes a copper-bottomed pan heat so well?',
                                      'Why does a make-up quiz exist?'])
def test_a_why_question_or_a_participle_compound_is_left_to_the_other_rules(question):
    decision = decide('en', ['Copper is about 400 watts per metre per kelvin, which is why good saucepans '
                             'have a copper base.', 'The quiz is on Friday, make sure you come.'], question)
    assert not decision.reason.startswith('a compound never said'), decision


def test_french_verbs_with_their_pronoun_names_and_participles_are_no_compounds():
    assert coverage._compounds("Peut-on le calculer, et que dit-il ? Qu'est-ce que c'est ?") == []
    assert coverage._compounds('What is the Ziegler-Nichols method for a 12-volt motor?') == []
    assert coverage._compounds('How is the back-EMF of the op-amp read?') == ['back-emf', 'op-amp']
    assert coverage._compounds('Is a copper-bottomed pan long-lasting?') == []
