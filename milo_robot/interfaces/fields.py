# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Checked payload fields: what each field of a message may hold, said once and enforced everywhere.

A payload is a frozen dataclass whose fields carry a `Check` in their metadata. The same check
runs when a node builds a payload (a bug shows at once, where it is made) and when a payload
arrives from the wire (bad input is reported, never trusted). No ROS here: capability code,
tests and tools use payloads without rclpy.
"""

import dataclasses
import math
import re
from typing import Any, Optional, Tuple

MAX_TEXT = 4000  # characters: longer than any sentence, answer or question Milo handles
MAX_ID = 64
MAX_ITEMS = 64
# Lecture and wall clocks: a lecture time is under a day; a wall time is a Unix time before 2200.
MAX_LECTURE_S = 24 * 3600.0
MAX_WALL_S = 7.3e9
ID_PATTERN = re.compile(r'^[A-Za-z0-9_.:\-]*$')


class PayloadError(ValueError):
    """A message whose payload is not what its topic carries (the text says which field and why)."""


class Check:
    """What one field accepts; `clean` returns the value as stored, or raises PayloadError."""

    def clean(self, value: Any) -> Any:
        """Return the accepted value (converted where lossless), or raise PayloadError."""
        raise NotImplementedError

    def describe(self) -> str:
        """Say in words what is accepted (for docs/interfaces.md)."""
        raise NotImplementedError


class Text(Check):
    """A string of at most `max_len` characters, optionally from a fixed pattern."""

    def __init__(self, max_len: int = MAX_TEXT, pattern: Optional[re.Pattern] = None,
                 nonempty: bool = False):
        """`pattern`: a regular expression the whole string must match."""
        self.max_len, self.pattern, self.nonempty = max_len, pattern, nonempty

    def clean(self, value):
        """Accept a str within bounds."""
        if not isinstance(value, str):
            raise PayloadError(f'expected a string, got {type(value).__name__}')
        if len(value) > self.max_len:
            raise PayloadError(f'string of {len(value)} characters; at most {self.max_len}')
        if self.nonempty and not value.strip():
            raise PayloadError('must not be empty')
        if self.pattern is not None and not self.pattern.match(value):
            raise PayloadError(f'{value[:40]!r} is not allowed here (letters, digits, _ . : - only)')
        return value

    def describe(self):
        """Say the bound."""
        return f'string, ≤ {self.max_len} chars' + (', non-empty' if self.nonempty else '')


class Ident(Text):
    """An identifier: letters, digits and `_ . : -`, at most 64 characters."""

    def __init__(self, nonempty: bool = False):
        """`nonempty`: '' is refused."""
        super().__init__(MAX_ID, ID_PATTERN, nonempty)

    def describe(self):
        """Say the grammar."""
        return f'id: [A-Za-z0-9_.:-], ≤ {MAX_ID} chars' + (', non-empty' if self.nonempty else '')


class Number(Check):
    """A finite number within [lo, hi]; integers are accepted and become floats."""

    def __init__(self, lo: float, hi: float):
        """Inclusive bounds."""
        self.lo, self.hi = lo, hi

    def clean(self, value):
        """Accept a finite int or float within bounds (bool is not a number)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PayloadError(f'expected a number, got {type(value).__name__}')
        try:
            value = float(value)
        except OverflowError:
            raise PayloadError('number too large') from None
        if not math.isfinite(value):
            raise PayloadError(f'{value} is not a finite number')
        if not self.lo <= value <= self.hi:
            raise PayloadError(f'{value:g} is out of range [{self.lo:g}, {self.hi:g}]')
        return value

    def describe(self):
        """Say the range."""
        return f'number in [{self.lo:g}, {self.hi:g}]'


class Integer(Check):
    """An integer within [lo, hi] (a float, even 3.0, is refused: ids are exact)."""

    def __init__(self, lo: int, hi: int):
        """Inclusive bounds."""
        self.lo, self.hi = lo, hi

    def clean(self, value):
        """Accept an int within bounds."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise PayloadError(f'expected an integer, got {type(value).__name__}')
        if not self.lo <= value <= self.hi:
            raise PayloadError(f'{value} is out of range [{self.lo}, {self.hi}]')
        return value

    def describe(self):
        """Say the range."""
        return f'integer in [{self.lo}, {self.hi}]'


class Flag(Check):
    """A boolean: true or false, nothing else (1 and "yes" are refused)."""

    def clean(self, value):
        """Accept a bool."""
        if not isinstance(value, bool):
            raise PayloadError(f'expected true or false, got {type(value).__name__}')
        return value

    def describe(self):
        """Say it."""
        return 'boolean'


class Choice(Check):
    """One of a fixed set of strings."""

    def __init__(self, values: Tuple[str, ...]):
        """Accept these values."""
        self.values = tuple(values)

    def clean(self, value):
        """Accept a known value."""
        if not isinstance(value, str) or value not in self.values:
            shown = repr(value)[:40]
            raise PayloadError(f'{shown} is not one of {", ".join(self.values)}')
        return value

    def describe(self):
        """List the values."""
        return 'one of ' + ', '.join(f'`{v}`' for v in self.values)


class Maybe(Check):
    """A value or null."""

    def __init__(self, inner: Check):
        """Check the value with `inner` when present."""
        self.inner = inner

    def clean(self, value):
        """Accept None or what `inner` accepts."""
        return None if value is None else self.inner.clean(value)

    def describe(self):
        """Say it may be null."""
        return f'{self.inner.describe()}, or null'


class ListOf(Check):
    """A list of at most `max_items` values, each checked; stored as a tuple."""

    def __init__(self, inner: Check, max_items: int = MAX_ITEMS):
        """Check each item with `inner`; allow at most `max_items`."""
        self.inner, self.max_items = inner, max_items

    def clean(self, value):
        """Accept a list or tuple within bounds, each item clean."""
        if not isinstance(value, (list, tuple)):
            raise PayloadError(f'expected a list, got {type(value).__name__}')
        if len(value) > self.max_items:
            raise PayloadError(f'list of {len(value)} items; at most {self.max_items}')
        out = []
        for i, item in enumerate(value):
            try:
                out.append(self.inner.clean(item))
            except PayloadError as exc:
                raise PayloadError(f'item {i}: {exc}') from None
        return tuple(out)

    def describe(self):
        """Say what items are."""
        return f'list (≤ {self.max_items}) of {self.inner.describe()}'


def field(check: Check, default: Any = dataclasses.MISSING, doc: str = ''):
    """Declare a payload field with its check, an optional default, and a line of documentation."""
    kwargs = {'metadata': {'check': check, 'doc': doc}}
    if default is not dataclasses.MISSING:
        kwargs['default'] = default
    return dataclasses.field(**kwargs)
