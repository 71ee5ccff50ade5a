# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Laws of powers, counts, values in the teacher's units, a target said as a symbol (no ROS)."""

import pytest
from test_compute import lecture

from milo_robot.record.lecture_record import Segment
from milo_robot.thinking import question as questions
from milo_robot.thinking.answer import Brain
from milo_robot.thinking.compute import quantities, scaling
from milo_robot.thinking.compute.solve import Computer

DRAG = ['The drag force is one half times the air density times the drag coefficient times the frontal '
        'area times the speed squared.',
        'A modern car has a drag coefficient around 0.3.']
FANS = ['Dernier point, les ventilateurs.',
        'Autrement dit, la puissance varie comme le cube de la vitesse.']


def said(brain, question, language):
    parts = list(brain.ask(question, language))
    return parts[-1], ' '.join(p.text for p in parts if not p.final)


def test_a_formula_that_is_a_product_of_powers_scales_the_value_the_question_gives():
    final, text = said(Brain(lecture(DRAG)), 'A car feels 300 newtons of drag at 60 kilometres per hour; '
                       'how much drag does it feel at 120 kilometres per hour?', 'en')
    assert final.kind == 'compute' and '300 newtons becomes 1200 newtons' in text, text
    assert text.startswith('The teacher said: "The drag force is one half')


def test_a_law_said_in_words_scales_by_the_change_a_word_gives():
    final, text = said(Brain(lecture(FANS)), 'Un ventilateur consomme 400 watts : combien consommera-t-il '
                       'si on double sa vitesse de rotation ?', 'fr')
    assert final.kind == 'compute' and '400 watts devient 3200 watts' in text, text
    laws = scaling.Laws(Computer(lecture(FANS))).all()
    assert [(sorted(law.what), sorted(law.of), law.power) for law in laws] == [(['puissanc'], ['vites'], 3.0)]


@pytest.mark.parametrize('text, power', [
    ('The current is proportional to the voltage.', 1.0),
    ('The intensity is proportional to the square of the pressure, and so on.', 2.0),
    ('Le temps de vidange est inversement proportionnel au débit.', -1.0),
])
def test_laws_said_in_words_are_read_with_their_power(text, power):
    assert [law.power for law in scaling.Laws(Computer(lecture([text]))).all()] == [power]


@pytest.mark.parametrize('question', [
    # the two speeds are as near the drag as each other: which one it was measured at is not said
    'At 60 kilometres per hour a car feels 300 newtons of drag; at 120 kilometres per hour, how much?',
    # the number of people changes nothing the law names
    'A car feels 300 newtons of drag with 2 people on board; how much with 4 people on board?',
    # no word says what doubles
    'A car feels 300 newtons of drag; how much does it feel when it doubles?',
])
def test_a_change_the_question_does_not_tie_to_the_law_is_not_scaled(question):
    assert scaling.scale(questions.read(question, 'en'), scaling.Laws(Computer(lecture(DRAG)))) is None


def test_counts_bind_to_a_formula_of_counts_and_not_to_one_with_units():
    pallets = ['In pallet racking, the number of pallet positions is the number of bays times the number of '
               'levels times the pallets per level.']
    final, text = said(Brain(lecture(pallets)), 'How many pallet positions does a rack with 12 bays, '
                       '6 levels '
                       'and 3 pallets per level have?', 'en')
    assert final.kind == 'compute' and 'that gives 216.' in text, text
    # "the average inventory value" is named by "an average inventory of", without "value"
    turnover = ['The inventory turnover is the annual cost of goods sold divided by the average '
                'inventory value.']
    final, text = said(Brain(lecture(turnover)), 'What is the inventory turnover of a company that sells 2.6 '
                       'million euros of goods a year with an average inventory of 400,000 euros?', 'en')
    assert final.kind == 'compute' and 'that gives 6.5.' in text, text


def test_a_count_said_with_times_is_a_value_of_another_example():
    lines = ['If you sell 5 million euros of goods in a year with 1 million of stock on average, the stock '
             'turns 5 times a year.']
    final, _ = said(Brain(lecture(lines)), 'How many days of stock does a warehouse hold if its inventory '
                    'turns 8 times a year?', 'en')
    assert final.declined


def test_neuf_after_a_noun_is_new_not_nine():
    read = lambda text: [q.value for q in quantities.read(text, 'fr')]  # noqa: E731
    assert read("Quel débit d'air neuf faut-il pour 14 personnes ?") == [14]
    assert read('un moteur neuf consomme neuf watts') == [9]
    assert read('on obtient neuf.') == read('trois fois neuf')[1:] == read('on compte neuf personnes') == [9]


def test_the_verb_of_choosing_a_value_names_nothing_the_class_must_have_said():
    lines = ["Aujourd'hui, le photovoltaïque, et surtout le dimensionnement d'une installation solaire.",
             "Le ratio de performance, on le prend à 0,8 en général, ça regroupe les pertes de l'onduleur."]
    question = ('Quel ratio de performance le professeur a-t-il dit de prendre pour une installation '
                'photovoltaïque ?')
    brain = Brain(lecture(lines))
    said(brain, question, 'fr')
    assert 'prendr' not in brain.last[2].reason  # was "a term never said: prendr"
    assert questions.read(question, 'fr').wants == 'value'  # not a yes or no for its "a-t-il"


def test_a_price_per_unit_is_computed_with_the_numbers_in_the_teacher_s_units():
    lines = ["Côté argent, l'économie annuelle, c'est l'énergie autoconsommée fois le prix du kilowattheure, "
             "et on prendra 0,25 euro le kilowattheure."]
    computer = Computer(lecture(lines))
    result = computer.compute(questions.read('Quelle économie fait-on par an si on autoconsomme 3200 '
                                             'kilowattheures produits par ses panneaux ?', 'fr'))
    # 3200 kWh in joules times 0,25 said 2 880 000 000: the price is per kilowatt hour
    assert result.value == pytest.approx(800) and result.dim is None
    # the energy in a unit the teacher did not price: no answer
    assert computer.compute(questions.read("Quelle économie fait-on par an si on autoconsomme 11,5 "
                                           "gigajoules produits par ses panneaux ?", 'fr')) is None


def test_a_target_said_as_a_symbol_is_named_by_the_sentence_before():
    lines = ['The classic answer is the Wilson formula, the economic order quantity.',
             'Q star equals the square root of 2 D S over H, where D is the annual demand, S the cost of '
             'placing one order and H the holding cost per unit per year.']
    final, text = said(Brain(lecture(lines)), 'What is the economic order quantity for an annual demand of '
                       '9000 units, an ordering cost of 50 euros and a holding cost of 5 euros per unit per '
                       'year?', 'en')
    assert final.kind == 'compute' and 'that gives 424.' in text, text


def test_laws_are_read_once_as_the_lecture_grows():
    evidence = lecture(DRAG)
    laws = scaling.Laws(Computer(evidence))
    before = laws.all()
    assert {law.power for law in before} == {1.0, 2.0}  # the drag formula's symbols
    evidence.add_segments([Segment(9, 1, 90.0, 98.0, None, None, FANS[1], 'fr', 0.9, 'teacher', 'text')],
                          flush=True)
    after = laws.all()
    assert after[:-1] == before and after[-1].power == 3.0 and laws.all() == after  # nothing read twice
