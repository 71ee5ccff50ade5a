# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""/diagnostics as a contract: the status names and value keys Milo's nodes publish, and their reading.

Each node publishes one `diagnostic_msgs/DiagnosticStatus` a second, named `milo/<node>` (in the
root namespace) or `milo/<namespace>/<node>` (`milo/room_a/asr`), whose values are key/value text
pairs. /diagnostics is the one absolute topic, shared by every robot of a ROS domain: the name tells
each robot's statuses apart, and readers take those of their own robot's namespace only. The keys
other code reads (the watchdog, `milo status`, the microphone, the soak benchmark, the teleop client
and the app, the tests) are defined here, once, with who reports them and what they mean;
docs/interfaces.md lists them. Readers go through `node_statuses()` and `NodeStatus`, never through
the message's fields.

Nodes report more facts than these (each node's own counters): `milo status` shows them all,
and no other code relies on them.
"""

import math
from dataclasses import dataclass, field
from typing import Optional

PREFIX = 'milo/'  # a Milo node's status is named milo/<node>, or milo/<namespace>/<node>
ROOT = '/'  # the root namespace, where a robot runs unless given one


def _tokens(namespace: str) -> list:
    return [token for token in namespace.split('/') if token]


def status_name(node: str, namespace: str = ROOT) -> str:
    """Return the status name of a node in `namespace` ('/', '/room_a' or 'room_a')."""
    return PREFIX + '/'.join(_tokens(namespace) + [node])


def parse_status_name(name: str) -> Optional[tuple]:
    """Return (namespace, node) of a status name, or None for a status not from a Milo node."""
    if not name.startswith(PREFIX):
        return None
    *namespace, node = name[len(PREFIX):].split('/')
    return '/' + '/'.join(namespace), node


@dataclass(frozen=True)
class Key:
    """A diagnostic value's key: who reports it and what it says."""

    name: str
    reporters: str
    meaning: str


KEYS = []


def _key(name: str, reporters: str, meaning: str) -> str:
    KEYS.append(Key(name, reporters, meaning))
    return name


# Every node (milo_robot.nodes.base, milo_robot.diagnostics.Health).
READY = _key('ready', 'every node', 'true once the node does its job (asr: its model is loaded)')
ERRORS = _key('errors', 'every node', 'errors since the start (bad input, device or record trouble)')
LAST_ERROR = _key('last_error', 'every node', 'the latest error, in words')
LAST_ACTIVITY = _key('last_activity_s_ago', 'every node', 'seconds since the node last did its job')
REJECTED = _key('rejected_messages', 'every node', 'messages dropped because their payload was bad')
RESTARTS = _key('restarts', 'every node respawned by `milo up` or a sim run',
                'times its process was respawned after it died; absent until the first time')
RESTARTED_AFTER = _key('restarted_after', 'every node respawned by `milo up` or a sim run',
                       'how its process last ended: `killed by SIGKILL`, `exit status 70`')
WORKER_PREFIX, WORKER_SUFFIX = 'worker_', '_s_ago'
_key(f'{WORKER_PREFIX}<name>{WORKER_SUFFIX}', 'nodes with worker threads',
     'seconds since the worker last beat: the watchdog restarts a node whose worker is stuck')
# Hearing: the audio's own clock (milo_robot.interfaces.audio).
FRAMES = _key('frames', 'microphone, audio_monitor, vad, asr', 'audio frames published or received')
FRAMES_LOST = _key('frames_lost', 'microphone, audio_monitor, vad, asr',
                   'frames missing on the sample clock: never captured (microphone: the sound card '
                   'overflowed) or never received (the listeners)')
OVERFLOWS = _key('overflows', 'microphone', 'times the sound card dropped audio it had captured')
DROPPED_FRAMES = _key('dropped_frames', 'asr', 'frames of segments the asr no longer held when their '
                      'turn came (recognition over `max_backlog_s` behind)')
WORK_WAITING = _key('work_waiting', 'asr', 'VAD events not yet transcribed: a sim run ends once it is 0')
VOCABULARY_TERMS = _key('vocabulary_terms', 'asr', 'terms of the current course given to Whisper, both '
                        'languages together (docs/hearing.md); absent while none was gathered')
MILO_SPEAKING = _key('milo_speaking', 'vad', 'whether the VAD hears with the echo gate on')
# The body and what the club's page shows.
LINK = _key('link', 'body', 'the serial link: connecting, connected, incompatible or unresponsive')
FIRMWARE = _key('firmware', 'body', 'the firmware version the board reports')
TELEOP = _key('teleop', 'body', 'active while teleop commands the head')
LIGHT = _key('light', 'body', 'the status light now: #rrggbb colour and pattern')
CAMERA = _key('camera', 'body, camera', 'on or off (the light shows it)')


def worker_key(worker: str) -> str:
    """Return the heartbeat key of a worker thread."""
    return f'{WORKER_PREFIX}{worker}{WORKER_SUFFIX}'


@dataclass(frozen=True)
class NodeStatus:
    """One Milo node's status as received: level (0 OK, 1 WARN, 2 ERROR), message and values."""

    node: str
    level: int
    message: str
    values: dict = field(default_factory=dict)
    namespace: str = ROOT  # the robot's namespace: '/' or '/room_a'
    sent_at: float = 0.0  # when the node sent it, its clock's seconds since the epoch (0: unknown)

    @classmethod
    def from_status(cls, status, sent_at: float = 0.0) -> Optional['NodeStatus']:
        """Read a DiagnosticStatus (its array stamped `sent_at`); None when it is not a Milo node's."""
        parsed = parse_status_name(status.name)
        if parsed is None:
            return None
        namespace, node = parsed
        level = status.level[0] if isinstance(status.level, (bytes, bytearray)) else int(status.level)
        return cls(node, level, status.message, {kv.key: kv.value for kv in status.values}, namespace,
                   sent_at)

    @property
    def ready(self) -> bool:
        """Whether the node says it is ready."""
        return self.values.get(READY) == 'true'

    def get(self, key: str, default: str = '?') -> str:
        """Return a value as text, or `default` when the node does not report it."""
        return self.values.get(key, default)

    def number(self, key: str, default: float = 0.0) -> float:
        """Return a value as a number, or `default` when absent or not a number."""
        try:
            value = float(self.values[key])
        except (KeyError, ValueError):
            return default
        return value if math.isfinite(value) else default

    def worker_ages(self) -> dict:
        """Return {worker name: seconds since its last heartbeat}."""
        ages = {}
        for key in self.values:
            if key.startswith(WORKER_PREFIX) and key.endswith(WORKER_SUFFIX):
                age = self.number(key, default=math.nan)
                if not math.isnan(age):
                    ages[key[len(WORKER_PREFIX):-len(WORKER_SUFFIX)]] = age
        return ages


def node_statuses(msg, namespace: str) -> list:
    """Return the statuses in a DiagnosticArray of the Milo nodes in `namespace`, in order.

    `namespace` is the reader's robot ('/' or '/room_a', as `Node.get_namespace()` gives it):
    another robot's nodes on the same ROS domain are not this robot's.
    """
    mine = '/' + '/'.join(_tokens(namespace))
    sent_at = msg.header.stamp.sec + msg.header.stamp.nanosec / 1e9
    statuses = (NodeStatus.from_status(status, sent_at) for status in msg.status)
    return [s for s in statuses if s is not None and s.namespace == mine]


def diagnostic_array(node: str, level: int, message: str, values: list, hardware_id: str, stamp,
                     namespace: str = ROOT):
    """Build the DiagnosticArray a node publishes: its one status, named for it and its namespace."""
    from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue

    status = DiagnosticStatus(level=bytes([level]), name=status_name(node, namespace), message=message,
                              hardware_id=hardware_id,
                              values=[KeyValue(key=k, value=v) for k, v in values])
    msg = DiagnosticArray(status=[status])
    msg.header.stamp = stamp
    return msg
