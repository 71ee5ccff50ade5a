# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The brain's desk without ROS: voice first, a text answer interrupted and resumed, busy, cancel,
text questions waiting while the class has the floor."""

import threading

from milo_robot.thinking.answer import AnswerPart
from milo_robot.thinking.desk import BUSY, Desk, Request
from milo_robot.thinking.floor import FLOOR_AFTER_S, FLOOR_MAX_S


class Sent:
    """Outputs that keep what the desk sends."""

    def __init__(self):
        self.parts, self.counts = [], {}
        self.changed = threading.Condition()

    def answer(self, request_id, index, text, final=False, declined=False, sources=(), elapsed_s=0.0,
               quoted=False, kind='', links=()):
        with self.changed:
            self.parts.append((request_id, index, text, final, declined))
            self.changed.notify_all()

    def wait_for(self, request_id, count):
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.of(request_id)) >= count, timeout=10)

    def count(self, name):
        self.counts[name] = self.counts.get(name, 0) + 1

    def of(self, request_id):
        return [p for p in self.parts if p[0] == request_id]


class SlowBrain:
    """Answers in numbered sentences, one at a time when told to go on: the timing is the test's."""

    def __init__(self, sentences=4, free=False):
        self.sentences, self.go = sentences, threading.Semaphore(99 if free else 0)

    def ask(self, text, language='', cancel=None):
        for n in range(self.sentences):
            self.go.acquire()
            if cancel is not None and cancel.is_set():
                yield AnswerPart('', final=True)
                return
            yield AnswerPart(f'{text} {n}')
        yield AnswerPart('', final=True, sources=['the teacher at 01:00'], kind='quote')


def run(desk, brain, request):
    worker = threading.Thread(target=desk.answer, args=(brain, request))
    worker.start()
    return worker


class Clock:
    """A clock the test moves."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_voice_questions_go_first_and_a_full_queue_says_busy():
    out = Sent()
    desk = Desk(out, queue_size=2)
    desk.submit(Request('t1', 'text', origin='text'))
    desk.submit(Request('v1', 'voice', origin='voice'))
    desk.submit(Request('v2', 'again', language='fr'))
    desk.submit(Request('v3', 'and again', language='fr'))
    assert out.of('v3') == [('v3', 0, BUSY['fr'], True, True)] and out.counts == {'refused_busy': 1}
    assert [desk.next(0).request_id for _ in range(3)] + [desk.next(0)] == ['v1', 'v2', 't1', None]


def test_a_voice_question_overtakes_a_full_line_of_text_questions():
    # Five students ask in the app: two wait, the others are told Milo is busy. The class's
    # question is never refused for them, and is answered before them.
    out = Sent()
    desk = Desk(out, queue_size=2)
    for n in range(4):
        desk.submit(Request(f't{n}', 'text', origin='text'))
    desk.submit(Request('v1', 'voice', origin='voice'))
    assert out.of('v1') == [] and out.counts == {'refused_busy': 2}
    assert [desk.next(0).request_id for _ in range(3)] == ['v1', 't0', 't1']


def test_text_questions_wait_while_the_class_has_the_floor():
    out, clock = Sent(), Clock()
    desk = Desk(out, clock=clock)
    desk.submit(Request('t1', 'text', origin='text'))
    desk.class_speaking(True)  # a student starts asking in question time
    assert desk.next(0) is None and not desk.waiting()
    clock.now += 3.0
    desk.class_speaking(False)  # the speech ends; the question comes a moment later
    clock.now += FLOOR_AFTER_S / 2
    assert desk.next(0) is None
    desk.submit(Request('v1', 'voice'))
    assert desk.next(0).request_id == 'v1', 'the class is answered while the app waits'
    clock.now += FLOOR_AFTER_S
    assert desk.next(0).request_id == 't1', 'then the text question'


def test_a_class_that_keeps_talking_does_not_starve_the_app():
    out, clock = Sent(), Clock()
    desk = Desk(out, clock=clock)
    desk.class_speaking(True)
    desk.submit(Request('t1', 'text', origin='text'))
    clock.now += FLOOR_MAX_S - 1
    assert desk.next(0) is None
    clock.now += 1
    assert desk.next(0).request_id == 't1'


def test_each_turn_of_the_class_takes_the_floor_anew():
    # A turn long past, when no text question waited, does not use up the next turn's floor.
    out, clock = Sent(), Clock()
    desk = Desk(out, clock=clock)
    desk.class_speaking(True)
    clock.now += 3.0
    desk.class_speaking(False)
    clock.now += FLOOR_MAX_S  # Milo answers, a pause: nobody asks in the app
    desk.class_speaking(True)  # the next student
    desk.submit(Request('t1', 'text', origin='text'))
    clock.now += 1.0
    assert desk.next(0) is None, 'the app waits during this turn too'
    desk.class_speaking(False)
    clock.now += FLOOR_AFTER_S
    assert desk.next(0).request_id == 't1'


def test_a_waiting_text_question_is_answered_once_the_floor_ends_by_itself():
    # No new question wakes the worker: the desk looks again when the floor ends (real time here).
    out = Sent()
    desk = Desk(out)
    desk.submit(Request('t1', 'text', origin='text'))
    desk.class_speaking(True)
    desk.class_speaking(False)
    assert desk.next(0) is None
    assert desk.next(timeout=FLOOR_AFTER_S * 5).request_id == 't1'


def test_a_voice_question_interrupts_a_text_answer_which_then_goes_on_without_repeating():
    out, brain = Sent(), SlowBrain()
    desk = Desk(out, queue_size=3)
    worker = run(desk, brain, Request('t1', 'text', origin='text'))
    brain.go.release()
    out.wait_for('t1', 1)  # its first sentence is out
    desk.submit(Request('v1', 'voice'))  # the class asks: the text answer gives way
    brain.go.release()
    worker.join(10)
    assert not worker.is_alive() and out.counts['text_answers_interrupted'] == 1
    first, second = desk.next(0), desk.next(0)
    assert [first.request_id, second.request_id] == ['v1', 't1']
    desk.answer(SlowBrain(1, free=True), first)
    desk.answer(SlowBrain(4, free=True), second)
    finals = [p[0] for p in out.parts if p[3]]
    assert finals == ['v1', 't1'], 'the class is answered first, then the text answer goes on'
    texts = out.of('t1')
    assert [p[1] for p in texts] == list(range(5)), 'one stream: nothing sent twice'
    assert [p[2] for p in texts[:4]] == ['text 0', 'text 1', 'text 2', 'text 3'] and texts[-1][3]


def test_cancel_stops_the_answer_or_drops_a_waiting_question():
    out, brain = Sent(), SlowBrain()
    desk = Desk(out)
    worker = run(desk, brain, Request('c1', 'long'))
    brain.go.release()
    out.wait_for('c1', 1)
    desk.submit(Request('w1', 'waiting'))
    desk.cancel('w1')
    desk.cancel('c1')
    brain.go.release()
    worker.join(10)
    assert out.of('c1')[-1][3] and len(out.of('c1')) == 2  # one sentence, then the end
    desk.answer(SlowBrain(free=True), desk.next(0))  # w1's turn: skipped, its asker told
    assert out.of('w1') == [('w1', 0, '', True, True)]


def test_an_answer_that_fails_is_ended_and_counted():
    class Broken:
        def ask(self, text, language='', cancel=None):
            raise RuntimeError('no model')
            yield

    out = Sent()
    Desk(out).answer(Broken(), Request('x', 'anything'))
    assert out.of('x') == [('x', 0, '', True, True)] and out.counts == {'errors': 1, 'questions': 1}
