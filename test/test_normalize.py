# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Text normalisation for speech, in English and French (no models)."""

import pytest

from milo_robot.speaking.normalize import MAX_CHUNK, cut_head, lead_clause, normalize, sentences, strip_markup


@pytest.mark.parametrize('text, language, spoken', [
    ('A current of 3 A flows.', 'en', 'A current of three amperes flows.'),
    ('Un courant de 3 A circule.', 'fr', 'Un courant de trois ampères circule.'),
    ('1 V and 2.5 V', 'en', 'one volt and two point five volts'),
    ('1,5 V et 2 V', 'fr', 'un virgule cinq volt et deux volts'),
    ('At 10:32 the teacher said', 'en', 'At ten thirty-two the teacher said'),
    ('À 10h32 le professeur a dit', 'fr', 'À dix heures trente-deux le professeur a dit'),
    ('at 9:05 and 14:00', 'en', "at nine oh five and fourteen o'clock"),
    ('25 °C, 50% and 12 kΩ', 'en', 'twenty-five degrees Celsius, fifty percent and twelve kilohms'),
    ('25 °C, 50 % et 12 kΩ', 'fr', 'vingt-cinq degrés Celsius, cinquante pour cent et douze kilohms'),
    ('U = R × I', 'en', 'U equals R times I'),
    ('U = R × I', 'fr', 'U égale R fois I'),
    ('e.g. the 1st case, etc.', 'en', 'for example the first case, et cetera'),
    ('p. ex. le 1er cas, M. Dupont', 'fr', 'par exemple le premier cas, Monsieur Dupont'),
    ('1,000 W', 'en', 'one thousand watts'),
    ('-4 °C', 'en', 'minus four degrees Celsius'),
    ('La pression vaut 10 kPa.', 'fr', 'La pression vaut dix kilopascals.'),
    ('300 000 km/s, 3 000 tr/min, 2 m/s', 'fr',
     'trois cent mille kilomètres par seconde, trois mille tours par minute, deux mètres par seconde'),
    ('2 Go, 1,2 GHz, 2,5 mm², 60 dB', 'fr',
     'deux gigaoctets, un virgule deux gigahertz, deux virgule cinq millimètres carrés, soixante décibels'),
    ('10 kPa at 3 m/s', 'en', 'ten kilopascals at three metres per second'),
    ('π vaut 3,14 et x = 0,05', 'fr', 'pi vaut trois virgule quatorze et x égale zéro virgule zéro cinq'),
    ('-2,5 V', 'fr', 'moins deux virgule cinq volts'),
    ('De 1,5 kW à 1 W, de 1 A, de une à deux, le code unique', 'fr',
     "D'un virgule cinq kilowatt à un watt, d'un ampère, d'une à deux, le code unique"),
    ('π ≈ 3,14159', 'fr', 'pi environ trois virgule un quatre un cinq neuf'),
    ('Le protocole TCP, pas UDP.', 'fr', 'Le protocole té cé pé, pas u dé pé.'),
    ("Une clé USB-C sur le PC de l'IUT", 'fr', "Une clé u èss bé cé sur le pé cé de l'i u té"),
    ('La NASA, la RAM, Louis XIV, le XIXe siècle', 'fr', 'La Nasa, la Ram, Louis XIV, le XIXe siècle'),
    ("2 Go de RAM et une IRM", 'fr', 'deux gigaoctets de Ram et une i èr èm'),
    ('The TCP protocol', 'en', 'The TCP protocol'),
])
def test_numbers_units_times_symbols_abbreviations(text, language, spoken):
    assert normalize(text, language) == spoken


def test_markup_emoji_sources_and_control_characters_are_removed():
    text = ('## Ohm\n**Voltage** is `U` 🙂 [source: lecture 10:32] see [the notes](http://x/y)\x07'
            '\u200d <ref>')
    assert strip_markup(text) == 'Ohm Voltage is U see the notes'
    assert normalize('- item one\n- item two', 'en') == 'item one item two'


def test_other_languages_use_english_rules():
    assert normalize('3 A', 'de') == 'three amperes'


def test_sentences_split_and_long_text_is_chunked():
    assert sentences('One. Two! Three?') == ['One.', 'Two!', 'Three?']
    long_text = normalize('word, ' * 2000, 'en')  # 12,000 characters
    parts = sentences(long_text)
    assert all(0 < len(p) <= MAX_CHUNK for p in parts)
    assert ' '.join(parts).split() == long_text.split()  # nothing lost or added
    assert sentences(normalize('🙂 **', 'en')) == []


def test_comparisons_and_english_decimal_commas_survive():
    assert normalize('x < 3 and y > 4', 'en') == 'x less than three and y greater than four'
    assert normalize('1,5 V', 'en') == 'one point five volts'


def test_the_first_clause_is_spoken_on_its_own_and_the_rest_stays_whole():
    intro = lead_clause(sentences('The teacher said, just now: If we double the voltage, the current '
                                  'doubles too. That is Ohm\'s law.'))
    assert intro == ['The teacher said, just now:', 'If we double the voltage, the current doubles too.',
                     "That is Ohm's law."]
    assert lead_clause(['If we double the voltage across the resistor, the current doubles too.']) == \
        ['If we double the voltage across the resistor,', 'the current doubles too.']
    # Too short a clause is no piece of its own; a sentence without a pause is left whole.
    assert lead_clause(['So, the current doubles.']) == ['So, the current doubles.']
    assert lead_clause(['Good morning.', 'Sit down.']) == ['Good morning.', 'Sit down.']
    assert lead_clause([]) == []


def test_a_long_first_clause_is_cut_where_a_french_phrase_can_end():
    piece = normalize('La pression dans le réservoir atteint 10 kPa à 25 °C.', 'fr')
    assert cut_head(piece, 4) == ['La pression', 'dans le réservoir atteint dix kilopascals à vingt-cinq '
                                  'degrés Celsius.']  # not after "dans" nor "le"
    assert cut_head(piece, 6)[0] == 'La pression dans le réservoir atteint'
    # Not inside a number and its unit, an elision, a spelled acronym, nor before a participle.
    assert cut_head(normalize('Le moteur fournit une puissance de 1,5 kW.', 'fr'), 6)[0] == \
        'Le moteur fournit une puissance'  # not after "d'un"
    assert cut_head(normalize('Le protocole HTTP repose sur TCP.', 'fr'), 4)[0] == 'Le protocole'
    assert cut_head(normalize('La NASA a lancé cette sonde en 2021.', 'fr'), 4)[0] == 'La Nasa a lancé'
    assert cut_head('Le rendement du transformateur atteint quatre-vingt-quinze pour cent.', 6)[0] == \
        'Le rendement du transformateur atteint'
    # Short pieces, and pieces with no place to cut within the bound, stay whole.
    assert cut_head('Dans ce circuit,', 4) == ['Dans ce circuit,']
    assert cut_head('Une résistance de quatre virgule sept', 1) == ['Une résistance de quatre virgule sept']
    assert cut_head('Le la de du à et', 4) == ['Le la de du à et']
