# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The notes pack: a self-contained page whose links resolve, a Markdown twin, and `milo notes`."""

import re
from pathlib import Path

import pytest
import yaml
from lecture_fixture import NOTES, build_record

from milo_robot.cli.main import main
from milo_robot.lectures.notes_pack import (
    NotesPackError,
    build_pack,
    notes_sources,
    render_html,
    render_markdown,
    resolve_lecture,
)
from milo_robot.lectures.page_check import parse
from milo_robot.lectures.quiz import BLANK, build_quiz
from milo_robot.lectures.vocabulary import CourseTerms
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.thinking.retrieval import text_lecture_segments


@pytest.fixture
def record(tmp_path):
    ids = build_record(tmp_path / 'milo.db')
    with LectureRecord(tmp_path / 'milo.db', read_only=True) as r:
        yield r, ids


def test_html_is_self_contained_and_every_anchor_resolves(record):
    r, ids = record
    html = render_html(build_pack(r, ids['circuits'], NOTES))
    page = parse(html)
    assert len(page.ids) == len(set(page.ids)), 'ids are unique'
    assert page.links and set(page.links) <= set(page.ids), 'every internal link resolves'
    assert all(url.startswith('#') for url in page.urls), f'only internal links: {page.urls}'
    css = ' '.join(page.styles)
    assert '@import' not in css and 'url(' not in css
    assert not re.search(r'https?://', html), 'no external URL anywhere'
    assert 'script' not in page.tags and 'link' not in page.tags and 'img' not in page.tags
    assert '@media print' in css and 'width=device-width' in html
    text = ' '.join(page.text)
    for expected in ('Electronics', "Ohm's law and series resistors", 'Key points', 'Transcript',
                     'Questions and answers', 'The current doubles too.',
                     'who won the football match?', 'Milo did not answer',
                     'From the course notes', 'U = R I'):
        assert expected in text, expected
    # Key points link to the transcript at their times: 01:20 is the segment at 80 s.
    assert 't-80' in page.links and 't-160' in page.links
    assert 'What unit is resistance measured in?' not in text, 'text questions are not class questions'


def test_markdown_has_the_sections_and_resolving_anchors(record):
    r, ids = record
    md = render_markdown(build_pack(r, ids['circuits'], NOTES))
    for heading in ("# Ohm's law and series resistors", '## Summary', '### Key points',
                    '### Definitions', '### Announcements', '## Questions and answers',
                    '## From the course notes', '## Transcript'):
        assert re.search(rf'^{re.escape(heading)}$', md, re.M), heading
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', md))
    links = set(re.findall(r'\]\(#([^)]+)\)', md))
    assert links and links <= anchors
    assert '**[01:20]**' in md and 'Electronics' in md
    assert 'http' not in md


def test_french_lecture_gets_french_headings_and_a_pack_without_summary(record):
    r, ids = record
    pack = build_pack(r, ids['rc'], NOTES)
    assert pack.summary is None and pack.language == 'fr'
    page = parse(render_html(pack))
    text = ' '.join(page.text)
    assert 'Résumé' in text and 'Transcription' in text and "Aucun résumé" in text
    assert set(page.links) <= set(page.ids)
    assert '## Transcription' in render_markdown(pack)


def test_notes_sources_are_read_from_written_sources():
    assert notes_sources(["the course notes (circuits.md, Ohm's law)", 'the teacher at 02:00',
                          'les notes de cours (td (1).pdf, page 2)', 'les notes de cours (a.md)']) == [
        ('circuits.md', "Ohm's law"), ('td (1).pdf', 'page 2'), ('a.md', '')]


def test_quiz_blanks_a_fact_and_keys_it_to_the_teachers_sentence(record):
    r, ids = record
    pack = build_pack(r, ids['circuits'], NOTES)
    quiz = build_quiz(pack)
    assert 3 <= len(quiz) <= 5
    anchors = {line.anchor for line in pack.transcript}
    for q in quiz:
        assert BLANK in q.prompt and q.answer and q.anchor in anchors
    numbers = next(q for q in quiz if q.answer == '10 volts')
    assert numbers.key.startswith('For example, two amperes') and numbers.time_s == 80.0
    assert build_quiz(build_pack(r, ids['rc'])) == [], 'no summary, no quiz'


def test_resolve_lecture(record):
    r, ids = record
    assert resolve_lecture(r, 'latest') == ids['open']
    assert resolve_lecture(r, str(ids['rc'])) == ids['rc']
    for bad in ('999', 'first'):
        with pytest.raises(NotesPackError):
            resolve_lecture(r, bad)


