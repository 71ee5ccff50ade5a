# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The course's vocabulary, for speech recognition to hear the class's own words.

Whisper writes the words it knows: "ferret" for "farad", "Dakesdor" for "Dijkstra", unless
its decoder is told beforehand which words the course uses. The terms are gathered, for each
language, from (best first):
- the teacher's term list: `terms.txt` in the course's notes folder (and at the top of the notes
  folder, for every course), one term per line, `#` starts a comment, `fr:` or `en:` before a
  term keeps it to one language;
- the course's title;
- the course's notes (the top of the notes folder and the course's own folder): what they mark
  as terms (headings, bold, italics, code: `lectures.vocabulary.marked_terms`), proper names,
  acronyms and units;
- its earlier lectures in the record: the proper names and acronyms heard in several segments,
  and how often the notes' terms were said. A word that sounds like a term of the notes but is
  not one ("ferret") is what the vocabulary is there to correct: it is left out.
A term is worth its place when Whisper's tokenizer cuts it into several pieces: a word of one
piece ("voltage") is one it already writes well. The terms are ranked, one spelling per word
(inflections share it), and as many as fit `budget_tokens` are kept: Whisper's decoder takes
at most 223 tokens of prompt, and a long one costs time on every segment.

The rare terms are those of the teacher's term list, the names, acronyms and units (of the notes,
or heard in earlier lectures): no title and no word the notes merely mark, which in French are
often common words ("courants", "pression", "fenêtre") that prime the decoder's French as a whole.
They are ranked and bounded the same way, for the decoder's `rare_prompt` (hearing.asr).

