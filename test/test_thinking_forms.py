# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A word the teacher said in another form is a word said: "isolent" / "isoler", "lubrifiés" /
"lubrifié", "measurement" / "measured". The declines of words never said compare roots."""

import pytest

from milo_robot.record.lecture_record import Segment
from milo_robot.thinking import coverage
from milo_robot.thinking import question as questions
from milo_robot.thinking.answer import Brain
from milo_robot.thinking.compute.quantities import named_dimension
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.facts import Facts
from milo_robot.thinking.rank import Candidate, Ranker
from milo_robot.thinking.words import content_stems, fold, root, stem


def said(language: str, *sentences) -> Evidence:
    """Evidence of one lecture of the teacher; words only (the decisions tested read no embedding)."""
    evidence = Evidence()
    for n, text in enumerate(sentences):
        evidence.add_segments([Segment(n + 1, 1, 5.0 * n, 5.0 * n + 4, None, None, text, language, 0.9,
                                       'teacher', 'whisper')], flush=True)
    return evidence


def decide(language: str, sentences, question: str):
    """Return coverage's decision on `question`, the first sentence said ranked best by far."""
    best = Candidate((0,), 9.0, 0.9, fact=1.0)
    return coverage.decide(questions.read(question, language), best, said(language, *sentences))


def rooted(word: str) -> str:
    return root(stem(fold(word)))


@pytest.mark.parametrize('one, other', [
    ('combinent', 'combiné'), ('isolent', 'isoler'), ('consommant', 'consomme'),
    ('choisie', 'choisit'), ('choisir', 'choisi'), ('réduire', 'réduisent'), ('lubrifiés', 'lubrifié'),
    ('directement', 'directe'), ('hauteur', 'haute'), ('ouverture', 'ouvert'), ('conduite', 'conduit'),
    ('dimensionnement', 'dimensionne'),
    ('finally', 'final'), ('vertically', 'vertical'), ('measurement', 'measured'),
])
def test_the_forms_of_one_word_meet_at_one_root(one, other):
    assert rooted(one) == rooted(other)


@pytest.mark.parametrize('one, other', [
    ('courant', 'cours'), ('décrément', 'décrit'), ('question', 'quest'), ('current', 'cure'),
])
def test_words_that_only_look_alike_keep_their_roots(one, other):
    assert rooted(one) != rooted(other)


@pytest.mark.parametrize('language, sentences, question', [
    ('fr', ["Les engrenages sont lubrifiés à l'huile, et on choisit une huile épaisse."],
     'Quelle huile est choisie pour lubrifier les engrenages ?'),
    ('fr', ["Les plots en caoutchouc isolent la machine du sol, et c'est le choix final."],
     'Comment isoler la machine finalement ?'),
    ('en', ['Measurement of the vertical deflection is done with a dial gauge.'],
     'How is deflection measured vertically?'),
])
def test_a_question_in_other_forms_of_the_words_said_is_covered(language, sentences, question):
    # Before roots, these forms were words never said, and the question was declined.
    decision = decide(language, sentences, question)
    assert decision.covered, decision


@pytest.mark.parametrize('language, sentences, question', [
    ('fr', ["Dans ce cours, on décrit la suspension d'une voiture."],
     'Que vaut le décrément logarithmique ?'),
    ('en', ['The curing of concrete takes a month.'], 'What is the creep of concrete?'),
])
def test_a_term_never_said_in_any_form_is_still_declined(language, sentences, question):
    assert not decide(language, sentences, question).covered


def test_evidence_says_a_word_in_any_form_and_only_where_allowed():
    evidence = said('fr', 'Les ressorts isolent la machine.')
    assert evidence.says(stem('isoler')) and not evidence.has_stem(stem('isoler'))
    assert not evidence.says(stem('isoler'), allow=lambda sentence: False)
    assert not evidence.says(stem('amortir'))


@pytest.mark.parametrize('language, sentences, question', [
    ('fr', ['Le contrôle de mécanique des fluides aura lieu le 14 mars, il portera sur les pompes.'],
     'Quelle est la date du contrôle de mécanique des fluides ?'),
    ('en', ['The statistics midterm is on March 14, in room B2.'],
     'What is the date of the statistics midterm?'),
    ('fr', ['Les bulles de vapeur se forment quand la pression baisse, puis elles abîment les aubes.'],
     "D'où viennent les bulles qui rongent les aubes ?"),
])
def test_words_that_name_the_kind_of_answer_are_no_words_never_said(language, sentences, question):
    # A teacher gives the date, not the word "date"; "D'où viennent..." asks for a cause.
    decision = decide(language, sentences, question)
    assert decision.covered, decision


