# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The notes pack of a lecture, for the students who missed it: one HTML page and one Markdown file.

Both hold the course, title and date, the summary, the key points linked to the transcript at
their times, the full timed transcript, the questions asked in class with Milo's answers, and the
passages of the course notes those answers used. Where the transcript heard a word that sounds
like a term of the course notes ("ferret" for "farad"), the pack shows the course's term and
lists the change (`vocabulary`). The HTML page is self-contained (inline CSS, no
script, no external URL), so it works offline on a phone, prints well, and a teacher can post it
on the school's learning platform. The app renders the same template for its lecture page.
"""

import bisect
import os
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import List, Optional, Tuple

import jinja2

from milo_robot.interfaces.payloads import QuestionEntry
from milo_robot.lectures.summary_body import Item, Summary
from milo_robot.lectures.vocabulary import Correction, CourseTerms, apply
from milo_robot.private_files import private_folder, write_private_text
from milo_robot.record.lecture_record import Lecture, LectureRecord, format_clock
from milo_robot.thinking.retrieval import notes_passages

TEMPLATES = Path(__file__).with_name('templates')
CSS_FILE = TEMPLATES / 'notes.css'

LABELS = {
    'en': {'course': 'Course', 'date': 'Date', 'duration': 'Duration', 'summary': 'Summary',
           'key_points': 'Key points', 'definitions': 'Definitions', 'formulas': 'Formulas',
           'announcements': 'Announcements', 'transcript': 'Transcript',
           'questions': 'Questions and answers', 'notes': 'From the course notes',
           'no_summary': 'No summary has been written for this lecture yet.',
           'no_questions': 'No questions were asked in class.', 'sources': 'Sources',
           'declined': 'Milo did not answer: the class had not covered it.',
           'interrupted': 'Milo was interrupted; it had said:', 'failed': 'Milo could not answer.',
           'quoted': "the teacher's words", 'unfiled': 'No course', 'teacher': 'Teacher',
           'student': 'Student', 'unknown': '', 'contents': 'Contents', 'minutes': 'min',
           'generated': 'Written by Milo from the lecture record.',
           'search': 'Search the transcript', 'found': '{n} line(s) found',
           'terms': "Shown with the course notes' terms, where the transcript heard a word that sounds "
                    'alike:',
           'months': ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                      'September', 'October', 'November', 'December'),
           'date_format': '{day} {month} {year}, {hour}'},
    'fr': {'course': 'Cours', 'date': 'Date', 'duration': 'Durée', 'summary': 'Résumé',
           'key_points': 'Points clés', 'definitions': 'Définitions', 'formulas': 'Formules',
           'announcements': 'Annonces', 'transcript': 'Transcription',
           'questions': 'Questions et réponses', 'notes': 'Extraits des notes de cours',
           'no_summary': "Aucun résumé n'a encore été écrit pour ce cours.",
           'no_questions': "Aucune question n'a été posée en classe.", 'sources': 'Sources',
           'declined': "Milo n'a pas répondu : ce n'avait pas été vu en cours.",
           'interrupted': 'Milo a été interrompu ; il avait dit :', 'failed': "Milo n'a pas pu répondre.",
           'quoted': 'les mots du professeur', 'unfiled': 'Sans cours', 'teacher': 'Professeur',
           'student': 'Élève', 'unknown': '', 'contents': 'Sommaire', 'minutes': 'min',
           'generated': 'Écrit par Milo à partir de l’enregistrement du cours.',
           'search': 'Chercher dans la transcription', 'found': '{n} ligne(s) trouvée(s)',
           'terms': 'Affiché avec les termes des notes de cours, là où la transcription a entendu un mot '
                    'qui leur ressemble :',
           'months': ('janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août',
                      'septembre', 'octobre', 'novembre', 'décembre'),
           'date_format': '{day} {month} {year}, {hour}'},
}
SECTIONS = ('definitions', 'formulas', 'announcements')  # after the key points, in this order

# A written source naming a notes file: "the course notes (circuits.md, Ohm's law)" or
# "les notes de cours (circuits.md)". The file name and the section may hold brackets and commas.
_NOTES_SOURCE = re.compile(r'^[^(]*\((?P<file>[^/\\]+?\.(?:md|markdown|txt|pdf))(?:, (?P<section>.*))?\)\s*$',
                           re.I)


class NotesPackError(ValueError):
    """A notes pack that cannot be made (no such lecture, nothing recorded)."""


@dataclass(frozen=True)
class Line:
    """One transcript segment as shown: its anchor, clock and speaker."""

    anchor: str  # 't-754': the segment starts 754 s into the lecture
    start_s: float
    clock: str
    text: str
    role: str


@dataclass(frozen=True)
class NotesExcerpt:
    """A passage of the course notes that an answer used."""

    file: str
    section: str
    text: str


@dataclass
class NotesPack:
    """Everything a notes pack shows about one lecture, ready to render."""

    lecture: Lecture
    summary: Optional[Summary]
    transcript: List[Line]
    questions: List[QuestionEntry]  # asked in class (voice), in order
    excerpts: List[NotesExcerpt] = field(default_factory=list)
    corrections: List[Correction] = field(default_factory=list)  # course terms shown for words heard

    @property
    def language(self) -> str:
        """The lecture's language for the headings: French or English."""
        return 'fr' if (self.lecture.language or '').startswith('fr') else 'en'

    def anchor_at(self, seconds: Optional[float]) -> str:
        """Return the anchor of the transcript line that holds this lecture time ('' if none)."""
        if seconds is None or not self.transcript:
            return ''
        starts = [line.start_s for line in self.transcript]
        return self.transcript[max(0, bisect.bisect_right(starts, seconds) - 1)].anchor

    def line_at(self, seconds: Optional[float]) -> Optional[Line]:
        """Return the transcript line that holds this lecture time, or None."""
        anchor = self.anchor_at(seconds)
        return next((line for line in self.transcript if line.anchor == anchor), None)


