# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The dialogue's side of its contract with the robot: what it asks the rest of the robot to do.

The dialogue node publishes each request; tests record them.
"""

from milo_robot.interfaces.payloads import QuestionEntry


class Outputs:
    """What the dialogue asks of the rest of the robot (the node publishes; tests record)."""

    def ask(self, request_id: str, text: str, language: str, segment_ids: tuple = (),
            speculative: bool = False) -> None:
        """Ask the brain a question (heard in these lecture record segments).

        `speculative`: asked on a pause, before the final transcript confirms it.
        """

    def cancel(self, request_id: str) -> None:
        """Tell the brain to stop answering."""

    def say(self, request_id: str, kind: str, part: int, text: str, language: str) -> None:
        """Have the TTS speak (`kind`: answer, ack, announce or apology; `part`: sentence number)."""

    def students(self, segment_ids: tuple) -> None:
        """Record that these lecture segments were spoken by a student."""

    def lecture(self, action: str) -> None:
        """Start or end the lecture (a voice command)."""

    def state(self, state: str) -> None:
        """Publish the robot state (idle, listening, thinking, speaking, sleep)."""

    def mode(self, mode: str) -> None:
        """Publish the mode."""

    def log(self, entry: QuestionEntry) -> None:
        """Store a question in the question log."""

    def note(self, line: str) -> None:
        """Write a line of the readable session log."""
