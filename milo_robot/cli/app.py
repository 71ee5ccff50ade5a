# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo app`: serve the Milo app over a record file, without ROS; `milo app token` manages access."""

import argparse
import sys
import time
from pathlib import Path

from milo_robot.app.auth import ROLES, TokenError, create_token, revoke_token
from milo_robot.graph import resolve_path
from milo_robot.record.lecture_record import LectureRecord, RecordError
from milo_robot.thinking.llm import PROFILES

DEFAULT_DATABASE = 'records/milo.db'


def add_parser(commands) -> None:
    """Register the `app` command and its `token` sub-commands."""
    p = commands.add_parser(
        'app', help='serve the Milo app (students, teachers, club) over a lecture record',
        description='Serve the app over a lecture record, without ROS: text questions go to the '
        'brain code in this process (the model loads on the first question). The robot itself '
        "(the club's page) is only driven by the web node of the graph. See docs/app.md.")
    p.add_argument('--database', default=None,
                   help=f'the lecture record (default {DEFAULT_DATABASE}; the demo writes '
                   'build/demo/run/milo.db)')
    p.add_argument('--notes', default=None, metavar='DIR',
                   help='course notes folder (default data/notes)')
    p.add_argument('--host', default='127.0.0.1', help='address to listen on (default 127.0.0.1: '
                   'this machine only; 0.0.0.0 opens it to the network: read docs/app.md first)')
    p.add_argument('--port', type=int, default=8080)
    p.add_argument('--profile', choices=tuple(PROFILES), default='small', help='language model profile')
    p.add_argument('--model', default='', help='a GGUF file under models/ instead of the profile')
    p.add_argument('--certfile', default='', help='TLS certificate (PEM): serve HTTPS')
    p.add_argument('--keyfile', default='', help='TLS private key (PEM)')
    p.set_defaults(run=serve)
    sub = p.add_subparsers(dest='app_command', metavar='token')
    token = sub.add_parser('token', help='create, list and revoke access tokens',
                           description='Tokens give access to the app with a role: student, teacher or club. '
                           'Only their sha256 digest is stored, in the record.')
    actions = token.add_subparsers(dest='token_command', required=True, metavar='ACTION')
    create = actions.add_parser('create', help='create a token and print it (on the last line)')
    create.add_argument('--role', required=True, choices=ROLES)
    create.add_argument('--name', default='', help="who holds it, e.g. 'Ms Martin' or 'class 2B'")
    create.set_defaults(run=token_create)
    listing = actions.add_parser('list', help='list the tokens (never the tokens themselves)')
    listing.set_defaults(run=token_list)
    revoke = actions.add_parser('revoke', help='revoke a token by id: its sessions end at once')
    revoke.add_argument('id', type=int)
    revoke.set_defaults(run=token_revoke)
    for action in (create, listing, revoke):
        # SUPPRESS: `milo app --database X token list` keeps X.
        action.add_argument('--database', default=argparse.SUPPRESS,
                            help=f'the lecture record (default {DEFAULT_DATABASE})')


def _path(given, default: str) -> str:
    # A path given on the command line is the user's (relative to the current folder); a default
    # is the robot's (relative to the package's data root, like the nodes' parameters).
    return given if given else resolve_path(default)


def _record(args) -> LectureRecord:
    return LectureRecord(_path(args.database, DEFAULT_DATABASE))


def token_create(args) -> int:
    """Create a token; its last output line is the token itself."""
    try:
        with _record(args) as record:
            token_id, token = create_token(record, args.role, args.name)
    except (RecordError, TokenError) as exc:
        print(f'milo app token: {exc}', file=sys.stderr)
        return 1
    print(f'Token {token_id} ({args.role}) created. It is shown once: give it to its holder, '
          'who logs in with it.')
    print(token)
    return 0


def token_list(args) -> int:
    """Print the tokens: id, role, name, when created, whether revoked."""
    try:
        with _record(args) as record:
            rows = record.tokens()
    except RecordError as exc:
        print(f'milo app token: {exc}', file=sys.stderr)
        return 1
    if not rows:
        print('no tokens; create one with: milo app token create --role teacher --name NAME')
    for token_id, name, role, created_at, revoked_at in rows:
        state = f"revoked {time.strftime('%Y-%m-%d %H:%M', time.localtime(revoked_at))}" if revoked_at \
            else 'valid'
        print(f"{token_id:>4}  {role:<8} {time.strftime('%Y-%m-%d %H:%M', time.localtime(created_at))}  "
              f'{state:<24} {name}')
    return 0


def token_revoke(args) -> int:
    """Revoke a token."""
    try:
        with _record(args) as record:
            revoke_token(record, args.id)
    except (RecordError, TokenError) as exc:
        print(f'milo app token: {exc}', file=sys.stderr)
        return 1
    print(f'token {args.id} revoked')
    return 0


def serve(args) -> int:
    """Serve the app until Ctrl-C."""
    from milo_robot.app.local import LocalAskBackend, LocalLectureControl
    from milo_robot.app.serve import OPEN_WARNING, ServeError, is_loopback, make_server
    from milo_robot.app.services import AppServices
    from milo_robot.app.web import create_app, prepare_record

    record_path = Path(_path(args.database, DEFAULT_DATABASE))
    notes = Path(_path(args.notes, 'data/notes'))
    try:
        prepare_record(record_path)
        backend = LocalAskBackend(record_path, str(notes), args.profile, args.model)
        services = AppServices(record_path, notes, backend, LocalLectureControl(record_path),
                               secure=bool(args.certfile), embedder=backend.embedder)
        server = make_server(create_app(services), args.host, args.port, args.certfile, args.keyfile)
        with LectureRecord(record_path, read_only=True) as record:
            has_tokens = any(row[4] is None for row in record.tokens())
    except (RecordError, ServeError) as exc:
        print(f'milo app: {exc}', file=sys.stderr)
        return 2
    scheme = 'https' if args.certfile else 'http'
    print(f'Milo app: {scheme}://{args.host}:{args.port}/  (record {record_path}, notes {notes}); '
          'Ctrl-C stops it', flush=True)
    if not is_loopback(args.host):
        print(OPEN_WARNING.format(host=args.host), file=sys.stderr)
    if not has_tokens:
        print('no valid token yet: create one with `milo app token create --role teacher`', file=sys.stderr)
    server.run()
    return 0 if server.started else 1
