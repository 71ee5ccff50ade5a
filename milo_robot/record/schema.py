# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The tables of the lecture record, their one writer each, and how older files are brought up to date.

- lectures: written by the asr node (lifecycle: start, end, course, title); a person's edits
  come from `milo lectures` and the app. Read by everyone.
- segments: written by the asr node, which also applies the dialogue's role changes
  (/record/roles). Read by the brain, the app and the summaries.
- questions: written by the asr node, from the entries the dialogue and the app send on
  /record/questions. Read by the app, `milo questions` and the brain (the teacher's questions).
- summaries: written by the brain node (it owns the language model) or `milo summarize`.
  Read by the app and the notes pack.
- app_tokens: written by `milo app token`. Read by the web app.
- notes_packs: the notes pack files written for a lecture, written by `milo notes` and the demo,
  so that erasing the lecture removes them too.
- sentence_vectors: the brain's embedding of each sentence it indexed, written by the brain node,
  so that a restarted brain is ready without embedding the whole record again. A vector says
  roughly what its sentence said: it belongs to its lecture and is erased with it.
- erasures: erasures not yet complete on disk (see record.erase), written by whoever erases.
- id_floors: the highest lecture and segment ids erased (ids are never given twice), written by
  whoever erases, read by the writers of lectures and segments.

Erasure (`milo forget`, the app, retention) deletes a lecture with its segments, questions,
summary and notes pack files, or the questions asked outside any lecture; record.erase then
makes sure the words are gone from the file and its write-ahead log.
"""

# Kept in PRAGMA user_version: 2 added the question log, 3 courses and summaries, 4 notes packs
# and erasures, 5 sentence vectors.
SCHEMA_VERSION = 5

TABLES = (
    '''CREATE TABLE IF NOT EXISTS lectures (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        started_at REAL NOT NULL,  -- wall time, unix s
        ended_at REAL,
        language TEXT NOT NULL  -- the main language, once known
    )''',
    '''CREATE TABLE IF NOT EXISTS segments (
        id INTEGER PRIMARY KEY,
        lecture_id INTEGER NOT NULL REFERENCES lectures(id),
        start_s REAL NOT NULL,  -- lecture clock: seconds since the lecture started
        end_s REAL NOT NULL,
        wall_start REAL,  -- wall time, unix s
        wall_end REAL,
        text TEXT NOT NULL,
        language TEXT NOT NULL,
        confidence REAL NOT NULL,
        speaker_role TEXT NOT NULL CHECK (speaker_role IN ('teacher', 'student', 'unknown')),
        engine TEXT NOT NULL
    )''',
    'CREATE INDEX IF NOT EXISTS segments_by_lecture_time ON segments (lecture_id, start_s)',
    '''CREATE TABLE IF NOT EXISTS questions (
        id INTEGER PRIMARY KEY,
        lecture_id INTEGER REFERENCES lectures(id),
        asked_at REAL NOT NULL,  -- wall time, unix s: when the student stopped speaking
        heard TEXT NOT NULL,  -- as transcribed
        question TEXT NOT NULL,  -- as answered (name removed, follow-up context added)
        language TEXT NOT NULL,
        mode TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'declined', 'interrupted', 'failed')),
        answer TEXT NOT NULL,  -- what Milo meant to say
        spoken TEXT NOT NULL,  -- what was heard before any interruption
        sources TEXT NOT NULL,  -- JSON list
        latency_s REAL  -- end of the question to Milo's first sound of the answer
    )''',
)

# Each version's additions, applied in order to an older file (CREATE TABLE above makes new ones).
MIGRATIONS = {
    3: (
        "ALTER TABLE lectures ADD COLUMN course TEXT NOT NULL DEFAULT ''",
        # default: dated; announced: what the teacher said; set: by a person; model: written at the end
        "ALTER TABLE lectures ADD COLUMN title_source TEXT NOT NULL DEFAULT 'default'",
        "ALTER TABLE lectures ADD COLUMN languages TEXT NOT NULL DEFAULT ''",  # comma-separated
        'ALTER TABLE questions ADD COLUMN request_id TEXT',
        "ALTER TABLE questions ADD COLUMN origin TEXT NOT NULL DEFAULT 'voice'",
        'CREATE UNIQUE INDEX IF NOT EXISTS questions_by_request ON questions (request_id)',
        '''CREATE TABLE IF NOT EXISTS summaries (
            lecture_id INTEGER PRIMARY KEY REFERENCES lectures(id),
            language TEXT NOT NULL,
            created_at REAL NOT NULL,
            model TEXT NOT NULL,
            body TEXT NOT NULL  -- JSON: key points, definitions, announcements, checks
        )''',
        '''CREATE TABLE IF NOT EXISTS app_tokens (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('student', 'teacher', 'club')),
            digest TEXT NOT NULL UNIQUE,  -- sha256 of the token: the token itself is never stored
            created_at REAL NOT NULL,
            revoked_at REAL
        )''',
    ),
    4: (
        '''CREATE TABLE IF NOT EXISTS notes_packs (
            path TEXT PRIMARY KEY,  -- absolute
            lecture_id INTEGER NOT NULL REFERENCES lectures(id),
            written_at REAL NOT NULL
        )''',
        # An erased lecture's id (and its segments') is never given again: whatever still knows the
        # old id (the brain's index, a reader's last segment id) must not take a new lecture for it.
        '''CREATE TABLE IF NOT EXISTS id_floors (
            name TEXT PRIMARY KEY,  -- lectures or segments
            last_id INTEGER NOT NULL  -- the highest id erased: new rows get higher ones
        )''',
        '''CREATE TABLE IF NOT EXISTS erasures (
            id INTEGER PRIMARY KEY,
            what TEXT NOT NULL,  -- e.g. 'lecture 3', 'questions outside lectures' (never their text)
            counts TEXT NOT NULL,  -- JSON: rows deleted per table
            requested_at REAL NOT NULL
        )''',
    ),
    5: (
        '''CREATE TABLE IF NOT EXISTS sentence_vectors (
            digest TEXT PRIMARY KEY,  -- sha256 of the embedder, the lecture and the text embedded
            lecture_id INTEGER REFERENCES lectures(id),  -- NULL: a sentence of the course notes
            vector BLOB NOT NULL  -- float32, little-endian
        )''',
        'CREATE INDEX IF NOT EXISTS sentence_vectors_by_lecture ON sentence_vectors (lecture_id)',
    ),
}