def resolve_lecture(record: LectureRecord, which: str) -> int:
    """Return the id of `which`: a lecture id, or 'latest' (NotesPackError if there is none)."""
    lectures = record.lectures()
    if str(which) == 'latest':
        if not lectures:
            raise NotesPackError(f'no lecture in {record.path} yet')
        return lectures[-1].id
    try:
        lecture_id = int(which)
    except ValueError:
        raise NotesPackError(f"a lecture is a number or 'latest', not {which!r}") from None
    if record.lecture(lecture_id) is None:
        raise NotesPackError(f'no lecture {lecture_id} in {record.path}')
    return lecture_id


def _transcript(segments) -> List[Line]:
    lines, used = [], set()
    for s in segments:
        anchor = base = f't-{int(s.start_s)}'
        n = 1
        while anchor in used:  # two segments starting within the same second
            n += 1
            anchor = f'{base}-{n}'
        used.add(anchor)
        lines.append(Line(anchor, s.start_s, format_clock(s.start_s), s.text, s.speaker_role))
    return lines


def notes_sources(sources) -> List[Tuple[str, str]]:
    """Return the (file name, section) of each source that names a course-notes file."""
    found = []
    for source in sources:
        match = _NOTES_SOURCE.match(source)
        if match and (match['file'], match['section'] or '') not in found:
            found.append((match['file'], match['section'] or ''))
    return found


def notes_excerpts(notes_dir: str, wanted: List[Tuple[str, str]]) -> List[NotesExcerpt]:
    """Return the notes sections named in `wanted` (file name, section), read from `notes_dir`."""
    if not wanted or not notes_dir or not os.path.isdir(notes_dir):
        return []
    texts = {}
    for passage in notes_passages(notes_dir):
        key = (os.path.basename(passage.path), passage.section)
        if key in wanted:
            texts.setdefault(key, []).append(passage.text)
    return [NotesExcerpt(file, section, ' '.join(texts[(file, section)]))
            for file, section in wanted if (file, section) in texts]


