# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The course's vocabulary for recognition: gathered from notes, term list, title and record, bounded,
in French and English, and heard by Whisper; without ROS."""

import os

import pytest
from speech import say
from tokenizers import Tokenizer

from milo_robot.bench.wer import normalise as words
from milo_robot.hearing.engines import make_recognizer, model_path
from milo_robot.hearing.vocabulary import (
    EXAMPLE_TOKENS,
    Vocabulary,
    course_vocabulary,
    examples,
    gather,
    read_term_list,
)
from milo_robot.nodes.asr_node import PARAMETERS
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.thinking.retrieval import TERM_LIST, notes_passages

NOTES_EN = '''# Electrical circuits

## Kirchhoff's laws
**Kirchhoff's current law**: the currents entering a node add up to the currents leaving it.
Capacitance is measured in **farads**; a small capacitor holds a few microfarads.
The Thévenin theorem replaces a network by a source and a resistance.
'''
NOTES_FR = '''# Circuits électriques

## Lois de Kirchhoff
La **loi des nœuds** : la somme des courants qui entrent dans un nœud est nulle. La capacité
se mesure en **farads**, et l'inductance d'une **bobine** en henrys.
'''
OTHER_COURSE = '# Fluid mechanics\n\nThe **Venturi** tube and **Bernoulli**\'s equation.\n'


@pytest.fixture(scope='module')
def count_tokens():
    tokenizer = Tokenizer.from_file(os.path.join(model_path('whisper', ''), 'tokenizer.json'))
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)


@pytest.fixture
def notes(tmp_path):
    course = tmp_path / 'Circuits'
    course.mkdir()
    (course / 'circuits_en.md').write_text(NOTES_EN)
    (course / 'circuits_fr.md').write_text(NOTES_FR)
    (course / TERM_LIST).write_text('# teacher terms\nssthresh\nfr: pont de Wheatstone\n'
                                    'en: Wheatstone bridge\n\n')
    (tmp_path / 'Fluids').mkdir()
    (tmp_path / 'Fluids' / 'fluids.md').write_text(OTHER_COURSE)
    return tmp_path


def keys(terms):
    return {t.lower() for t in terms}


def test_vocabulary_comes_from_the_term_list_title_and_notes_in_each_language(notes, count_tokens):
    vocabulary = gather('Circuits', str(notes), count_tokens=count_tokens)
    en, fr = vocabulary.words('en'), vocabulary.words('fr')
    # The teacher's terms first, in their order, each in its language.
    assert en[:2] == ('ssthresh', 'Wheatstone bridge') and fr[:2] == ('ssthresh', 'pont de Wheatstone')
    assert 'Circuits' in en and 'Circuits' in fr  # the course's title
    # The notes' marked terms and names; a name in both languages, a notes term in its own.
    assert {'kirchhoff', 'farads', 'thévenin'} <= keys(en)
    assert {'kirchhoff', 'farads', 'nœuds', 'bobine'} <= keys(fr)
    assert 'nœuds' not in keys(en) and 'microfarads' not in keys(fr)
    # Another course's notes are not this course's words; words Whisper writes whole are left out.
    assert not {'venturi', 'bernoulli'} & keys(en + fr)
    assert not {'current', 'law', 'node', 'network'} & keys(en)
    # One spelling a word: "Kirchhoff's" and "Kirchhoff" are one term.
    assert len(keys(en)) == len(en) and sum(t.lower().startswith('kirchhoff') for t in en) == 1
    assert vocabulary.hotwords('en').startswith('ssthresh, Wheatstone bridge, ')
    assert vocabulary.prompt('fr').startswith('Glossaire : ssthresh, pont de Wheatstone, ')
    assert vocabulary.words('de') == () and vocabulary.prompt('de') == ''


def test_the_rare_terms_are_the_teachers_names_acronyms_and_units(notes, count_tokens):
    (notes / 'Circuits' / 'more_fr.md').write_text(
        'Le protocole **OSPF** et la **pression** en millipascals, mesurée chaque seconde.\n')
    vocabulary = gather('Circuits', str(notes), count_tokens=count_tokens)
    en, fr = vocabulary.rare('en'), vocabulary.rare('fr')
    # The teacher's terms first, then names, acronyms and units: a subset of the terms, in order.
    assert en[:2] == ('ssthresh', 'Wheatstone bridge') and fr[:2] == ('ssthresh', 'pont de Wheatstone')
    assert {'kirchhoff', 'thévenin', 'farads'} <= keys(en)
    assert {'kirchhoff', 'farads', 'ospf', 'millipascals'} <= keys(fr)
    for language in ('en', 'fr'):
        rare = vocabulary.rare(language)
        assert [t for t in vocabulary.words(language) if t in rare] == list(rare)
    # No title, no word the notes merely mark (common French words), no everyday unit.
    assert not {'circuits', 'nœuds', 'bobine', 'pression', 'seconde'} & keys(en + fr)
    assert {'nœuds', 'bobine', 'pression', 'Circuits'} <= set(vocabulary.words('fr'))
    assert vocabulary.prompt('fr', rare=True).startswith('Glossaire : ssthresh, pont de Wheatstone, ')
    assert 'nœuds' in vocabulary.prompt('fr') and 'nœuds' not in vocabulary.prompt('fr', rare=True)
    assert vocabulary.rare('de') == () and vocabulary.prompt('de', rare=True) == ''
    # Bounded as the terms are.
    (notes / 'Circuits' / TERM_LIST).write_text('\n'.join(f'Zyxwvutronics{i}' for i in range(200)))
    small = gather('Circuits', str(notes), budget_tokens=30, count_tokens=count_tokens)
    assert 0 < count_tokens(small.prompt('fr', rare=True)) <= 30
    assert small.rare('fr')[0] == small.words('fr')[0] == 'Zyxwvutronics0'  # the teacher's first


@pytest.mark.parametrize('language, notes_text, sentences', [
    ('fr', "Le théorème de **Thévenin** : un réseau vu de deux bornes est une source. Thévenin était "
     "ingénieur.\n\nLa loi d'Ohm relie la tension et le courant; l'ohmmètre la mesure.",
     ('Thévenin était ingénieur.', "La loi d'Ohm relie la tension et le courant;", "l'ohmmètre la mesure.")),
    ('en', "The **Thévenin** theorem: a network seen from two terminals is a source. Thévenin was an "
     "engineer.\n\nOhm's law relates voltage and current; an ohmmeter measures it.",
     ('Thévenin was an engineer.', "Ohm's law relates voltage and current;", 'an ohmmeter measures it.')),
])
def test_the_examples_are_the_shortest_notes_sentences_using_each_term(language, notes_text, sentences,
                                                                       count_tokens):
    terms = ['Thévenin', 'Ohm', sentences[2].split()[1 if language == 'en' else 0].replace("l'", ''),
             'Bernoulli']
    # For each term in turn, the shortest sentence that uses it, markdown's marks left out; a term
    # that no sentence uses (Bernoulli) has none.
    assert examples([notes_text], terms, count_tokens, 100) == sentences
    # A term is a word of the sentence, not a piece of one: "Ohm" is not in "ohmmeter".
    assert examples([sentences[2]], ['Ohm'], count_tokens, 100) == ()
    # Bounded: a sentence over what is left of the budget is passed over, the next term tried.
    budget = count_tokens(' ' + sentences[0]) + count_tokens(' ' + sentences[2])
    assert examples([notes_text], terms, count_tokens, budget) == (sentences[0], sentences[2])


def test_the_context_prompt_is_the_rare_terms_then_the_notes_sentences(notes, count_tokens):
    vocabulary = gather('Circuits', str(notes), count_tokens=count_tokens)
    assert vocabulary.examples['fr'] == ("La capacité se mesure en farads, et l'inductance d'une bobine en "
                                         'henrys.',)
    assert vocabulary.examples['en'][:2] == (
        "Kirchhoff's current law: the currents entering a node add up to the currents leaving it.",
        'Capacitance is measured in farads;')
    for language in ('en', 'fr'):
        given = vocabulary.prompt(language, examples=True)
        assert given == ' '.join((vocabulary.prompt(language, rare=True),) + vocabulary.examples[language])
        assert count_tokens(given) <= 120  # within the vocabulary's budget, glossary included
        # The sentences are few: more cost the sentences without course terms (docs/hearing.md).
        assert sum(count_tokens(' ' + s) for s in vocabulary.examples[language]) <= EXAMPLE_TOKENS
    assert vocabulary.prompt('de', examples=True) == ''
    # The examples have what the budget leaves after the glossary.
    small = gather('Circuits', str(notes), budget_tokens=40, count_tokens=count_tokens)
    assert small.examples['fr'] == () and 0 < count_tokens(small.prompt('fr', examples=True)) <= 40


def test_vocabulary_is_bounded_in_tokens_best_terms_kept(notes, count_tokens):
    (notes / 'Circuits' / TERM_LIST).write_text('\n'.join(f'Zyxwvutronics{i}' for i in range(200)))
    full = gather('Circuits', str(notes), count_tokens=count_tokens)
    assert count_tokens(full.prompt('en')) <= 120 and count_tokens(full.hotwords('en')) <= 120
    assert full.words('en')[0] == 'Zyxwvutronics0'  # the first terms are kept
    small = gather('Circuits', str(notes), budget_tokens=30, count_tokens=count_tokens)
    assert 0 < count_tokens(small.prompt('fr')) <= 30
    assert small.words('fr') == full.words('fr')[:len(small.words('fr'))]
    # Without the model's tokenizer, a safe estimate bounds it.
    estimated = gather('Circuits', str(notes), budget_tokens=60)
    assert count_tokens(estimated.prompt('en')) <= 60


def test_vocabulary_adds_names_of_earlier_lectures_but_not_misheard_terms(notes, tmp_path, count_tokens):
    db = tmp_path / 'milo.db'
    with LectureRecord(db) as record:
        for text in ('We follow Dijkstra today.', 'This is what Dijkstra found in 1956.',
                     'The unit of capacitance is the Ferret.', 'One Ferret is a lot.'):
            lecture = record.start_lecture(course='Circuits', now=1000.0)
            record.append(lecture, 0.0, 2.0, text, 'en', 0.9, 'teacher', 'whisper')
            record.end_lecture(lecture, 1010.0)
        other = record.start_lecture(course='Fluids', now=2000.0)
        for _ in range(2):
            record.append(other, 0.0, 2.0, 'Reynolds again.', 'en', 0.9, 'teacher', 'whisper')
        current = record.start_lecture(course='Circuits', now=3000.0)
        for _ in range(2):
            record.append(current, 0.0, 2.0, 'Nyquist said so.', 'en', 0.9, 'teacher', 'whisper')
    vocabulary = course_vocabulary('Circuits', str(notes), str(db), before=current,
                                   count_tokens=count_tokens)
    assert 'Dijkstra' in vocabulary.words('en') and 'Dijkstra' not in vocabulary.words('fr')
    assert 'ferret' not in keys(vocabulary.words('en'))  # heard for "farads": no term
    assert 'Reynolds' not in vocabulary.words('en')  # another course
    assert 'Nyquist' not in vocabulary.words('en')  # the lecture going on is not an earlier one
    assert course_vocabulary('Circuits', str(notes), str(tmp_path / 'none.db')).words('en')


def test_term_list_reading_and_its_errors(tmp_path):
    path = tmp_path / TERM_LIST
    path.write_text('Kirchhoff  # the laws\n\nEN: slow start\nfr:démarrage lent\n')
    assert read_term_list(str(path)) == [('Kirchhoff', ('en', 'fr')), ('slow start', ('en',)),
                                         ('démarrage lent', ('fr',))]
    assert read_term_list(str(tmp_path / 'missing.txt')) == []
    path.write_text('A whole sentence pasted by mistake instead of one term on its own line, too long.\n')
    with pytest.raises(ValueError, match='line 1'):
        read_term_list(str(path))


def test_the_term_list_is_not_a_notes_passage(notes):
    assert not [p for p in notes_passages(str(notes)) if p.path.endswith(TERM_LIST)]
    assert [p for p in notes_passages(str(notes)) if 'Kirchhoff' in p.text]


def test_whisper_hears_a_course_term_with_the_vocabulary():
    # Without the course's words, Whisper base hears "Dijkstra" as another name.
    sentence = "Routers running OSPF compute their shortest paths with Dijkstra's algorithm."
    whisper = make_recognizer('whisper', language='en')
    whisper.term_fix = False
    whisper.context = False  # each transcription on its own, not after the one before
    audio = say(sentence)
    without, _, _ = whisper.transcribe(audio)
    terms = {'en': ('Dijkstra', 'OSPF', 'ssthresh')}
    whisper.vocabulary = Vocabulary('Networks', terms, rare_terms=terms)
    whisper.vocabulary_languages = ('en',)
    for mode in ('hotwords', 'prompt', 'rare_prompt'):
        whisper.vocabulary_mode = mode
        heard, _, _ = whisper.transcribe(audio)
        assert 'dijkstra' in words(heard), (mode, heard)
    whisper.vocabulary_mode = 'off'
    assert whisper.transcribe(audio)[0] == without
    whisper.vocabulary_mode, whisper.vocabulary_languages = 'prompt', ('fr',)
    assert whisper.transcribe(audio)[0] == without  # an English segment: not given the terms
    assert 'dijkstra' not in words(without), without
    # Decoded without the terms, the fix pass puts the name back where the rest was heard.
    whisper.term_fix = True
    fixed, _, _ = whisper.transcribe(audio)
    assert 'dijkstra' in words(fixed) and fixed.replace('Dijkstra', '') != without, (without, fixed)


def test_the_decoder_is_given_the_rare_terms_by_the_segments_language(notes):
    whisper = make_recognizer('whisper')
    vocabulary = gather('Circuits', str(notes), count_tokens=whisper.count_tokens)
    whisper.vocabulary = vocabulary

    def prompt(language):
        """What the decoder is told was said before the segment ('' for nothing)."""
        from faster_whisper.tokenizer import Tokenizer as WhisperTokenizer

        tokenizer = WhisperTokenizer(whisper._model.hf_tokenizer, True, task='transcribe', language=language)
        tokens = whisper._prompt(tokenizer, language)
        assert tokens[-len(tokenizer.sot_sequence) - 1:-1] == list(tokenizer.sot_sequence)
        return tokenizer.decode(tokens[1:-len(tokenizer.sot_sequence) - 1]).strip() \
            if tokens[0] == tokenizer.sot_prev else ''
    whisper.vocabulary_mode, whisper.vocabulary_languages = 'rare_prompt', ('fr',)
    assert prompt('fr') == vocabulary.prompt('fr', rare=True) and 'Kirchhoff' in prompt('fr')
    assert prompt('en') == ''  # English segments are decoded without the terms
    whisper.vocabulary_languages = ('en', 'fr')
    assert prompt('en') == vocabulary.prompt('en', rare=True)
    whisper.vocabulary_mode = 'prompt'
    assert prompt('fr') == vocabulary.prompt('fr') and 'nœuds' in prompt('fr')
    whisper.vocabulary_mode = 'context_prompt'
    assert prompt('fr') == vocabulary.prompt('fr', examples=True) and 'henrys.' in prompt('fr')
    whisper.vocabulary_mode = 'off'
    assert prompt('fr') == ''


def test_a_peek_is_decoded_without_the_vocabulary_its_final_with_it(monkeypatch):
    sentence = "Routers running OSPF compute their shortest paths with Dijkstra's algorithm."
    whisper = make_recognizer('whisper', language='en')
    terms = {'en': ('Dijkstra', 'OSPF', 'ssthresh')}
    whisper.vocabulary = Vocabulary('Networks', terms, rare_terms=terms)
    whisper.vocabulary_mode, whisper.vocabulary_languages = 'rare_prompt', ('en',)
    prompts = []
    given = whisper._prompt
    monkeypatch.setattr(whisper, '_prompt', lambda *args: prompts.append(args) or given(*args))
    whisper.begin(0.0)
    whisper.accept(say(sentence))
    peeked, _ = whisper.peek()  # the peek's narrow beam: no prompt (its decoding stays as fast)
    assert prompts == [] and 'dijkstra' in words(peeked)  # the fix pass still puts the name back
    final = whisper.finish(5.0)  # the final reuses the peek's encoding, and has the prompt
    assert len(prompts) == 1 and 'dijkstra' in words(final.text)


def test_asr_node_describes_its_vocabulary_parameters():
    specs = {spec.name: spec for spec in PARAMETERS}
    # The rare terms then a few notes' sentences: the one way seen that halves the word error on
    # term sentences in both languages at no cost on plain ones (docs/hearing.md)
    assert specs['vocabulary'].default == 'context_prompt'
    assert specs['vocabulary_languages'].default == 'en,fr'
    assert set(specs['vocabulary'].choices) == {'hotwords', 'prompt', 'rare_prompt', 'context_prompt', 'off'}
    assert 'term list' in specs['vocabulary'].description
    assert specs['vocabulary_tokens'].default <= 200 and specs['notes_dir'].default == 'data/notes'
    assert specs['term_fix'].default is True  # it costs plain sentences nothing (docs/hearing.md)


def test_a_final_is_decoded_after_the_terms_and_the_previous_finals_words(notes):
    from faster_whisper.tokenizer import Tokenizer as WhisperTokenizer

    whisper = make_recognizer('whisper')
    whisper.vocabulary = gather('Circuits', str(notes), count_tokens=whisper.count_tokens)

    def before(language):
        """What the decoder is told was said before a final in `language`."""
        tokenizer = WhisperTokenizer(whisper._model.hf_tokenizer, True, task='transcribe', language=language)
        tokens = whisper._prompt(tokenizer, language)
        return tokenizer.decode(tokens[1:-len(tokenizer.sot_sequence) - 1]).strip() \
            if tokens[0] == tokenizer.sot_prev else ''
    assert whisper.vocabulary_mode == 'context_prompt'  # the default
    glossary = whisper.vocabulary.prompt('en', examples=True)
    assert before('en') == glossary  # the lecture's first final: the terms and the notes' sentences only
    first = say('Today we study the capacitor.')
    text, language, _ = whisper.transcribe(first)
    assert language == 'en' and 'capacitor' in words(text)
    assert before('en') == f'{glossary} {text}'  # the terms, then the words just heard
    assert before('fr') == whisper.vocabulary.prompt('fr', examples=True)  # not in another language
    whisper.begin(0.0)
    whisper.accept(say('Is it charged?'))
    whisper.peek()  # a peek is no final: the next final still reads the previous one
    assert before('en') == f'{glossary} {text}'
    final = whisper.finish(2.0)
    assert 'charged' in words(final.text) and 'capacitor' not in words(final.text)
    assert before('en') == f'{glossary} {final.text}'  # the words just heard replace those before
    whisper.context = False
    assert before('en') == glossary
    whisper.context = True
    whisper.forget_lecture()  # a new lecture: nothing said before
    assert before('en') == glossary
    assert whisper.transcribe(first)[0] == text  # as decoded the first time: deterministic
