# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A French question finds the English words of its cognates: "statistiques" is "statistics"."""

import pytest

from milo_robot.thinking.bilingual import translations
from milo_robot.thinking.words import content_stems


def stem_of(word: str) -> str:
    (one,) = content_stems(word)
    return one


@pytest.mark.parametrize('french, english', [
    ('statistiques', 'statistics'), ('électrique', 'electric'), ('dynamique', 'dynamic'),
    ('pente', 'slope'),  # the table of pairs still answers
])
def test_a_french_word_in_ique_is_its_english_cognate_in_ic(french, english):
    assert stem_of(english) in translations(stem_of(french))
    assert stem_of(french) in translations(stem_of(english))


@pytest.mark.parametrize('word', ['pique', 'basic', 'tic'])
def test_short_stems_have_no_cognate_made_up(word):
    # A cognate needs four letters before its ending: "piqu" and "tic" are too short to tell.
    assert translations(stem_of(word)) == set()


def test_a_question_finds_the_sentence_of_the_other_language_by_its_translated_words():
    # Without e5, the first cut of 30 candidates is made by words alone: the French question's
    # words must count translated, or the one English sentence with the answer is never scored.
    from milo_robot.record.lecture_record import Segment
    from milo_robot.thinking import question as questions
    from milo_robot.thinking.evidence import Evidence
    from milo_robot.thinking.rank import CANDIDATES, Ranker

    said = [f'Exercise {i} of the sheet is about the resistor colour code.' for i in range(2 * CANDIDATES)]
    said.append('Copper is about 120 gigapascals, steel about 210.')
    evidence = Evidence(None)
    evidence.add_segments([Segment(1 + i, 1, 5.0 * i, 5.0 * i + 4, None, None, text, 'en', 0.9, 'teacher',
                                   'whisper') for i, text in enumerate(said)], flush=True)
    asked = questions.read("Quel module d'Young pour le cuivre et l'acier ?", 'fr')
    best = Ranker(evidence).rank(asked)[0]
    assert best.positions == (len(said) - 1,), best
