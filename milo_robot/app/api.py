# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The JSON API (docs/app.md): lectures, summaries, questions, notes, the robot.

The pages' scripts use it too, with the session cookie and its CSRF header; other clients send a
Bearer token, and need no CSRF token (a browser never adds that header by itself).
"""

import dataclasses
import json
import math
from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from milo_robot.app.access import require
from milo_robot.app.notes_files import NotesConflict, NotesError, delete_notes, list_notes
from milo_robot.app.pages import export_response, upload_notes
from milo_robot.app.streaming import from_thread, sse
from milo_robot.app.struggles import find_struggles
from milo_robot.app.views import (
    OUTSIDE,
    LectureChoice,
    default_lecture,
    erasable_or_404,
    lecture_json,
    lecture_or_404,
    lecture_quiz,
)
from milo_robot.interfaces.payloads import EXPRESSION_NAMES, MODES

router = APIRouter(prefix='/api')
STUDENT, TEACHER, CLUB = require('student'), require('teacher'), require('club')
MAX_RATE_DEG_S = 90.0  # the head's teleop speed limit, as `milo teleop` drives it


def json_body(model):
    """Return a dependency that parses the JSON body into `model` (400 if not JSON, 422 if invalid).

    Declared after the role's dependency, it runs after it: a request without a valid token is
    refused (401/403) before its body is even read.
    """
    async def parse(request: Request):
        raw = await request.body()
        try:
            data = json.loads(raw) if raw else {}
        except (ValueError, RecursionError):
            raise HTTPException(400, 'the body is not valid JSON (UTF-8)') from None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from None
    return Depends(parse)


class AskRequest(BaseModel):
    """A text question about a course."""

    course: str = Field(max_length=200)
    question: str = Field(min_length=1, max_length=500)
    language: Literal['', 'en', 'fr'] = ''


class StartRequest(BaseModel):
    """A lecture to start."""

    course: str = Field('', max_length=200)
    title: str = Field('', max_length=200)


class EditRequest(BaseModel):
    """New values for a lecture's title and course (absent: unchanged)."""

    title: Optional[str] = Field(None, min_length=1, max_length=200)
    course: Optional[str] = Field(None, max_length=200)


class MoveRequest(BaseModel):
    """Head rates in degrees per second; the head keeps moving only while these keep coming."""

    pan: float = Field(0.0, ge=-MAX_RATE_DEG_S, le=MAX_RATE_DEG_S, allow_inf_nan=False)
    tilt: float = Field(0.0, ge=-MAX_RATE_DEG_S, le=MAX_RATE_DEG_S, allow_inf_nan=False)


class ExpressionRequest(BaseModel):
    """An expression to show."""

    name: Literal[EXPRESSION_NAMES]


class SayRequest(BaseModel):
    """A sentence for Milo to say."""

    text: str = Field(min_length=1, max_length=300)
    language: Literal['en', 'fr'] = 'en'


class CameraRequest(BaseModel):
    """The camera switch."""

    on: bool


class ModeRequest(BaseModel):
    """The dialogue mode to switch to."""

    mode: Literal[MODES]


# --- lectures ----------------------------------------------------------------------------------

@router.get('/courses')
def courses(request: Request, principal=STUDENT):
    """List the courses ('' holds the lectures filed under none)."""
    return request.app.state.reader().courses()


@router.get('/lectures')
def lectures(request: Request, course: Optional[str] = None, principal=STUDENT):
    """List the lectures (optionally of one course), oldest first."""
    return [lecture_json(lecture) for lecture in request.app.state.reader().lectures()
            if course is None or lecture.course == course]


@router.get('/lectures/current')
def current_lecture(request: Request, principal=STUDENT):
    """Return the lecture being recorded, or null."""
    current = request.app.state.services.lectures.current()
    return lecture_json(current) if current else None


@router.get('/lectures/{lecture_id}')
def lecture(request: Request, lecture_id: int, principal=STUDENT):
    """Return a lecture with its timed transcript."""
    record = request.app.state.reader()
    found = lecture_or_404(record, lecture_id)
    segments = [{'id': s.id, 'start_s': s.start_s, 'end_s': s.end_s, 'text': s.text,
                 'language': s.language, 'role': s.speaker_role}
                for s in record.segments(lecture_id=lecture_id)]
    return dict(lecture_json(found), transcript=segments)


