# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Coverage: when the best sentences found do not answer, Milo declines (no model, no embedder)."""

import pytest

from milo_robot.record.lecture_record import Segment
from milo_robot.thinking import coverage
from milo_robot.thinking import question as questions
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.rank import Candidate

PID = ['The PID controller has three actions: proportional, integral and derivative.',
       'The proportional action multiplies the error by the gain K p.',
       'Example: with a gain K p of 2, a setpoint of 50 and a measurement of 45, the error is 5 and '
       'the output is 10.',
       'The derivative action reacts to the rate of change of the error, so it damps the loop.',
       'Too much gain and the loop oscillates: it becomes unstable.']
GEARS = ["Le module d'une roue dentée, c'est son diamètre primitif divisé par son nombre de dents.",
         'Exemple : une roue de 40 dents au module 2 a un diamètre primitif de 80 millimètres.',
         "Le rapport de réduction, c'est le nombre de dents de la roue sur celui du pignon.",
         'Un engrenage droit bien lubrifié a un rendement de 0,98 par étage.',
         "Les roues d'un engrenage doivent avoir le même module pour engrener."]


def course(sentences: list, language: str) -> Evidence:
    evidence = Evidence()  # words only: the rules below do not need the meaning
    evidence.add_segments([Segment(i + 1, 1, 6.0 * i, 6.0 * i + 5, None, None, text, language, 0.9,
                                   'teacher', 'whisper') for i, text in enumerate(sentences)], flush=True)
    return evidence


def strong(evidence: Evidence, sentence: str) -> Candidate:
    """A best candidate that every other rule accepts: high score, close in meaning."""
    position = next(i for i, s in enumerate(evidence.sentences) if s.text == sentence)
    return Candidate((position,), score=6.0, meaning=0.92, words=0.8, fact=1.0)


@pytest.mark.parametrize('sentences, language, example, question', [
    (PID, 'en', 2, 'A controller has a gain K p of 3, a setpoint of 60 and a measurement of 53. '
                   'What is its output?'),
    (GEARS, 'fr', 1, "Quel est le diamètre primitif d'une roue de 30 dents au module 3 ?"),
])
def test_an_example_with_other_values_does_not_answer_a_question_with_its_own(
        sentences, language, example, question):
    evidence = course(sentences, language)
    best = strong(evidence, sentences[example])
    decision = coverage.decide(questions.read(question, language), best, evidence)
    assert not decision.covered and decision.reason.startswith('the quote holds no'), decision
    same = sentences[example].replace('3', '2').replace('60', '50').replace('53', '45') \
        if language == 'en' else sentences[example]  # the question's own numbers: it answers
    asked = "Quel est le diamètre primitif d'une roue de 40 dents au module 2 ?" if language == 'fr' else \
        'A controller has a gain K p of 2, a setpoint of 50 and a measurement of 45. What is its output?'
    assert coverage.decide(questions.read(asked, language), strong(evidence, same), evidence).covered


@pytest.mark.parametrize('sentences, language, question, holds, misses', [
    (PID, 'en', 'What phase margin does a control loop need to be stable?', 4, 1),
    (GEARS, 'fr', "Pourquoi un engrenage bien lubrifié s'use-t-il moins vite ?", 3, 0),
])
def test_a_question_about_words_never_said_needs_a_quote_that_holds_the_rest(
        sentences, language, question, holds, misses):
    # "phase margin" and "s'user moins vite" were never said: only a quote that holds the question's
    # other words ("loop", "engrenage lubrifié") may answer it; one that holds none is declined.
    evidence = course(sentences, language)
    asked = questions.read(question, language)
    decision = coverage.decide(asked, strong(evidence, sentences[misses]), evidence)
    assert not decision.covered and decision.reason.startswith('never said'), decision
    assert coverage.decide(asked, strong(evidence, sentences[holds]), evidence).covered
