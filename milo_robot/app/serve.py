# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Serve the app with uvicorn: on the loopback by default, with TLS when a certificate is given."""

import ipaddress
import os

import uvicorn

OPEN_WARNING = (
    'warning: the app is open to the network on {host}. Anyone who can reach this port can try '
    'tokens (5 failed tries a minute per address), and without TLS (--certfile/--keyfile) tokens, '
    'session cookies, lectures and questions cross the network in clear. Serve it on the school '
    "network only, behind the school's firewall, with TLS. See docs/app.md.")


class ServeError(ValueError):
    """The app cannot be served with these settings (the message says why)."""


def check_tls(certfile: str, keyfile: str) -> bool:
    """Return whether TLS is on; ServeError unless both files are given and readable, or neither."""
    if bool(certfile) != bool(keyfile):
        raise ServeError('TLS needs both a certificate file and its key file')
    for path in (certfile, keyfile):
        if path and not os.access(path, os.R_OK):
            raise ServeError(f'cannot read {path}')
    return bool(certfile)


def is_loopback(host: str) -> bool:
    """Return whether `host` only listens on this machine."""
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_server(app, host: str = '127.0.0.1', port: int = 8080, certfile: str = '',
                keyfile: str = '') -> uvicorn.Server:
    """Return a uvicorn server for the app (call `run()`; set `should_exit` to stop it)."""
    if not 0 < port < 65536:
        raise ServeError(f'port {port} is not between 1 and 65535')
    check_tls(certfile, keyfile)
    config = uvicorn.Config(
        app, host=host, port=port, ssl_certfile=certfile or None, ssl_keyfile=keyfile or None,
        # No access log: URLs name courses and lectures, and the robot keeps no record of who read what.
        access_log=False, log_level='warning', server_header=False,
        # The client address is the peer's own (the login rate limit's key), never a header's claim.
        proxy_headers=False, timeout_graceful_shutdown=3, lifespan='off')
    return uvicorn.Server(config)
