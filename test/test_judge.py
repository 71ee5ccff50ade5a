# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The demo's judge on hand-made observations: it judges what Milo said, not only that it spoke."""

import pytest

from milo_robot.interfaces.payloads import (
    AnswerPart,
    LectureState,
    Mode,
    Question,
    SpeechSpoken,
    SpeechStarted,
    Transcript,
    VadEvent,
)
from milo_robot.interfaces.topics import (
    ASR_FINAL,
    ASR_PARTIAL,
    BRAIN_ANSWER,
    BRAIN_QUESTION,
    CAMERA_FACES,
    DIALOGUE_MODE,
    LECTURE_CURRENT,
    TTS_SPEAKING,
    TTS_SPOKEN,
    TTS_STARTED,
    VAD_EVENTS,
)
from milo_robot.session.judge import barge_in_stops, judge, judge_summary
from milo_robot.session.observer import Observation

T0 = 1_800_000_000.0
QUESTION = 'How long does a capacitor take to charge fully?'


def timeline(expect='answer', facts=("five|5", 'time constant')):
    return {'turns': [
        {'speaker': 'teacher', 'text': 'After five time constants, we consider it fully charged.',
         'start_s': 0.0, 'speech_end_s': 3.0},
        {'speaker': 'student', 'text': QUESTION, 'case': 'qa', 'expect': expect, 'facts': list(facts),
         'start_s': 5.0, 'speech_end_s': 7.0},
        {'speaker': 'teacher', 'text': 'Milo, the class is over.', 'case': 'lecture_end',
         'expect': 'lecture_end', 'start_s': 30.0, 'speech_end_s': 32.0},
    ]}


def observed(sentences, declined=False, ended=True, speculative=False):
    o = Observation(audio_t0=T0)
    o.events.append((T0 + 7.5, BRAIN_QUESTION.name, Question('ab12-q1', QUESTION, 'en',
                                                             speculative=speculative)))
    for i, sentence in enumerate(sentences):
        o.events.append((T0 + 8.0, BRAIN_ANSWER.name, AnswerPart('ab12-q1', i, sentence)))
    o.events.append((T0 + 8.1, BRAIN_ANSWER.name, AnswerPart('ab12-q1', len(sentences), '', True,
                                                             declined, ('the teacher at 00:00',))))
    o.events.append((T0 + 8.4, TTS_STARTED.name, SpeechStarted('ab12-q1', 'answer', 0, T0 + 8.4, 0.2)))
    o.events.append((T0 + 12.0, TTS_SPOKEN.name, SpeechSpoken('ab12-q1', 'answer', 0, sentences[0])))
    if ended:
        o.events.append((T0 + 33.0, LECTURE_CURRENT.name, LectureState('ended', 1)))
    return o


def test_a_right_answer_passes_with_its_latency():
    answer, ended = judge(observed(['It takes five time constants to charge fully.']), timeline())
    assert answer.ok and answer.observed == 'answered'
    assert abs(answer.latency_s - 1.4) < 1e-6
    assert ended.ok and ended.observed == 'lecture 1 ended'


def test_a_text_question_from_the_app_is_not_the_class_turn():
    # Students ask in the app during the session: a text question reaches the brain just
    # before the class's, and is answered without a sound.
    o = observed(['It takes five time constants to charge fully.'])
    o.events.insert(0, (T0 + 7.2, BRAIN_QUESTION.name, Question('app-1', 'What is a farad?', 'en',
                                                                origin='text')))
    o.events.insert(1, (T0 + 7.3, BRAIN_ANSWER.name, AnswerPart('app-1', 0, 'A farad is...')))
    answer = judge(o, timeline())[0]
    assert answer.ok and answer.reply.request_id == 'ab12-q1' and abs(answer.latency_s - 1.4) < 1e-6


def test_the_latency_is_split_into_stages_also_for_a_question_asked_on_a_pause():
    def heard(event, transcript_topic, at_pause, received=7.4):
        o = observed(['It takes five time constants to charge fully.'], speculative=event == 'pause')
        o.events += [(T0 + 7.1, VAD_EVENTS.name, VadEvent(event, T0 + 5.0, T0 + 7.0)),
                     (T0 + received, transcript_topic, Transcript(QUESTION, 'en', 5.0, 7.0, 0.9,
                                                             not at_pause, compute_s=0.25,
                                                             at_pause=at_pause))]
        o.events = [(at, topic, p if topic != BRAIN_ANSWER.name or p.final else
                     AnswerPart(p.request_id, p.index, p.text, elapsed_s=0.3))
                    for at, topic, p in sorted(o.events, key=lambda e: e[0])]
        return judge(o, timeline())[0].stages

    for stages in (heard('end', ASR_FINAL.name, False), heard('pause', ASR_PARTIAL.name, True)):
        assert stages['vad_end_of_turn_s'] == pytest.approx(0.1)
        assert stages['asr_final_s'] == 0.25 and stages['model_first_sentence_s'] == 0.3
        assert stages['tts_first_audio_s'] == 0.2 and stages['total_s'] == pytest.approx(1.4)
        assert stages['transport_and_orchestration_s'] == pytest.approx(1.4 - 0.1 - 0.25 - 0.3 - 0.2)
    # A partial that was not taken at a pause is no transcript the question came from.
    assert heard('pause', ASR_PARTIAL.name, False)['transport_and_orchestration_s'] is None
    # The peek reached the observer after the question asked on it: it is still the one.
    late = heard('pause', ASR_PARTIAL.name, True, received=7.6)
    assert late['vad_end_of_turn_s'] == pytest.approx(0.1) and late['asr_final_s'] == 0.25


