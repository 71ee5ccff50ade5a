# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The faithfulness check of answers and summaries, in English and French (no ROS, no model)."""

import pytest

from milo_robot.thinking.faithfulness import (
    Claim,
    FaithfulnessInputError,
    Support,
    check,
    claims,
)

OHM = ['Suppose a current of 3 amperes flows through a resistor of 4 ohms.',
       '4 ohms times 3 amperes gives 12 volts: U equals R times I, which is Ohm\'s law.']
OHM_FR = ['Un courant de 3 ampères traverse une résistance de 4 ohms.',
          '4 ohms fois 3 ampères donnent 12 volts : U égale R fois I, c\'est la loi d\'Ohm.']
# The passages of a real demo run, whose answer said the capacitor "takes 1,000 ohms with 100
# microfarads to charge fully".
CHARGE = ['After five time constants, we consider it fully charged.',
          'one thousand ohms with one hundred microfarads give a time constant of one tenth of a second']
CHARGE_FR = ['Après cinq constantes de temps, on considère que le condensateur est complètement chargé.',
             'mille ohms avec cent microfarads donnent une constante de temps d\'un dixième de seconde']


PHASE = 'à la fréquence de coupure, la phase vaut 45°'


def supported(sentence, passages, question='', language='en'):
    return check(sentence, passages, question, language).supported


@pytest.mark.parametrize('sentence, passages, language', [
    ('The voltage is 12 volts.', ['4 ohms times 3 amperes gives 12 volts'], 'en'),
    ('La tension vaut 12 volts.', ['4 ohms fois 3 ampères donnent 12 volts'], 'fr'),
])
def test_a_correct_answer_passes_and_a_wrong_number_or_unit_fails(sentence, passages, language):
    assert supported(sentence, passages, language=language)
    assert not supported(sentence.replace('12', '13'), passages, language=language)
    assert not supported(sentence.replace('volts', 'ohms'), passages, language=language)


def test_the_demo_answer_fails_because_ohms_and_microfarads_are_no_duration():
    passages = CHARGE + ['The capacitor is charged through the resistor.']
    verdict = check('The capacitor takes 1,000 ohms with 100 microfarads to charge fully.', passages)
    assert not verdict.supported
    assert [(c.text, c.measures, reason) for c, reason in zip(verdict.unsupported, verdict.reasons)] == [
        ('1,000 ohms', 'time', 'not a time'), ('100 microfarads', 'time', 'not a time')]
    # The same numbers are fine where the sentence does not make them a duration.
    assert supported('The capacitor has 1,000 ohms with 100 microfarads.', passages)


def test_the_demo_answer_fails_in_french_too():
    passages = CHARGE_FR
    answer = 'Le condensateur met 1000 ohms avec 100 microfarads à se charger.'
    verdict = check(answer, passages, language='fr')
    assert [(c.text, reason) for c, reason in zip(verdict.unsupported, verdict.reasons)] == [
        ('1000 ohms', 'not a time'), ('100 microfarads', 'not a time')]
    assert supported('Il est complètement chargé après cinq constantes de temps.', passages, language='fr')
    assert not supported('Il faut 3 secondes pour le charger.', passages, language='fr')


# The passages and the follow-up of a real demo run, whose answer said that "the resistance is
# multiplied by 2" when the voltage doubles.
OHM_LAW = ['The voltage across a resistor equals its resistance times the current through it.',
           'For example, two amperes through a resistor of 5 ohms give 10 volts.',
           'So if we double the voltage across the same resistor, the current doubles too.']
DOUBLES = 'What happens to the current when the voltage across a resistor doubles? Why does it double then?'


def test_the_demo_follow_up_fails_on_a_change_the_teacher_never_stated():
    answer = ('When the voltage doubles, the resistance is multiplied by 2, and the current is '
              'multiplied by 2 as well.')
    verdict = check(answer, OHM_LAW, DOUBLES)
    assert [(c.kind, c.text, c.measures, c.value, reason) for c, reason in
            zip(verdict.unsupported, verdict.reasons)] == [
        ('change', 'resistance is multiplied by 2', 'resistance', 2.0, 'change not in the passages')]
    assert supported('When the voltage doubles, the current is multiplied by two as well.', OHM_LAW, DOUBLES)
    assert not supported('When the voltage doubles, the current is halved.', OHM_LAW, DOUBLES)
    assert supported('The resistance does not double.', OHM_LAW, DOUBLES)  # denied: no change claimed


