# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The dialogue manager's logic, without ROS: addressing, turns, memory, modes, barge-in, the log."""

import pytest
from manual_clock import Clock

from milo_robot.conversation.addressing import parse
from milo_robot.conversation.dialogue import Dialogue
from milo_robot.conversation.memory import ConversationMemory
from milo_robot.conversation.outputs import Outputs
from milo_robot.conversation.turns import lacks_verb, looks_unfinished


@pytest.mark.parametrize('heard, question', [
    ("Milo, what does Ohm's law say?", "What does Ohm's law say?"),
    ('Milot, what is a capacitor?', 'What is a capacitor?'),
    ('Mylo what is a capacitor', 'What is a capacitor'),
    ('Hey Milo, how do resistors add in series?', 'How do resistors add in series?'),
    ('And why does it double, Milo?', 'And why does it double?'),
    ("Dis Milo, c'est quoi une résistance ?", "C'est quoi une résistance ?"),
    ('Pourquoi, Milo ?', 'Pourquoi?'),
])
def test_milo_is_addressed_by_name_first_or_last(heard, question):
    utterance = parse(heard)
    assert utterance.addressed and utterance.text == question and utterance.command is None


@pytest.mark.parametrize('heard', ["I think Milo is listening.", "Milo's lights are green.",
                                   'Sorry sir, could you repeat the last value?', 'Milan is a city.'])
def test_talk_about_milo_or_to_someone_else_is_not_addressing(heard):
    assert not parse(heard).addressed


@pytest.mark.parametrize('heard, mode', [
    ('Milo, question time.', 'qa'), ('Milo, mode questions.', 'qa'), ("Milo, place aux questions !", 'qa'),
    ('Milo, go to sleep.', 'sleep'), ('Milo, mode veille.', 'sleep'), ('Milo, wake up!', 'lecture'),
    ('Milo, mode cours.', 'lecture')])
def test_mode_commands_in_english_and_french(heard, mode):
    assert parse(heard).command == mode


def test_a_long_question_mentioning_questions_is_not_a_command():
    heard = 'Milo, is question time the moment when students can ask anything they want?'
    assert parse(heard).command is None


@pytest.mark.parametrize('text, unfinished', [
    ('What is the voltage across the', True), ('Quelle est la tension de', True), ('So, um', True),
    ('What is the voltage across the resistor?', False), ('Tell me about capacitors', False),
    ('I wonder whether,', True), ('', False),
    # A question mark does not finish a sentence on an article or a conjunction (Whisper writes
    # one after a questioning pause), but a preposition may end a question.
    ('What is the?', True), ('Quelle est la ?', True), ('What is it for?', False),
    ("C'est quoi, la constante de temps ?", False)])
def test_a_sentence_stopping_mid_way_looks_unfinished(text, unfinished):
    assert looks_unfinished(text) is unfinished


@pytest.mark.parametrize('text, unfinished', [
    # The verb is still to come after the interrogative and the subject.
    ('How do resistors?', True), ('Does the current', True), ('What do you', True),
    ('Comment les résistances ?', True), ("Pourquoi est-ce qu'il", True), ('Quelle tension', True),
    # The verb is there, or the question needs none.
    ('How do resistors add up in series?', False), ('Why does the current double?', False),
    ('Can you explain?', False), ("What does Ohm's law say?", False),
    ("Comment les résistances s'additionnent en série ?", False),
    ('Pourquoi le courant double-t-il ?', False), ("Quelle est l'unité ?", False),
    ('Comment fonctionne un condensateur ?', False), ('What is a capacitor?', False), ('', False)])
def test_a_question_without_its_verb_lacks_it(text, unfinished):
    assert lacks_verb(text) is unfinished


def test_a_follow_up_carries_the_last_question_and_memory_forgets():
    now = [0.0]
    memory = ConversationMemory(turns=2, max_age_s=60, clock=lambda: now[0])
    assert memory.with_context('And why?') == ('And why?', False)
    memory.remember('What happens to the current when the voltage doubles?', 'It doubles.')
    assert memory.with_context('And why?') == (
        'What happens to the current when the voltage doubles? And why?', True)
    assert memory.with_context('What is the unit of capacitance?')[1] is False
    now[0] = 61.0
    assert memory.with_context('And why?') == ('And why?', False)


