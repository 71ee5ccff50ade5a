# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The app's pages: the login, and each role's pages.

Students read courses, lectures, their quiz and ask questions; teachers also see the question log
and what students struggled with, and manage lectures and notes; the club drives the robot. Forms
post back here and redirect (post, redirect, get).
"""

import secrets
from typing import Optional

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from milo_robot.app.access import SESSION_COOKIE, client_of, require
from milo_robot.app.auth import token_digest
from milo_robot.app.notes_files import (
    MAX_NOTES_BYTES,
    NotesConflict,
    NotesError,
    delete_notes,
    list_notes,
    save_notes,
)
from milo_robot.app.streaming import from_thread
from milo_robot.app.struggles import find_struggles
from milo_robot.app.views import (
    OUTSIDE,
    LectureChoice,
    build_pack,
    course_lectures,
    default_lecture,
    lecture_or_404,
    lecture_quiz,
    notes_body,
    render,
)
from milo_robot.lectures import exports, notes_pack
from milo_robot.lectures.exports.ical import announced_events
from milo_robot.record.lecture_record import LOOSE_QUESTIONS, ErasureIncomplete

router = APIRouter()
LOGIN_COOKIE = 'milo_login'  # the login form's CSRF token (double submit): no session exists yet
HOME = {'student': '/courses', 'teacher': '/courses', 'club': '/club'}
DONE = ('started', 'ended', 'saved', 'forgotten', 'uploaded', 'deleted', 'estop', 'questions_forgotten',
        'erasures_finished')
# A standalone notes pack carries its CSS inline and nothing else.
NOTES_PACK_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

STUDENT, TEACHER, CLUB = require('student'), require('teacher'), require('club')


def _see_other(url: str, done: str = '') -> RedirectResponse:
    return RedirectResponse(url + (f'?done={done}' if done else ''), 303)


def _safe_next(target: str) -> str:
    """Return a local path to go to after the login (never another site)."""
    if target.startswith('/') and not target.startswith('//') and '\\' not in target:
        return target
    return ''


def _done(request: Request) -> str:
    done = request.query_params.get('done', '')
    return done if done in DONE else ''


# --- login -------------------------------------------------------------------------------------

def _login_page(request: Request, status: int = 200, error: str = '', wait_s: float = 0.0):
    token = secrets.token_urlsafe(24)
    response = render(request, 'login.html', status, login_csrf=token, error=error,
                      next=_safe_next(request.query_params.get('next', '')), wait_s=int(wait_s) + 1)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite='strict',
                        secure=request.app.state.services.secure, path='/login')
    return response


@router.get('/login')
def login_page(request: Request):
    """Show the login form."""
    return _login_page(request)


@router.post('/login')
async def login(request: Request):
    """Check the token; on success open a session and go to the role's home page."""
    state, client = request.app.state, client_of(request)
    # Counted as failed before the first await: logins sent all at once cannot all get a check
    # before their failures are counted. A valid token withdraws it.
    wait = state.limiter.attempt(client)
    if wait > 0:
        response = _login_page(request, 429, 'login_wait', wait)
        response.headers['retry-after'] = str(int(wait) + 1)
        return response
    form = await request.form()
    sent, expected = str(form.get('csrf', '')), request.cookies.get(LOGIN_COOKIE, '')
    if not expected or not secrets.compare_digest(sent, expected):
        state.limiter.passed(client)  # no token was checked: a stale page, not a guess
        return _login_page(request, 403, 'login_expired')
    digest = token_digest(str(form.get('token', '')).strip())
    found = await run_in_threadpool(state.reader().token_role, digest)
    if found is None:
        return _login_page(request, 401, 'login_failed')
    state.limiter.passed(client)
    cookie, _ = state.sessions.issue(digest)
    response = _see_other(_safe_next(str(form.get('next', ''))) or HOME[found[2]])
    response.set_cookie(SESSION_COOKIE, cookie, max_age=int(state.sessions.max_age_s), httponly=True,
                        samesite='strict', secure=state.services.secure)
    response.delete_cookie(LOGIN_COOKIE, path='/login')
    return response


@router.post('/logout')
def logout(request: Request, principal=require('any')):
    """End the session on the server, and drop its cookie (the token stays valid)."""
    request.app.state.sessions.end(request.cookies.get(SESSION_COOKIE, ''))
    response = _see_other('/login')
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get('/')
def home(principal=require('any')):
    """Go to the role's home page."""
    return _see_other(HOME[principal.role])


