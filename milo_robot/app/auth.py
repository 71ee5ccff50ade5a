# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Who may use the app: tokens with a role, signed session cookies, CSRF tokens, a login rate limit.

A token is random (256 bits) and shown once, when it is created; the record keeps only its sha256
digest, so a copy of the record file gives nobody a way in. API clients send the token in an
`Authorization: Bearer` header. A browser logs in once with it and then holds a session cookie,
signed with a key that lives only in the app's memory: restarting the app logs everyone out,
and revoking a token ends its sessions at their next request.
"""

import base64
import collections
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

from milo_robot.record.lecture_record import LectureRecord

ROLES = ('student', 'teacher', 'club')
# The areas of the app and the roles that reach them. Teachers read what students read; the club
# drives the robot and nothing else (its members hold student tokens for their courses).
AREAS = {'student': ('student', 'teacher'), 'teacher': ('teacher',), 'club': ('club',), 'any': ROLES}
SESSION_S = 12 * 3600  # a school day: a session never outlives the day it was opened


class TokenError(ValueError):
    """A token that cannot be created or revoked (the message says why)."""


def token_digest(token: str) -> str:
    """Return the sha256 hex digest under which a token is stored.

    A plain hash is enough: tokens are random and long, so there is nothing to guess from it.
    """
    return hashlib.sha256(token.encode('utf-8', 'replace')).hexdigest()


def create_token(record: LectureRecord, role: str, name: str = '') -> Tuple[int, str]:
    """Create a token with a role; return (its id, the token). Only its digest is stored."""
    if role not in ROLES:
        raise TokenError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    name = ' '.join(name.split())[:100]
    token = secrets.token_urlsafe(32)
    return record.add_token(name or role, role, token_digest(token)), token


def revoke_token(record: LectureRecord, token_id: int) -> None:
    """Revoke a token by id (TokenError if it is unknown or revoked already)."""
    if not record.revoke_token(token_id):
        raise TokenError(f'no valid token {token_id} in {record.path} (unknown, or revoked already)')


@dataclass(frozen=True)
class Principal:
    """The holder of a valid token, and how this request proved it."""

    token_id: int
    name: str
    role: str
    csrf: str = ''  # the session's CSRF token; '' for a Bearer request, which needs none

    @property
    def by_session(self) -> bool:
        """True when the request came with the session cookie (a browser), False for Bearer."""
        return bool(self.csrf)

    def may(self, area: str) -> bool:
        """Return whether this role reaches an area (student, teacher, club, or any)."""
        return self.role in AREAS[area]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


class Sessions:
    """Signed session cookies: the token's digest, a CSRF token and an expiry, under an HMAC."""

    def __init__(self, key: Optional[bytes] = None, max_age_s: float = SESSION_S,
                 clock: Callable[[], float] = time.time):
        """Sign with `key` (default: a random key, so sessions end when the app stops)."""
        self._key = key or secrets.token_bytes(32)
        self.max_age_s = max_age_s
        self._clock = clock

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode('ascii'), hashlib.sha256).digest())

    def issue(self, digest: str) -> Tuple[str, str]:
        """Return (the cookie value, the session's CSRF token) for a token's digest."""
        csrf = secrets.token_urlsafe(24)
        body = _b64(json.dumps({'d': digest, 'c': csrf, 'e': int(self._clock() + self.max_age_s)})
                    .encode('ascii'))
        return f'{body}.{self._sign(body)}', csrf

    def read(self, value: str) -> Optional[Tuple[str, str]]:
        """Return (digest, csrf) of a valid, unexpired cookie value, else None."""
        body, _, signature = (value or '').partition('.')
        if not body or not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            data = json.loads(_unb64(body))
            digest, csrf, expires = str(data['d']), str(data['c']), float(data['e'])
        except (ValueError, KeyError, TypeError):
            return None
        return (digest, csrf) if self._clock() < expires else None


class LoginLimiter:
    """At most `failures` failed logins per client in any `window_s`; then the client waits."""

    MAX_CLIENTS = 10_000  # bounds memory when many addresses fail

    def __init__(self, failures: int = 5, window_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        """Allow `failures` failures per `window_s` seconds per client."""
        self.failures, self.window_s, self._clock = failures, window_s, clock
        self._seen = collections.OrderedDict()  # client -> deque of failure times

    def _recent(self, client: str) -> collections.deque:
        now = self._clock()
        times = self._seen.get(client, collections.deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        return times

    def wait_s(self, client: str) -> float:
        """Return how long `client` must wait before trying again (0: it may try now)."""
        times = self._recent(client)
        if len(times) < self.failures:
            return 0.0
        return max(0.0, self.window_s - (self._clock() - times[0]))

    def failed(self, client: str) -> None:
        """Count a failed attempt."""
        times = self._recent(client)
        times.append(self._clock())
        self._seen[client] = times
        self._seen.move_to_end(client)
        while len(self._seen) > self.MAX_CLIENTS:
            self._seen.popitem(last=False)
