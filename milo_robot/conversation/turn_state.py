# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What the dialogue keeps about a turn: a question being answered, words waiting for more."""

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Turn:
    """A question Milo is answering."""

    request_id: str
    heard: str
    question: str
    language: str
    ended_at: float  # wall time the student stopped speaking
    lecture_id: Optional[int]
    mode: str
    asked_at: float
    segment_ids: tuple = ()
    sentences: list = field(default_factory=list)
    first_part_at: Optional[float] = None
    last_news_at: float = 0.0  # the brain's or the voice's latest report on this turn
    first_audio_at: Optional[float] = None
    sources: tuple = ()
    declined: bool = False
    brain_done: bool = False
    acked: bool = False
    spoken: list = field(default_factory=list)
    reported: int = 0  # sentences the TTS reported as played (or cut)
    # Asked on a pause, before the final transcript: its sentences wait in `held` until the
    # transcript confirms the question; nothing is said or logged before that.
    speculative: bool = False
    held: list = field(default_factory=list)


@dataclass
class Pending:
    """Words heard that may not be the whole turn yet."""

    text: str
    language: str
    ended_at: float
    lecture_id: Optional[int]
    deadline: float
    segment_ids: tuple = ()
    resumed: Optional[str] = None  # the turn these words were taken back from (the student went on)


@dataclass(frozen=True)
class LastFinal:
    """The last final transcript taken, to take it back if the asr hears its segment again."""

    start: Optional[float]
    text: str
    acted: bool  # it started or confirmed a turn, or was a command
    turn: Optional[str] = None  # the request id of the turn it started or confirmed
