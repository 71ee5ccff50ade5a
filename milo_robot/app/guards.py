# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""ASGI guards around the whole app: request body limits and the security headers of every response."""

import json

# Pages and the API take small bodies; only the notes upload takes files.
MAX_BODY_BYTES = 64 * 1024
# Everything comes from the robot: no CDN, no inline script, no framing by another site.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")
SECURITY_HEADERS = (
    (b'x-content-type-options', b'nosniff'),
    (b'referrer-policy', b'no-referrer'),
    (b'x-frame-options', b'DENY'),
    (b'cross-origin-opener-policy', b'same-origin'),
)


class Guards:
    """Reject bodies over their limit with 413; add security and no-store headers to every response.

    `limits` maps a path prefix to its own limit (the upload routes); other paths get
    MAX_BODY_BYTES. A declared Content-Length over the limit is refused before anything is read;
    a body sent without one is counted as it comes.
    """

    def __init__(self, app, limits: dict):
        """Wrap an ASGI app."""
        self.app, self.limits = app, limits

    def limit_for(self, path: str) -> int:
        """Return the body limit of a path."""
        return next((n for prefix, n in self.limits.items() if path.startswith(prefix)), MAX_BODY_BYTES)

    async def __call__(self, scope, receive, send):
        """Serve one request."""
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope['path'])
        static = scope['path'].startswith('/static/')
        headers = dict(scope['headers'])
        try:
            declared = int(headers.get(b'content-length', b'0'))
        except ValueError:
            declared = -1
        if declared < 0 or declared > limit:
            await _refuse(send, 413 if declared > limit else 400,
                          f'the request body is over {limit} bytes' if declared > limit else
                          'bad Content-Length header')
            return
        received, started, refused = 0, False, False

        async def counted_receive():
            # Over the limit: answer 413 now, and tell the app the client left so it stops reading.
            nonlocal received, refused
            if refused:
                return {'type': 'http.disconnect'}
            message = await receive()
            if message['type'] == 'http.request':
                received += len(message.get('body', b''))
                if received > limit and not started:
                    refused = True
                    await _refuse(send, 413, f'the request body is over {limit} bytes')
                    return {'type': 'http.disconnect'}
            return message

        async def secured_send(message):
            nonlocal started
            if refused:
                return  # the 413 went out already
            if message['type'] == 'http.response.start':
                started = True
                extra = list(SECURITY_HEADERS)
                present = {name.lower() for name, _ in message['headers']}
                if b'content-security-policy' not in present:
                    extra.append((b'content-security-policy', CONTENT_SECURITY_POLICY.encode()))
                if b'cache-control' not in present and not static:
                    extra.append((b'cache-control', b'no-store'))  # class content stays off shared caches
                message = dict(message, headers=list(message['headers']) + extra)
            await send(message)

        try:
            await self.app(scope, counted_receive, secured_send)
        except Exception:
            if not refused:  # the app's own failure; a refused request's disconnect is expected
                raise


async def _refuse(send, status: int, detail: str) -> None:
    body = json.dumps({'detail': detail}).encode()
    await send({'type': 'http.response.start', 'status': status,
                'headers': [(b'content-type', b'application/json'),
                            (b'content-length', str(len(body)).encode()), *SECURITY_HEADERS]})
    await send({'type': 'http.response.body', 'body': body})