def build_pack(record: LectureRecord, lecture_id: int, notes_dir: str = '') -> NotesPack:
    """Gather what the notes pack of a lecture shows, from the record and the notes folder."""
    lecture = record.lecture(lecture_id)
    if lecture is None:
        raise NotesPackError(f'no lecture {lecture_id} in {record.path}')
    stored = record.summary(lecture_id)
    summary = Summary.from_dict(stored) if stored else None
    questions = [q for q in record.questions(lecture_id) if q.origin == 'voice']
    sources = [s for q in questions for s in q.sources]
    if summary is not None:
        sources += [s for qa in summary.questions for s in qa.sources]
    transcript = _transcript(record.segments(lecture_id=lecture_id))
    language = 'fr' if (lecture.language or '').startswith('fr') else 'en'
    corrections = CourseTerms.from_notes(notes_dir, lecture.course, language).corrections(
        (line.text, line.start_s) for line in transcript if line.role != 'student')
    if corrections:
        transcript = [replace(line, text=apply(line.text, corrections)) for line in transcript]
        for item in summary.items() if summary is not None else ():
            item.text, item.quote = apply(item.text, corrections), apply(item.quote, corrections)
    excerpts = notes_excerpts(notes_dir, notes_sources(sources))
    return NotesPack(lecture, summary, transcript, questions, excerpts, corrections)


def format_date(started_at: float, language: str) -> str:
    """Say a lecture's date and start time in words, e.g. '12 November 2026, 14:05'."""
    labels = LABELS.get(language, LABELS['en'])
    t = time.localtime(started_at)
    return labels['date_format'].format(day=t.tm_mday, month=labels['months'][t.tm_mon - 1],
                                        year=t.tm_year, hour=time.strftime('%H:%M', t))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    add_filters(env)
    return env


def add_filters(env: jinja2.Environment) -> None:
    """Give a Jinja environment what the notes templates use (the app's environment too)."""
    env.filters['clock'] = format_clock
    env.globals.update(notes_date=format_date, notes_answer=answer_text, item_time=item_time)


def item_time(item: Item) -> Optional[float]:
    """Return the lecture time an item points to: its quote's, else its first source's."""
    if item.quote_time is not None:
        return item.quote_time
    return item.times[0] if item.times else None


def body_context(pack: NotesPack, language: str = '', searchable: bool = False) -> dict:
    """Return what `notes_body.html` needs, with headings in `language` (default: the lecture's).

    `searchable` adds a search box over the transcript (the app's page; its script filters lines).
    """
    return {'pack': pack, 'labels': LABELS[language if language in LABELS else pack.language],
            'sections': SECTIONS, 'searchable': searchable}


def render_body(pack: NotesPack, language: str = '', env: Optional[jinja2.Environment] = None,
                searchable: bool = False) -> str:
    """Render the pack's content as an HTML fragment (headings in `language`, default the lecture's).

    `searchable`: with the transcript's search box (see `body_context`).
    """
    env = env or _environment()
    return env.get_template('notes_body.html').render(body_context(pack, language, searchable))


def render_html(pack: NotesPack) -> str:
    """Render the self-contained page: inline CSS, no script, no external URL."""
    env = _environment()
    return env.get_template('notes_page.html').render(
        pack=pack, labels=LABELS[pack.language], body=jinja2.filters.Markup(render_body(pack, env=env)),
        css=jinja2.filters.Markup(CSS_FILE.read_text(encoding='utf-8')))


def _md(text: str) -> str:
    """Escape what Markdown would read as markup in running text."""
    return re.sub(r'([\\`*_\[\]<>#|])', r'\\\1', ' '.join(str(text).split()))


def _md_time(pack: NotesPack, seconds: Optional[float]) -> str:
    anchor = pack.anchor_at(seconds)
    return f' ([{format_clock(seconds)}](#{anchor}))' if anchor else ''


