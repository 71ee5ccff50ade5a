# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Build the app: routes, static assets, error pages, guards, and the shared record reader."""

import threading
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from milo_robot.app import api, pages
from milo_robot.app.access import NotAuthenticated, TooManyAttempts
from milo_robot.app.auth import LoginLimiter, Sessions
from milo_robot.app.guards import Guards
from milo_robot.app.notes_files import MAX_NOTES_BYTES
from milo_robot.app.page_cache import RecordCache
from milo_robot.app.services import AppServices
from milo_robot.app.views import STATIC, render, template_environment
from milo_robot.lectures.notes_pack import CSS_FILE
from milo_robot.record.lecture_record import ErasureIncomplete, LectureRecord, RecordError

UPLOAD_LIMITS = {'/api/notes': MAX_NOTES_BYTES + 64 * 1024, '/teacher/notes': MAX_NOTES_BYTES + 64 * 1024}


def prepare_record(path) -> None:
    """Create the record, or bring an older one up to date, so that the app can read it."""
    with LectureRecord(path):
        pass


class _Reader:
    """One read-only connection to the record, shared by every request (it serialises access)."""

    def __init__(self, path):
        self.path = path
        self._record = None
        self._lock = threading.Lock()

    def __call__(self) -> LectureRecord:
        with self._lock:
            if self._record is None:
                self._record = LectureRecord(self.path, read_only=True)
            return self._record

    def close(self) -> None:
        with self._lock:
            if self._record is not None:
                self._record.close()
                self._record = None


def _is_api(request: Request) -> bool:
    return request.url.path.startswith('/api/')


def create_app(services: AppServices, sessions: Sessions = None, limiter: LoginLimiter = None) -> FastAPI:
    """Return the app over these services (the record must exist: see `prepare_record`)."""
    app = FastAPI(title='Milo', docs_url=None, redoc_url=None, openapi_url=None)
    app.state.services = services
    app.state.sessions = sessions or Sessions()
    app.state.limiter = limiter or LoginLimiter()
    app.state.templates = template_environment()
    app.state.reader = _Reader(services.record_path)
    app.state.cache = RecordCache(app.state.reader, services.notes_dir)
    app.include_router(pages.router)
    app.include_router(api.router)

    @app.get('/static/notes.css', include_in_schema=False)
    def notes_css():
        """Serve the notes pack's stylesheet (the app's lecture page uses the same)."""
        return FileResponse(CSS_FILE, media_type='text/css')

    app.mount('/static', StaticFiles(directory=str(STATIC)), name='static')

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, _exc):
        if _is_api(request):
            return JSONResponse({'detail': 'a valid token is needed (Authorization: Bearer TOKEN)'},
                                401, headers={'www-authenticate': 'Bearer'})
        target = request.url.path + (f'?{request.url.query}' if request.url.query else '')
        return RedirectResponse(f'/login?next={quote(target, safe="")}', 303)

    @app.exception_handler(TooManyAttempts)
    async def too_many(request: Request, exc: TooManyAttempts):
        return JSONResponse({'detail': str(exc)}, 429,
                            headers={'retry-after': str(int(exc.retry_after_s) + 1)})

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if _is_api(request) or exc.status_code == 405:
            return JSONResponse({'detail': exc.detail}, exc.status_code, headers=exc.headers)
        return render(request, 'error.html', exc.status_code, code=exc.status_code, detail=exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        errors = [{'loc': list(e.get('loc', ())), 'msg': e.get('msg', ''), 'type': e.get('type', '')}
                  for e in exc.errors()]
        if _is_api(request):
            return JSONResponse({'detail': errors}, 422)
        return render(request, 'error.html', 422, code=422,
                      detail='; '.join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors))

    @app.exception_handler(RecordError)
    async def record_error(request: Request, exc: RecordError):
        # An erasure a reader kept from finishing: the same request completes it later.
        headers = {'retry-after': '30'} if isinstance(exc, ErasureIncomplete) else None
        if _is_api(request):
            return JSONResponse({'detail': str(exc)}, 503, headers=headers)
        return render(request, 'error.html', 503, code=503, detail=str(exc))

    app.add_middleware(Guards, limits=UPLOAD_LIMITS)
    return app
