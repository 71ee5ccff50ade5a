# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The term fix pass after recognition: a misheard rare term of the course put back, in English and
French, and common words, the course's own words and plain sentences left alone; without ROS."""

import os

import pytest
from tokenizers import Tokenizer

from milo_robot.hearing.engines import model_path
from milo_robot.hearing.term_fix import TermFixer, distance, rare
from milo_robot.hearing.vocabulary import gather

TERMS = ('Kirchhoff', 'farads', 'Thévenin', 'Dijkstra', 'ssthresh', 'Poiseuille', 'voltage', 'OSPF')


@pytest.fixture(scope='module')
def pieces():
    tokenizer = Tokenizer.from_file(os.path.join(model_path('whisper', ''), 'tokenizer.json'))
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)


def test_a_misheard_term_is_put_back_in_english(pieces):
    fixer = TermFixer(TERMS, 'en', pieces, known=('capacitance', 'unit'))
    text, fixes = fixer.fix('The unit of capacitance is the ferret.')
    assert text == 'The unit of capacitance is the farad.'  # the singular, as heard
    assert [(f.heard, f.term) for f in fixes] == [('ferret', 'farad')]
    text, _ = fixer.fix("Routers compute their shortest paths with Dakesdor's algorithm.")
    assert text == "Routers compute their shortest paths with Dijkstra's algorithm."
    text, fixes = fixer.fix('TCP sets SS thresh to that value.')  # two heard words, one term
    assert text == 'TCP sets ssthresh to that value.' and fixes[0].heard == 'SS thresh'
    # Whisper's own mishearing in the course_terms benchmark: a stop word ends the heard term.
    assert fixer.fix('A Thavin in equivalent replaces the network.')[0] == \
        'A Thévenin equivalent replaces the network.'


def test_a_misheard_term_is_put_back_in_french(pieces):
    fixer = TermFixer(TERMS, 'fr', pieces)
    assert fixer.fix("L'unité de capacité est le pharade.")[0] == "L'unité de capacité est le farad."
    assert fixer.fix('La loi de Poisseuil donne le débit.')[0] == 'La loi de Poiseuille donne le débit.'
    assert fixer.fix('Le théorème de Tévenin remplace le réseau.')[0] == \
        'Le théorème de Thévenin remplace le réseau.'


def test_common_words_and_the_courses_own_words_are_left_alone(pieces):
    fixer = TermFixer(TERMS, 'en', pieces)
    plain = ('Today we continue our study of electrical circuits. The voltage across a resistor equals '
             'the current times the resistance. Next week we will look at transistors.')
    assert fixer.fix(plain) == (plain, [])
    # "ferret" is a word of these notes: the course says it, it is no misheard "farad".
    assert fixer.fix('the ferret')[0] == 'the farad'
    assert TermFixer(TERMS, 'en', pieces, known=('ferret',)).fix('the ferret') == ('the ferret', [])
    french = "Un condensateur stocke de l'énergie dans le champ électrique entre ses deux armatures."
    assert TermFixer(TERMS, 'fr', pieces).fix(french) == (french, [])


def test_only_rare_terms_are_put_back(pieces):
    assert rare('Kirchhoff', pieces) and rare('OSPF', pieces) and rare('ssthresh', pieces)
    assert not rare('voltage', pieces)  # one token: Whisper writes it already
    fixer = TermFixer(TERMS, 'en', pieces)
    assert 'voltage' not in fixer.terms
    assert fixer.fix('the voltish drop')[0] == 'the voltish drop'


def test_sounds_alike_costs_less_than_sounds_different():
    assert distance(('f', 'ɛ', 'ɹ', 'ɪ', 't'), ('f', 'æ', 'ɹ', 'æ', 'd')) < 0.25  # ferret, farad
    assert distance(('k', 'æ', 't'), ('f', 'æ', 'ɹ', 'æ', 'd')) > 0.5  # cat, farad


def test_the_vocabulary_knows_its_notes_words(tmp_path, pieces):
    (tmp_path / 'Circuits').mkdir()
    (tmp_path / 'Circuits' / 'notes.md').write_text(
        '# Circuits\n\nCapacitance is measured in **farads**; a ferret is an animal.\n')
    vocabulary = gather('Circuits', str(tmp_path), count_tokens=pieces)
    assert {'farads', 'ferret', 'capacitance'} <= vocabulary.known['en']
    fixer = TermFixer(vocabulary.words('en'), 'en', pieces, vocabulary.known['en'])
    assert fixer.fix('the ferret') == ('the ferret', [])
