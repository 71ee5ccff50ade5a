# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""After recognition: a heard word that sounds like one of the course's rare terms becomes the term.

Whisper base writes words it knows: "the ferret" for "the farad", "Kirk off" for "Kirchhoff",
even with the course's terms in its prompt. This pass compares how the transcript's words sound
with how the course's terms sound, both said by espeak-ng in the transcript's language (the
binding Piper ships, through speaking.phonemes: no subprocess per word), and replaces a word, or two or three
words in a row, by the term when all of these hold:
- the term is rare: a name, an acronym or a word Whisper's tokenizer cuts in pieces, never a
  common word of the language (`rare`);
- they sound alike: a phoneme edit distance where a vowel for another vowel, or a consonant for
  its voiced or unvoiced twin, costs less than other changes, within `max_distance` of the term's
  length;
- the heard words are not common: none is a stop word nor a word of the course's own notes
  (`known`), and a single heard word is not one Whisper writes whole (one token: "ferret" is two);
- no other term sounds as close.
The text is returned with the term in place of the heard words; what was replaced is listed.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

from milo_robot.speaking.phonemes import espeak_phonemes
from milo_robot.thinking.retrieval import STOPWORDS

ESPEAK_VOICES = {'en': 'en-us', 'fr': 'fr'}
MAX_DISTANCE = 0.3  # edit cost per phoneme of the term, at most
MIN_PHONEMES = 4  # shorter terms ("Ohm") sound like too many words
MAX_SPAN = 3  # words of the transcript that may make one term ("Kirk off", "P to")
# Phonemes that are heard for one another: a vowel for a vowel, a consonant for its twin.
VOWELS = set('aeiouyæɑɒɔəɛɜɪʊʌœøɐɘɵɤɯʏɶ')
TWINS = [set('pb'), set('td'), set('kɡg'), set('fv'), set('szθð'), set('ʃʒ'), set('ɹʁrɾ'), set('mnɲŋ'),
         set('lɫ'), set('wɥ')]
NEAR = 0.35  # the cost of one of those swaps; any other change costs 1
_DROP = set('ˈˌː-_ ')  # stress, length and word breaks are not phonemes
# A word of two letters or more: apostrophes cut ("Kirchhoff's", "l'équation"), hyphens join.
_WORD = re.compile(r"[^\W\d_]{2,}(?:-[^\W\d_]+)*", re.U)


@dataclass(frozen=True)
class Fix:
    """Words of a transcript replaced by a course term."""

    heard: str
    term: str
    distance: float  # edit cost per phoneme of the term


@lru_cache(maxsize=8192)
def phonemes(text: str, language: str) -> Tuple[str, ...]:
    """Return the phonemes of `text` said in `language`, stress, length and breaks left out."""
    ipa = unicodedata.normalize('NFD', espeak_phonemes(text, ESPEAK_VOICES.get(language, 'en-us')))
    out: List[str] = []
    for symbol in ipa:
        if symbol in _DROP or unicodedata.category(symbol).startswith('P'):
            continue
        if unicodedata.combining(symbol) and out:
            out[-1] += symbol  # a nasal vowel is one phoneme
        else:
            out.append(symbol)
    return tuple(out)


def _swap_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a[0] in VOWELS and b[0] in VOWELS:
        return NEAR
    return NEAR if any(a[0] in twins and b[0] in twins for twins in TWINS) else 1.0


def distance(heard: Sequence[str], term: Sequence[str]) -> float:
    """Return the edit cost from `heard` to `term` phonemes, per phoneme of the term."""
    row = [float(j) for j in range(len(term) + 1)]
    for i, a in enumerate(heard, 1):
        previous, row[0] = row[0], float(i)
        for j, b in enumerate(term, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + _swap_cost(a, b))
    return row[-1] / max(1, len(term))


def _plain(word: str) -> str:
    word = unicodedata.normalize('NFKD', word.lower())
    return ''.join(c for c in word if c.isalpha() and not unicodedata.combining(c))


