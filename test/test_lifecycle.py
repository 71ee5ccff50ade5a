# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""When lectures start and end, their course and announced title (no ROS)."""

import datetime

import pytest
from manual_clock import Clock

from milo_robot.lectures.lifecycle import (
    LectureLifecycle,
    LifecycleSettings,
    Timetable,
    TimetableError,
    announced_title,
)

NOW = 1_800_000_000.0  # a wall-clock time: lectures start at it


def test_speech_starts_a_lecture_and_silence_ends_it():
    clock = Clock(NOW)
    life = LectureLifecycle(LifecycleSettings(end_after_silence_s=1200.0), clock)
    assert life.speech(), 'speech with no lecture open starts one'
    life.opened(clock.now)
    assert not life.speech(), 'and not another while it is open'
    clock.now += 1199.0
    assert not life.silence_ends_it()
    life.speech()
    clock.now += 1199.0
    assert not life.silence_ends_it(), 'speech restarts the count'
    clock.now += 2.0
    assert life.silence_ends_it()
    life.closed()
    assert not life.silence_ends_it() and life.speech(), 'the next words start the next lecture'


def test_auto_start_can_be_off_and_a_resumed_lecture_keeps_its_title():
    clock = Clock(NOW)
    life = LectureLifecycle(LifecycleSettings(auto_start=False), clock)
    assert not life.speech()
    life.opened(clock.now - 300.0, titled=True)  # a node restarted mid-lecture resumes it
    assert life.title_from('Today we study capacitors.', clock.now) is None


@pytest.mark.parametrize('sentence, title', [
    ('Good morning everyone. Today we study simple electrical circuits.', 'Simple electrical circuits'),
    ("Today we're going to talk about heat transfer", 'Heat transfer'),
    ("Aujourd'hui nous étudions la mécanique des fluides.", 'La mécanique des fluides'),
    ("Aujourd'hui on va parler de thermodynamique.", 'Thermodynamique'),
    ("Aujourd'hui nous parlons du protocole TCP, le protocole de transport fiable.",
     'Le protocole TCP, le protocole de transport fiable'),
    ("Aujourd'hui on parle d'électronique numérique.", 'Électronique numérique'),
    ('Open your books, please.', None),
])
def test_the_announced_title(sentence, title):
    assert announced_title(sentence) == title


def test_only_an_early_announcement_titles_the_lecture():
    clock = Clock(NOW)
    life = LectureLifecycle(LifecycleSettings(title_window_s=600.0), clock)
    life.opened(clock.now)
    assert life.title_from('Today we study capacitors.', clock.now + 700.0) is None
    assert life.title_from('Today we study capacitors.', clock.now + 30.0) == 'Capacitors'
    assert life.title_from('Today we study inductors.', clock.now + 40.0) is None, 'once'


def test_the_timetable_gives_the_course(tmp_path):
    path = tmp_path / 'timetable.yaml'
    path.write_text('- {day: mon, start: "08:00", end: "10:00", course: Circuits}\n'
                    '- {day: Tuesday, start: "14:00", end: "16:00", course: Mécanique}\n')
    timetable = Timetable.load(str(path))
    assert timetable.course_at(datetime.datetime(2026, 11, 30, 9, 15)) == 'Circuits'  # a Monday
    assert timetable.course_at(datetime.datetime(2026, 12, 1, 15, 0)) == 'Mécanique'
    assert timetable.course_at(datetime.datetime(2026, 12, 1, 16, 0)) == ''
    path.write_text('- {day: mon, start: "10:00", end: "08:00", course: X}\n')
    with pytest.raises(TimetableError, match='slot 1'):
        Timetable.load(str(path))
