# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The end-to-end turn-taking bench's judge, on hand-made observations: what the student heard."""

from milo_robot.bench.turns_heard import holds, judge_paused
from milo_robot.interfaces.payloads import Question, SpeechSpoken, SpeechStarted
from milo_robot.interfaces.topics import BRAIN_QUESTION, TTS_SPOKEN, TTS_STARTED
from milo_robot.session.observer import Observation

T0 = 1_800_000_000.0
# Two questions: pause at 2.0-2.6 s and speech end at 4.0 s; the second starts at 15 s.
TIMELINE = {'pause_s': 0.6, 'voices': {'en': 'Piper'}, 'turns': [
    {'language': 'en', 'text': 'What is the | time constant of an RC circuit?', 'start_s': 1.0,
     'pause_s': 2.0, 'resume_s': 2.6, 'speech_end_s': 4.0},
    {'language': 'en', 'text': 'How do resistors | add up in series?', 'start_s': 15.0,
     'pause_s': 16.0, 'resume_s': 16.6, 'speech_end_s': 18.0}]}


def observed(*events) -> Observation:
    """An observation of (seconds after t0, payload) events, as the session observer keeps them."""
    topics = {Question: BRAIN_QUESTION.name, SpeechStarted: TTS_STARTED.name, SpeechSpoken: TTS_SPOKEN.name}
    return Observation(audio_t0=T0, events=[(T0 + at, topics[type(p)], p) for at, p in events])


def asked(request_id, text, at):
    return at, Question(request_id, text, 'en')


def sound(request_id, kind, at):
    return at + 0.05, SpeechStarted(request_id, kind, 0, T0 + at)


def cut_short(request_id, at):
    return at, SpeechSpoken(request_id, 'answer', 0, '', interrupted=True)


def test_a_question_answered_whole_after_its_end_is_no_cut_off():
    judged = judge_paused(observed(
        asked('q1', 'What is the time constant of an RC circuit?', 4.3), sound('q1', 'answer', 4.8),
        asked('q2', 'How do resistors add up in series?', 18.3), sound('q2', 'answer', 18.9)), TIMELINE)
    assert [(j['talked_over'], j['fragments'], j['whole']) for j in judged] == [(False, [], True)] * 2
    assert abs(judged[0]['v2v_s'] - 0.8) < 1e-6


def test_an_acknowledgement_in_the_pause_is_talking_over_the_student():
    judged = judge_paused(observed(
        asked('q1', 'What is the?', 2.4), sound('q1', 'ack', 2.5),
        asked('q2', 'What is the time constant of an RC circuit?', 4.3), sound('q2', 'answer', 4.8)),
        TIMELINE)
    assert judged[0]['talked_over'] and judged[0]['over'] == [(0.5, 'ack')]
    assert judged[0]['whole'] and not judged[0]['fragments']  # the fragment was taken back unsaid


def test_the_fragment_answered_is_a_cut_off_even_when_heard_after_the_question():
    judged = judge_paused(observed(
        asked('q2', 'How do resistors?', 16.4), sound('q2', 'answer', 18.2),
        asked('q3', 'add up in series?', 18.5), sound('q3', 'answer', 19.5)), TIMELINE)
    assert judged[0]['fragments'] == [] and not judged[0]['whole']  # nothing in the first window
    assert not judged[1]['talked_over']  # the answer started after the question's end
    assert judged[1]['fragments'] == ['How do resistors?', 'add up in series?']
    assert not judged[1]['whole'] and judged[1]['v2v_s'] is None


def test_a_sound_over_the_rest_of_the_question_is_talking_over_too():
    judged = judge_paused(observed(asked('q1', 'What is the?', 2.4), sound('q1', 'answer', 3.1)),
                          TIMELINE)
    assert judged[0]['talked_over'] and judged[0]['fragments'] == ['What is the?']


def test_an_answer_to_the_fragment_cut_short_then_the_whole_answered_is_talking_over_only():
    judged = judge_paused(observed(
        asked('q1', 'What is the time constant?', 2.4), sound('q1', 'answer', 2.55), cut_short('q1', 2.9),
        asked('q2', 'What is the time constant of an RC circuit?', 4.3), sound('q2', 'answer', 4.8)),
        TIMELINE)
    assert judged[0]['talked_over'] and judged[0]['fragments'] == [] and judged[0]['whole']


def test_an_answer_started_before_the_question_ended_is_not_to_the_whole_of_it():
    # Whisper's words for the part may share words with the rest: the time tells them apart.
    judged = judge_paused(observed(
        asked('q1', 'What is the time constant of an RC?', 2.4), sound('q1', 'answer', 3.0)), TIMELINE)
    assert not judged[0]['whole'] and judged[0]['fragments'] == ['What is the time constant of an RC?']


def test_a_part_is_held_when_most_of_its_words_are_heard():
    assert holds("Quelle est la constante de temps d'un circuit RC ?", "constante de temps d'un circuit RC ?")
    assert holds('After how many time constant is a capacitor fully charged?',
                 'is a capacitor fully charged?')
    assert not holds('Comment les résistances ?', "s'additionnent en série ?")
    assert not holds('anything', '')
