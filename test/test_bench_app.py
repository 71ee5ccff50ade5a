# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The app benchmark's students: a load the app refuses (a token not in the record) fails it.

Until this test, the students of `voice_under_app_load` were refused for weeks (their token went
into a record the session then replaced) and the benchmark measured the login rate limit.
"""

import threading

import pytest
from app_fixture import School, free_port, wait_for_http

from milo_robot.app.local import LocalAskBackend, LocalLectureControl
from milo_robot.app.serve import make_server
from milo_robot.app.services import AppServices
from milo_robot.app.web import create_app
from milo_robot.bench.app import _load


@pytest.fixture
def served(tmp_path):
    school = School(tmp_path)
    backend = LocalAskBackend(school.db, str(school.notes), embedder_factory=lambda: None)
    services = AppServices(school.db, school.notes, backend, LocalLectureControl(school.db))
    port = free_port()
    server = make_server(create_app(services), '127.0.0.1', port)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f'http://127.0.0.1:{port}'
    wait_for_http(base + '/login')
    yield school, base
    server.should_exit = True
    thread.join(10)


def test_students_the_app_refuses_fail_the_benchmark(served):
    school, base = served
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    with pytest.raises(RuntimeError, match='refused the students'):
        _load(base, {'Authorization': 'Bearer not-a-token'}, school.ids['circuits'], stop)

