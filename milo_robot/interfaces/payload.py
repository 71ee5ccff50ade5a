# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The payload base class: a checked dataclass that travels as JSON (or one bare word) in std_msgs/String."""

import dataclasses
import json
from typing import Any

from milo_robot.interfaces.fields import PayloadError

MAX_WIRE_BYTES = 64 * 1024  # no payload of the graph comes near this; a bigger one is refused unread


class Payload:
    """Base of every structured payload; subclasses are frozen dataclasses of `field(...)`s.

    `WIRE = 'json'`: the payload is a JSON object in `std_msgs/String.data`.
    `WIRE = 'text'`: the payload has one field, sent as the bare string (robot state, mode...).
    Unknown keys in incoming JSON are ignored, so an older node reads a newer payload.
    """

    WIRE = 'json'

    def __post_init__(self):
        """Check every field (and the cross-field rules of `check`): bad payloads are never built."""
        for f in dataclasses.fields(self):
            try:
                cleaned = f.metadata['check'].clean(getattr(self, f.name))
            except PayloadError as exc:
                raise PayloadError(f'{type(self).__name__}.{f.name}: {exc}') from None
            object.__setattr__(self, f.name, cleaned)
        self.check()

    def check(self) -> None:
        """Raise PayloadError when fields disagree with each other (override where needed)."""

    @classmethod
    def from_dict(cls, data: Any) -> 'Payload':
        """Build from a decoded JSON object; missing required fields and wrong types raise PayloadError."""
        if not isinstance(data, dict):
            raise PayloadError(f'{cls.__name__}: expected a JSON object, got {type(data).__name__}')
        known = {f.name: f for f in dataclasses.fields(cls)}
        missing = [name for name, f in known.items() if name not in data and
                   f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        if missing:
            raise PayloadError(f'{cls.__name__}: missing field(s) {", ".join(missing)}')
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_dict(self) -> dict:
        """Return the fields as plain JSON-ready values (tuples become lists)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def to_json(self) -> str:
        """Serialise to the wire text."""
        if self.WIRE == 'text':
            return str(getattr(self, dataclasses.fields(self)[0].name))
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_json(cls, text: Any) -> 'Payload':
        """Parse the wire text; anything malformed, oversized or out of range raises PayloadError."""
        if not isinstance(text, str):
            raise PayloadError(f'{cls.__name__}: expected text, got {type(text).__name__}')
        if len(text) > MAX_WIRE_BYTES:
            raise PayloadError(f'{cls.__name__}: {len(text)} characters; at most {MAX_WIRE_BYTES}')
        if cls.WIRE == 'text':
            return cls(text.strip())
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise PayloadError(f'{cls.__name__}: not JSON ({exc})') from None
        return cls.from_dict(data)

    def to_msg(self):
        """Return the std_msgs/String that carries this payload."""
        from std_msgs.msg import String

        return String(data=self.to_json())

    @classmethod
    def from_msg(cls, msg) -> 'Payload':
        """Read a payload from a std_msgs/String, or raise PayloadError."""
        return cls.from_json(msg.data)

    @classmethod
    def describe_fields(cls) -> list:
        """Return (name, what it accepts, default or 'required', doc) for each field (for the docs)."""
        rows = []
        for f in dataclasses.fields(cls):
            default = 'required' if f.default is dataclasses.MISSING else json.dumps(_plain(f.default))
            rows.append((f.name, f.metadata['check'].describe(), default, f.metadata['doc']))
        return rows


def _plain(value):
    return list(value) if isinstance(value, tuple) else value
