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