@pytest.mark.parametrize('language, sentences, question', [
    ('fr', ['Le contrôle de mécanique des fluides aura lieu le 14 mars.'],
     'Quelle est la date du rattrapage du contrôle ?'),
    ('en', ['The statistics midterm is on March 14, in room B2.'],
     'What is the date of the statistics resit?'),
])
def test_the_date_of_an_event_never_announced_is_still_declined(language, sentences, question):
    assert not decide(language, sentences, question).covered


@pytest.mark.parametrize('language, sentences, question', [
    ('fr', ['La machine à laver tourne vite.',
            'Les plots en caoutchouc isolent la machine à laver du sol.'],
     'Comment isoler la machine à laver ?'),
    ('en', ['The beam deflection is large.', 'The beam deflection measurement uses a dial gauge.'],
     'How is the beam deflection measured?'),
])
def test_ranking_matches_a_word_asked_in_another_form(language, sentences, question):
    # Without embeddings, ranking is by words: the teacher's form of the asked word must count.
    evidence = said(language, *sentences)
    best = Ranker(evidence).rank(questions.read(question, language))[0]
    assert best.positions == (1,), best


@pytest.mark.parametrize('sentence, language, defined', [
    ("On utilise aussi la vergence, qui est l'inverse de la distance focale.", 'fr', 'vergence'),
    ('We also use the entropy, which is a measure of disorder.', 'en', 'entropy'),
])
def test_a_relative_clause_defines_the_word_before_it(sentence, language, defined):
    # "X, qui est ..." / "X, which is ...": the sentence says what X is, as "X, c'est ..." does.
    facts = Facts.of(sentence, language)
    asked = set(content_stems(defined))
    assert facts.gives('definition', set(), asked) == 1.0
    assert Facts.of("La vergence a une propriété pratique : elle s'additionne.", 'fr').gives(
        'definition', set(), set(content_stems('vergence'))) < 1.0


def test_a_formula_the_computations_read_is_a_formula_whatever_its_words():
    # "sur" and "plus" are prepositions most of the time; in a formula read, they divide and add.
    formula = Facts.of('Le gain du non-inverseur vaut 1 plus R2 sur R1.', 'fr')
    assert formula.gives('formula', set(), set()) == 1.0
    assert Facts.of("Le signal arrive sur l'entrée plus.", 'fr').gives('formula', set(), set()) == 0.0


@pytest.mark.parametrize('question, language', [
    ('À quoi sert un montage suiveur ?', 'fr'), ('À quoi servent les CTP ?', 'fr'),
    ('What is a Smith predictor used for in process control?', 'en'),
])
def test_what_a_thing_is_for_is_answered_by_a_sentence_that_says_its_use(question, language):
    # The sentence that introduces the thing ("Troisième montage : le suiveur.") is no answer.
    assert questions.read(question, language).wants == 'purpose'
    assert Facts.of('On dit que le suiveur sert de tampon.', 'fr').gives('purpose', set(), set()) == 1.0
    assert Facts.of('It is used to compensate dead time.', 'en').gives('purpose', set(), set()) == 1.0
    assert Facts.of('Troisième montage, le plus simple de tous : le suiveur.', 'fr').gives(
        'purpose', set(), set()) < 1.0


def test_the_quantity_asked_is_said_as_the_unit_of_the_example_s_result():
    # "Quelle tension obtient-on ..." is answered by "...la sortie vaut moins 2,35 volts": the
    # teacher names the voltage by its unit, and "obtient-on" names nothing the teacher would say.
    evidence = said('fr', "Un amplificateur obtient sa tension d'alimentation d'une pile.",
                    "L'entrée reçoit le signal, en volts.", 'La sortie donne un signal, en volts.',
                    "Une entrée trop forte fait saturer la sortie.",
                    'Exemple : R1 égale 10 kiloohms et R2 égale 47 kiloohms.',
                    'Avec une entrée de 0,5 volt, la sortie vaut moins 2,35 volts.',
                    'Passons au montage suivant.')
    brain = Brain(evidence)
    parts = list(brain.ask('Quelle tension obtient-on en sortie avec 0,5 volt en entrée ?', 'fr'))
    assert '2,35 volts' in ' '.join(p.text for p in parts) and parts[-1].kind == 'quote', brain.last[2]