class Recorder(Outputs):
    """Keeps what the dialogue asked for (this stands for the ROS publishers)."""

    def __init__(self):
        self.asked, self.cancelled, self.said, self.states, self.modes, self.logged = [], [], [], [], [], []

    def ask(self, request_id, text, language, segment_ids=(), speculative=False):
        self.asked.append((request_id, text, language))
        self.segments = segment_ids
        self.speculative = speculative

    def cancel(self, request_id):
        self.cancelled.append(request_id)

    def say(self, request_id, kind, part, text, language):
        self.said.append((request_id, kind, part, text))

    def students(self, segment_ids):
        self.students_marked = getattr(self, 'students_marked', []) + list(segment_ids)

    def lecture(self, action):
        self.lectures = getattr(self, 'lectures', []) + [action]

    def state(self, state):
        self.states.append(state)

    def mode(self, mode):
        self.modes.append(mode)

    def log(self, entry):
        self.logged.append(entry)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def out():
    return Recorder()


def make(out, clock, mode='lecture', ack_after_s=1.0):
    return Dialogue(out, mode, continuation_s=0.8, ack_after_s=ack_after_s, resume_window_s=1.0,
                    clock=clock)


def answer_fully(dialogue, clock, request_id, sentences, declined=False, sources=('notes',)):
    for i, sentence in enumerate(sentences):
        dialogue.answer(request_id, sentence, final=False)
    dialogue.answer(request_id, '', final=True, declined=declined, sources=sources)
    dialogue.milo_speaking(True)
    clock.now += 0.2
    dialogue.audio_started(request_id, 'answer', clock.now)
    for i, sentence in enumerate(sentences):
        dialogue.spoken(request_id, 'answer', sentence, False)
    dialogue.milo_speaking(False)


