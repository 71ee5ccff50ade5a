# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Who may use the app: tokens with a role, signed session cookies, CSRF tokens, a login rate limit.

A token is random (256 bits) and shown once, when it is created; the record keeps only its sha256
digest, so a copy of the record file gives nobody a way in. API clients send the token in an
`Authorization: Bearer` header. A browser logs in once with it and then holds a session cookie,
signed with a key that lives only in the app's memory: restarting the app logs everyone out,
revoking a token ends its sessions at their next request, and logging out ends that session on
the server (a copy of its cookie is refused from then on).
"""

import base64
import collections
import hashlib
import hmac
import json
import secrets
import threading
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
    """Signed session cookies: the token's digest, a CSRF token and an expiry, under an HMAC.

    The cookie carries everything, so the server keeps only the sessions ended before their
    expiry (logged out), until they would have expired anyway.
    """

    def __init__(self, key: Optional[bytes] = None, max_age_s: float = SESSION_S,
                 clock: Callable[[], float] = time.time):
        """Sign with `key` (default: a random key, so sessions end when the app stops)."""
        self._key = key or secrets.token_bytes(32)
        self.max_age_s = max_age_s
        self._clock = clock
        self._ended = {}  # session id -> its expiry: refused until then
        self._lock = threading.Lock()

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode('ascii'), hashlib.sha256).digest())

    def issue(self, digest: str) -> Tuple[str, str]:
        """Return (the cookie value, the session's CSRF token) for a token's digest."""
        csrf = secrets.token_urlsafe(24)
        body = _b64(json.dumps({'d': digest, 'c': csrf, 's': secrets.token_urlsafe(16),
                                'e': int(self._clock() + self.max_age_s)}).encode('ascii'))
        return f'{body}.{self._sign(body)}', csrf

    def _open(self, value: str) -> Optional[dict]:
        """Return the fields of a validly signed, unexpired cookie value, else None."""
        body, _, signature = (value or '').partition('.')
        if not body or not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            data = json.loads(_unb64(body))
            fields = {'digest': str(data['d']), 'csrf': str(data['c']), 'session': str(data['s']),
                      'expires': float(data['e'])}
        except (ValueError, KeyError, TypeError):
            return None
        return fields if self._clock() < fields['expires'] else None

    def read(self, value: str) -> Optional[Tuple[str, str]]:
        """Return (digest, csrf) of a valid, unexpired session not ended, else None."""
        fields = self._open(value)
        if fields is None:
            return None
        with self._lock:
            if fields['session'] in self._ended:
                return None
        return fields['digest'], fields['csrf']

    def end(self, value: str) -> bool:
        """End a session on the server: its cookie is refused from now on, even replayed.

        Return False when the value is no valid session (nothing to end).
        """
        fields = self._open(value)
        if fields is None:
            return False
        now = self._clock()
        with self._lock:
            for session in [s for s, expires in self._ended.items() if expires <= now]:
                del self._ended[session]  # expired anyway: no need to remember
            self._ended[fields['session']] = fields['expires']
        return True


class LoginLimiter:
    """At most `failures` failed logins per client in any `window_s`; then the client waits.

    An attempt counts as failed from the moment it starts (`attempt`), and is withdrawn once its
    token proves valid (`passed`): many attempts sent at once cannot all be checked before the
    first failures are counted.
    """

    MAX_CLIENTS = 10_000  # bounds memory when many addresses fail

    def __init__(self, failures: int = 5, window_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        """Allow `failures` failures per `window_s` seconds per client."""
        self.failures, self.window_s, self._clock = failures, window_s, clock
        self._seen = collections.OrderedDict()  # client -> deque of failure times
        self._lock = threading.RLock()  # the app's routes run on the event loop and in threads

    def _recent(self, client: str) -> collections.deque:
        now = self._clock()
        times = self._seen.get(client, collections.deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        return times

    def wait_s(self, client: str) -> float:
        """Return how long `client` must wait before trying again (0: it may try now)."""
        with self._lock:
            times = self._recent(client)
            if len(times) < self.failures:
                return 0.0
            return max(0.0, self.window_s - (self._clock() - times[0]))

    def failed(self, client: str) -> None:
        """Count a failed attempt."""
        with self._lock:
            times = self._recent(client)
            times.append(self._clock())
            self._seen[client] = times
            self._seen.move_to_end(client)
            while len(self._seen) > self.MAX_CLIENTS:
                self._seen.popitem(last=False)

    def attempt(self, client: str) -> float:
        """Start an attempt: return how long `client` must wait (> 0: refused, nothing counted).

        When 0, the attempt is counted as failed already; call `passed` if it proves valid.
        """
        with self._lock:
            wait = self.wait_s(client)
            if wait == 0:
                self.failed(client)
            return wait

    def passed(self, client: str) -> None:
        """Withdraw an attempt counted by `attempt`: it held a valid token (or checked none)."""
        with self._lock:
            times = self._seen.get(client)
            if times:
                times.pop()
