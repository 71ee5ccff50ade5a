# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo demo`: Milo in class, in sim mode, with a readable session log and a verdict per case."""

import os
import sys
import time

from milo_robot.audio.wav_speaker import WavSpeaker
from milo_robot.cli.namespace import add_namespace_argument
from milo_robot.cli.questions import format_log
from milo_robot.graph import data_root
from milo_robot.interfaces import topics as t
from milo_robot.lectures.notes_pack import build_pack, write_pack
from milo_robot.lectures.page_check import problems
from milo_robot.lectures.summary import to_markdown
from milo_robot.lectures.summary_body import Summary
from milo_robot.models import ModelError
from milo_robot.record.lecture_record import LectureRecord, RecordError, format_clock
from milo_robot.session.judge import judge, judge_gaze, judge_summary, replies
from milo_robot.session.round_trip import MAX_WORD_ERROR, MAX_WORD_ERROR_ESPEAK, Ears, compare
from milo_robot.session.runner import SessionError, load_timeline, run_session

SUMMARY_WAIT_S = 600.0  # how long the demo waits for the lecture's summary once the class is over

DEFAULT_WAV = 'build/demo/session.wav'


def add_parser(commands) -> None:
    """Register the `demo` command."""
    p = commands.add_parser(
        'demo', help='run the sim-mode class session and judge what Milo did',
        description='Run the whole graph in sim mode (WAV microphone, WAV speaker, the firmware in '
        'the simulator) on a spoken session: a lecture with student questions. Print a readable '
        "session log (transcript, Milo's states, answers with sources and latency), write Milo's "
        'answers as WAV files, then check each student turn against what the session expects. '
        'Exit status 0 when every case behaved as expected.')
    p.add_argument('--input', default=DEFAULT_WAV, metavar='WAV',
                   help=f'the session WAV, with its timeline .json next to it (default {DEFAULT_WAV}, '
                   'made by make setup)')
    p.add_argument('--out', default='build/demo/run', metavar='DIR',
                   help='where the answers, the record and the node logs go (default build/demo/run)')
    p.add_argument('--set', action='append', default=[], metavar='NODE.PARAM=VALUE',
                   help='override one parameter (repeatable)')
    add_namespace_argument(p, 'run the session\'s graph in this ROS namespace (default: the root one)')
    p.set_defaults(run=run)


class LiveLog:
    """Print the session as it happens, with times on the input's clock."""

    def __init__(self):
        """Nothing printed yet."""
        self.state = ''

    def __call__(self, observation, received, topic, payload) -> None:
        """Print one event, if it is worth a line."""
        t0 = observation.audio_t0
        at = format_clock(max(0.0, received - t0)) if t0 else '--:--'
        if topic == t.ASR_FINAL.name:
            line = f'[{at}] heard ({payload.language}): {payload.text}'
        elif topic == t.ROBOT_STATE.name:
            quiet = {payload.state, self.state} <= {'idle', 'listening'}  # the class talking: no line
            self.state = payload.state
            if quiet:
                return
            line = f'[{at}]     Milo is {payload.state}'
        elif topic == t.DIALOGUE_MODE.name:
            line = f'[{at}]     mode: {payload.mode}'
        elif topic == t.LECTURE_CURRENT.name:
            line = f'[{at}]     lecture {payload.lecture_id}: {payload.state} ({payload.title})'
        elif topic == t.BRAIN_QUESTION.name:
            line = f'[{at}]     question for Milo: {payload.text}'
        elif topic == t.BRAIN_ANSWER.name and not payload.final:
            line = f'[{at}]     Milo: {payload.text}' + (' (the teacher\'s words)' if payload.quoted else '')
        elif topic == t.BRAIN_ANSWER.name:
            sources = ', '.join(payload.sources) or 'none'
            line = f"[{at}]     ({'declined' if payload.declined else 'answered'}; sources: {sources})"
        else:
            return
        print(line, flush=True)


def spoken(observation, reply, acknowledgement: bool = True):
    """Return what Milo played for `reply` (16 kHz), until it began to say anything else.

    Anything else: another answer, or an announcement ("Question time."). `acknowledgement` False:
    from the answer's own first sound, without the "Hmm." before it.
    """
    start = reply.first_sound if acknowledgement else reply.first_audio
    later = [started.time for _, started in observation.of(t.TTS_STARTED.name)
             if started.request_id != reply.request_id and started.time > start]
    return observation.played_between(start - 0.01, min(later, default=float('inf')))