def test_a_question_asked_on_the_final_is_timed_from_the_end_not_from_an_earlier_peek():
    o = observed(['It takes five time constants to charge fully.'])
    o.events += [(T0 + 7.05, VAD_EVENTS.name, VadEvent('pause', T0 + 5.0, T0 + 7.0)),
                 (T0 + 7.15, ASR_PARTIAL.name, Transcript(QUESTION, 'en', 5.0, 7.0, 0.9, False,
                                                          compute_s=0.1, at_pause=True)),
                 (T0 + 7.3, VAD_EVENTS.name, VadEvent('end', T0 + 5.0, T0 + 7.0)),
                 (T0 + 7.45, ASR_FINAL.name, Transcript(QUESTION, 'en', 5.0, 7.0, 0.9, True,
                                                        compute_s=0.15))]
    stages = judge(o, timeline())[0].stages
    assert stages['vad_end_of_turn_s'] == pytest.approx(0.3) and stages['asr_final_s'] == 0.15


def test_a_wrong_answer_fails_even_though_milo_answered():
    # What a demo run once said, and was called "ok" for.
    results = judge(observed(['The capacitor takes 1,000 ohms with 100 microfarads to charge fully.']),
                    timeline())
    assert not results[0].ok
    assert 'without five|5; time constant' in results[0].observed


def test_declining_a_covered_question_fails_and_declining_an_uncovered_one_passes():
    declined = observed(["We haven't covered that in class yet."], declined=True)
    assert not judge(declined, timeline())[0].ok
    assert judge(declined, timeline(expect='decline', facts=()))[0].ok


def test_silence_modes_and_a_lecture_that_goes_on():
    o = observed(['It takes five time constants.'], ended=False)
    assert not judge(o, timeline(expect='silent'))[0].ok, 'Milo answered a question meant for the teacher'
    o.events.append((T0 + 7.8, DIALOGUE_MODE.name, Mode('qa')))
    assert judge(o, timeline(expect='mode'))[0].ok
    assert judge(o, timeline())[1].observed == 'the lecture goes on'


def test_the_summary_is_judged_on_the_lecture_s_facts():
    facts = [['ohm'], ['time constant'], ['five|5']]
    ok, lacking = judge_summary('- Ohm\'s law: U = R × I (00:12)\n- The time constant is R × C.', facts)
    assert not ok and lacking == ['five|5']
    assert judge_summary('Ohm; time constant; five time constants to charge.', facts) == (True, [])
    assert judge_summary('', []) == (False, [])


def test_the_camera_is_judged_on_turning_to_the_asker():
    from milo_robot.interfaces.payloads import Faces
    from milo_robot.session.judge import judge_gaze

    def faces(gaze, ids=(4,)):
        return Faces(T0, 320, 240, ids, tuple((10.0, 10.0, 40.0, 40.0) for _ in ids),
                     tuple(0.0 for _ in ids), gaze)
    o = observed(['It takes five time constants.'])
    o.events.append((T0 + 8.0, CAMERA_FACES.name, faces('teacher')))
    results = judge(o, timeline())
    assert [ok for _, ok in judge_gaze(o, results)] == [False]
    o.events.append((T0 + 8.5, CAMERA_FACES.name, faces('addressee')))
    assert [ok for _, ok in judge_gaze(o, results)] == [True]
    blind = observed(['It takes five time constants.'])
    blind.events.append((T0 + 8.0, CAMERA_FACES.name, faces('scan', ids=())))
    assert judge_gaze(blind, judge(blind, timeline())) == [], 'no face in view: not judged'

    # A slow answer (a loaded board): the head looks away while Milo thinks, on purpose, and turns
    # to the asker once the answer starts (at 15 s here), within the window from then.
    def late(gaze_at):
        o = observed(['It takes five time constants.'])
        o.events = [e for e in o.events if e[1] != TTS_STARTED.name]
        o.events.append((T0 + 15.0, TTS_STARTED.name, SpeechStarted('ab12-q1', 'answer', 0, T0 + 15.0, 0.2)))
        o.events.append((T0 + 8.0, CAMERA_FACES.name, faces('')))
        o.events.append((T0 + gaze_at, CAMERA_FACES.name, faces('addressee')))
        o.events.sort(key=lambda e: e[0])
        return [ok for _, ok in judge_gaze(o, judge(o, timeline()))]
    assert late(16.0) == [True]
    assert late(19.0) == [False], 'turned too long after the answer began'


def interruption(student_starts: float, milo_starts: float):
    """A student who talks from `student_starts` to +2 s over an answer Milo starts at `milo_starts`.

    Milo is cut 0.15 s after the voices overlap; his acknowledgement ended before either.
    """
    turns = {'turns': [{'speaker': 'student', 'text': 'Wait, wait, sorry.', 'expect': 'stop',
                        'start_s': student_starts, 'speech_end_s': student_starts + 2.0}]}
    o = Observation(audio_t0=T0)
    cut = max(student_starts, milo_starts) + 0.13
    o.events += [(T0 + 0.5, TTS_SPEAKING.name, True), (T0 + 0.9, TTS_SPEAKING.name, False),
                 (T0 + milo_starts, TTS_SPEAKING.name, True),
                 (T0 + cut, TTS_SPOKEN.name, SpeechSpoken('q1', 'answer', 0, 'It', True)),
                 (T0 + cut + 0.02, TTS_SPEAKING.name, False)]
    return o, turns


def test_a_barge_in_is_timed_from_the_voices_overlapping_to_milo_silent():
    assert [round(ms) for ms in barge_in_stops(*interruption(3.0, 2.0))] == [150]
    # The answer came late and started over the student: timed from Milo's first sound.
    assert [round(ms) for ms in barge_in_stops(*interruption(1.0, 2.5))] == [150]
    # Milo starting after the student finished is no barge-in.
    assert barge_in_stops(*interruption(0.2, 2.5)) == []
