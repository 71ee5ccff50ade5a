# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Server-rendered pages: the Jinja environment, the page context, and what pages and API share."""

import time
from pathlib import Path
from typing import List, Literal, Optional, Union
from urllib.parse import urlencode

import jinja2
from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from milo_robot.app import i18n
from milo_robot.lectures import notes_pack
from milo_robot.lectures.quiz import build_quiz
from milo_robot.record.lecture_record import Lecture, LectureRecord, lecture_erasure

TEMPLATES = Path(__file__).with_name('templates')
STATIC = Path(__file__).with_name('static')
YEAR_S = 365 * 86400
OUTSIDE = 'none'  # the `lecture` query value of the questions asked outside any lecture
LectureChoice = Union[int, Literal['none'], None]  # a lecture id, OUTSIDE, or None: the latest


def template_environment() -> jinja2.Environment:
    """Return the pages' environment; it also finds the notes pack's templates."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)),
                                    jinja2.FileSystemLoader(str(notes_pack.TEMPLATES))]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    notes_pack.add_filters(env)
    env.globals['when'] = lambda t: time.strftime('%Y-%m-%d %H:%M', time.localtime(t))
    return env


def language_of(request: Request) -> str:
    """Return the language of this request's page."""
    return i18n.choose(request.query_params.get('lang', ''), request.cookies.get(i18n.LANG_COOKIE, ''),
                       request.headers.get('accept-language', ''))


def _switch_links(request: Request) -> list:
    """Return (language, URL of this page in it) for the language switch."""
    links = []
    for code in i18n.LANGUAGES:
        query = [(k, v) for k, v in request.query_params.multi_items() if k != 'lang'] + [('lang', code)]
        links.append((code, f'{request.url.path}?{urlencode(query)}'))
    return links


def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    """Render a page in the request's language, for the request's principal (if any)."""
    language = language_of(request)
    principal = getattr(request.state, 'principal', None)
    env = request.app.state.templates
    html = env.get_template(name).render(
        request=request, user=principal, t=i18n.translator(language), lang=language,
        csrf=principal.csrf if principal else '', switch_links=_switch_links(request), **context)
    response = HTMLResponse(html, status)
    if request.query_params.get('lang') in i18n.LANGUAGES:
        response.set_cookie(i18n.LANG_COOKIE, request.query_params['lang'], max_age=YEAR_S,
                            httponly=True, samesite='strict', secure=request.app.state.services.secure)
    return response


def lecture_or_404(record: LectureRecord, lecture_id: int) -> Lecture:
    """Return a lecture, or raise 404."""
    lecture = record.lecture(lecture_id)
    if lecture is None:
        raise HTTPException(404, f'no lecture {lecture_id}')
    return lecture


def course_lectures(record: LectureRecord, course: str) -> List[Lecture]:
    """Return a course's lectures, newest first (404 when the course has none)."""
    lectures = [lecture for lecture in record.lectures() if lecture.course == course]
    if not lectures:
        raise HTTPException(404, f'no course {course!r}')
    return lectures[::-1]


def lecture_json(lecture: Lecture) -> dict:
    """Return a lecture as the API gives it."""
    return {'id': lecture.id, 'course': lecture.course, 'title': lecture.title,
            'date': time.strftime('%Y-%m-%dT%H:%M:%S%z', time.localtime(lecture.started_at)),
            'language': lecture.language, 'languages': [x for x in lecture.languages.split(',') if x],
            'started_at': lecture.started_at, 'ended_at': lecture.ended_at,
            'duration_s': lecture.duration_s}


def cached(request: Request, key, compute):
    """Return the app's cached value of `key` (page_cache.RecordCache), computed if it is old.

    The record's and notes' version is read once per request, before the first value: a lecture
    page asks for its pack, its body and its quiz, and each reading costs a query and a walk of
    the notes folder.
    """
    version = getattr(request.state, 'record_version', None)
    if version is None:
        version = request.state.record_version = request.app.state.cache.version()
    return request.app.state.cache.get(key, compute, version)


def build_pack(request: Request, lecture_id: int) -> notes_pack.NotesPack:
    """Return a lecture's notes pack (404 if there is no such lecture); shared, not to be changed."""
    def build():
        record = request.app.state.reader()
        lecture_or_404(record, lecture_id)
        return notes_pack.build_pack(record, lecture_id, str(request.app.state.services.notes_dir))
    return cached(request, ('pack', lecture_id), build)


def notes_body(request: Request, pack: notes_pack.NotesPack) -> Markup:
    """Return the lecture page's notes pack body, in the request's language, with its search box.

    The same for every reader of the lecture: rendered once per version of the record.
    """
    language = language_of(request)
    return cached(request, ('notes_body', pack.lecture.id, language), lambda: Markup(
        notes_pack.render_body(pack, language, request.app.state.templates, searchable=True)))


def lecture_quiz(request: Request, lecture_id: int) -> list:
    """Return a lecture's quiz (404 if there is no such lecture)."""
    return cached(request, ('quiz', lecture_id), lambda: build_quiz(build_pack(request, lecture_id)))


def erasable_or_404(record: LectureRecord, lecture_id: int) -> None:
    """Raise 404 unless the lecture exists, or its erasure is still to be completed on disk."""
    if record.lecture(lecture_id) is None and \
            lecture_erasure(lecture_id) not in {what for what, _ in record.pending_erasures()}:
        raise HTTPException(404, f'no lecture {lecture_id}')


def default_lecture(record: LectureRecord, lecture_id: Optional[int]) -> Optional[Lecture]:
    """Return the lecture asked for (404 if unknown), or the latest one when none is asked for."""
    if lecture_id is not None:
        return lecture_or_404(record, lecture_id)
    lectures = record.lectures()
    return lectures[-1] if lectures else None