def _md_item(pack: NotesPack, item: Item, labels: dict) -> str:
    line = f'- {_md(item.text)}'
    if item.quoted:
        line += f" *({labels['quoted']})*"
    return line + _md_time(pack, item_time(item))


def render_markdown(pack: NotesPack) -> str:
    """Render the pack as Markdown, with HTML anchors in the transcript so time links resolve."""
    labels, lecture = LABELS[pack.language], pack.lecture
    out = [f'# {_md(lecture.title)}', '',
           f"- **{labels['course']}:** {_md(lecture.course or labels['unfiled'])}",
           f"- **{labels['date']}:** {format_date(lecture.started_at, pack.language)}"]
    if lecture.duration_s is not None:
        out.append(f"- **{labels['duration']}:** {round(lecture.duration_s / 60)} {labels['minutes']}")
    out += ['', f"## {labels['summary']}", '']
    summary = pack.summary
    if summary is None:
        out.append(labels['no_summary'])
    else:
        if summary.overview:
            out += [_md(summary.overview), '']
        out += [f"### {labels['key_points']}", '']
        out += [_md_item(pack, item, labels) for item in summary.key_points]
        for name in SECTIONS:
            items = getattr(summary, name)
            if items:
                out += ['', f'### {labels[name]}', ''] + [_md_item(pack, item, labels) for item in items]
    out += ['', f"## {labels['questions']}", '']
    if not pack.questions:
        out.append(labels['no_questions'])
    for q in pack.questions:
        out += [f'- **{_md(q.heard or q.question)}**', f'  {_answer_line(q, labels, _md)}']
        if q.sources:
            out.append(f"  *{labels['sources']}: {_md('; '.join(q.sources))}*")
    if pack.excerpts:
        out += ['', f"## {labels['notes']}", '']
        for excerpt in pack.excerpts:
            title = excerpt.file + (f', {excerpt.section}' if excerpt.section else '')
            out += [f'### {_md(title)}', '', _md(excerpt.text), '']
    out += ['', f"## {labels['transcript']}", '']
    if pack.corrections:
        out += [f"*{labels['terms']}*", ''] + [
            f'- “{_md(c.heard)}” → **{_md(c.term)}** (' + ', '.join(format_clock(t) for t in c.times) + ')'
            for c in pack.corrections] + ['']
    for line in pack.transcript:
        who = labels.get(line.role, '')
        out.append(f'<a id="{line.anchor}"></a>**[{line.clock}]** ' + (f'*{who}:* ' if who else '') +
                   f'{_md(line.text)}  ')
    return '\n'.join(out).rstrip() + '\n'


def _answer_line(q: QuestionEntry, labels: dict, escape) -> str:
    if q.outcome == 'declined':
        return labels['declined']
    if q.outcome == 'interrupted':
        return f"{labels['interrupted']} {escape(q.spoken)}"
    if q.outcome == 'failed':
        return labels['failed']
    return escape(q.answer)


def answer_text(q: QuestionEntry, language: str) -> str:
    """Say what became of a question, as the notes pack shows it."""
    return _answer_line(q, LABELS[language], lambda s: s)


def write_pack(pack: NotesPack, out_dir) -> Tuple[Path, Path]:
    """Write `lecture-<id>.html` and `lecture-<id>.md` under `out_dir`; return their paths.

    They hold the lecture's words: readable by Milo's user only (0600, in a 0700 folder if it is
    created). Register them in the record (`LectureRecord.add_notes_pack`) so that erasing the
    lecture removes them.
    """
    out = Path(private_folder(out_dir))
    html_path = out / f'lecture-{pack.lecture.id}.html'
    md_path = out / f'lecture-{pack.lecture.id}.md'
    write_private_text(html_path, render_html(pack))
    write_private_text(md_path, render_markdown(pack))
    return html_path, md_path