# --- students (and teachers) --------------------------------------------------------------------

@router.get('/courses')
def courses(request: Request, principal=STUDENT):
    """List the courses, each with its number of lectures and its latest one."""
    lectures = request.app.state.reader().lectures()
    by_course = {}
    for lecture in lectures:
        by_course.setdefault(lecture.course, []).append(lecture)
    rows = sorted(((course, items[-1], len(items)) for course, items in by_course.items()),
                  key=lambda row: (row[0] == '', row[0].lower()))
    return render(request, 'courses.html', courses=rows)


@router.get('/lectures')
def lectures(request: Request, course: str = '', principal=STUDENT):
    """List a course's lectures, newest first."""
    items = course_lectures(request.app.state.reader(), course)
    return render(request, 'lectures.html', course=course, lectures=items)


@router.get('/lectures/{lecture_id}')
def lecture(request: Request, lecture_id: int, principal=STUDENT):
    """Show a lecture's notes pack, with a transcript search and links to revise and ask.

    A teacher also gets the exports, with the announcements that the calendar leaves out.
    """
    pack = build_pack(request, lecture_id)
    formats, left_out = (), []
    if principal.may('teacher'):
        formats = exports.FORMATS
        segments = request.app.state.reader().segments(lecture_id=lecture_id)
        left_out = announced_events(pack.lecture, segments)[1]
    return render(request, 'lecture.html', export_formats=formats, left_out=left_out, pack=pack,
                  notes_body=notes_body(request, pack))


@router.get('/lectures/{lecture_id}/quiz')
def quiz(request: Request, lecture_id: int, principal=STUDENT):
    """Show a short quiz on the lecture's key points, answer keys in the teacher's words."""
    return render(request, 'quiz.html', pack=build_pack(request, lecture_id),
                  questions=lecture_quiz(request, lecture_id))


@router.get('/lectures/{lecture_id}/notes.html')
def notes_html(request: Request, lecture_id: int, principal=STUDENT):
    """Download the self-contained notes pack page."""
    html = notes_pack.render_html(build_pack(request, lecture_id))
    return Response(html, media_type='text/html; charset=utf-8', headers={
        'content-security-policy': NOTES_PACK_POLICY,
        'content-disposition': f'attachment; filename="lecture-{lecture_id}.html"'})


@router.get('/lectures/{lecture_id}/notes.md')
def notes_markdown(request: Request, lecture_id: int, principal=STUDENT):
    """Download the notes pack as Markdown."""
    return Response(notes_pack.render_markdown(build_pack(request, lecture_id)),
                    media_type='text/markdown; charset=utf-8',
                    headers={'content-disposition': f'attachment; filename="lecture-{lecture_id}.md"'})


def export_response(request: Request, lecture_id: int, fmt: str) -> Response:
    """Return a lecture's export as a download (404: no lecture, 400: unknown format, 409: no quiz).

    The header x-milo-left-out counts the announcements the calendar leaves out.
    """
    services = request.app.state.services
    record = request.app.state.reader()
    lecture_or_404(record, lecture_id)
    try:
        written = exports.export_lecture(record, lecture_id, fmt, str(services.notes_dir))
    except exports.ExportError as exc:
        raise HTTPException(400 if fmt not in exports.FORMATS else 409, str(exc)) from None
    return Response(written.data, media_type=written.media_type, headers={
        'content-disposition': f'attachment; filename="{written.filename}"',
        'x-milo-left-out': str(sum(note.startswith('left out') for note in written.notes))})


@router.get('/teacher/lectures/{lecture_id}/export')
def export_file(request: Request, lecture_id: int, format: str = '', principal=TEACHER):
    """Download a lecture in a school's format (?format=gift|moodle-xml|notes-zip|ical).

    Without a format, go to the lecture page's Export control.
    """
    if not format:
        lecture_or_404(request.app.state.reader(), lecture_id)
        return _see_other(f'/lectures/{lecture_id}#export')
    return export_response(request, lecture_id, format)


@router.get('/ask')
def ask_page(request: Request, course: Optional[str] = None, principal=STUDENT):
    """Show the question form for a course (or the list of courses to choose from)."""
    courses = request.app.state.reader().courses()
    if course is not None and course not in courses:
        raise HTTPException(404, f'no course {course!r}')
    return render(request, 'ask.html', course=course, courses=courses, events=None, question='')


