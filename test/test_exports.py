# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A lecture in a school's formats, each read back by an independent parser, in French and English.

GIFT by pygiftparser (PyPI pygiftparserrgmf), Moodle XML by xmllint against an XML schema written
from Moodle's documentation (test/schemas/moodle_quiz.xsd), iCalendar by the `icalendar` package,
the notes zip by zipfile and the page checker. Announced dates are resolved against the lecture's
date: the lectures below start on Tuesday 7 January 2025.
"""

import datetime
import html
import io
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import icalendar
import pytest
from lecture_fixture import NOTES, build_record
from pygiftparser import parser as gift_parser

from milo_robot.cli.main import main
from milo_robot.lectures.exports import ExportError, export_lecture
from milo_robot.lectures.exports.dates import Unresolved, When, find_dates
from milo_robot.lectures.exports.gift import escape
from milo_robot.lectures.page_check import parse
from milo_robot.lectures.summary import summarize_record
from milo_robot.lectures.summary_body import Item, Summary
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.thinking.retrieval import text_lecture_segments

DEV = Path(__file__).resolve().parents[1] / 'data' / 'summaries'
SCHEMA = Path(__file__).resolve().parent / 'schemas' / 'moodle_quiz.xsd'
TUESDAY = datetime.date(2025, 1, 7)
STARTED = datetime.datetime(2025, 1, 7, 8, 0).timestamp()  # local time, as the robot records it


def _record(path, stem: str, language: str, course: str, summary: bool = True):
    """Record a dev lecture on Tuesday 7 January 2025 at 8:00, summarised (no model); return its id."""
    with LectureRecord(path) as record:
        lecture_id = record.start_lecture('', language, STARTED, course)
        for s in text_lecture_segments(str(DEV / f'{stem}.txt')):
            record.append(lecture_id, s.start_s, s.end_s, s.text, language, 0.9, 'teacher', 'test')
        record.end_lecture(lecture_id, STARTED + 600)
        if summary:
            written = summarize_record(record, lecture_id, embedder=False)
            record.save_summary(lecture_id, written.language, '', written.to_dict())
    return lecture_id


@pytest.fixture
def lectures(tmp_path):
    """The 2-minute lectures: French (TCP) and English (binary search), in one record."""
    db = tmp_path / 'milo.db'
    ids = {'fr': _record(db, 'lecture_fr_2min', 'fr', 'Réseaux'),
           'en': _record(db, 'lecture_en_2min', 'en', 'Algorithms')}
    with LectureRecord(db, read_only=True) as record:
        yield record, ids


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('said, day, start, end', [
    ('And the exam is on Tuesday the 14th, in room A110, from 9 to 11.', '2025-01-14', '09:00', '11:00'),
    ('Le partiel aura lieu le mardi 14 janvier, de 10 heures à midi.', '2025-01-14', '10:00', '12:00'),
    ('Homework: exercises 1 to 5, due next Monday on Moodle.', '2025-01-13', None, None),
    ('Le TP a lieu jeudi prochain en salle B12.', '2025-01-09', None, None),
    ('The problem set is due on the 28th of November at 6 pm.', '2025-11-28', '18:00', None),
    ('La feuille de TD est à rendre le lundi 8 décembre avant 18 heures.', '2025-12-08', '18:00', None),
    ('Il est à rendre avant minuit demain.', '2025-01-08', '23:59', None),
    ('The final exam is on 16 January 2026 from 2 to 5.', '2026-01-16', '14:00', '17:00'),
    ('The lab is in two weeks.', '2025-01-21', None, None),
    ('Le contrôle est le 1er février à 8 h 30.', '2025-02-01', '08:30', None),
])
def test_an_announced_day_is_resolved_against_the_lectures_day(said, day, start, end):
    [found] = find_dates(said, TUESDAY)
    assert isinstance(found, When), found
    assert (found.day.isoformat(), found.start and found.start.strftime('%H:%M'),
            found.end and found.end.strftime('%H:%M')) == (day, start, end)


@pytest.mark.parametrize('said, reason', [
    ('The quiz is at the start of the next lecture.', 'no day is named'),
    ("L'interrogation aura lieu au début du prochain cours.", 'no day is named'),
    ('The exam is on Monday the 14th.', 'not in the next two months'),  # the 14th is a Tuesday
    ('Le partiel aura lieu le lundi 14 janvier.', 'is not 2025-01-14'),
    ('La soutenance aura lieu en juin.', 'no day is named'),
])
def test_a_day_that_cannot_be_resolved_is_not_guessed(said, reason):
    found = find_dates(said, TUESDAY)
    assert found and all(isinstance(f, Unresolved) for f in found), found
    assert reason in found[0].reason


def test_numbers_that_are_not_days_are_not_dates():
    assert find_dates('Il dure 2 heures, sur les chapitres 1 à 4, exercices 3 à 9.', TUESDAY) == []
    assert find_dates('With 64 kilobytes and 100 ms, the rate is 640 kilobytes per second.', TUESDAY) == []


# --- GIFT ----------------------------------------------------------------------------------------

def _unescape(text: str) -> str:
    """Undo GIFT escapes where the parser leaves them (answers, text after the blank)."""
    return re.sub(r'\\([\\~=#{}:])', r'\1', text or '')


@pytest.mark.parametrize('language', ['fr', 'en'])
def test_the_gift_quiz_parses_with_an_independent_parser(lectures, language):
    record, ids = lectures
    written = export_lecture(record, ids[language], 'gift')
    text = written.data.decode('utf-8')
    assert written.filename.endswith('.gift') and text.startswith('// ')
    parsed = gift_parser.parse(text)
    summary = Summary.from_dict(record.summary(ids[language]))
    points = ' '.join(i.text for i in summary.items())
    assert len(parsed.questions) >= 2
    for question in parsed.questions:
        assert re.fullmatch(r'\d\d · \d\d:\d\d', question.name)
        answers = [_unescape(o.text) for o in question.answer.options]
        assert answers and all(a in points for a in answers[:1])
        if '_____' in question.text:  # a blank that opens the sentence: a short-answer question
            assert question.text.startswith('_____') and not question.text_continue
            continue
        whole = f'{question.text} {answers[0]} {_unescape(question.text_continue)}'
        whole = re.sub(r'\s+([,.;])', r'\1', ' '.join(whole.split()))  # the parser strips the text after
        assert whole.rstrip(' .') in ' '.join(points.split()), whole
    if language == 'fr':
        assert 'é' in text and 'Réseaux' in text  # UTF-8, accents as said


def test_gift_escapes_its_special_characters(tmp_path):
    said = 'La loi : U = R I, avec {R} en ohms ~ #a, donne 10 volts pour 2 ampères.'
    with LectureRecord(tmp_path / 'milo.db') as record:
        lecture_id = record.start_lecture('Loi d’Ohm', 'fr', STARTED, 'Électricité : bases')
        record.append(lecture_id, 0.0, 8.0, said, 'fr', 0.9, 'teacher', 'test')
        record.end_lecture(lecture_id, STARTED + 60)
        summary = Summary('fr', key_points=[Item(said, [0.0], said, 0.0)])
        record.save_summary(lecture_id, 'fr', '', summary.to_dict())
        text = export_lecture(record, lecture_id, 'gift').data.decode('utf-8')
    assert escape('a~b=c#d{e}f:g\\h') == 'a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h'
    question_line = next(line for line in text.splitlines() if line.startswith('::'))
    assert 'U \\= R I' in question_line and '\\{R\\}' in question_line and '\\~ \\#a' in question_line
    [question] = gift_parser.parse(text).questions
    assert question.text == 'La loi \\: U \\= R I, avec \\{R\\} en ohms \\~ \\#a, donne'.replace('\\', '')
    assert _unescape(question.answer.options[0].text) == '10 volts'
    # The parser's feedback token ends at any '=' or '~', escaped or not (its own limitation), so
    # the feedback is checked as written: the teacher's sentence, every special character escaped.
    assert '#Le professeur a dit \\: « La loi \\: U \\= R I, avec \\{R\\} en ohms \\~ \\#a' \
        in question_line
    assert ' =10#Le professeur' in question_line, 'the number alone is accepted too'
    assert _unescape(question.text_continue) == 'pour 2 ampères.'


# --- Moodle XML ----------------------------------------------------------------------------------

def _xmllint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(['xmllint', '--noout', '--schema', str(SCHEMA), str(path)], capture_output=True,
                          text=True)


@pytest.mark.parametrize('language', ['fr', 'en'])
def test_the_moodle_xml_quiz_validates_against_the_schema(lectures, tmp_path, language):
    record, ids = lectures
    written = export_lecture(record, ids[language], 'moodle-xml')
    path = tmp_path / written.filename
    path.write_bytes(written.data)
    checked = _xmllint(path)
    assert checked.returncode == 0, checked.stderr
    quiz = ET.fromstring(written.data)
    questions = quiz.findall("question[@type='shortanswer']")
    gift = gift_parser.parse(export_lecture(record, ids[language], 'gift').data.decode('utf-8'))
    assert len(questions) == len(gift.questions) >= 2, 'the same quiz in both formats'
    for question in questions:
        prompt = html.unescape(question.findtext('questiontext/text'))
        assert prompt.startswith('<p>') and '_____' in prompt
        answers = [a.findtext('text') for a in question.findall('answer')]
        assert answers and all(a.get('fraction') == '100' for a in question.findall('answer'))
        key = html.unescape(question.findtext('generalfeedback/text'))
        assert ('Le professeur a dit' if language == 'fr' else 'The teacher said') in key
    assert quiz.findtext("question[@type='category']/category/text").startswith('$course$/Milo/')
    if language == 'fr':
        assert 'Réseaux'.encode() in written.data and b'encoding=\'utf-8\'' in written.data


def test_the_schema_rejects_what_moodle_would_not_import(tmp_path):
    bad = tmp_path / 'bad.xml'
    bad.write_text('<quiz><question type="shortanswer"><name><text>x</text></name>'
                   '<answer format="html"><text>10</text></answer></question></quiz>')  # no fraction
    assert _xmllint(bad).returncode != 0
    bad.write_text('<quiz><question type="essay"><name><text>x</text></name></question></quiz>')
    assert _xmllint(bad).returncode != 0


def test_a_lecture_without_summary_has_no_quiz_to_export(tmp_path):
    lecture_id = _record(tmp_path / 'milo.db', 'lecture_en_2min', 'en', 'Algorithms', summary=False)
    with LectureRecord(tmp_path / 'milo.db', read_only=True) as record:
        with pytest.raises(ExportError, match='no summary yet'):
            export_lecture(record, lecture_id, 'gift')
        with pytest.raises(ExportError, match='unknown format'):
            export_lecture(record, lecture_id, 'pdf')


# --- iCalendar -----------------------------------------------------------------------------------

def _events(data: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(data)
    return [(e.get('SUMMARY'), e.decoded('DTSTART'), e.decoded('DTEND'), str(e.get('DESCRIPTION')),
             str(e.get('LOCATION', ''))) for e in calendar.walk('VEVENT')]


def test_the_announced_dates_parse_as_icalendar_in_french(lectures):
    record, ids = lectures
    written = export_lecture(record, ids['fr'], 'ical')
    events = _events(written.data)
    assert [(summary, _local(start)) for summary, start, *_ in events] == [
        ('TP · Réseaux', datetime.date(2025, 1, 9)),  # "jeudi prochain"
        ('Examen · Réseaux', datetime.datetime(2025, 1, 14, 10, 0))]  # "mardi 14 janvier, de 10 heures"
    assert _local(events[1][2]) == datetime.datetime(2025, 1, 14, 12, 0)
    assert 'chapitres 1 à 4' in events[1][3] and events[0][4] == 'salle B12'
    assert written.notes == [] and written.media_type.startswith('text/calendar')
    lines = written.data.split(b'\r\n')
    assert all(len(line) <= 75 for line in lines), 'lines folded at 75 octets'


def test_the_announced_dates_parse_as_icalendar_in_english(lectures):
    record, ids = lectures
    events = _events(export_lecture(record, ids['en'], 'ical').data)
    assert [(summary, _local(start)) for summary, start, *_ in events] == [
        ('Homework due · Algorithms', datetime.date(2025, 1, 13)),  # "due next Monday"
        ('Exam · Algorithms', datetime.datetime(2025, 1, 14, 9, 0))]  # "on Tuesday the 14th ... from 9 to 11"
    assert events[1][4] == 'room A110' and 'Announced in class on 2025-01-07 at 01:40' in events[1][3]


def test_an_announcement_without_a_resolvable_day_is_left_out_and_listed(tmp_path):
    lecture_id = _record(tmp_path / 'milo.db', 'lecture_fr_5min', 'fr', 'Thermodynamique', summary=False)
    with LectureRecord(tmp_path / 'milo.db', read_only=True) as record:
        written = export_lecture(record, lecture_id, 'ical')
    assert [(s, _local(d)) for s, d, *_ in _events(written.data)] == [
        ('Travail à rendre · Thermodynamique', datetime.datetime(2025, 12, 8, 18, 0)),
        ('TP · Thermodynamique', datetime.date(2025, 1, 8))]  # "mercredi prochain"
    [note] = written.notes
    assert note.startswith('left out of the calendar (no day is named: "prochain cours")')
    assert "l'interrogation écrite" in note.lower()


def _local(value):
    """Return a DTSTART as the robot's local time (dates stay dates)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone().replace(tzinfo=None)
    return value


