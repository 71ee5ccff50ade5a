# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Watch a running graph from the outside: every event of a conversation, with its wall time."""

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from milo_robot.interfaces import topics as t
from milo_robot.interfaces.audio import AudioFrame
from milo_robot.interfaces.fields import PayloadError
from milo_robot.spinning import BackgroundSpin


@dataclass
class Observation:
    """What happened, in arrival order; times are wall-clock seconds."""

    audio_t0: float = None  # stamp of the first microphone frame = time 0 of the input WAV
    events: list = field(default_factory=list)  # (received, topic name, payload object or value)
    played: list = field(default_factory=list)  # (stamp, int16 samples at 16 kHz) of /speaker/audio
    statuses: dict = field(default_factory=dict)  # node -> its latest NodeStatus from /diagnostics

    def of(self, topic: str) -> list:
        """Return the (received, payload) of one topic."""
        return [(t, payload) for t, name, payload in self.events if name == topic]

    def played_between(self, start: float, end: float) -> np.ndarray:
        """Return what Milo played between two wall times (16 kHz)."""
        blocks = [samples for stamp, samples in self.played if start <= stamp < end]
        return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int16)


class SessionObserver:
    """An rclpy node, spun in its own thread, that records a session and reports it line by line."""

    # Topics whose payloads are kept; /tts/speaking keeps the bool.
    WATCHED = (t.ASR_FINAL, t.ASR_PARTIAL, t.VAD_EVENTS, t.BRAIN_QUESTION, t.BRAIN_ANSWER, t.TTS_STARTED,
               t.TTS_SPOKEN, t.ROBOT_STATE, t.DIALOGUE_MODE, t.LECTURE_CURRENT, t.TTS_SPEAKING,
               t.CAMERA_FACES)

    def __init__(self, on_event=None, namespace: str = ''):
        """Subscribe; `on_event(observation, received, topic, payload)` is told of each event.

        The topics are those of the robot in `namespace` ('' the root one).
        """
        import rclpy
        from rclpy.context import Context

        self.observation = Observation()
        self._on_event = on_event or (lambda *event: None)
        self._lock = threading.Lock()
        self._context = Context()
        rclpy.init(context=self._context)
        self.node = rclpy.create_node('milo_session_observer', context=self._context,
                                      namespace=namespace or None)
        for topic in self.WATCHED:
            topic.subscription(self.node, self._keeper(topic))
        self._frames = t.AUDIO_FRAMES.subscription(self.node, self._on_frame)
        t.SPEAKER_AUDIO.subscription(self.node, self._on_played)
        self._spin = BackgroundSpin(self.node, self._context, 'observer')

    def _record(self, topic: str, payload) -> None:
        received = time.time()
        with self._lock:
            self.observation.events.append((received, topic, payload))
        self._on_event(self.observation, received, topic, payload)

    def _keeper(self, topic):
        def keep(msg):
            try:
                value = topic.decode(msg) if topic.payload else msg.data
            except PayloadError:
                return  # the nodes report what they reject; the judge sees only valid events
            self._record(topic.name, value)
        return keep

    def _on_frame(self, msg) -> None:
        if self.observation.audio_t0 is None:
            self.observation.audio_t0 = AudioFrame.from_msg(msg).stamp
            # Only the first frame matters: listening on would take CPU from the robot under test.
            self.node.destroy_subscription(self._frames)

    def _on_played(self, msg) -> None:
        with self._lock:
            frame = AudioFrame.from_msg(msg)
            self.observation.played.append((frame.stamp, frame.samples))

    def take_status(self, status) -> None:
        """Keep a node's latest status (which voice speaks French, say), told by a diagnostics listener."""
        with self._lock:
            self.observation.statuses[status.node] = status

    def busy(self) -> bool:
        """Return whether Milo is still thinking or speaking (its latest robot state says so)."""
        with self._lock:
            states = [payload.state for _, topic, payload in self.observation.events
                      if topic == t.ROBOT_STATE.name]
        return bool(states) and states[-1] in ('thinking', 'speaking')

    def played_between(self, start: float, end: float) -> np.ndarray:
        """Return what Milo played between two wall times (16 kHz)."""
        with self._lock:
            return self.observation.played_between(start, end)

    def close(self) -> None:
        """Stop listening."""
        import rclpy

        self._spin.close()
        self.node.destroy_node()
        rclpy.try_shutdown(context=self._context)
