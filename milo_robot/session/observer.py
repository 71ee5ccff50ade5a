# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Watch a running graph from the outside: every event of a conversation, with its wall time."""

import json
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from milo_robot.nodes.audio_msgs import AUDIO_QOS, AUDIO_TOPIC, msg_to_frame, stamp_seconds
from milo_robot.nodes.vad_node import EVENTS_QOS, SPEAKER_AUDIO_QOS, STATE_QOS


@dataclass
class Observation:
    """What happened, in arrival order; times are wall-clock seconds."""

    audio_t0: float = None  # stamp of the first microphone frame = time 0 of the input WAV
    events: list = field(default_factory=list)  # (received, topic, payload dict or str)
    played: list = field(default_factory=list)  # (stamp, int16 samples at 16 kHz) of /speaker/audio

    def of(self, topic: str) -> list:
        """Return the (received, payload) of one topic."""
        return [(t, payload) for t, name, payload in self.events if name == topic]


class SessionObserver:
    """An rclpy node, spun in its own thread, that records a session and reports it line by line."""

    JSON_TOPICS = ('/asr/final', '/vad/events', '/brain/question', '/brain/answer', '/tts/started',
                   '/tts/spoken')

    def __init__(self, on_event=None):
        """Subscribe; `on_event(observation, received, topic, payload)` is told of each event."""
        import rclpy
        from rclpy.context import Context
        from rclpy.executors import SingleThreadedExecutor
        from sensor_msgs.msg import Image
        from std_msgs.msg import Bool, String

        self.observation = Observation()
        self._on_event = on_event or (lambda *event: None)
        self._lock = threading.Lock()
        self._context = Context()
        rclpy.init(context=self._context)
        self.node = rclpy.create_node('milo_session_observer', context=self._context)
        for topic in self.JSON_TOPICS:
            self.node.create_subscription(String, topic, self._json(topic), EVENTS_QOS)
        for topic in ('/robot/state', '/dialogue/mode'):
            self.node.create_subscription(String, topic, self._text(topic), STATE_QOS)
        self.node.create_subscription(Bool, '/tts/speaking', self._text('/tts/speaking'), STATE_QOS)
        self._frames = self.node.create_subscription(Image, AUDIO_TOPIC, self._on_frame, AUDIO_QOS)
        self.node.create_subscription(Image, '/speaker/audio', self._on_played, SPEAKER_AUDIO_QOS)
        self._executor = SingleThreadedExecutor(context=self._context)
        self._executor.add_node(self.node)
        self._thread = threading.Thread(target=self._spin, daemon=True, name='observer')
        self._thread.start()

    def _spin(self) -> None:
        try:
            self._executor.spin()
        except Exception:  # shut down under it: the session is over
            pass

    def _record(self, topic: str, payload) -> None:
        received = time.time()
        with self._lock:
            self.observation.events.append((received, topic, payload))
        self._on_event(self.observation, received, topic, payload)

    def _json(self, topic: str):
        def keep(msg):
            try:
                self._record(topic, json.loads(msg.data))
            except ValueError:
                self._record(topic, {'raw': msg.data})
        return keep

    def _text(self, topic: str):
        return lambda msg: self._record(topic, msg.data)

    def _on_frame(self, msg) -> None:
        if self.observation.audio_t0 is None:
            self.observation.audio_t0 = stamp_seconds(msg)
            # Only the first frame matters: listening on would take CPU from the robot under test.
            self.node.destroy_subscription(self._frames)

    def _on_played(self, msg) -> None:
        with self._lock:
            self.observation.played.append((stamp_seconds(msg), msg_to_frame(msg)))

    def busy(self) -> bool:
        """Return whether Milo is still thinking or speaking (its latest robot state says so)."""
        with self._lock:
            states = [payload for _, topic, payload in self.observation.events if topic == '/robot/state']
        return bool(states) and states[-1] in ('thinking', 'speaking')

    def played_between(self, start: float, end: float) -> np.ndarray:
        """Return what Milo played between two wall times (16 kHz)."""
        with self._lock:
            blocks = [samples for stamp, samples in self.observation.played if start <= stamp < end]
        return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int16)

    def close(self) -> None:
        """Stop listening."""
        import rclpy

        self._executor.shutdown()
        self._thread.join(timeout=5.0)
        self.node.destroy_node()
        rclpy.try_shutdown(context=self._context)