def test_milo_notes_writes_both_files(tmp_path, capsys):
    ids = build_record(tmp_path / 'milo.db')
    out = tmp_path / 'out'
    with pytest.raises(SystemExit) as done:
        main(['notes', str(ids['circuits']), '--database', str(tmp_path / 'milo.db'),
              '--out', str(out), '--notes', NOTES])
    assert done.value.code == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / f"lecture-{ids['circuits']}.html"),
                       str(out / f"lecture-{ids['circuits']}.md")]
    assert parse((out / f"lecture-{ids['circuits']}.html").read_text()).links
    with pytest.raises(SystemExit) as done:
        main(['notes', '42', '--database', str(tmp_path / 'milo.db'), '--out', str(out)])
    assert done.value.code == 1
    assert 'no lecture 42' in capsys.readouterr().err


def _heard(path, lines, notes_text, language='en', course='Electronics'):
    """Record a lecture of `lines` and write the course notes; return (pack, notes folder)."""
    notes = path / 'notes'
    (notes / course).mkdir(parents=True)
    (notes / course / 'capacitors.md').write_text(notes_text, encoding='utf-8')
    with LectureRecord(path / 'milo.db') as r:
        lecture_id = r.start_lecture('Capacitors', language, 1_800_000_000.0, course)
        for n, text in enumerate(lines):
            r.append(lecture_id, 10.0 * n, 10.0 * n + 8, text, language, 0.9, 'teacher', 'whisper')
        r.end_lecture(lecture_id, 1_800_000_600.0)
        return build_pack(r, lecture_id, str(notes)), lecture_id


def test_the_pack_shows_the_course_term_where_the_transcript_heard_a_sound_alike(tmp_path):
    lines = ['A capacitor stores electric charge.', 'The unit of capacitance is the ferret.',
             'One ferret is a very large capacitance, so we use microfarads.']
    pack, lecture_id = _heard(tmp_path, lines, '# Capacitors\n\nCapacitance is measured in **farads** (F).\n')
    assert [(c.heard, c.term, c.times) for c in pack.corrections] == [('ferret', 'farad', (10.0, 20.0))]
    html, md = render_html(pack), render_markdown(pack)
    text = ' '.join(parse(html).text)
    assert 'The unit of capacitance is the farad.' in text and 'One farad is a very large' in text
    assert '“ferret” → <strong>farad</strong>' in html
    assert [line.text for line in pack.transcript if 'ferret' in line.text] == [], 'shown as the course says'
    assert 'The unit of capacitance is the farad.' in md and '“ferret” → **farad** (00:10, 00:20)' in md
    with LectureRecord(tmp_path / 'milo.db', read_only=True) as r:
        assert 'ferret' in r.segments(lecture_id=lecture_id)[1].text, 'the record keeps what was heard'


def test_a_word_is_left_as_heard_when_the_lecture_says_the_term_too(tmp_path):
    lines = ['The unit of capacitance is the farad.', 'My neighbour keeps a ferret as a pet.',
             'Le condensateur se charge.']
    notes = 'Capacitance is measured in farads (F). A **resistor** limits the current.'
    pack, _ = _heard(tmp_path, lines, notes)
    assert pack.corrections == []
    assert 'keeps a ferret' in ' '.join(line.text for line in pack.transcript)


def test_a_french_transcript_gets_the_french_course_term(tmp_path):
    lines = ["L'unité de capacité est le farad.", 'On mesure la tension avec un oscilloscope.',
             'Le signal passe par le condo sa tueur.', "Le condansateur se charge en cinq tau."]
    pack, _ = _heard(tmp_path, lines, '## Le condensateur\n\nUn **condensateur** stocke une charge.', 'fr',
                     'Électronique')
    assert [(c.heard, c.term) for c in pack.corrections] == [('condansateur', 'condensateur')]
    assert 'Le condensateur se charge en cinq tau.' in render_markdown(pack)


def test_the_demo_notes_turn_the_misheard_ferret_into_farad_and_nothing_else():
    # Whisper base hears the demo's "The unit of capacitance is the farad." as "... the ferret."
    # (build/demo/session.wav, checked with milo transcribe); the demo's notes say "farads".
    session = yaml.safe_load((Path(NOTES).parent / 'demo' / 'session.yaml').read_text(encoding='utf-8'))
    said = [turn['teacher'] for turn in session['turns'] if 'teacher' in turn]
    heard = [(text.replace('the farad.', 'the ferret.'), float(n)) for n, text in enumerate(said)]
    terms = CourseTerms.from_notes(NOTES, 'Electronics', 'en')
    assert [(c.heard, c.term) for c in terms.corrections(heard)] == [('ferret', 'farad')]
    for stem in ('lecture_en_short', 'lecture_en_long', 'lecture_en_5min'):  # other subjects: nothing
        lines = [(s.text, s.start_s) for s in text_lecture_segments(str(Path(NOTES).parent / 'summaries' /
                                                                          f'{stem}.txt'))]
        assert terms.corrections(lines) == [], stem

