# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A small lecture record for the notes pack and app tests: two courses, a summary, a question log."""

import os
import shutil
import time

from milo_robot.interfaces.payloads import QuestionEntry
from milo_robot.lectures.summary_body import QA, Item, Summary
from milo_robot.record.lecture_record import LectureRecord

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTES = os.path.join(ROOT, 'data', 'notes')

CIRCUITS = [
    'Good morning everyone. Today we study simple electrical circuits.',
    "We start with Ohm's law.",
    'The voltage across a resistor equals its resistance times the current through it.',
    'Voltage is measured in volts, current in amperes, and resistance in ohms.',
    'For example, two amperes through a resistor of five ohms give ten volts.',
    'Milo, what happens to the current when the voltage across a resistor doubles?',
    'So if we double the voltage across the same resistor, the current doubles too.',
    'In series, the same current flows through each resistor.',
    'The total resistance in series is the sum of the resistances.',
    'So four ohms in series with six ohms give ten ohms.',
    'A capacitor stores electric charge; its capacitance is measured in farads.',
    'For homework, solve exercises three and four before Thursday.',
]
CIRCUITS_FR = [
    "Bonjour à tous. Aujourd'hui nous étudions les circuits RC.",
    'La constante de temps tau est égale à R fois C.',
    'Avec une résistance de 1000 ohms et un condensateur de 1 microfarad, tau vaut 1 milliseconde.',
    'Après cinq constantes de temps, le condensateur est chargé à plus de 99 pour cent.',
]


def _segments(record, lecture_id, lines, language, step=20.0, student=()):
    for i, text in enumerate(lines):
        record.append(lecture_id, i * step, i * step + step - 2, text, language, 0.9,
                      'student' if i in student else 'teacher', 'whisper')


def build_record(path, now=None) -> dict:
    """Write the record; return the ids: {'circuits': id, 'rc': id, 'open': id}."""
    now = time.time() - 3 * 86400 if now is None else now
    with LectureRecord(path) as record:
        circuits = record.start_lecture("Ohm's law and series resistors", 'en', now, 'Electronics')
        _segments(record, circuits, CIRCUITS, 'en', student=(5,))
        record.end_lecture(circuits, now + 3600)
        summary = Summary(
            language='en', title="Ohm's law and series resistors",
            overview="Ohm's law links voltage, current and resistance; resistors in series add up.",
            key_points=[
                Item('The voltage across a resistor equals its resistance times the current.',
                     [40.0], 'The voltage across a resistor equals its resistance times the current '
                     'through it.', 40.0),
                Item('Two amperes through five ohms give 10 volts.', [80.0],
                     'For example, two amperes through a resistor of five ohms give ten volts.', 80.0),
                Item('Resistances in series add up: 4 ohms and 6 ohms give 10 ohms.', [160.0, 180.0]),
                Item('A capacitor stores electric charge.', [200.0],
                     'A capacitor stores electric charge; its capacitance is measured in farads.', 200.0,
                     quoted=True),
            ],
            definitions=[Item('Resistance is measured in ohms.', [60.0])],
            announcements=[Item('Homework: exercises three and four before Thursday.', [220.0])],
            questions=[QA('What happens to the current when the voltage doubles?',
                          'The current doubles too.', 'answered',
                          ["the course notes (circuits.md, Ohm's law)"], now + 120)])
        record.save_summary(circuits, 'en', 'small', summary.to_dict(), now + 3700)
        record.log_question(QuestionEntry(
            'voice-1', circuits, now + 110, 'Milo, what happens to the current when the voltage '
            'across a resistor doubles?', 'what happens to the current when the voltage across a '
            'resistor doubles?', 'en', 'lecture', 'answered', 'The current doubles too.',
            'The current doubles too.', ("the course notes (circuits.md, Ohm's law)",
                                         'the teacher at 02:00'), 1.4, 'voice'))
        record.log_question(QuestionEntry(
            'voice-2', circuits, now + 300, 'Milo, who won the football match?',
            'who won the football match?', 'en', 'lecture', 'declined',
            "We haven't covered that in class yet, so I'd rather not guess.", '', (), 0.9, 'voice'))
        record.log_question(QuestionEntry(
            'voice-3', circuits, now + 400, 'Milo, what is the unit of resistance?',
            'what is the unit of resistance?', 'en', 'lecture', 'interrupted',
            'Resistance is measured in ohms.', 'Resistance is', ('the teacher at 01:00',), 1.1, 'voice'))
        record.log_question(QuestionEntry(
            'text-1', circuits, now + 5000, 'What unit is resistance measured in?',
            'What unit is resistance measured in?', 'en', 'qa', 'answered',
            'Resistance is measured in ohms.', 'Resistance is measured in ohms.',
            ('the teacher at 01:00',), 2.0, 'text'))
        rc = record.start_lecture('Circuits RC', 'fr', now + 86400, 'Électronique')
        _segments(record, rc, CIRCUITS_FR, 'fr')
        record.end_lecture(rc, now + 86400 + 1800)
        open_id = record.start_lecture('', 'en', time.time() - 600)
        record.append(open_id, 0.0, 3.0, 'We will talk about diodes today.', 'en', 0.9)
    return {'circuits': circuits, 'rc': rc, 'open': open_id}


def notes_copy(folder) -> str:
    """Copy the course notes into `folder` (tests upload and delete there); return it."""
    shutil.copytree(NOTES, folder, dirs_exist_ok=True)
    return str(folder)
