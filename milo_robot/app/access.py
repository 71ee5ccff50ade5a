# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Who is asking, per request: the Bearer token or the session cookie, the role's areas, CSRF."""

import hmac

from fastapi import Depends, HTTPException, Request

from milo_robot.app.auth import Principal, token_digest

SESSION_COOKIE = 'milo_session'
CSRF_HEADER = 'x-csrf-token'
CSRF_FIELD = 'csrf'
SAFE_METHODS = ('GET', 'HEAD', 'OPTIONS')
_FORMS = ('application/x-www-form-urlencoded', 'multipart/form-data')


class NotAuthenticated(Exception):
    """No valid token: the API answers 401, a page sends the browser to the login."""


class TooManyAttempts(Exception):
    """Too many failed attempts from this client: it must wait `retry_after_s`."""

    def __init__(self, retry_after_s: float):
        """Say how long to wait."""
        super().__init__(f'too many failed attempts; try again in {int(retry_after_s) + 1} s')
        self.retry_after_s = retry_after_s


def client_of(request: Request) -> str:
    """Return the client's address (the rate limit's key)."""
    return request.client.host if request.client else 'unknown'


def authenticate(request: Request):
    """Return the Principal of a valid Bearer token or session cookie, or None.

    A wrong Bearer token counts as a failed login for the rate limit, like a wrong login.
    """
    state = request.app.state
    header = request.headers.get('authorization')
    if header is not None:
        wait = state.limiter.attempt(client_of(request))  # counted as failed until proved valid
        if wait > 0:
            raise TooManyAttempts(wait)
        scheme, _, token = header.partition(' ')
        found = state.reader().token_role(token_digest(token.strip())) \
            if scheme.lower() == 'bearer' and token.strip() else None
        if found is None:
            return None
        state.limiter.passed(client_of(request))
        return Principal(*found)
    session = state.sessions.read(request.cookies.get(SESSION_COOKIE, ''))
    if session is None:
        return None
    found = state.reader().token_role(session[0])  # a revoked token ends its sessions here
    return Principal(*found, csrf=session[1]) if found else None


async def check_csrf(request: Request, principal: Principal) -> None:
    """Refuse (403) a browser's change that lacks the session's CSRF token (header or form field)."""
    sent = request.headers.get(CSRF_HEADER, '')
    if not sent and request.headers.get('content-type', '').split(';')[0].strip() in _FORMS:
        sent = str((await request.form()).get(CSRF_FIELD, ''))
    if not sent or not hmac.compare_digest(sent, principal.csrf):
        raise HTTPException(403, 'missing or wrong CSRF token: reload the page and try again')


def require(area: str):
    """Return a dependency giving the request's Principal if its role reaches `area` (else 401/403)."""
    async def check(request: Request) -> Principal:
        principal = authenticate(request)
        if principal is None:
            raise NotAuthenticated()
        if not principal.may(area):
            raise HTTPException(403, f'this is for the {area} role; your token is a {principal.role} token')
        if request.method not in SAFE_METHODS and principal.by_session:
            await check_csrf(request, principal)
        request.state.principal = principal
        return principal
    return Depends(check)