# --- the notes zip -------------------------------------------------------------------------------

def test_the_notes_zip_is_self_contained(tmp_path):
    ids = build_record(tmp_path / 'milo.db')
    with LectureRecord(tmp_path / 'milo.db', read_only=True) as record:
        written = export_lecture(record, ids['circuits'], 'notes-zip', NOTES)
    archive = zipfile.ZipFile(io.BytesIO(written.data))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted(['index.html', f"lecture-{ids['circuits']}.md"])
    page = archive.read('index.html').decode('utf-8')
    assert not re.search(r'https?://', page), 'no external URL'
    parsed = parse(page)
    assert 'script' not in parsed.tags and 'link' not in parsed.tags and 'img' not in parsed.tags
    assert set(parsed.links) <= set(parsed.ids) and all(u.startswith('#') for u in parsed.urls)
    assert "Ohm's law and series resistors" in ' '.join(parsed.text)
    markdown = archive.read(f"lecture-{ids['circuits']}.md").decode('utf-8')
    assert markdown.startswith("# Ohm's law and series resistors") and 'http' not in markdown


# --- milo export ---------------------------------------------------------------------------------

def test_milo_export_writes_each_format(lectures, tmp_path, capsys):
    record, ids = lectures
    db = str(record.path)
    for fmt, ext in (('gift', 'gift'), ('moodle-xml', 'xml'), ('notes-zip', 'zip'), ('ical', 'ics')):
        with pytest.raises(SystemExit) as done:
            main(['export', str(ids['fr']), '--format', fmt, '--database', db, '--out', str(tmp_path)])
        assert done.value.code == 0
        path = Path(capsys.readouterr().out.strip())
        assert path == tmp_path / f"lecture-{ids['fr']}.{ext}" and path.stat().st_size > 200
        assert path.stat().st_mode & 0o777 == 0o600, "the lecture's words, for Milo's user only"
    with pytest.raises(SystemExit) as done:
        main(['export', 'latest', '--format', 'ical', '--database', db, '--out', '-'])
    assert done.value.code == 0 and 'BEGIN:VCALENDAR' in capsys.readouterr().out


def test_what_was_exported_is_erased_with_the_lecture(tmp_path, capsys):
    lecture_id = _record(tmp_path / 'milo.db', 'lecture_fr_2min', 'fr', 'Réseaux')
    out = tmp_path / 'exports'
    for fmt in ('gift', 'notes-zip'):
        with pytest.raises(SystemExit) as done:
            main(['export', str(lecture_id), '--format', fmt, '--database', str(tmp_path / 'milo.db'),
                  '--out', f'{out}/'])
        assert done.value.code == 0
    assert len(list(out.iterdir())) == 2
    with LectureRecord(tmp_path / 'milo.db') as record:
        assert record.forget(lecture_id)['notes_packs'] == 2
    assert list(out.iterdir()) == []


def test_milo_export_says_what_is_wrong(lectures, capsys):
    record, _ = lectures
    with pytest.raises(SystemExit) as done:
        main(['export', '42', '--format', 'gift', '--database', str(record.path)])
    assert done.value.code == 1 and 'no lecture 42' in capsys.readouterr().err