@pytest.mark.parametrize('sentence, language, term', [
    # An example said to be of the kind, then described: what the example does, not what the kind is.
    ("Le gaz enfermé dans un cylindre avec un piston, c'est un système fermé : le piston bouge.",
     'fr', 'système fermé'),
    ('The thermostat in your oven is a closed loop: it measures and corrects.', 'en', 'closed loop'),
    # A property said of the term: what it does, not what it is.
    ("Et la vergence a une propriété bien pratique : les vergences s'additionnent.", 'fr', 'vergence'),
    ('The Kelvin scale has one big advantage: it starts at absolute zero.', 'en', 'Kelvin scale'),
])
def test_an_example_of_a_term_or_a_property_of_it_does_not_define_it(sentence, language, term):
    asked = set(content_stems(term))
    assert Facts.of(sentence, language).gives('definition', set(), asked) == 0.2
    # The same words said as a definition still define it.
    assert Facts.of(f'{term}, c’est une chose précise.'.replace('’', "'"), 'fr').gives(
        'definition', set(), asked) == 1.0


def test_c_est_alone_defines_no_word():
    # "C'est l'unité..." reads as "c'" said to be something: a pronoun, no term defined.
    assert Facts.of("C'est l'unité que vous voyez chez l'opticien.", 'fr').defines == ()
    assert Facts.of("La dioptrie, c'est l'unité de la vergence.", 'fr').defines == ('la dioptrie',)


def test_the_definition_outranks_an_example_of_the_term_that_says_more_of_the_question():
    # Words only (no embeddings): the example says "physique" too, the definition does not.
    evidence = said('fr', "En physique, un gaz dans un cylindre, c'est un système fermé : il garde son gaz.",
                    'Passons à la suite du cours.',
                    "On dit qu'un système est fermé s'il n'échange pas de matière avec l'extérieur.",
                    'Passons à autre chose.', 'La physique, ce sera pour demain.', 'La physique est belle.')
    best = Ranker(evidence).rank(questions.read("Qu'est-ce qu'un système fermé en physique ?", 'fr'))[0]
    assert best.positions == (2,), best


def test_the_unit_of_a_quantity_named_is_a_unit_of_its_kind():
    # A percentage is a unit said, but no unit of a temperature.
    evidence = said('fr', 'Il faut mettre ces deux températures dans la formule : 40 pour cent.',
                    'Passons à autre chose.', 'La température absolue, en kelvins.')
    question = questions.read('Et dans quelle unité faut-il mettre les températures ?', 'fr')
    assert Ranker(evidence).rank(question)[0].positions == (2,)
    temperature = named_dimension('temperature')
    percent = Facts.of('We put them into the formula: 40 percent.', 'en')
    kelvins = Facts.of('The absolute temperature, in kelvins.', 'en')
    assert percent.gives('unit', set(), set(), temperature) < 1.0
    assert kelvins.gives('unit', set(), set(), temperature) == 1.0


@pytest.mark.parametrize('language, sentences, question', [
    ('fr', ['Dans le vide, la lumière se propage à la vitesse de 300 000 kilomètres par seconde.',
            "L'eau a un indice de réfraction de 1,33."],
     "À quelle vitesse la lumière se propage-t-elle dans l'eau ?"),
    ('en', ['In air, the speed of sound is 343 metres per second.', 'Steel is stiff and dense.'],
     'What is the speed of sound in steel?'),
])
def test_a_value_said_in_another_medium_than_the_one_asked_is_declined(language, sentences, question):
    decision = decide(language, sentences, question)
    assert not decision.covered and decision.reason.startswith('another medium'), decision
    # Asked in the quote's own medium, it answers.
    asked_there = question.replace("l'eau", 'le vide').replace('steel', 'air')
    assert decide(language, sentences, asked_there).covered


@pytest.mark.parametrize('language, without, with_it, question', [
    ('fr', 'Pour le moteur, la constante des gaz donne un travail de 1 730 joules.',
     'Pour le moteur, la constante k vaut 0,05 newton-mètre par ampère.',
     'Quelle est la constante k du moteur ?'),
    ('en', 'For the motor, the gas constant gives a work of 1730 joules.',
     'For the motor, the constant k is 0.05 newton-metres per ampere.',
     'What is the constant k of the motor?'),
])
def test_a_value_quoted_without_the_symbol_asked_is_declined(language, without, with_it, question):
    decision = decide(language, [without, with_it], question)
    assert not decision.covered and decision.reason.startswith('a symbol'), decision
    assert decide(language, [with_it, without], question).covered
