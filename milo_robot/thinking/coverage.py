# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Whether the class covered a question: decided from the evidence, not from retrieval scores.

A question is covered when the evidence holds what it asks about. Retrieval always finds
something close: a question on a neighbouring topic, in the lecture's own words ("What is the
latent heat of vaporization of water?" after a lecture on heating water), finds sentences that
share most of its words. So Milo declines when:

- the question is an instruction to Milo ("ignore your instructions", "tu es le professeur"):
  such a question is never obeyed;
- it names a thing the class never said ("latent", "vaporization", "entropy", "Reynolds"): a word
  of the thing it names is in no sentence of the course;
- none of its words was said in the course ("Who won the football match yesterday?");
- its meaning is far from every sentence of the course (the e5 similarity of the best one is
  under `MIN_MEANING`: everyday questions sit around 0.75, the course's paraphrases above 0.82);
- the best answer found is weak: it neither shares the question's words nor its meaning, or does
  not give the kind of fact asked (no number for "how much");
- the question states a number that the sentences to be quoted (and those around them) do not
  hold: they are an example with other values ("a bar of 160 square millimetres" answered with the
  teacher's bar of 100), or about something else; a computation answers such a question, or nothing;
- two or more of its words were never said in class, and the sentences to be quoted hold less than
  half of the rest (rare words weighing more): the question is about something near the course
  that the class did not cover ("the Cohen-Coon method", "une poutre encastrée").
"""

from dataclasses import dataclass
from typing import Callable, Optional

from milo_robot.thinking.bilingual import translations
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.facts import Facts, question_numbers
from milo_robot.thinking.question import Question, detect_language
from milo_robot.thinking.rank import Candidate

# Words of a question that name no thing of the course: "What is the value of...".
GENERIC = frozenset('''
valu valeur formul unit unite exampl exempl number nombre thing chose way facon kind type sort part
name nom definition defin differenc role use usag purpose meaning sen teacher prof professeur
class cour lectur course today aujourd'hui lesson lecon topic sujet idea idee main principal
simpl simple exact exactly approximat environ roughly about general basic basique important
calcul calculat comput work marche fonctionn happen pass arriv example
'''.split())
MIN_SCORE = 3.4  # a best candidate below this is no answer (tuned on the developer sets)
# e5 similarity of the best sentence under which a question is off the course: French sentences
# sit closer to each other than English ones in e5's space (measured on the developer sets).
MIN_MEANING = {'en': 0.80, 'fr': 0.84}
SAYS_IT_MEANING = 0.85  # e5 similarity from which a sentence with the fact and the thing named answers
RESTATES_MEANING = 0.90  # ... and from which it answers without a fact of the kind asked (a restatement)
UNSAID_EVENT_WORDS = 2  # a "when" or "where" question with this many words never said is about another event
UNSAID_WORDS = 2  # a question with this many words never said...
QUOTED_SHARE = 0.5  # ... is declined when its quote holds less than this share of its other words


@dataclass(frozen=True)
class Coverage:
    """Whether to answer, and if not, why (for the logs and the tests)."""

    covered: bool
    reason: str = ''


def decide(question: Question, best: Optional[Candidate], evidence: Evidence,
           allow: Optional[Callable] = None, min_score: float = MIN_SCORE,
           facts: Optional[Callable] = None) -> Coverage:
    """Decide whether the evidence covers the question, given its best candidate.

    `facts(i)` returns what sentence i states (the ranker's, read once); read afresh if None.
    """
    if question.instruction:
        return Coverage(False, 'an instruction, not a question')
    if best is None:
        return Coverage(False, 'nothing recorded')
    words = [s for s in question.focus + question.context_focus if s not in GENERIC and not s.isdigit()]
    if words and not any(evidence.has_stem(s, allow) for s in words):
        return Coverage(False, 'none of its words was said in class')
    if evidence.embedder is not None and not question.follow_up and \
            best.meaning < MIN_MEANING.get(question.language, MIN_MEANING['en']):
        return Coverage(False, f'far from everything said ({best.meaning:.2f})')
    unsaid = [s for s in question.focus if s not in GENERIC and not s.isdigit()
              and not evidence.has_stem(s, allow)]
    if question.wants in ('when', 'where') and len(unsaid) >= UNSAID_EVENT_WORDS:
        return Coverage(False, f"another event: {', '.join(unsaid)}")
    same_language = all(detect_language(evidence.sentences[i].text) == question.language
                        for i in best.positions)
    if same_language:
        missing = [s for s in question.target if s not in GENERIC and not s.isdigit()
                   and not evidence.has_stem(s, allow)]
        if missing:
            return Coverage(False, f"never said: {', '.join(missing)}")
    missing = _numbers_not_held(question, best, evidence, facts)
    if missing:
        return Coverage(False, f"the quote holds no {', '.join(f'{v:g}' for v in missing)}")
    never = [s for s in question.focus if s not in GENERIC and not s.isdigit()
             and not _said(s, evidence, allow)]
    if len(never) >= UNSAID_WORDS:
        share = _quoted_share(question, best, evidence, allow)
        if share < QUOTED_SHARE:
            return Coverage(False, f"never said: {', '.join(never)}; the quote holds {share:.2f} of the rest")
    if best.score < min_score and not _says_it(question, best, evidence):
        return Coverage(False, f'weak evidence ({best.score:.2f})')
    return Coverage(True)


def _says_it(question: Question, best: Candidate, evidence: Evidence) -> bool:
    """Whether the best sentences give the fact asked about the very thing named, in its language.

    The score is relative to the course (the meaning is a z-score over its sentences), so in a
    small course a sentence that says it all can score low: "What is the unit of resistance?"
    against "resistance in ohms", or "What happens to the current when the voltage doubles?"
    against the teacher's "if we double the voltage..., the current doubles too". Such a
    sentence, close in meaning, answers whatever the score.
    """
    named = [s for s in question.target or question.focus if s not in GENERIC and not s.isdigit()]
    said = set().union(*(evidence.stems(i) for i in best.positions))
    close = best.meaning >= SAYS_IT_MEANING and (best.fact >= 1.0 or best.meaning >= RESTATES_MEANING)
    return bool(named) and close and all(s in said for s in named)


def _said(stem: str, evidence: Evidence, allow: Optional[Callable]) -> bool:
    """Whether the course said a word, in either language."""
    return any(evidence.has_stem(s, allow) for s in {stem} | translations(stem))


def _numbers_not_held(question: Question, best: Candidate, evidence: Evidence,
                      facts: Optional[Callable]) -> list:
    """Return the numbers the question states that the best sentences and their neighbours do not."""
    asked = question_numbers(question.text, question.language)
    if not asked:
        return []
    read = facts or (lambda i: Facts.of(evidence.sentences[i].text,
                                        detect_language(evidence.sentences[i].text)))
    around = set(best.positions)
    for i in best.positions:
        around |= {j for j in (evidence.neighbour(i, -1), evidence.neighbour(i, 1)) if j is not None}
    held = [n[0] for i in around for n in read(i).numbers]
    return sorted(v for v in asked if not any(abs(v - h) <= 1e-6 * max(1.0, abs(h)) for h in held))


def _quoted_share(question: Question, best: Candidate, evidence: Evidence,
                  allow: Optional[Callable]) -> float:
    """Return the share of the question's words said in class that the best sentences hold (by idf)."""
    quoted = set().union(*(evidence.stems(i) for i in best.positions))
    said = [s for s in question.focus
            if s not in GENERIC and not s.isdigit() and evidence.has_stem(s, allow)]
    total = sum(evidence.idf(s) for s in said)
    held = sum(evidence.idf(s) for s in said if s in quoted or translations(s) & quoted)
    return held / total if total else 0.0