class TermFixer:
    """The rare terms of a course in one language, to put back where the transcript misheard them."""

    def __init__(self, terms: Iterable[str], language: str, pieces: Callable[[str], int],
                 known: Iterable[str] = (), max_distance: float = MAX_DISTANCE):
        """Keep the rare ones among `terms`.

        `pieces` counts the tokens Whisper writes a text with; `known` are common words (the
        notes' words, stop words) that are never taken for a misheard term.
        """
        self.language = language
        self.max_distance = max_distance
        self._pieces = pieces
        self._known = {_plain(w) for w in known} | {_plain(w) for w in STOPWORDS}
        self.terms = [t for t in dict.fromkeys(terms) if rare(t, pieces)]
        # Each term as written and, for a plural, its singular: "the ferret" is "the farad".
        forms = {f: t for t in self.terms for f in _forms(t)}
        self._sounds = [(f, t, phonemes(f, language)) for f, t in forms.items()]
        self._sounds = [(f, t, p) for f, t, p in self._sounds if len(p) >= MIN_PHONEMES]
        self._term_words = {_plain(w) for f in forms for w in _WORD.findall(f)}

    def fix(self, text: str) -> Tuple[str, List[Fix]]:
        """Return `text` with misheard terms replaced, and the replacements made."""
        if not self._sounds:
            return text, []
        words = list(_WORD.finditer(text))
        out, fixes, at, i = [], [], 0, 0
        while i < len(words):
            best = self._best(words, i)
            if best is None:
                i += 1
                continue
            span, term, cost = best
            start, end = words[i].start(), words[i + span - 1].end()
            heard = text[start:end]
            opens = not text[:start].strip() or text[:start].rstrip()[-1] in '.!?'
            out.append(text[at:start] + (term[:1].upper() + term[1:] if opens else term))
            fixes.append(Fix(heard, term, round(cost, 3)))
            at, i = end, i + span
        return ''.join(out) + text[at:], fixes

    def _best(self, words: list, i: int) -> Optional[Tuple[int, str, float]]:
        """Return (words taken, term, cost) of the closest term to words from `i`, if one is near."""
        found = []
        for span in range(1, MAX_SPAN + 1):
            group = [w.group(0) for w in words[i:i + span]]
            # The first word must be no common word; those after it may be ("Thavin in").
            if len(group) < span or self._common(group[0]) or _plain(group[-1]) in self._term_words:
                break
            if span == 1 and self._pieces(' ' + group[0].lower()) == 1:
                continue  # a word Whisper writes whole is a word it knows, not a misheard term
            sound = phonemes(' '.join(group), self.language)
            for form, term, term_sound in self._sounds:
                cost = distance(sound, term_sound)
                if cost <= self.max_distance:
                    found.append((cost, span, form, term))
        if not found:
            return None
        found.sort()
        cost, span, form, term = found[0]
        if any(c - cost < 1e-9 and t != term for c, _, _, t in found[1:]):
            return None  # two terms sound as close: neither is sure
        return span, form, cost

    def _common(self, word: str) -> bool:
        """Whether a word is a common one (or a term already), never taken for a misheard term."""
        plain = _plain(word)
        return not plain or plain in self._known or plain in self._term_words


def rare(term: str, pieces: Callable[[str], int]) -> bool:
    """Whether a term is worth putting back: an acronym, a name or a word Whisper cuts in pieces."""
    words = _WORD.findall(term)
    if not words:
        return False
    return any(w.isupper() or pieces(' ' + w.lower()) > 1 for w in words)


def _forms(term: str) -> Tuple[str, ...]:
    """Return a term and, when it is a plural ("farads", "henrys"), its singular."""
    if term.endswith('s') and not term.endswith('ss') and len(term) > 4 and ' ' not in term:
        return term, term[:-1]
    return (term,)


