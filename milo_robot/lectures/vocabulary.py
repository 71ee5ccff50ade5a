# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The course's own terms, where the transcript heard a word that sounds like one of them.

Speech recognition writes what it knows: "ferret" for "farad" when the course's vocabulary is
not in its model. The notes pack then shows the course's term instead, and says so. The course's
terms are what its notes mark as such: the words of their headings, what they write in bold,
italics or code, units ("farad", "ohm") and the technical terms the faithfulness module knows.
A transcript word is taken for a course term when all of these hold:
- it sounds like the term: the same sound key (consonants grouped by how they sound, each run of
  vowels one vowel: "ferret" and "farad" are both f-a-r-a-t), and about as long (two letters
  more or fewer); words of fewer than five letters are left alone;
- it is not itself a word of the notes, nor one of its inflections ("farads" is "farad");
- the lecture never says the term itself: a transcript that says "rating" once is not wrong
  when it says "reading" elsewhere;
- no other term of the notes sounds the same.
The record keeps what was heard; only the pack shows the correction, listed with its times.
"""

import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

from milo_robot.thinking.answer import detect_language
from milo_robot.thinking.faithfulness import claims
from milo_robot.thinking.retrieval import STOPWORDS, notes_passages

MIN_LETTERS = 5  # shorter words sound alike too easily ("vaut", "watt")
MAX_LENGTH_GAP = 2  # letters a heard word may have more or fewer than the term
# Unit names spelt out, singular (English and French); symbols are the short words not in STOPWORDS.
UNIT_NAMES = set('''
volt ampere amp ohm watt joule farad henry hertz second minute hour metre meter gram kilogram newton
coulomb kelvin degree percent bit byte millisecond microsecond kilohm milliampere microfarad
seconde heure mètre gramme degré pourcent octet milliseconde microseconde
'''.split())
# What notes mark as a term: a heading, **bold**, *italics*, `code`.
_MARKED = re.compile(r'^#+\s*(.+)$|\*\*(.+?)\*\*|(?<![*\w])[*_]([^*_\n]+)[*_](?![*\w])|`([^`\n]+)`', re.M)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.U)
# Letters grouped by sound, applied in order on a lower-case word without accents.
_SOUNDS = ((r'ph', 'f'), (r'qu', 'k'), (r'ck', 'k'), (r'[cs]h', 'x'), (r'gn', 'n'), (r'th', 't'),
           (r'c(?=[eiy])', 's'), (r'c', 'k'), (r'q', 'k'), (r'x', 'ks'), (r'z', 's'), (r'd', 't'),
           (r'b', 'p'), (r'g', 'k'), (r'h', ''), (r'[aeiouy]+', 'a'))


def _plain(word: str) -> str:
    word = unicodedata.normalize('NFKD', word.lower())
    return ''.join(c for c in word if c.isalpha() and not unicodedata.combining(c))


def _stem(plain: str) -> str:
    """Drop a plural or verb ending, so that inflections share a stem ("farads", "charged")."""
    for ending in ('es', 's', 'ed', 'ing', 'e'):
        if plain.endswith(ending) and len(plain) - len(ending) >= MIN_LETTERS - 1:
            return plain[:-len(ending)]
    return plain


def sound_key(word: str) -> str:
    """Return how a word sounds, roughly: "ferret" and "farad" give the same key."""
    key = term_key(word)
    for pattern, sound in _SOUNDS:
        key = re.sub(pattern, sound, key)
    return re.sub(r'(.)\1+', r'\1', key)


def term_key(word: str) -> str:
    """Return what a word's spellings and inflections share ("Farads", "farad": "farad")."""
    return _stem(_plain(word))


def is_unit(word: str) -> bool:
    """Whether `word` names a unit ("farads", "ampère")."""
    return _plain(word) in UNIT_NAMES or term_key(word) in UNIT_NAMES


def marked_terms(text: str, language: str = 'en') -> List[str]:
    """Return what notes mark as terms, as written.

    Headings, **bold**, *italics*, `code`, and the technical terms the faithfulness module knows.
    """
    marked = [next(g for g in m.groups() if g) for m in _MARKED.finditer(text)]
    return marked + [c.text for c in claims(text, language) if c.kind == 'term']


READ_CACHE = 16  # notes folders' terms kept, by the files' names, times and sizes and the language
_READ: Dict[tuple, 'CourseTerms'] = {}