@pytest.mark.parametrize('sentence, ok', [
    ('Si la tension double, le courant double aussi.', True),  # proportional, the same factor
    ('Le courant est multiplié par deux.', True),
    ('Le courant augmente.', True),  # a rise without its factor
    ('Le courant diminue.', False),
    ('La résistance double.', False),
    ('Si on double la résistance, le courant est divisé par deux.', False),  # never said
])
def test_french_changes_follow_from_what_is_proportional(sentence, ok):
    passages = ['Pour une résistance donnée, le courant est proportionnel à la tension.']
    assert supported(sentence, passages, 'Que se passe-t-il si la tension double ?', 'fr') == ok


def test_inverse_proportions_and_changes_without_a_factor():
    passages = ['The period is inversely proportional to the frequency.',
                'When the temperature rises, the resistance of a metal increases.']
    question = 'What if the frequency doubles?'
    assert supported('The period is halved.', passages, question)
    assert supported('The period decreases.', passages, question)
    assert not supported('The period doubles.', passages, question)
    assert supported('Heating the wire increases its resistance.', passages)
    assert not supported('Heating the wire reduces the resistance.', passages)


def test_a_computation_is_no_change():
    passages = ['With 20 volts across 10 ohms, the current is 20 divided by 10, so 2 amperes.']
    assert 'change' not in [c.kind for c in claims('The current is 20 divided by 10, so 2 amperes.', 'en')]
    assert supported('The current is 20 divided by 10, so 2 amperes.', passages)


@pytest.mark.parametrize('passages, language, sentence, ok', [
    (CHARGE, 'en', 'It takes 3 seconds to charge fully.', False),
    (CHARGE, 'en', 'After five time constants, it is fully charged.', True),
    (CHARGE, 'en', 'After six time constants, it is fully charged.', False),
    (CHARGE, 'en', 'It takes about 0.5 seconds to charge fully.', True),  # 5 × 0.1 s
    (CHARGE, 'en', 'It takes half a second to charge fully.', True),
    (CHARGE_FR, 'fr', 'Il faut environ 0,5 seconde pour le charger complètement.', True),
    (CHARGE_FR, 'fr', 'Il faut environ 0,6 seconde pour le charger complètement.', False),
])
def test_durations_must_be_stated_or_computed(passages, language, sentence, ok):
    assert supported(sentence, passages, language=language) is ok


def test_a_computed_number_passes_and_says_how():
    verdict = check('The power is 36 watts.', ['The supply gives 12 volts.', 'The current is 3 amperes.'])
    assert verdict.supported and verdict.computed == ('12 volts × 3 amperes = 36 watts',)
    french = check('La puissance vaut 36 watts.', ['La tension est de 12 volts et le courant de 3 ampères.'],
                   language='fr')
    assert french.supported and french.computed == ('12 volts × 3 ampères = 36 watts',)


@pytest.mark.parametrize('sentence, language', [('The power is 48 watts.', 'en'),
                                                ('La puissance vaut 48 watts.', 'fr')])
def test_a_wrong_computation_fails_even_when_the_arithmetic_works(sentence, language):
    # 4 ohms × 12 volts is 48, but not watts: computed numbers must have the claimed unit.
    passages = (OHM if language == 'en' else OHM_FR) + ['P = U × I']
    verdict = check(sentence, passages, language=language)
    assert not verdict.supported
    assert verdict.unsupported == (Claim('number', '48 watts', 48.0, 'W', 'power'),)
    assert verdict.reasons == ('number not in the passages',)
    assert supported(sentence.replace('48', '36'), passages, language=language)