def write_answers(observer, out_dir: str) -> list:
    """Write each answer Milo spoke as out_dir/answers/<request>.wav; return the paths."""
    paths = []
    for reply in [r for r in replies(observer.observation) if r.first_sound is not None]:
        audio = spoken(observer.observation, reply)
        path = os.path.join(out_dir, 'answers', f'{reply.request_id}.wav')
        speaker = WavSpeaker(path, 16000)
        speaker.play(audio)
        speaker.close()
        paths.append(path)
    return paths


def french_voice(observation) -> tuple:
    """Return (engine, why) of the voice the tts node said speaks French ('unknown voice' if none)."""
    status = observation.statuses.get('tts')
    if status is None:
        return 'unknown voice', ''
    return status.get('voice_fr'), status.get('voice_fr_why', '')


def check_round_trips(observation, results: list, timeline: dict) -> list:
    """Hear back each answer whose turn asks for it (`round_trip`); print the verdicts, return the failures.

    The answer Milo played (without its acknowledgement) is transcribed by Milo's own ears in the
    turn's language and compared with the text Milo meant to say (milo_robot.session.round_trip).
    """
    failures, ears = [], {}
    for result in results:
        turn = timeline['turns'][result.index]
        if not turn.get('round_trip'):
            continue
        language = turn.get('language') or 'en'
        reply = result.reply
        if reply is None or reply.first_audio is None:
            print(f'  [FAIL] {result.case:<13} round trip: Milo spoke no answer to hear back')
            failures.append(result)
            continue
        try:
            ears[language] = ears.get(language) or Ears(language)
        except ModelError as exc:
            print(f'  [FAIL] {result.case:<13} round trip: cannot hear it back ({exc})')
            failures.append(result)
            continue
        engine, why = french_voice(observation) if language == 'fr' else ('the default voice', '')
        limit = MAX_WORD_ERROR_ESPEAK if engine.startswith('espeak-ng') else MAX_WORD_ERROR
        voice = engine + (f' ({why})' if why else '')
        trip = compare(' '.join(reply.sentences), ears[language].hear(spoken(observation, reply, False)),
                       language, limit)
        struggle = '; a class would struggle to follow this voice' \
            if trip.ok and trip.word_error > MAX_WORD_ERROR else ''
        print(f"  [{'ok' if trip.ok else 'FAIL'}] {result.case:<13} round trip WER {trip.word_error:.2f} "
              f'(at most {limit:.2f}), spoken by {voice}{struggle}'
              f'\n         meant: "{trip.meant}"\n         heard: "{trip.heard}"')
        if not trip.ok:
            failures.append(result)
    return failures


def print_question_log(database: str) -> None:
    """Print the teacher's view: the question log of the latest lecture."""
    try:
        with LectureRecord(database, read_only=True) as record:
            lectures = record.lectures()
            entries = record.questions(lectures[-1].id) if lectures else []
    except RecordError as exc:
        print(f'question log unavailable: {exc}')
        return
    print(f'\nQuestion log for the teacher (milo questions --database {database}):')
    print('\n'.join(format_log(entries)))


class SummaryWatch:
    """Say whether the lecture that ended is still being summarised (checked once a second)."""

    def __init__(self, database: str):
        """Watch the record at `database`."""
        self.database, self._checked_at, self._waiting = database, 0.0, True

    def __call__(self) -> bool:
        """Return True while the run's lecture (the latest) has ended without its summary."""
        now = time.monotonic()
        if now - self._checked_at >= 1.0:
            self._checked_at = now
            try:
                with LectureRecord(self.database, read_only=True) as record:
                    lectures = record.lectures()
                    latest = max(lectures, key=lambda lec: lec.id) if lectures else None
                    self._waiting = latest is not None and latest.ended_at is not None and \
                        record.summary(latest.id) is None
            except RecordError:
                self._waiting = False
        return self._waiting


