# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Rank what the evidence says for a question: which sentence, or two, says the answer.

A candidate is one sentence, or two that follow each other (a teacher often names a thing in one
sentence and says what it is in the next: "The answer is the Nyquist-Shannon theorem. It says
that..."). Each is scored on:

- **meaning:** the e5 similarity of the question to the sentence (read after the one before it),
  compared with the other sentences' (a z-score, so that lectures and languages compare);
- **words:** the share of the question's content words the candidate holds, rare words weighing
  more (inverse document frequency); a little for the sentences around it, and for its lecture;
- **the fact wanted:** a question asking for a value needs a number the question did not give, a
  time needs a day or an hour, a reason a "because" (thinking/facts.py);
- **names:** single letters the question names ("la réaction en A") must be in it;
- **the conversation:** a follow-up's answer is near the previous answer, in the same lecture.

A teacher's own question ("So what happens if you sample too slowly?") is no answer. Two
sentences cost a little more than one, so one that says it all wins. Weights were tuned on the
developer sets (data/qa, data/qa_heldout, data/qa_dev), never on data/qa_heldout2.
"""

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from milo_robot.thinking.bilingual import translations
from milo_robot.thinking.compute.quantities import named_dimension
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.facts import Facts, question_numbers
from milo_robot.thinking.question import Question, asking_words, detect_language
from milo_robot.thinking.words import content_stems, fold

CANDIDATES = 30  # sentences scored in full, after a first cut on meaning and words
# A sentence that goes on from the one before: "It says that...", "Donc la réaction vaut..."
_CONTINUES = re.compile(r"^\W*(it|its|this|that|these|those|they|there|so|then|therefore|here|and|also|"
                        r"second|secondly|third|thirdly|finally|one|two|three|first|"
                        r"il|elle|ils|elles|ce|cela|ça|ca|c'est|donc|alors|et|puis|ici|son|sa|ses|aussi|"
                        r"premi[eè]re?|deuxi[eè]me|troisi[eè]me|second|seconde|enfin|ensuite)\b", re.I)
LONGEST = 3  # sentences in one quote at most


@dataclass
class Weights:
    """How much each signal counts (tuned on the developer sets)."""

    meaning: float = 0.45
    words: float = 2.0
    window: float = 0.4
    lecture: float = 1.0
    fact: float = 1.2
    symbols: float = 0.8
    near_previous: float = 0.5
    other_lecture: float = 1.0  # a follow-up answered from another lecture than the last answer
    context: float = 0.5  # a follow-up's context words count this much of its own
    translated: float = 0.7  # a question word's translation counts this much of the word
    pair: float = 0.45  # the cost of quoting two sentences rather than one
    continues: float = 0.25  # ... less when the second goes on from the first
    asks: float = 1.0  # a question of the teacher's
    head: float = 0.6  # the candidate names the thing asked about ("the slope of the Bode plot": slope)


@dataclass
class Candidate:
    """One sentence, or two that follow each other, and why it scores as it does."""

    positions: tuple
    score: float
    meaning: float = 0.0  # raw e5 similarity (the best of its sentences)
    words: float = 0.0  # share of the question's words (idf-weighted)
    fact: float = 0.0
    parts: dict = field(default_factory=dict)
    probability: Optional[float] = None  # that it holds the answer: the learned ranker's (learned.py)


class Ranker:
    """Score sentences of an Evidence index for questions; caches what it read of each sentence."""

    def __init__(self, evidence: Evidence, weights: Optional[Weights] = None):
        """Rank over `evidence` with `weights` (the tuned defaults if None)."""
        self.evidence = evidence
        self.weights = weights or Weights()
        self._facts = {}  # position -> Facts
        self._languages = {}  # position -> 'en' or 'fr'

    def facts(self, i: int) -> Facts:
        """Return what sentence i states (read once)."""
        if i not in self._facts:
            self._facts[i] = Facts.of(self.evidence.sentences[i].text, self.language(i))
        return self._facts[i]

    def language(self, i: int) -> str:
        """Return the language of sentence i (read once)."""
        if i not in self._languages:
            self._languages[i] = detect_language(self.evidence.sentences[i].text)
        return self._languages[i]

    def rank(self, question: Question, allow: Optional[Callable] = None,
             previous: tuple = ()) -> list:
        """Return the candidates, best first. `previous`: positions of the last answer (follow-ups)."""
        ev, w = self.evidence, self.weights
        if not ev.sentences:
            return []
        allowed = np.array([allow is None or allow(s) for s in ev.sentences])
        if not allowed.any():
            return []
        # "In the strength of materials lecture, what is stress?": the lecture named says where the
        # answer is, not what it says; its words, matched, would quote the lecture's opening.
        lecture = content_stems(question.lecture)
        named = set(lecture) if all(ev.has_stem(s) for s in lecture) else set()
        asked = question.whole.replace(question.setting, ' ') if named else question.whole
        meaning = ev.similarity(asked)
        if question.follow_up:  # the question asked now counts most
            meaning = 0.4 * meaning + 0.6 * ev.similarity(question.text)
        # A word asked in another form than the teacher's ("isolent", "isoler") is matched as said.
        weight = {ev.form(s): 1.0 for s in question.focus if s not in named}
        for s in question.context_focus:
            weight.setdefault(ev.form(s), w.context)
        idf = {s: ev.idf(s) * weight[s] for s in weight}
        total = sum(idf.values()) or 1.0
        # For a sentence in the other language, the question's words are looked up translated.
        crossed = dict(idf)
        for s, v in weight.items():
            for other in translations(s):
                crossed.setdefault(other, ev.idf(other) * v * w.translated)
        pool = np.where(allowed)[0]
        mean, std = float(meaning[pool].mean()), float(meaning[pool].std()) or 1.0
        # The first cut counts the translated words too: a French question about an English
        # lecture ("le module d'Young du cuivre") has no word of its sentence otherwise.
        first = _fuse(meaning[pool], ev.bm25(list(crossed))[pool])
        cut = [int(i) for i in pool[np.argsort(-first)[:CANDIDATES]]]
        context = _Context(question, idf, crossed, total, meaning, mean, std, previous,
                           question_numbers(question.whole, question.language), set(weight),
                           _dimension_asked(question), named)
        spans = set()
        for i in cut:
            spans.add((i,))
            before = ev.neighbour(i, -1)
            for start in ([before] if before is not None and allowed[before] else []) + [i]:
                span = [start]
                while len(span) < LONGEST:
                    j = ev.neighbour(span[-1], 1)
                    if j is None or not allowed[j] or (len(span) > 1 and not _CONTINUES.match(
                            ev.sentences[j].text)):
                        break
                    span.append(j)
                    spans.add(tuple(span))
        out = [self._score(span, context) for span in spans]
        out.sort(key=lambda c: -c.score)
        return out

    def _score(self, span: tuple, c: '_Context') -> Candidate:
        ev, w, q = self.evidence, self.weights, c.question
        idf = c.idf if self.language(span[0]) == q.language else c.crossed
        stems = set()
        for i in span:
            stems |= set(ev.stems(i))
        share = sum(v for s, v in idf.items() if s in stems) / c.total
        around = set()
        for step, end in ((-1, span[0]), (1, span[-1])):
            j = ev.neighbour(end, step)
            if j is not None:
                around |= set(ev.stems(j))
        window = sum(v for s, v in idf.items() if s in around and s not in stems) / c.total
        in_lecture = sum(v for s, v in idf.items() if ev.in_group(span[0], s)) / c.total
        if c.lecture:  # the lecture the question names
            in_lecture = float(all(ev.in_group(span[0], s) for s in c.lecture))
        fact = max(self.facts(i).gives(q.wants, c.numbers, c.stems, c.dim) for i in span)
        best = max(float(c.meaning[i]) for i in span)
        parts = {'meaning': w.meaning * (best - c.mean) / c.std, 'words': w.words * share,
                 'window': w.window * window, 'lecture': w.lecture * in_lecture, 'fact': w.fact * fact}
        if len(span) > 1:
            parts['pair'] = -sum(w.continues if _CONTINUES.match(ev.sentences[j].text) else w.pair
                                 for j in span[1:])
        elif _CONTINUES.match(ev.sentences[span[0]].text):
            parts['pair'] = -0.1  # "It says that..." alone leaves out what "it" is
        if q.head and (q.head in stems or translations(q.head) & stems):
            parts['head'] = w.head
        if ev.sentences[span[-1]].text.rstrip().endswith('?'):
            parts['asks'] = -w.asks
        if q.symbols:
            text = ' ' + ' '.join(ev.sentences[i].text for i in span) + ' '
            found = sum(1 for s in q.symbols if re.search(rf"[\s'(]{s}[\s,.;:)]", text))
            parts['symbols'] = w.symbols * (found / len(q.symbols) - 0.5)
        if c.previous:
            gaps = [abs(ev.distance(i, p)) for i in span for p in c.previous if ev.same_group(i, p)]
            if not gaps:
                parts['near_previous'] = -w.other_lecture
            elif min(gaps):
                parts['near_previous'] = w.near_previous / min(gaps)
        return Candidate(span, sum(parts.values()), best, share, fact, parts)


def _dimension_asked(question: Question) -> Optional[tuple]:
    """Return the dimension of the value or unit asked ("quelle force", "what heat rate"), or None.

    A unit is asked of a quantity named after the asking words ("Dans quelle unité faut-il mettre
    les températures ?", "What unit is the torque in?").
    """
    if question.wants == 'unit':
        return named_dimension(question.text)
    return named_dimension(asking_words(question.text), first=True)


@dataclass
class _Context:
    """What scoring one question needs for every candidate."""

    question: Question
    idf: dict  # stem -> idf times its weight in the question
    crossed: dict  # the same with the translations of its words, for sentences in the other language
    total: float
    meaning: np.ndarray
    mean: float
    std: float
    previous: tuple
    numbers: set
    stems: set
    dim: Optional[tuple] = None  # the dimension of the value asked for, when the question names it
    lecture: set = field(default_factory=set)  # stems of the lecture the question names


def _fuse(meaning: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """Reciprocal rank fusion of two rankings (each item scores 1/(60 + rank) in each)."""
    fused = np.zeros(len(meaning))
    for scores in (meaning, lexical):
        ranks = np.empty(len(scores), dtype=int)
        ranks[np.argsort(-scores)] = np.arange(len(scores))
        fused += 1.0 / (60 + ranks)
    return fused


def continues(text: str) -> bool:
    """Whether a sentence goes on from the one before it ("It says that...")."""
    return bool(_CONTINUES.match(fold(text)))