@pytest.mark.parametrize('sentence, passage, language, ok', [
    ('The voltage is twelve volts.', 'U = 12 V', 'en', True),
    ('The voltage is twenty volts.', 'U = 12 V', 'en', False),
    ('It is 12 V.', 'it gives twelve volts', 'en', True),
    ('La tension vaut douze volts.', 'U = 12 V', 'fr', True),
    ('Il est chargé à soixante-trois pour cent.', 'chargé à 63 %', 'fr', True),
    ('Il est chargé à soixante-deux pour cent.', 'chargé à 63 %', 'fr', False),
    ('It stores one hundred and fifty microjoules.', 'it stores 150 µJ', 'en', True),
    ('It cuts at 1,600 hertz.', 'environ 1,6 kilohertz', 'en', True),
    ('It cuts at 1,700 hertz.', 'environ 1,6 kilohertz', 'en', False),
    ('It cuts at 1.59 kHz.', 'about 1592 hertz', 'en', True),  # rounded to the digits shown
    ('It cuts at 1.5 kHz.', 'about 1592 hertz', 'en', False),
])
def test_number_words_digits_and_prefixes_meet(sentence, passage, language, ok):
    assert supported(sentence, [passage], language=language) is ok


@pytest.mark.parametrize('sentence, ok', [
    ('La constante de temps vaut 0,1 seconde.', True),
    ('La constante de temps vaut 100 millisecondes.', True),
    ('La constante de temps vaut 0,2 seconde.', False),
    ('La constante de temps vaut 0,1 ohm.', False),
])
@pytest.mark.parametrize('passage', ["un dixième de seconde", 'tau = 0.1 s'])
def test_french_decimal_comma(sentence, ok, passage):
    assert supported(sentence, [passage], language='fr') is ok


def test_a_thousands_comma_is_a_thousand_in_english_and_either_reading_in_french():
    assert claims('1,000 ohms', 'en')[0].value == 1000.0
    assert claims('1,000 ohms', 'fr')[0].value == 1.0
    assert supported('La résistance vaut 1,000 ohms.', ['une résistance de mille ohms'], language='fr')


@pytest.mark.parametrize('sentence, passages, language, ok', [
    ("This is Faraday's law.", OHM, 'en', False),
    ("This is Ohm's law.", OHM, 'en', True),
    ("C'est la loi de Faraday.", OHM_FR, 'fr', False),
    ("C'est la loi d'Ohm.", OHM_FR, 'fr', True),
    ("C'est la loi d'Ohm.", OHM, 'fr', True),  # across languages: the name is the same
    ('The inductance opposes the current.', OHM, 'en', False),  # a technical term OHM never names
    ('Le condensateur se charge.', ['The capacitor charges.'], 'fr', True),  # its translation
])
def test_named_terms_must_be_in_the_passages(sentence, passages, language, ok):
    assert supported(sentence, passages, language=language) is ok


@pytest.mark.parametrize('sentence, language, ok', [
    ('Ohm says U = R × I.', 'en', True),
    ('Ohm says U = RI.', 'en', True),
    ('Ohm says I = U / R.', 'en', True),
    ('The voltage equals the resistance times the current.', 'en', True),
    ('Ohm says U = R / I.', 'en', False),
    ('Ohm says U = R × I².', 'en', False),
    ("D'après Ohm, U égale R fois I.", 'fr', True),
    ("D'après Ohm, I égale U divisé par R.", 'fr', True),
    ("D'après Ohm, I égale U fois R.", 'fr', False),
])
def test_a_formula_passes_in_any_of_its_forms(sentence, language, ok):
    verdict = check(sentence, ['Ohm: U equals R times I.'], language=language)
    assert verdict.supported is ok
    assert [c.kind for c in verdict.unsupported] == ([] if ok else ['formula'])


def test_formulas_with_constants_and_powers():
    energy = ['the energy is one half times C times U squared']
    assert supported('E = ½ C U².', energy)
    assert supported('E = 1/2 C U^2.', energy)
    assert not supported('E = C U².', energy)
    cut_off = ['f égale 1 divisé par 2 pi R C']
    assert supported('f = 1 / (2π R C).', cut_off, language='fr')
    assert not supported('f = 1 / (R C).', cut_off, language='fr')


def test_a_french_answer_with_english_units_is_checked():
    assert supported('La tension vaut 12 volts, car 4 ohms fois 3 amperes donnent 12 volts.', OHM_FR,
                     language='fr')
    assert supported('La puissance vaut 36 watts.', ['12 V et 3 A'], language='fr')
    verdict = check('La tension vaut 12 amperes.', OHM_FR, language='fr')
    assert not verdict.supported and verdict.reasons == ('not a voltage',)