@router.post('/ask')
async def ask_form(request: Request, principal=STUDENT):
    """Answer a question without JavaScript: the whole answer at once."""
    form = await request.form()
    course, question = str(form.get('course', '')), str(form.get('question', '')).strip()[:500]
    if course not in request.app.state.reader().courses():
        raise HTTPException(404, f'no course {course!r}')
    if not question:
        raise HTTPException(400, 'the question is empty')
    backend = request.app.state.services.ask
    events = [e async for e in from_thread(lambda cancel: backend.ask(course, question, '', cancel))]
    return render(request, 'ask.html', course=course, courses=[], events=events, question=question)


# --- teachers -------------------------------------------------------------------------------------

@router.get('/teacher/questions')
def question_log(request: Request, lecture: LectureChoice = None, principal=TEACHER):
    """Show a lecture's question log (default: the latest lecture), or those asked outside any."""
    record = request.app.state.reader()
    loose = record.questions_without_lecture()
    outside = lecture == OUTSIDE
    chosen = None if outside else default_lecture(record, lecture)
    entries = loose if outside else record.questions(chosen.id) if chosen else []
    return render(request, 'questions.html', chosen=chosen, lectures=record.lectures()[::-1],
                  entries=entries, outside=outside, loose=len(loose), done=_done(request))


@router.post('/teacher/questions/outside/forget')
async def forget_loose_questions(request: Request, principal=TEACHER):
    """Erase the questions asked outside any lecture, once confirmed."""
    form = await request.form()
    if form.get('confirm') != 'yes':
        return _see_other(f'/teacher/questions?lecture={OUTSIDE}')
    await run_in_threadpool(request.app.state.services.lectures.forget_questions_without_lecture)
    return RedirectResponse(f'/teacher/questions?lecture={OUTSIDE}&done=questions_forgotten', 303)


@router.get('/teacher/struggles')
def struggles(request: Request, course: Optional[str] = None, principal=TEACHER):
    """Show a course's questions grouped by topic, and those Milo did not answer."""
    record = request.app.state.reader()
    courses = record.courses()
    if course is None:  # the course of the latest question, else of the latest lecture
        asked = [q.lecture_id for q in record.questions() if q.lecture_id is not None]
        latest = record.lecture(asked[-1]) if asked else default_lecture(record, None)
        course = latest.course if latest else ''
    elif course not in courses:
        raise HTTPException(404, f'no course {course!r}')
    ids = {lecture.id for lecture in record.lectures() if lecture.course == course}
    entries = [q for q in record.questions() if q.lecture_id in ids]
    embedder = request.app.state.services.embedder
    found = find_struggles(entries, embedder() if embedder else None)
    return render(request, 'struggles.html', course=course, courses=courses, found=found,
                  total=len(entries))


def _lectures_page(request: Request, status: int = 200, error: str = ''):
    services = request.app.state.services
    record = request.app.state.reader()
    return render(request, 'manage.html', status, lectures=record.lectures()[::-1],
                  current=services.lectures.current(), courses=[c for c in record.courses() if c],
                  pending=record.pending_erasures(), loose_name=LOOSE_QUESTIONS, error=error,
                  done=_done(request))


@router.get('/teacher/lectures')
def manage(request: Request, principal=TEACHER):
    """Show the lectures with their controls: start, end, title, course, forget."""
    return _lectures_page(request)


async def _lecture_action(request: Request, action, done: str):
    try:
        await run_in_threadpool(action)
    except ValueError as exc:
        return _lectures_page(request, 400, str(exc))
    except ErasureIncomplete as exc:  # the page lists it, with a button to finish it
        return _lectures_page(request, 503, str(exc))
    return _see_other('/teacher/lectures', done=done)


@router.post('/teacher/lectures/start')
async def start_lecture(request: Request, principal=TEACHER):
    """Start a lecture (the current one ends)."""
    form = await request.form()
    course, title = str(form.get('course', ''))[:200], str(form.get('title', ''))[:200]
    return await _lecture_action(request, lambda: request.app.state.services.lectures.start(
        course.strip(), title.strip()), 'started')


@router.post('/teacher/lectures/end')
async def end_lecture(request: Request, principal=TEACHER):
    """End the current lecture."""
    return await _lecture_action(request, request.app.state.services.lectures.end, 'ended')