def test_in_lecture_mode_milo_answers_only_when_called(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Sorry sir, could you repeat the last value?', 'en', clock.now)
    assert out.asked == [] and out.said == []
    dialogue.heard('Milo, what is the unit of resistance?', 'en', clock.now - 0.3, lecture_id=4)
    (rid, text, language), = out.asked
    assert (text, language) == ('What is the unit of resistance?', 'en')
    assert out.states[-1] == 'thinking'
    answer_fully(dialogue, clock, rid, ['It is the ohm.', 'Source: lecture at 00:12.'])
    assert [s for s in out.said if s[1] != 'ack'] == [
        (rid, 'answer', 0, 'It is the ohm.'), (rid, 'answer', 1, 'Source: lecture at 00:12.')]
    (entry,) = out.logged
    assert (entry.outcome, entry.lecture_id, entry.mode, entry.language) == ('answered', 4, 'lecture', 'en')
    assert entry.spoken == 'It is the ohm. Source: lecture at 00:12.'
    assert entry.latency_s == pytest.approx(0.5)
    assert out.states[-1] == 'idle'


def test_an_off_topic_question_is_logged_as_declined(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo, who won the football world cup?', 'en', clock.now)
    answer_fully(dialogue, clock, out.asked[0][0], ["We haven't covered that in class yet."],
                 declined=True, sources=())
    assert out.logged[0].outcome == 'declined'


def test_a_follow_up_is_asked_with_the_question_it_follows(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo, what happens to the current when the voltage doubles?', 'en', clock.now)
    answer_fully(dialogue, clock, out.asked[0][0], ['It doubles too.'])
    dialogue.heard('And why does it double, Milo?', 'en', clock.now)
    assert out.asked[-1][1] == 'What happens to the current when the voltage doubles? And why does it double?'


def test_barge_in_cancels_and_logs_what_was_heard(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo, explain the time constant.', 'en', clock.now)
    rid = out.asked[0][0]
    dialogue.answer(rid, 'The time constant is R times C.', final=False)
    dialogue.answer(rid, 'After one of them, the capacitor is at 63 percent.', final=False)
    dialogue.milo_speaking(True)
    clock.now += 2.0  # well into the answer: no longer the question going on
    dialogue.speech(True, barge_in=True)
    assert out.cancelled == [rid]
    dialogue.spoken(rid, 'answer', 'The time constant', True)  # the TTS stopped mid-sentence
    (entry,) = out.logged
    assert (entry.outcome, entry.spoken) == ('interrupted', '')
    assert 'R times C' in entry.answer


def test_milo_waits_for_the_rest_of_an_unfinished_question(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo, what is the voltage across the', 'en', clock.now, segment_id=5)
    dialogue.tick()
    assert out.asked == []
    dialogue.speech(True)
    dialogue.heard('resistor in the example?', 'en', clock.now, segment_id=6)
    assert out.asked[0][1] == 'What is the voltage across the resistor in the example?'
    assert out.segments == (5, 6), 'the brain is told where the question is in the record'


def test_a_segment_heard_again_whole_replaces_its_part(out, clock):
    # The asr hears a sentence that a pause cut again as one, from the same start (its join).
    dialogue = make(out, clock)
    dialogue.heard('Milo, what is the voltage across the', 'en', clock.now, segment_id=5,
                   segment_start=10.0)
    dialogue.speech(True)
    dialogue.heard('Milo, what is the voltage across the resistor?', 'en', clock.now, segment_id=5,
                   segment_start=10.0)
    assert [a[1] for a in out.asked] == ['What is the voltage across the resistor?']
    assert out.segments == (5,)
    # A question asked already: the same segment heard again with more words is not asked twice.
    dialogue.heard('Milo, what is a farad?', 'en', clock.now, segment_id=6, segment_start=20.0)
    dialogue.heard('Milo, what is a farad? In simple words.', 'en', clock.now, segment_id=6,
                   segment_start=20.0)
    assert [a[1] for a in out.asked][1:] == ['What is a farad?']


def test_a_question_the_student_goes_on_with_is_asked_whole_once(out, clock):
    # Taken as a question, then the student speaks on (the answer is dropped), and the asr hears
    # the segment again with the rest: the question is the whole, not the part twice.
    dialogue = make(out, clock)
    dialogue.heard('Milo, what is the unit of charge?', 'en', clock.now, segment_id=8,
                   segment_start=40.0)
    first = out.asked[0][0]
    clock.now += 0.3
    dialogue.speech(True)
    assert out.cancelled == [first]
    dialogue.heard('Milo, what is the unit of charge? And of capacitance?', 'en', clock.now,
                   segment_id=8, segment_start=40.0)
    assert out.asked[-1][1] == 'What is the unit of charge? And of capacitance?'
    assert out.segments == (8,)


def test_a_question_confirmed_on_its_pause_then_gone_on_with_is_asked_whole(out, clock):
    dialogue = make(out, clock)
    dialogue.heard_partial('Milo, what is a capacitor', 'en', 50.0, clock.now)
    dialogue.voice_ended((50.0, 52.0))  # the voice ended on that pause: the answer goes ahead
    first = out.asked[0][0]
    dialogue.heard('Milo, what is a capacitor?', 'en', clock.now, segment_id=9, segment_start=50.0)
    dialogue.speech(True)  # ... and goes on: "in a camera flash?"
    assert out.cancelled == [first]
    dialogue.heard('Milo, what is a capacitor in a camera flash?', 'en', clock.now, segment_id=9,
                   segment_start=50.0)
    assert out.asked[-1][1] == 'What is a capacitor in a camera flash?' and out.segments == (9,)


@pytest.mark.parametrize('first_sound', ['ack', 'answer'])
def test_a_student_who_goes_on_over_milo_s_first_sound_gets_the_whole_question_answered(
        out, clock, first_sound):
    # "How do resistors add up," 0.6 s of pause, "in series?": Milo's acknowledgement or its
    # answer to the words before the pause started in the pause (milo bench --only turns_heard).
    dialogue = make(out, clock)
    end = clock.now
    dialogue.heard('Milo, how do resistors add up?', 'en', end, segment_id=5, segment_start=3.0)
    rid = out.asked[0][0]
    dialogue.answer(rid, 'They add up.', final=False)
    dialogue.milo_speaking(True)
    dialogue.audio_started(rid, first_sound, end + 0.5)
    clock.now = end + 0.8
    dialogue.barge_in(end + 0.6)  # the student's voice over Milo, 0.6 s after the question
    dialogue.speech(True, barge_in=True, at=end + 0.6)
    dialogue.spoken(rid, first_sound, 'They', True)  # the tts stopped at the barge-in
    dialogue.milo_speaking(False)
    assert out.cancelled == [rid] and out.logged == [], 'the answer to the part is taken back'
    dialogue.speech(False)
    dialogue.heard('Milo, how do resistors add up in series?', 'en', clock.now, segment_id=5,
                   segment_start=3.0)
    assert out.asked[-1][1] == 'How do resistors add up in series?' and out.segments == (5,)


@pytest.mark.parametrize('cut_by', ['barge-in', 'tts'])
def test_a_student_who_goes_on_late_over_milo_s_answer_gets_the_whole_question_answered(
        out, clock, cut_by):
    # "Milo, que devient la vitesse | si on divise le diamètre par deux ?": the rest came 1.2 s
    # after the part, over Milo's answer to it (later than the resume window: the answer is cut
    # short and logged so), and the asr heard the segment again whole. The whole is asked.
    dialogue = make(out, clock)
    end = clock.now
    dialogue.heard('Milo, que devient la vitesse ?', 'fr', end, segment_id=5, segment_start=3.0)
    rid = out.asked[0][0]
    dialogue.answer(rid, "Nous n'avons pas encore vu cela en cours.", final=False)
    dialogue.answer(rid, '', final=True, declined=True)
    dialogue.milo_speaking(True)
    dialogue.audio_started(rid, 'answer', end + 0.9)
    clock.now = end + 1.4
    if cut_by == 'barge-in':
        dialogue.speech(True, barge_in=True, at=end + 1.2)
        dialogue.spoken(rid, 'answer', '', True)
    else:  # the voice stopped on its own report first, the VAD's came after
        dialogue.spoken(rid, 'answer', '', True)
        dialogue.speech(True, barge_in=True, at=end + 1.2)
    dialogue.milo_speaking(False)
    dialogue.speech(False)
    assert [e.outcome for e in out.logged] == ['interrupted'], 'the cut answer is logged as it was'
    clock.now += 2.0
    dialogue.heard('Milo, que devient la vitesse si on divise le diamètre par deux ?', 'fr',
                   clock.now, segment_id=5, segment_start=3.0)
    assert out.asked[-1][1] == 'Que devient la vitesse si on divise le diamètre par deux ?'
    whole = out.asked[-1][0]
    answer_fully(dialogue, clock, whole, ['Elle est multipliée par quatre.'])
    assert [e.outcome for e in out.logged] == ['interrupted', 'answered']


@pytest.mark.parametrize('final_first', [False, True], ids=['final-after', 'final-before'])
@pytest.mark.parametrize('goes_on_s', [0.6, 1.4], ids=['within-window', 'late'])
def test_a_question_answered_on_its_pause_then_gone_on_with_is_asked_whole(
        out, clock, goes_on_s, final_first):
    # The twelfth soak's lost question: the words before a pause were answered as the voice ended
    # on it (the peek), the student went on over Milo's first words, and the part's final came
    # after that. The segment heard again whole was dropped as "its start was taken already", and
    # the part waited 30 s to be joined to the teacher's next words.
    dialogue = make(out, clock)
    end = clock.now
    dialogue.voice_paused((3.0, 5.0))
    dialogue.heard_partial('Milo, que deviens la vitesse-ci.', 'fr', 3.0, end)
    dialogue.voice_ended((3.0, 5.0))
    rid = out.asked[0][0]
    dialogue.answer(rid, "Nous n'avons pas encore vu cela en cours.", final=False)
    assert [s[:2] for s in out.said] == [(rid, 'answer')], 'answered as the voice ended on the pause'
    dialogue.milo_speaking(True)
    dialogue.audio_started(rid, 'answer', end + 0.3)
    part = ('Milo, que devient la vitesse si.', 'fr', end)
    if final_first:
        dialogue.heard(*part, segment_id=5, segment_start=3.0)
    clock.now = end + goes_on_s + 0.2
    dialogue.speech(True, barge_in=True, at=end + goes_on_s)
    dialogue.spoken(rid, 'answer', '', True)
    dialogue.milo_speaking(False)
    if not final_first:
        dialogue.heard(*part, segment_id=5, segment_start=3.0)
    clock.now += 2.0
    dialogue.speech(False)
    dialogue.heard('Milo, que devient la vitesse si on divise le diamètre par deux ?', 'fr',
                   clock.now, segment_id=5, segment_start=3.0)
    assert out.asked[-1][1] == 'Que devient la vitesse si on divise le diamètre par deux ?'
    assert out.segments == (5,)
    answer_fully(dialogue, clock, out.asked[-1][0], ['Elle est multipliée par quatre.'])
    cut = ['interrupted'] if goes_on_s > 1.0 else []
    assert [e.outcome for e in out.logged] == cut + ['answered']


def test_the_rest_of_a_question_already_answered_is_not_asked_again(out, clock):
    # Answered in full, then the segment heard again with words after it: the start was taken.
    dialogue = make(out, clock)
    end = clock.now
    dialogue.heard('Milo, what is a capacitor?', 'en', end, segment_id=5, segment_start=3.0)
    rid = out.asked[0][0]
    answer_fully(dialogue, clock, rid, ['A capacitor stores charge.'])
    clock.now = end + 4.0
    dialogue.heard('Milo, what is a capacitor? Thank you.', 'en', clock.now, segment_id=5,
                   segment_start=3.0)
    assert len(out.asked) == 1 and [e.outcome for e in out.logged] == ['answered']


def test_a_late_report_of_the_student_going_on_still_takes_the_answer_back(out, clock):
    # On a loaded board the VAD's start comes well after the voice did: its stamp says when.
    dialogue = make(out, clock)
    end = clock.now
    dialogue.heard('Milo, what is a capacitor?', 'en', end, segment_id=5, segment_start=3.0)
    rid = out.asked[0][0]
    clock.now = end + 1.3
    dialogue.speech(True, at=end + 0.6)
    assert out.cancelled == [rid]


def test_the_name_alone_then_the_question_heard_whole_is_asked(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo.', 'en', clock.now, segment_id=7, segment_start=30.0)
    dialogue.heard('Milo. What is a farad?', 'en', clock.now, segment_id=7, segment_start=30.0)
    assert [a[1] for a in out.asked] == ['What is a farad?']


def test_a_question_to_milo_is_not_swallowed_by_the_teacher_s_unfinished_sentence(out, clock):
    # The soak lost two questions this way: the lecture's "S1, 7, 3," then "Milo, à quoi ...?".
    dialogue = make(out, clock)
    dialogue.heard('Les valeurs sont 7, 3,', 'fr', clock.now, segment_id=8)
    dialogue.heard('Milo, à quoi sert un tube de Venturi ?', 'fr', clock.now, segment_id=9)
    assert out.asked[0][1] == 'À quoi sert un tube de Venturi ?'
    assert out.segments == (9,), "the teacher's words are not the student's question"


def test_an_unfinished_question_is_answered_when_nothing_follows(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo, what is a resistor and', 'en', clock.now)
    clock.now += 0.5
    dialogue.tick()
    assert out.asked == []
    clock.now += 0.4
    dialogue.tick()
    assert out.asked[0][1] == 'What is a resistor and'


def test_a_question_without_its_verb_waits_for_the_rest(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo, how do resistors?', 'en', clock.now, segment_id=1)
    dialogue.tick()
    assert out.asked == []
    dialogue.speech(True)
    dialogue.heard('Add up in series?', 'en', clock.now, segment_id=2)
    dialogue.speech(False)
    assert out.asked[-1][1] == 'How do resistors? Add up in series?'
    dialogue.heard('Milo, comment les résistances ?', 'fr', clock.now, segment_id=3)
    clock.now += 0.9
    dialogue.tick()
    assert out.asked[-1][1:] == ('Comment les résistances ?', 'fr'), 'taken when nothing follows'
    dialogue.heard('The teacher asks how do resistors', 'en', clock.now)
    assert len(out.asked) == 2, 'talk Milo does not answer is not held'


def test_the_words_judge_makes_a_finished_looking_question_wait(out, clock):
    judged = []

    def judge(text):  # stands for the turn language model
        judged.append(text)
        return text in ('What is the unit of?', 'Après combien de constantes de temps ?')
    dialogue = Dialogue(out, 'lecture', continuation_s=0.8, clock=clock, words_judge=judge)
    dialogue.heard_partial('Milo, what is the unit of?', 'en', clock.now - 1, clock.now)
    assert out.asked == [], 'no speculative answer to half a question'
    dialogue.heard('Milo, what is the unit of?', 'en', clock.now, segment_id=1)
    dialogue.tick()
    assert out.asked == []
    dialogue.speech(True)
    dialogue.heard('Electric current?', 'en', clock.now, segment_id=2)
    dialogue.speech(False)
    assert out.asked[-1][1] == 'What is the unit of? Electric current?'
    dialogue.heard('Milo, après combien de constantes de temps ?', 'fr', clock.now, segment_id=3)
    clock.now += 0.5
    dialogue.tick()
    assert len(out.asked) == 1, 'the French half-question waits too'
    clock.now += 0.4
    dialogue.tick()
    assert out.asked[-1][1:] == ('Après combien de constantes de temps ?', 'fr')
    asked = len(judged)
    dialogue.heard('The teacher says what is the unit of', 'en', clock.now)
    dialogue.heard('Milo, what is the', 'en', clock.now)
    dialogue.heard('Milo, how do resistors?', 'en', clock.now)
    assert len(judged) == asked, 'talk Milo does not answer, the word and verb rules: no call'


def test_a_student_who_goes_on_talking_is_not_cut_off(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo, what is a capacitor?', 'en', clock.now)
    clock.now += 0.4
    dialogue.speech(True)  # more words come: that answer is dropped
    assert out.cancelled == [out.asked[0][0]]
    dialogue.speech(False)
    dialogue.heard('I mean the one in the flash circuit.', 'en', clock.now)
    assert out.asked[-1][1] == 'What is a capacitor? I mean the one in the flash circuit.'


def test_modes_switch_by_voice_and_by_command(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo, question time.', 'en', clock.now)
    assert dialogue.mode == 'qa' and out.modes[-1] == 'qa'
    assert 'Question time' in out.said[-1][3]
    dialogue.heard('What is the unit of capacitance?', 'en', clock.now)
    assert out.asked[-1][1] == 'What is the unit of capacitance?'
    dialogue.heard("That's all for today.", 'en', clock.now)  # not a question
    assert len(out.asked) == 1
    assert dialogue.set_mode('sleep') == 'mode sleep'
    assert out.states[-1] == 'sleep'
    dialogue.heard('Milo, what is a volt?', 'en', clock.now)
    assert len(out.asked) == 1
    dialogue.heard('Milo, wake up.', 'en', clock.now)
    assert dialogue.mode == 'lecture'
    assert dialogue.set_mode('party').startswith('unknown mode')


def test_a_slow_answer_starts_with_an_acknowledgement(out, clock):
    dialogue = make(out, clock, ack_after_s=1.0)
    dialogue.heard('Milo, what is a volt?', 'en', clock.now)
    acks = [s for s in out.said if s[1] == 'ack']
    clock.now += 1.1
    dialogue.tick()
    assert len([s for s in out.said if s[1] == 'ack']) == max(1, len(acks))
    # Fast answers teach the dialogue to expect speed: no acknowledgement up front any more.
    for _ in range(6):
        request_id = out.asked[-1][0]
        clock.now += 0.3
        answer_fully(dialogue, clock, request_id, ['Fine.'])
        dialogue.heard('Milo, what is an ampere?', 'en', clock.now)
    said_before = len(out.said)
    dialogue.heard('Milo, what is an ohm?', 'en', clock.now)
    assert not any(s[1] == 'ack' for s in out.said[said_before:])


def test_milo_called_by_name_alone_takes_the_next_sentence(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo?', 'en', clock.now)
    assert out.asked == []
    clock.now += 2.0
    dialogue.heard('What is the unit of power?', 'en', clock.now)
    assert out.asked[-1][1] == 'What is the unit of power?'
    dialogue.heard('And the unit of energy is the joule.', 'en', clock.now)  # not for Milo any more
    assert len(out.asked) == 1


def test_a_busy_brain_is_heard_and_an_early_barge_in_does_not_leave_milo_listening(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo, what is a volt?', 'en', clock.now)
    rid = out.asked[0][0]
    dialogue.answer(rid, "One moment, I'm still answering the previous question.", final=True, declined=True)
    assert out.said[-1] == (rid, 'answer', 0, "One moment, I'm still answering the previous question.")
    dialogue.spoken(rid, 'answer', 'One moment', False)
    assert out.logged[-1].outcome == 'declined'
    dialogue.heard('Milo, what is an ohm?', 'en', clock.now)
    dialogue.milo_speaking(True)
    clock.now += 2.0  # past the resume window: a student talking over Milo, not going on
    dialogue.barge_in()
    assert out.cancelled == [out.asked[1][0]] and out.logged[-1].outcome == 'interrupted'
    dialogue.milo_speaking(False)
    assert out.states[-1] == 'idle', 'a barge-in alone is not someone speaking on'


def test_a_mode_switch_in_another_language_is_announced_in_english(out, clock):
    dialogue = make(out, clock)
    assert dialogue.set_mode('qa', 'ko', announce=True) == 'mode qa'
    assert out.said[-1][3].startswith('Question time')


def test_request_ids_differ_between_two_dialogues(clock):
    """A restarted dialogue must never reuse the ids of the one before it."""
    first, second = Recorder(), Recorder()
    make(first, clock).heard('Milo, what is a volt?', 'en', clock.now)
    make(second, clock).heard('Milo, what is a volt?', 'en', clock.now)
    assert first.asked[0][0] != second.asked[0][0]


def test_a_turn_the_brain_never_answers_fails_with_an_apology(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('Milo, what is a volt?', 'en', clock.now)
    rid = out.asked[0][0]
    clock.now += 19.0
    dialogue.tick()
    assert out.logged == []
    clock.now += 1.5
    dialogue.tick()
    assert out.cancelled == [rid]
    assert out.said[-1][:2] == (rid, 'apology') and 'Sorry' in out.said[-1][3]
    assert out.logged[-1].outcome == 'failed' and out.states[-1] == 'idle'
    dialogue.answer(rid, 'A late answer.', final=False)  # a stale answer is ignored
    assert out.said[-1][1] == 'apology'


def test_a_question_to_milo_is_recorded_as_a_student_s(out, clock):
    dialogue = make(out, clock)
    dialogue.heard('The voltage doubles.', 'en', clock.now, segment_id=3)
    dialogue.heard('Milo, what is a volt?', 'en', clock.now, segment_id=4)
    assert out.students_marked == [4]
    dialogue.set_mode('qa')
    dialogue.heard('I think it is the unit of voltage.', 'en', clock.now, segment_id=5)  # a remark
    assert out.students_marked == [4, 5]


@pytest.mark.parametrize('heard, action', [
    ('Milo, the class begins.', 'start'), ('Milo, le cours commence.', 'start'),
    ('Milo, the class is over.', 'end'), ('Milo, le cours est terminé.', 'end'),
    ("That's all for today, Milo.", 'end')])
def test_the_class_starts_and_ends_by_voice(out, clock, heard, action):
    dialogue = make(out, clock)
    dialogue.heard(heard, 'fr' if 'cours' in heard else 'en', clock.now)
    assert out.lectures == [action] and out.asked == []
    assert out.said[-1][1] == 'announce'


def test_asking_when_the_class_ends_is_a_question():
    assert parse('Milo, when is the class over?').lecture_command is None


def test_a_question_complete_at_a_pause_is_answered_as_soon_as_the_transcript_confirms_it(out, clock):
    dialogue = make(out, clock)
    dialogue.heard_partial('Milo, what is a capacitor?', 'en', 12.0, clock.now)
    (rid, question, _), = out.asked
    assert out.speculative and question == 'What is a capacitor?'
    dialogue.answer(rid, 'A capacitor stores charge.', final=False)
    assert out.said == [] and out.states[-1] == 'idle', 'nothing said before the confirmation'
    dialogue.heard('Milo, what is a capacitor?', 'en', clock.now + 0.3, segment_id=7, segment_start=12.0)
    assert out.said == [(rid, 'answer', 0, 'A capacitor stores charge.')] and len(out.asked) == 1
    assert out.students_marked == [7]
    dialogue.answer(rid, '', final=True, sources=('notes',))
    dialogue.spoken(rid, 'answer', 'A capacitor stores charge.', False)
    assert [e.outcome for e in out.logged] == ['answered'] and dialogue.speculations.wasted == 0


@pytest.mark.parametrize('end_first', [False, True], ids=['peek-then-end', 'end-then-peek'])
def test_a_question_whose_voice_ended_on_the_pause_is_answered_before_the_final_transcript(
        out, clock, end_first):
    dialogue = make(out, clock)
    dialogue.voice_paused((100.0, 102.5))
    if end_first:  # the VAD's end came before the words peeked at the pause were decoded
        dialogue.speech(False)
        dialogue.voice_ended((100.0, 102.5))
    dialogue.heard_partial('Milo, what is a capacitor?', 'en', 12.0, clock.now)
    (rid, _, _), = out.asked
    dialogue.answer(rid, 'A capacitor stores charge.', final=False)
    assert (out.said == []) != end_first
    if not end_first:
        dialogue.speech(False)
        dialogue.voice_ended((100.0, 102.5))
    assert out.said == [(rid, 'answer', 0, 'A capacitor stores charge.')], 'no wait for the final'
    # The final transcript, a second later, only tells the record's segment: no second question.
    dialogue.heard('Milo, what is the capacitor?', 'en', clock.now + 1.0, segment_id=7,
                   segment_start=12.0)
    assert len(out.asked) == 1 and out.students_marked == [7] and out.cancelled == []
    dialogue.answer(rid, '', final=True, sources=('notes',))
    dialogue.spoken(rid, 'answer', 'A capacitor stores charge.', False)
    assert [e.outcome for e in out.logged] == ['answered']


def test_a_voice_that_went_on_after_the_pause_waits_for_the_final_transcript(out, clock):
    dialogue = make(out, clock)
    dialogue.voice_paused((100.0, 102.5))
    dialogue.heard_partial('Milo, what is a capacitor?', 'en', 12.0, clock.now)
    rid = out.asked[0][0]
    dialogue.answer(rid, 'A capacitor stores charge.', final=False)
    dialogue.speech(False)
    dialogue.voice_ended((100.0, 104.1))  # a later silence: "...in a camera flash?" came after
    assert out.said == [], 'the question asked on the pause was not the whole turn'
    dialogue.heard('Milo, what is a capacitor in a camera flash?', 'en', clock.now, segment_id=8,
                   segment_start=12.0)
    assert out.cancelled == [rid] and out.asked[-1][1] == 'What is a capacitor in a camera flash?'


def test_a_student_who_pauses_mid_question_and_goes_on_gets_no_half_answer(out, clock):
    dialogue = make(out, clock)
    dialogue.heard_partial('Milo, what is the voltage across the', 'en', 3.0, clock.now)
    assert out.asked == [], 'an unfinished sentence is not a question'
    dialogue.heard_partial('Milo?', 'en', 3.0, clock.now)
    assert out.asked == [], 'the name alone is no question'
    dialogue.heard_partial('Milo, what is a capacitor?', 'en', 3.0, clock.now)
    rid = out.asked[0][0]
    dialogue.answer(rid, 'A capacitor stores charge.', final=False)
    dialogue.speech(True)  # the student goes on: "...in the flash circuit of a camera?"
    assert out.cancelled == [rid] and out.said == [] and out.logged == []
    dialogue.speech(False)
    dialogue.heard('Milo, what is a capacitor in the flash circuit of a camera?', 'en', clock.now,
                   segment_id=8, segment_start=3.0)
    assert out.asked[-1][1] == 'What is a capacitor in the flash circuit of a camera?'
    assert not out.speculative and dialogue.speculations.wasted == 1
    dialogue.answer(rid, 'A late sentence of the dropped answer.', final=False)
    assert all(s[0] != rid for s in out.said), 'no stray audio from the dropped answer'


def test_a_transcript_that_differs_from_the_pause_s_drops_the_speculation(out, clock):
    dialogue = make(out, clock)
    dialogue.heard_partial('Milo, what is a resistor?', 'en', 5.0, clock.now)
    first = out.asked[0][0]
    dialogue.heard('Milo, what is a transistor?', 'en', clock.now, segment_id=9, segment_start=5.0)
    assert out.cancelled == [first] and out.asked[-1][1] == 'What is a transistor?'
    assert out.logged == []