def files_signature(folders) -> tuple:
    """Return the files directly in `folders`, with their modification times and sizes."""
    found = []
    for folder in sorted(folders):
        if os.path.isdir(folder):
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                if entry.is_file():
                    stat = entry.stat()
                    found.append((entry.path, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def course_folders(notes_dir: str, course: str = '') -> set:
    """Return the folders of a course's notes: the top of `notes_dir` (every course's) and its own."""
    top = os.path.abspath(notes_dir)
    return {top} | ({os.path.join(top, course)} if course else set())


def course_passages(notes_dir: str, course: str = '') -> list:
    """Return the passages of a course's notes (retrieval.notes_passages), not other courses'."""
    folders = course_folders(notes_dir, course)
    return [p for p in notes_passages(notes_dir) if os.path.dirname(os.path.abspath(p.path)) in folders]


@dataclass(frozen=True)
class Correction:
    """A word of the transcript shown as the course's term."""

    heard: str
    term: str
    times: Tuple[float, ...] = ()


@dataclass
class CourseTerms:
    """The terms of a course's notes, to check a lecture's words against."""

    terms: Dict[str, List[str]] = field(default_factory=dict)  # plain stem -> spellings in the notes
    words: set = field(default_factory=set)  # the stems of every word of the notes

    @classmethod
    def from_texts(cls, texts: Iterable[str], language: str = 'en') -> 'CourseTerms':
        """Collect the notes' words, and the terms among them."""
        terms: Dict[str, List[str]] = {}
        words = set()
        for text in texts:
            marked = marked_terms(text, language)
            found = _WORD.findall(text)
            marked += [w for w in found if is_unit(w)]
            words |= {term_key(w) for w in found}
            for word in (w for phrase in marked for w in _WORD.findall(phrase)):
                plain = _plain(word)
                if len(plain) >= MIN_LETTERS and plain not in STOPWORDS:
                    spellings = terms.setdefault(_stem(plain), [])
                    if word.lower() not in spellings:
                        spellings.append(word.lower())
        return cls(terms, words)

    @classmethod
    def from_notes(cls, notes_dir: str, course: str = '', language: str = 'en') -> 'CourseTerms':
        """Read the notes every course shares (top of `notes_dir`) and the course's own folder.

        Only the passages in the lecture's language: an English course's "current" is not what a
        French lecture's "courant" should read.
        """
        if not notes_dir or not os.path.isdir(notes_dir):
            return cls()
        # Read once per version of the files: the app builds a pack for every page it shows.
        key = (files_signature(course_folders(notes_dir, course)), language)
        if key not in _READ:
            while len(_READ) >= READ_CACHE:
                _READ.pop(next(iter(_READ)))
            _READ[key] = cls.from_texts((p.text for p in course_passages(notes_dir, course)
                                         if detect_language(p.text) == language), language)
        return _READ[key]

    @staticmethod
    def _spelling(spellings: List[str], heard: str) -> str:
        """Return the term's spelling that is plural when the heard word is ("ferrets": "farads")."""
        plural = _plain(heard).endswith('s')
        same = next((s for s in spellings if s.endswith('s') == plural), None)
        if same is not None:
            return same
        shortest = min(spellings, key=len)
        return shortest + 's' if plural else shortest[:-1]  # the notes say "farads", one hears "ferret"

    def corrections(self, lines: Iterable[Tuple[str, float]]) -> List[Correction]:
        """Return the words of a lecture's lines (text, time) to show as course terms."""
        lines = [(text, at, detect_language(text)) for text, at in lines]
        # A term said right in the language of the line is no mishearing there; said in the other
        # language of a bilingual class ("se mesure en farads"), it does not vouch for "the ferret".
        said: Dict[str, set] = {}
        for text, _, language in lines:
            said.setdefault(language, set()).update(term_key(w) for w in _WORD.findall(text))
        by_key: Dict[str, List[str]] = {}
        for stem, spellings in self.terms.items():
            by_key.setdefault(sound_key(spellings[0]), []).append(stem)
        found: Dict[str, Tuple[str, List[float]]] = {}
        for text, at, language in lines:
            for word in _WORD.findall(text):
                plain = _plain(word)
                if len(plain) < MIN_LETTERS or plain in STOPWORDS or _stem(plain) in self.words or \
                        "'" in word or '’' in word:  # "what's" is no misheard term
                    continue
                stems = [stem for stem in by_key.get(sound_key(word), [])
                         if abs(len(plain) - len(_plain(self.terms[stem][0]))) <= MAX_LENGTH_GAP]
                if len(stems) == 1 and stems[0] not in said[language]:
                    heard = found.setdefault(word.lower(), (self._spelling(self.terms[stems[0]], word), []))
                    heard[1].append(at)
        return [Correction(heard, term, tuple(sorted(set(times)))) for heard, (term, times) in found.items()]


def apply(text: str, corrections: Iterable[Correction]) -> str:
    """Return `text` with each heard word replaced by the course's term (its capital kept)."""
    table = {c.heard: c.term for c in corrections}
    if not table:
        return text

    def swap(match: re.Match) -> str:
        word = match.group(0)
        term: Optional[str] = table.get(word.lower())
        if term is None:
            return word
        return term[:1].upper() + term[1:] if word[:1].isupper() else term
    return _WORD.sub(swap, text)