@router.post('/teacher/lectures/{lecture_id}/edit')
async def edit_lecture(request: Request, lecture_id: int, principal=TEACHER):
    """Change a lecture's title and course."""
    form = await request.form()
    lectures = request.app.state.services.lectures
    title, course = str(form.get('title', '')).strip(), str(form.get('course', '')).strip()

    def edit():
        current = lecture_or_404(request.app.state.reader(), lecture_id)
        if title and title != current.title:
            lectures.set_title(lecture_id, title)
        if course != current.course:
            lectures.set_course(lecture_id, course)
    return await _lecture_action(request, edit, 'saved')


@router.get('/teacher/lectures/{lecture_id}/forget')
def forget_page(request: Request, lecture_id: int, principal=TEACHER):
    """Ask for confirmation before a lecture is erased."""
    record = request.app.state.reader()
    lecture = lecture_or_404(record, lecture_id)
    return render(request, 'forget.html', lecture=lecture,
                  segments=len(record.segments(lecture_id=lecture_id)),
                  questions=len(record.questions(lecture_id)))


@router.post('/teacher/lectures/{lecture_id}/forget')
async def forget(request: Request, lecture_id: int, principal=TEACHER):
    """Erase a lecture, its transcript, questions and summary, once confirmed."""
    form = await request.form()
    if form.get('confirm') != 'yes':
        return _see_other(f'/teacher/lectures/{lecture_id}/forget')
    lecture_or_404(request.app.state.reader(), lecture_id)
    return await _lecture_action(request, lambda: request.app.state.services.lectures.forget(lecture_id),
                                 'forgotten')


@router.post('/teacher/erasures/finish')
async def finish_erasures(request: Request, principal=TEACHER):
    """Complete the erasures a reader kept from finishing on disk."""
    return await _lecture_action(request, request.app.state.services.lectures.finish_erasures,
                                 'erasures_finished')


def _notes_page(request: Request, status: int = 200, error: str = ''):
    services = request.app.state.services
    return render(request, 'notes.html', status, files=list_notes(services.notes_dir), error=error,
                  done=_done(request), max_mb=MAX_NOTES_BYTES // (1024 * 1024),
                  courses=[c for c in request.app.state.reader().courses() if c])


@router.get('/teacher/notes')
def notes(request: Request, principal=TEACHER):
    """List the course notes and offer an upload."""
    return _notes_page(request)


async def upload_notes(request: Request) -> str:
    """Save the uploaded `file` (for the form's `course`, or all) and re-index; return its name.

    NotesError says why an upload is refused.
    """
    form = await request.form()
    upload = form.get('file')
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise NotesError('choose a file to upload')
    course = str(form.get('course', ''))
    if course and course not in await run_in_threadpool(request.app.state.reader().courses):
        raise NotesError(f'no course {course!r}')
    data = await upload.read(MAX_NOTES_BYTES + 1)
    services = request.app.state.services
    path = await run_in_threadpool(save_notes, services.notes_dir, upload.filename, data, course)
    services.notes_changed()
    return str(path.relative_to(services.notes_dir))


@router.post('/teacher/notes')
async def notes_upload(request: Request, principal=TEACHER):
    """Save an uploaded notes file; the answers use it from the next question."""
    try:
        await upload_notes(request)
    except NotesError as exc:
        return _notes_page(request, 409 if isinstance(exc, NotesConflict) else 400, str(exc))
    return _see_other('/teacher/notes', done='uploaded')


@router.post('/teacher/notes/delete')
async def notes_delete(request: Request, principal=TEACHER):
    """Remove a notes file."""
    form = await request.form()
    services = request.app.state.services
    try:
        delete_notes(services.notes_dir, str(form.get('name', '')))
    except NotesError as exc:
        return _notes_page(request, 400, str(exc))
    services.notes_changed()
    return _see_other('/teacher/notes', done='deleted')


# --- the club -------------------------------------------------------------------------------------

@router.get('/club')
def club(request: Request, principal=CLUB):
    """Show the remote control and the live state of the robot."""
    return render(request, 'club.html', connected=request.app.state.services.robot is not None,
                  done=_done(request))


@router.post('/club/estop')
def club_estop(request: Request, principal=CLUB):
    """Latch the emergency stop (the page's button, also without JavaScript)."""
    robot = request.app.state.services.robot
    if robot is None:
        raise HTTPException(503, 'no robot is connected to this app')
    robot.estop()
    return _see_other('/club', done='estop')