def after_class(out_dir: str, timeline: dict) -> list:
    """Print the summary, write the notes pack, and judge both; return the failures found."""
    database = os.path.join(out_dir, 'milo.db')
    try:
        with LectureRecord(database, read_only=True) as record:
            lectures = record.lectures()
            lecture = max(lectures, key=lambda lec: lec.id) if lectures else None
            if lecture is None or lecture.ended_at is None:
                return ['the lecture never ended']
            stored = record.summary(lecture.id)
            if stored is None:
                return [f'lecture {lecture.id} has no summary']
            pack = build_pack(record, lecture.id, os.path.join(data_root(), 'data', 'notes'))
    except RecordError as exc:
        return [f'the record cannot be read: {exc}']
    summary = Summary.from_dict(stored)
    text = to_markdown(summary, lecture)
    print(f'\nThe summary of lecture {lecture.id} ({summary.compute_s:.0f} s to write):\n')
    print(text)
    html, md = write_pack(pack, out_dir)
    try:
        with LectureRecord(database) as record:  # erasing the lecture removes the pack too
            record.add_notes_pack(lecture.id, (html, md))
    except RecordError as exc:
        return [f'the notes pack cannot be registered in the record: {exc}']
    print(f'Notes pack for absent students: {html} and {md}')
    failures = []
    ok, lacking = judge_summary(text, timeline.get('summary_facts', []))
    print(f"  [{'ok' if ok else 'FAIL'}] summary holds the lecture's key facts"
          + ('' if ok else f": missing {'; '.join(lacking)}"))
    if not ok:
        failures.append('summary')
    with open(html, encoding='utf-8') as f:
        page = problems(f.read())
    print(f"  [{'ok' if not page else 'FAIL'}] notes page works offline, every link resolves"
          + ('' if not page else f": {'; '.join(page[:5])}"))
    if page:
        failures.append('notes page')
    return failures


def run(args) -> int:
    """Run the session; exit 0 when every case behaved as expected."""
    root = data_root()
    wav = os.path.join(root, args.input) if not os.path.isabs(args.input) else args.input
    out_dir = os.path.join(root, args.out) if not os.path.isabs(args.out) else args.out
    try:
        timeline = load_timeline(wav)
        print(f'milo demo: {timeline.get("session")} ({timeline["duration_s"]:.0f} s of audio); '
              f'node logs in {out_dir}/nodes.log', flush=True)
        status, observer = run_session(wav, out_dir, args.set, LiveLog(),
                                       after=SummaryWatch(os.path.join(out_dir, 'milo.db')),
                                       after_s=SUMMARY_WAIT_S, namespace=args.namespace)
    except SessionError as exc:
        print(f'milo demo: {exc}', file=sys.stderr)
        return 2
    results = judge(observer.observation, timeline)
    answers = write_answers(observer, out_dir)
    print('\nWhat each student turn expected, and what Milo did:')
    for r in results:
        latency = '' if r.latency_s is None else \
            f', answer began {r.latency_s:.2f} s after the question ended'
        print(f"  [{'ok' if r.ok else 'FAIL'}] {r.case:<13} expected {r.expect:<7} → {r.observed}{latency}"
              f'\n         "{r.text}"')
    gazes = judge_gaze(observer.observation, results)
    for result, ok in gazes:
        print(f"  [{'ok' if ok else 'FAIL'}] camera        the head turned to the asker"
              f'{"" if ok else " (it did not)"}\n         "{result.text}"')
    trips = check_round_trips(observer.observation, results, timeline)
    print_question_log(os.path.join(out_dir, 'milo.db'))
    print(f"\nMilo's answers: {len(answers)} WAV files in {out_dir}/answers; all of its speech in "
          f'{out_dir}/speech.wav')
    # A session that ends its lecture is judged after class too: summary and notes pack.
    ends = any(turn.get('expect') == 'lecture_end' for turn in timeline['turns'])
    failed = [r for r in results if not r.ok] + [r for r, ok in gazes if not ok] + trips + \
        (after_class(out_dir, timeline) if ends else [])
    if status != 0 or not results or failed:
        print(f'milo demo: {len(failed)} case(s) did not behave as expected'
              + (f'; the graph exited with status {status}' if status else ''), file=sys.stderr)
        return 1
    print('milo demo: every case behaved as expected')
    return 0
