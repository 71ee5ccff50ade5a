# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The app over a small lecture record with one token per role, for the API and browser tests."""

import re
import socket
import time
import urllib.request
from pathlib import Path

from lecture_fixture import build_record, notes_copy

from milo_robot.app.auth import create_token
from milo_robot.record.lecture_record import LectureRecord


class School:
    """A record, a notes folder and a token per role (plus one revoked)."""

    def __init__(self, folder: Path):
        self.db = folder / 'milo.db'
        self.ids = build_record(self.db)
        self.notes = Path(notes_copy(folder / 'notes'))
        self.tokens = {}
        with LectureRecord(self.db) as record:
            for role in ('student', 'teacher', 'club'):
                self.tokens[role] = create_token(record, role, f'a {role}')[1]
            revoked_id, self.tokens['revoked'] = create_token(record, 'teacher', 'gone')
            record.revoke_token(revoked_id)

    def bearer(self, role: str) -> dict:
        return {'Authorization': f'Bearer {self.tokens[role]}'}


def login_csrf(html: str) -> str:
    """The hidden CSRF field of a page's form."""
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client, school, role: str):
    """Log a test client in with the role's token, as the login form does."""
    page = client.get('/login')
    response = client.post('/login', data={'csrf': login_csrf(page.text), 'token': school.tokens[role],
                                           'next': ''}, follow_redirects=False)
    assert response.status_code == 303
    return response


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60.0, process=None) -> None:
    """Wait until `url` answers (any HTTP status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1.0)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process is not None and process.popen.poll() is not None:
                raise AssertionError(f'the server exited:\n{process.output}')
            time.sleep(0.1)
    raise AssertionError(f'{url} did not answer in {timeout} s' +
                         (f':\n{process.output}' if process is not None else ''))