The examples are sentences of the notes that use the rare terms (the shortest one for each term,
best term first, within what the budget leaves after the rare terms' glossary and at most
EXAMPLE_TOKENS): the `context_prompt` gives the decoder the terms as the course writes them in its
own sentences, the language of the course around them (docs/hearing.md).
"""

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Tuple

from milo_robot.lectures.vocabulary import CourseTerms, course_passages, is_unit, marked_terms, term_key
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.thinking.answer import detect_language
from milo_robot.thinking.retrieval import STOPWORDS, TERM_LIST

LANGUAGES = ('en', 'fr')
DEFAULT_BUDGET_TOKENS = 120  # about 40 terms; Whisper's limit is 223
MIN_LETTERS = 3  # "Ohm" is a name; shorter words are symbols ("U", "mA"), read as letters
MAX_TERM_CHARS = 60  # a line of the term list longer than this is a sentence, not a term
RECORD_LECTURES = 20  # the course's most recent lectures read for its words
# Scores: how much each kind of evidence says "this is a word of the course".
TEACHER, TITLE = 1000.0, 500.0
MARKED, NAMED, SAID = 3.0, 2.0, 1.0  # marked in the notes; a name, acronym or unit; said in class
MAX_SAID = 5  # mentions in the lectures counted, at most (a word said all the time is no rarer)
LEAD = {'en': 'Glossary:', 'fr': 'Glossaire :'}  # the `prompt` form opens with this
# The notes' sentences of the `context_prompt`, at most: 1-3 sentences. 60 helped the terms a
# little more but cost plain sentences more word error (docs/hearing.md, session terms7).
EXAMPLE_TOKENS = 45
_SENTENCE = re.compile(r'(?<=[.!?;])\s+|\n\s*\n')  # where a sentence of the notes ends
# Units a class says in everyday words: units, but no rare terms ("par seconde", "in metres").
EVERYDAY_UNITS = frozenset(term_key(w) for w in (
    'second minute hour metre meter gram kilogram degree percent '
    'seconde heure mètre gramme degré pourcent').split())
# SI units that lectures.vocabulary does not list, and the prefixes that make a unit of a unit.
MORE_UNITS = frozenset('pascal siemens tesla weber lumen becquerel candela'.split())
_PREFIXED = re.compile(r'^(?:pico|nano|micro|milli|centi|kilo|m[eé]ga|giga)(.{3,}?)s?$')

# A word of a term: apostrophes cut ("Kirchhoff's", "d'Ohm"), hyphens join ("Navier-Stokes").
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.U)
_SENTENCE_ENDS = '.!?:;\n'
_BETWEEN = ' \t#*_`"«(\'’'  # what may stand between a sentence's end and its first word
_LANGUAGE_TAG = re.compile(r'^(en|fr)\s*:\s*(.+)$', re.I)


def estimate_tokens(text: str) -> int:
    """Return a safe guess of a text's token count, where no tokenizer is at hand.

    A token every 3 characters: Whisper's byte-pair tokenizer cuts French and technical words
    finer than English prose.
    """
    return max(1, -(-len(text) // 3)) if text else 0


@dataclass(frozen=True)
class Vocabulary:
    """The ranked terms of one course, for each language, within a token budget."""

    course: str = ''
    terms: Dict[str, Tuple[str, ...]] = field(default_factory=dict)  # language -> terms, best first
    # language -> the words of the course's notes (lower case): words the course uses as they are,
    # never taken for a misheard term (hearing.term_fix)
    known: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    # language -> the rare terms (teacher's, names, acronyms, units), best first, within the budget
    rare_terms: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    # language -> sentences of the notes that use the rare terms, within the budget (examples())
    examples: Dict[str, Tuple[str, ...]] = field(default_factory=dict)

    def words(self, language: str) -> Tuple[str, ...]:
        """Return the terms for `language`, best first (none for another language)."""
        return self.terms.get(language, ())

    def rare(self, language: str) -> Tuple[str, ...]:
        """Return the rare terms for `language` (the teacher's, names, acronyms, units), best first."""
        return self.rare_terms.get(language, ())

    def hotwords(self, language: str) -> str:
        """Return the terms as faster-whisper's `hotwords`: a list, best first."""
        return ', '.join(self.words(language))

    def prompt(self, language: str, rare: bool = False, examples: bool = False) -> str:
        """Return the terms (the rare ones only, if `rare`) as an `initial_prompt`: a glossary.

        With `examples`, the rare terms' glossary then the notes' sentences that use them.
        """
        if examples:
            given = (glossary(self.rare(language), language),) + self.examples.get(language, ())
            return ' '.join(given).strip()
        return glossary(self.rare(language) if rare else self.words(language), language)

    def __bool__(self) -> bool:
        """Whether it holds any term."""
        return any(self.terms.values())


def glossary(terms: Iterable[str], language: str) -> str:
    """Return `terms` as a glossary sentence in `language` ("Glossaire : farad, Kirchhoff.")."""
    terms = list(terms)
    return f"{LEAD.get(language, LEAD['en'])} {', '.join(terms)}." if terms else ''


def read_term_list(path: str) -> List[Tuple[str, Tuple[str, ...]]]:
    """Return the terms of a term list file as (term, languages), in the file's order.

    Blank lines and `#` comments are skipped; `fr: terme` or `en: term` keeps a term to one
    language; a missing file gives no terms. A line longer than a term raises ValueError.
    """
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return []
    out = []
    for number, line in enumerate(lines, 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        tagged = _LANGUAGE_TAG.match(line)
        languages = (tagged.group(1).lower(),) if tagged else LANGUAGES
        term = tagged.group(2).strip() if tagged else line
        if len(term) > MAX_TERM_CHARS:
            raise ValueError(f'{path}, line {number}: {len(term)} characters; a term list holds one '
                             f'term a line (at most {MAX_TERM_CHARS} characters)')
        out.append((term, languages))
    return out


class _Candidates:
    """Terms found so far for one language: a score and the spellings seen, by word."""

    def __init__(self):
        self.score: Counter = Counter()
        self.spellings: Dict[str, Counter] = {}
        self.rare: set = set()  # keys a teacher listed, or found as a name, an acronym or a unit

    def add(self, term: str, score: float, rare: bool = False) -> None:
        key = ' '.join(term_key(w) for w in _WORD.findall(term)) or term.lower()
        self.score[key] += score
        self.spellings.setdefault(key, Counter())[term] += score
        if rare:
            self.rare.add(key)

    def ranked(self, pieces: Callable[[str], int], rare_only: bool = False) -> List[str]:
        """Return the spellings (of the rare terms only, if `rare_only`), best first.

        A word Whisper knows whole (one piece) is kept only when a teacher or the title names it.
        """
        out = []
        for key, score in sorted(self.score.items(), key=lambda kv: (-kv[1], kv[0])):
            spelling = self.spellings[key].most_common(1)[0][0]
            if (score >= TITLE or pieces(' ' + spelling) > 1) and (key in self.rare or not rare_only):
                out.append(spelling)
        return out


def _unit(word: str) -> bool:
    """Whether `word` names a unit, prefixed or not ("farads", "millipascal")."""
    lower = word.lower()
    prefixed = _PREFIXED.match(lower)
    return is_unit(word) or lower.rstrip('s') in MORE_UNITS or \
        bool(prefixed and (is_unit(prefixed.group(1)) or prefixed.group(1) in MORE_UNITS))


def _rare_name(word: str) -> bool:
    """Whether a name, acronym or unit `_named` found is a rare term: not an everyday unit."""
    return not (_unit(word) and term_key(word) in EVERYDAY_UNITS)


def _named(words: List[Tuple[str, bool]], lower: set) -> List[str]:
    """Return the proper names, acronyms and units among (word, at a sentence's start)."""
    out = []
    for word, first in words:
        if len(word) < MIN_LETTERS or word.lower() in STOPWORDS:
            continue
        acronym = word.isupper() and len(word) <= 6
        name = word[:1].isupper() and not first and word.lower() not in lower
        if acronym or name or _unit(word):
            out.append(word)
    return out


def _words(text: str) -> List[Tuple[str, bool]]:
    """Return the words of `text`, each with whether it opens a sentence, a line or a heading."""
    out = []
    for match in _WORD.finditer(text):
        before = match.start() - 1
        while before >= 0 and text[before] in _BETWEEN:
            before -= 1
        out.append((match.group(0), before < 0 or text[before] in _SENTENCE_ENDS))
    return out


def gather(course: str = '', notes_dir: str = '', lectures: Iterable[Tuple[str, str]] = (),
           budget_tokens: int = DEFAULT_BUDGET_TOKENS,
           count_tokens: Optional[Callable[[str], int]] = None) -> Vocabulary:
    """Return the vocabulary of `course` from its term list, title, notes and earlier lectures.

    `lectures` are (text, language) segments of the course's earlier lectures; `count_tokens`
    counts a text's tokens for the recogniser (default: `estimate_tokens`).
    """
    count = count_tokens or estimate_tokens
    found = {language: _Candidates() for language in LANGUAGES}
    listed = [entry for folder in ([os.path.join(notes_dir, course)] if course else []) + [notes_dir]
              if notes_dir for entry in read_term_list(os.path.join(folder, TERM_LIST))]
    for rank, (term, languages) in enumerate(listed):
        for language in languages:
            # in the lists' order, the course's first
            found[language].add(term, TEACHER - rank / 1000, rare=True)
    if course.strip():
        for language in LANGUAGES:
            found[language].add(course.strip(), TITLE)
    texts = {language: [] for language in LANGUAGES}
    passages = {language: [] for language in LANGUAGES}
    if notes_dir and os.path.isdir(notes_dir):
        for passage in course_passages(notes_dir, course):
            language = detect_language(passage.text)
            if language in texts:
                texts[language].append(f'# {passage.section}\n{passage.text}')
                passages[language].append(passage.text)
    for language, notes in texts.items():
        lower = {w for text in notes for w in _WORD.findall(text) if w.islower()}
        lower_keys = {term_key(w) for w in lower}
        for text in notes:
            for phrase in marked_terms(text, language):
                for word in _WORD.findall(phrase):
                    if len(word) >= MIN_LETTERS and word.lower() not in STOPWORDS:
                        # A heading's capital is no name's: "Capacitors" where the notes say
                        # "capacitor" is "capacitors".
                        found[language].add(word.lower() if term_key(word) in lower_keys else word,
                                            MARKED)
            for word in _named(_words(text), lower):
                # A name or an acronym is the same in both languages; a unit is spelt in one.
                for other in ((language,) if _unit(word) else LANGUAGES):
                    found[other].add(word, NAMED, rare=_rare_name(word))
    _add_lectures(found, list(lectures), notes_dir, course)
    rare = {language: _within(found[language].ranked(count, rare_only=True), language, count, budget_tokens)
            for language in LANGUAGES}
    return Vocabulary(course, {language: _within(found[language].ranked(count), language, count,
                                                 budget_tokens) for language in LANGUAGES},
                      {language: frozenset(w.lower() for text in notes for w in _WORD.findall(text))
                       for language, notes in texts.items()}, rare,
                      {language: examples(passages[language], rare[language], count, min(
                          EXAMPLE_TOKENS, budget_tokens - count(glossary(rare[language], language))))
                       for language in LANGUAGES})


def examples(texts: Iterable[str], terms: Iterable[str], count: Callable[[str], int], budget: int) -> tuple:
    """Return sentences of `texts` that use `terms`: for each term in turn, the shortest not taken.

    A sentence that would take the examples over `budget` tokens is passed over. Markdown's marks
    (`**`, `*`, `_`, backquotes, `#`) are left out: the decoder takes the prompt as words said.
    """
    sentences = list(dict.fromkeys(' '.join(s.split()) for text in texts
                                   for s in _SENTENCE.split(re.sub(r'[*_`#]', '', text)) if s.strip()))
    keys = [{term_key(w) for w in _WORD.findall(s)} for s in sentences]
    out: List[str] = []
    used = 0
    for term in terms:
        wanted = {term_key(w) for w in _WORD.findall(term)}
        using = [s for s, k in zip(sentences, keys) if wanted and wanted <= k and s not in out]
        if not using:
            continue
        shortest = min(using, key=len)
        tokens = count(' ' + shortest)
        if used + tokens <= budget:
            out.append(shortest)
            used += tokens
    return tuple(out)


def _add_lectures(found: Dict[str, _Candidates], lectures: List[Tuple[str, str]], notes_dir: str,
                  course: str) -> None:
    """Count the notes' terms said in class, and add the names heard in several segments."""
    for language in LANGUAGES:
        lines = [text for text, lang in lectures if lang == language]
        if not lines:
            continue
        misheard = {c.heard for c in CourseTerms.from_notes(notes_dir, course, language).corrections(
            (text, 0.0) for text in lines)}
        said: Counter = Counter()
        segments: Counter = Counter()
        lower = {w for text in lines for w in _WORD.findall(text) if w.islower()}
        for text in lines:
            words = _words(text)
            said.update(term_key(w) for w, _ in words)
            segments.update({w for w in _named(words, lower) if w.lower() not in misheard})
        candidates = found[language]
        for key in list(candidates.score):
            if key in said and candidates.score[key] < TITLE:
                candidates.score[key] += SAID * min(said[key], MAX_SAID)
        for word, times in segments.items():
            if times >= 2 and term_key(word) not in candidates.score:
                candidates.add(word, SAID * min(times, MAX_SAID), rare=True)


def _within(terms: List[str], language: str, count: Callable[[str], int], budget: int) -> tuple:
    """Return the first terms whose prompt (the longer of the two forms) fits `budget` tokens."""
    kept: List[str] = []
    for term in terms:
        if count(glossary(kept + [term], language)) <= budget:
            kept.append(term)
    return tuple(kept)


def course_lectures(record, course: str, before: Optional[int] = None) -> List[Tuple[str, str]]:
    """Return (text, language) of the segments of the course's recent lectures in a LectureRecord.

    `before`, the lecture going on, is left out with any later one: only what was said earlier.
    """
    lectures = [lecture.id for lecture in record.lectures()
                if lecture.course == course and (before is None or lecture.id < before)]
    return [(segment.text, segment.language) for lecture_id in lectures[-RECORD_LECTURES:]
            for segment in record.segments(lecture_id)]


def course_vocabulary(course: str, notes_dir: str, record_path: str = '', before: Optional[int] = None,
                      budget_tokens: int = DEFAULT_BUDGET_TOKENS,
                      count_tokens: Optional[Callable[[str], int]] = None) -> Vocabulary:
    """Return the vocabulary of `course` from the notes folder and the lecture record.

    The record at `record_path` is read only (none yet is no error), lectures before `before` only.

    A term list that cannot be read raises ValueError or OSError; a record, RecordError.
    """
    lectures = []
    if record_path and os.path.isfile(record_path):
        with LectureRecord(record_path, read_only=True) as record:
            lectures = course_lectures(record, course, before)
    return gather(course, notes_dir, lectures, budget_tokens, count_tokens)