@router.get('/lectures/{lecture_id}/summary')
def summary(request: Request, lecture_id: int, principal=STUDENT):
    """Return a lecture's summary (404 until one is written)."""
    record = request.app.state.reader()
    lecture_or_404(record, lecture_id)
    body = record.summary(lecture_id)
    if body is None:
        raise HTTPException(404, f'lecture {lecture_id} has no summary yet')
    return body


@router.get('/lectures/{lecture_id}/quiz')
def quiz(request: Request, lecture_id: int, principal=STUDENT):
    """Return a short quiz on the lecture's key points."""
    return [dataclasses.asdict(q) for q in lecture_quiz(request, lecture_id)]


@router.get('/lectures/{lecture_id}/export/{fmt}')
def export(request: Request, lecture_id: int, fmt: str, principal=TEACHER):
    """Download a lecture in a school's format: gift, moodle-xml, notes-zip or ical."""
    return export_response(request, lecture_id, fmt)


@router.post('/lectures/start', status_code=202)
def start_lecture(request: Request, principal=TEACHER, body=json_body(StartRequest)):
    """Start a lecture (the current one ends)."""
    request.app.state.services.lectures.start(body.course.strip(), body.title.strip())
    return {'started': True}


@router.post('/lectures/end', status_code=202)
def end_lecture(request: Request, principal=TEACHER):
    """End the current lecture (409 when none is going on)."""
    try:
        request.app.state.services.lectures.end()
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from None
    return {'ended': True}


@router.patch('/lectures/{lecture_id}')
def edit_lecture(request: Request, lecture_id: int, principal=TEACHER, body=json_body(EditRequest)):
    """Change a lecture's title and/or course."""
    control = request.app.state.services.lectures
    lecture_or_404(request.app.state.reader(), lecture_id)
    try:
        if body.title is not None:
            control.set_title(lecture_id, body.title)
        if body.course is not None:
            control.set_course(lecture_id, body.course.strip())
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return lecture_json(request.app.state.reader().lecture(lecture_id))


@router.delete('/lectures/{lecture_id}')
def forget_lecture(request: Request, lecture_id: int, principal=TEACHER):
    """Erase a lecture with its transcript, questions, summary and notes packs; return counts.

    503 when a reader kept the words on disk past the wait: the same request later completes it.
    """
    erasable_or_404(request.app.state.reader(), lecture_id)
    try:
        return {'deleted': request.app.state.services.lectures.forget(lecture_id)}
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from None


# --- questions -----------------------------------------------------------------------------------

@router.post('/ask')
async def ask(request: Request, principal=STUDENT, body=json_body(AskRequest)):
    """Answer a question about a course: a JSON answer, or a stream of server-sent events.

    Send `Accept: text/event-stream` for the stream: one event per sentence, then a final event
    with the sources. A text question never interrupts the class: while Milo answers by voice,
    it waits (a `waiting` event says so).
    """
    if body.course not in await run_in_threadpool(request.app.state.reader().courses):
        raise HTTPException(404, f'no course {body.course!r}')
    backend = request.app.state.services.ask
    question = ' '.join(body.question.split())
    if not question:
        raise HTTPException(422, 'the question is empty')
    events = from_thread(lambda cancel: backend.ask(body.course, question, body.language, cancel))
    if 'text/event-stream' in request.headers.get('accept', ''):
        async def stream():
            async for event in events:
                yield sse(event.to_dict())
        return StreamingResponse(stream(), media_type='text/event-stream',
                                 headers={'cache-control': 'no-store', 'x-accel-buffering': 'no'})
    collected = [event async for event in events]
    final = next((e for e in collected if e.kind == 'final'), None)
    sentences = [e.text for e in collected if e.kind == 'sentence']
    return {'request_id': collected[0].request_id if collected else '', 'answer': ' '.join(sentences),
            'sentences': sentences, 'sources': list(final.sources) if final else [],
            'declined': final.declined if final else True, 'complete': final is not None,
            'error': next((e.text for e in collected if e.kind == 'error'), '')}


@router.get('/questions')
def questions(request: Request, lecture: LectureChoice = None, principal=TEACHER):
    """Return a lecture's question log (default: the latest lecture's); `none`: those outside any."""
    record = request.app.state.reader()
    if lecture == OUTSIDE:
        return [entry.to_dict() for entry in record.questions_without_lecture()]
    chosen = default_lecture(record, lecture)
    return [entry.to_dict() for entry in (record.questions(chosen.id) if chosen else [])]


@router.delete('/questions')
def forget_questions(request: Request, lecture: Literal['none'], principal=TEACHER):
    """Erase the questions asked outside any lecture (`?lecture=none`); return how many.

    A lecture's questions go with the lecture (DELETE /api/lectures/ID). 503 as for that.
    """
    return {'deleted': request.app.state.services.lectures.forget_questions_without_lecture()}


