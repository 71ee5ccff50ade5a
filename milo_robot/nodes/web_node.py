# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Web node: serves the Milo app (milo_robot.app) inside the graph.

Its backends are the brain, the lecture lifecycle and the body, over ROS. uvicorn runs in a
worker thread; ROS callbacks in the node's executor feed the app's queues and state. While the
class has the floor (thinking/floor.py), the node gives its CPU share away (milo_robot.priority):
students' pages wait a moment, the class's turn does not (docs/app.md). That share is its
process's: the web node must stay out of graph.GROUPS, or it would slow the nodes beside it.
"""

from pathlib import Path

from milo_robot.app.ros_bridge import RosAskBackend, RosCamera, RosLectureControl, reindex_publisher
from milo_robot.app.serve import ServeError, check_tls, is_loopback, make_server
from milo_robot.app.services import AppServices
from milo_robot.app.struggles import lazy_embedder
from milo_robot.app.web import create_app, prepare_record
from milo_robot.graph import resolve_path
from milo_robot.interfaces import topics as t
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParameterError, ParamSpec
from milo_robot.priority import GiveWay
from milo_robot.record.lecture_record import RecordError
from milo_robot.teleop.client import TeleopClient
from milo_robot.thinking.floor import Floor

GIVE_WAY_CHECK_S = 0.25  # how often the floor's end (and a change the kernel refused) is looked at

PARAMETERS = (
    ParamSpec('host', '127.0.0.1', 'Address the app listens on: 127.0.0.1 is this machine only; '
              '0.0.0.0 opens it to the network (docs/app.md: use TLS and the school firewall)'),
    ParamSpec('port', 8080, 'TCP port of the app', min=1, max=65535),
    ParamSpec('database', 'records/milo.db', 'The lecture record the app reads (and its tokens)'),
    ParamSpec('notes_dir', 'data/notes', 'Course notes folder: teachers upload into it'),
    ParamSpec('certfile', '', 'TLS certificate (PEM); with keyfile, the app is served over HTTPS'),
    ParamSpec('keyfile', '', 'TLS private key (PEM)'),
)


class WebNode(MiloNode):
    """The app over HTTP(S); text questions, lecture commands and teleop over ROS."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Check the parameters, build the app over the ROS backends, serve it in a worker."""
        super().__init__('web', **options)
        p = self.params
        certfile, keyfile = resolve_path(p.certfile), resolve_path(p.keyfile)
        record_path = Path(resolve_path(p.database))
        try:
            check_tls(certfile, keyfile)
            prepare_record(record_path)
        except (ServeError, RecordError) as exc:
            raise ParameterError(str(exc)) from exc
        self.ask = RosAskBackend(self, record_path)
        services = AppServices(record_path, Path(resolve_path(p.notes_dir)), self.ask,
                               RosLectureControl(self, record_path), TeleopClient(self),
                               camera=RosCamera(self), secure=bool(certfile), embedder=lazy_embedder(),
                               on_notes_changed=reindex_publisher(self))
        self.server = make_server(create_app(services), p.host, p.port, certfile, keyfile)
        if not is_loopback(p.host):
            self.get_logger().warning(f'the app is open to the network on {p.host}:{p.port}'
                                      f"{'' if certfile else ' without TLS'}: see docs/app.md")
        self.health.set('url', f"{'https' if certfile else 'http'}://{p.host}:{p.port}/")
        self._worker = self.start_worker('http', self._serve)
        self._floor, self._give_way = Floor(), GiveWay()
        self.subscribe(t.VAD_SPEECH, self._on_speech)
        self.create_timer(GIVE_WAY_CHECK_S, self._follow_floor)

    def _on_speech(self, msg) -> None:
        self._floor.speaking(bool(msg.data) and self.ask.mode() == 'qa')
        self._follow_floor()

    def _follow_floor(self) -> None:
        self._give_way.update(self._floor.held())
        self.health.set('cpu', 'giving way' if self._give_way.applied != self._give_way.normal else 'normal')

    def _serve(self) -> None:
        try:
            self.server.run()
        except SystemExit:  # uvicorn exits this way when it cannot listen
            pass
        if not self.server.started:
            raise RuntimeError(f'cannot serve the app on {self.params.host}:{self.params.port} '
                               '(the port is taken, or the address is not this machine\'s)')

    def summary(self) -> str:
        """Say whether the app is being served."""
        return 'serving' if self.server.started else 'starting'

    def close(self) -> None:
        """Stop serving."""
        self.server.should_exit = True
        self._worker.join(timeout=5.0)


NODE = WebNode  # what milo_robot.graph starts


def main(args=None):
    """Run the web node."""
    raise SystemExit(run(WebNode, args))


if __name__ == '__main__':
    main()