@pytest.mark.parametrize('sentence, passage, language, ok', [
    ('The voltage is 12 volts.', '12 V and 12 Ω', 'en', True),
    ('The voltage is 12 ohms.', '12 V and 12 Ω', 'en', False),
    ('The voltage across the resistance is 12 volts.', '12 V and 12 Ω', 'en', True),  # not a resistance
    ('It charges to 5 volts.', 'charged to 5 volts', 'en', True),  # a verb, not the charge
    ('La phase à la fréquence de coupure vaut 45 degrés.', PHASE, 'fr', True),
    ('La fréquence de coupure vaut 45 degrés.', PHASE, 'fr', False),
])
def test_a_number_must_measure_what_the_sentence_says(sentence, passage, language, ok):
    assert supported(sentence, [passage], language=language) is ok


def test_numbers_from_the_question_are_supported_and_computed_with():
    rule = ['The power P equals U times I.']
    question = 'What is the power with 230 volts and 2 amperes?'
    assert supported('With 230 volts and 2 amperes, the power is 460 watts.', rule, question)
    assert not supported('With 230 volts and 2 amperes, the power is 460 watts.', rule)
    assert not supported('The power is 470 watts.', rule, question)
    question_fr = 'Quelle puissance avec 230 volts et 2 ampères ?'
    assert supported('La puissance vaut 460 watts.', rule, question_fr, 'fr')


@pytest.mark.parametrize('sentence, language', [
    ("I'm not sure, one of you should ask the teacher.", 'en'),
    ('Yes, the second one is right.', 'en'),
    ("Je ne suis pas sûr, l'un de vous peut demander : les deux sont possibles.", 'fr'),
    ('', 'en'),
])
def test_a_sentence_without_claims_passes(sentence, language):
    assert claims(sentence, language) == []
    assert supported(sentence, OHM, language=language)


def test_claims_are_read_in_order_with_value_unit_and_measure():
    assert claims('The voltage across it is 12 V, so U = R × I gives 3 A with 4 Ω.', 'en') == [
        Claim('term', 'voltage'), Claim('number', '12 V', 12.0, 'V'), Claim('formula', 'U = R × I'),
        Claim('number', '3 A', 3.0, 'A'), Claim('number', '4 Ω', 4.0, 'Ω')]
    assert claims('La tension vaut dix puissance moins trois volts.', 'fr') == [
        Claim('term', 'tension'), Claim('number', 'dix puissance moins trois volts', 0.001, 'V', 'voltage')]
    assert claims('It is measured in kilohms, says Kirchhoff.', 'en') == [
        Claim('unit', 'kilohms', None, 'kΩ'), Claim('term', 'Kirchhoff')]


def test_powers_of_ten_percentages_and_units_alone():
    assert supported('It is 10^-6 farads.', ['a capacitor of one microfarad'])
    assert supported('It is 1.5 × 10⁻³ farads.', ['a capacitor of 1,5 mF'])
    assert not supported('It is 10^-5 farads.', ['a capacitor of one microfarad'])
    assert supported('That is 6.3 volts.', ['charged to 63 percent of 10 volts'])  # 63 % of 10 V
    assert supported('It is measured in ohms.', ['R in Ω'])
    assert not supported('It is measured in henries.', ['R in Ω'])


def test_support_is_read_once_and_checks_many_sentences():
    support = Support(OHM)
    assert support.check('It gives 12 volts.').supported
    assert not support.check('It gives 13 volts.').supported
    assert support.check('Cela donne 12 volts.', 'Quelle tension ?', 'fr').supported


def test_bad_input_is_a_clear_value_error():
    with pytest.raises(FaithfulnessInputError, match='language'):
        check('12 V', OHM, language='de')
    with pytest.raises(FaithfulnessInputError, match='strings'):
        check(12, OHM)
    with pytest.raises(FaithfulnessInputError, match='sequence of strings'):
        Support('4 ohms times 3 amperes')
    with pytest.raises(ValueError):
        claims(None, 'en')