@router.get('/struggles')
def struggles(request: Request, course: str = '', principal=TEACHER):
    """Return a course's questions grouped by topic, and those Milo declined or was cut off on."""
    record = request.app.state.reader()
    ids = {lecture.id for lecture in record.lectures() if lecture.course == course}
    embedder = request.app.state.services.embedder
    found = find_struggles([q for q in record.questions() if q.lecture_id in ids],
                           embedder() if embedder else None)
    return {'topics': [{'label': t.label, 'count': t.count,
                        'questions': [q.question for q in t.questions]} for t in found.topics],
            **{name: [q.to_dict() for q in getattr(found, name)]
               for name in ('declined', 'interrupted', 'failed')}}


# --- course notes --------------------------------------------------------------------------------

@router.get('/notes')
def notes(request: Request, principal=TEACHER):
    """List the course notes files."""
    return [dataclasses.asdict(f) for f in list_notes(request.app.state.services.notes_dir)]


@router.post('/notes', status_code=201)
async def notes_upload(request: Request, principal=TEACHER):
    """Upload a notes file (multipart field `file`: Markdown, text or PDF); answers use it at once."""
    try:
        return {'saved': await upload_notes(request)}
    except NotesError as exc:  # 409: a course folder and a file would share the name
        raise HTTPException(409 if isinstance(exc, NotesConflict) else 400, str(exc)) from None


@router.delete('/notes/{name:path}')
def notes_delete(request: Request, name: str, principal=TEACHER):
    """Remove a notes file."""
    services = request.app.state.services
    try:
        delete_notes(services.notes_dir, name)
    except NotesError as exc:
        raise HTTPException(404, str(exc)) from None
    services.notes_changed()
    return {'deleted': name}


# --- the robot -----------------------------------------------------------------------------------

def _robot(request: Request):
    robot = request.app.state.services.robot
    if robot is None:
        raise HTTPException(503, 'no robot is connected to this app: `milo app` serves the record '
                            'only; the web node of the graph drives the robot')
    return robot


def _state(request: Request) -> dict:
    services = request.app.state.services
    view = _robot(request).snapshot()
    view['joints'] = {k: round(v, 1) for k, v in view['joints'].items() if math.isfinite(v)}
    if services.camera is not None:
        view.update(services.camera.snapshot())
    return view


@router.get('/robot')
def robot_state(request: Request, principal=CLUB):
    """Return the robot's live state: link, mode, state, speaking, joints, light, emergency stop, camera."""
    return _state(request)


@router.post('/estop')
def estop(request: Request, principal=CLUB):
    """Latch the emergency stop: the head stops until someone releases it."""
    _robot(request).estop()
    return _state(request)


@router.post('/robot/release')
def release(request: Request, principal=CLUB):
    """Ask the body to release the emergency stop (the answer shows in the state's note)."""
    _robot(request).release()
    return _state(request)


@router.post('/robot/move')
def move(request: Request, principal=CLUB, body=json_body(MoveRequest)):
    """Turn the head at these rates for a moment: send again every ~0.1 s to keep it moving."""
    robot = _robot(request)
    robot.move(body.pan, body.tilt)
    return {'ok': True}


@router.post('/robot/expression')
def expression(request: Request, principal=CLUB, body=json_body(ExpressionRequest)):
    """Show an expression."""
    _robot(request).expression(body.name)
    return {'ok': True}


@router.post('/robot/say')
def say(request: Request, principal=CLUB, body=json_body(SayRequest)):
    """Have Milo say a sentence."""
    _robot(request).say(' '.join(body.text.split()), body.language)
    return {'ok': True}


@router.post('/robot/mode')
def mode(request: Request, principal=CLUB, body=json_body(ModeRequest)):
    """Switch the dialogue's mode."""
    _robot(request).set_mode(body.mode)
    return {'ok': True}


@router.post('/robot/stop_speech')
def stop_speech(request: Request, principal=CLUB):
    """Stop Milo speaking."""
    _robot(request).stop_speech()
    return {'ok': True}


@router.post('/robot/camera')
def camera(request: Request, principal=CLUB, body=json_body(CameraRequest)):
    """Turn the camera on or off."""
    _robot(request)
    cameras = request.app.state.services.camera
    if cameras is None:
        raise HTTPException(503, 'this robot has no camera')
    cameras.switch(body.on)
    return {'ok': True}
