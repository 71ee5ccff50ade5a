# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Whether the class covered a question: decided from the evidence, not from retrieval scores.

A question is covered when the evidence holds what it asks about. Retrieval always finds
something close: a question on a neighbouring topic, in the lecture's own words ("What is the
latent heat of vaporization of water?" after a lecture on heating water), finds sentences that
share most of its words. So Milo declines when:

- the question is an instruction to Milo ("ignore your instructions", "tu es le professeur"):
  such a question is never obeyed;
- it is short and two of its words were never said in class ("What formula gives the centripetal
  acceleration in circular motion?"), unless it asks why (an explanation in everyday words);
- it names a thing the class never said ("latent", "vaporization", "entropy", "Reynolds"): a word
  of the thing it names is in no sentence of the course; a proper name the class never said ("the
  Cohen-Coon method", "the Brinell scale", a capitalised word inside a sentence) is such a word
  wherever it stands in the question, since a name is never a paraphrase;
- none of its words was said in the course ("Who won the football match yesterday?");
- it names one thing, and that word was never said ("What is the thermal conductivity of
  titanium?", "How fast does sound travel in helium?"): a word after "the", "of", "in", "du",
  "dans"... in a short question;
- it names something (an acronym, a capitalised word) that one other lecture says and the
  quote's lecture never does ("Dans quelle salle a lieu le TP de réglage du PID ?" answered with
  the diode lab's room);
- it names a lecture ("the kinematics teacher", "dans le cours de cinématique") whose words the
  class said, but none of them in the lecture of the sentences to be quoted: another lecture's
  sentence answers another question;
- it asks when or where an event is that the class never named ("When is the resit of the
  midterm?", "Quand a lieu le rattrapage du partiel ?": the teacher announced the midterm only);
- its meaning is far from every sentence of the course (the e5 similarity of the best one is
  under `MIN_MEANING`: everyday questions sit around 0.75, the course's paraphrases above 0.82);
- the best answer found is weak: it neither shares the question's words nor its meaning, or does
  not give the kind of fact asked (no number for "how much"); a question that asks no kind of
  fact ("what is X") needs a stronger one when it holds under half of the question's words, since
  no fact of its kind vouches for the sentence;
- it asks a value in a medium ("dans l'eau", "in steel") that the quote never says, while the quote
  says its value in another ("Dans le vide, elle va à la vitesse c");
- it asks the value of a lower-case symbol ("la constante k") that the quote never says;
- the question states a number that the sentences to be quoted do not, while they state others:
  they work an example with other values ("a bar of 160 square millimetres" answered with the
  teacher's bar of 100 square millimetres); a computation answers such a question, or nothing.
"""

import dataclasses
import re
from dataclasses import dataclass
from typing import Callable, Optional

from milo_robot.thinking.bilingual import translations
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.facts import Facts, among
from milo_robot.thinking.faithfulness import claims
from milo_robot.thinking.question import Question, detect_language
from milo_robot.thinking.rank import Candidate
from milo_robot.thinking.words import STOPWORDS, content_stems, fold, stem, tokens

# Words of a question that name no thing of the course: "What is the value of...", "À quoi sert...",
# "D'où vient...", and the words that name the kind of answer asked for, which a teacher seldom
# says: "Quelle est la date du contrôle ?" is answered by "le contrôle aura lieu le 14 mars". The
# verbs of choosing a value name nothing either: "quel ratio a-t-il dit de prendre ?".
GENERIC = frozenset('''
valu valeur formul formula unit unite exampl exempl number nombre thing chose way facon kind type sort part
name nom definition defin differenc role use usag purpose meaning sen teacher prof professeur
class cour lectur course today aujourd'hui lesson lecon topic sujet idea idee main principal
simpl simple exact exactly approximat environ roughly about general basic basique important
calcul calculat comput work marche fonctionn happen pass arriv example need
objet object sert servent servir vient viennent venir provient proviennent come
date day days jour heur hour lieu
obtient obtenir obtenu donne donner trouve trouver get gets give gives find
prendr prend take
'''.split())
MIN_SCORE = 2.6  # a best candidate below this is no answer (tuned on the developer sets)
# The bar for a question that asks no kind of fact a sentence could be checked for ("what is X",
# "which commands end a transaction": wants 'definition' or 'any') when its quote holds under
# OPEN_WORDS of the question's words (idf-weighted): no fact of the kind asked vouches for such a
# quote, and between 2.6 and 3.4 those were wrong 11 times in 13 on data/qa_dev and
# data/qa_heldout2 (docs/thinking.md, "When Milo speaks, it is right"). A quote holding most of
# the words answers from MIN_SCORE, as in a small course, where scores run low.
MIN_SCORE_OPEN = 3.4
OPEN_WORDS = 0.5
OPEN_WANTS = frozenset({'definition', 'any'})
# e5 similarity of the best sentence under which a question is off the course: French sentences
# sit closer to each other than English ones in e5's space (measured on the developer sets).
MIN_MEANING = {'en': 0.80, 'fr': 0.84}
# The bar when the best sentences are in the other language: e5 puts the two languages in one
# range, whatever the question's (on the developer split, right cross-language answers sit at
# 0.83 and above, a wrong one at 0.816; the French bar would decline the right ones).
CROSS_MEANING = 0.82
# ... and when they hold at least CROSS_WORDS of the question's words, translated: e5 scores a
# translated question lower than the same question in the lecture's language, and the words vouch
# for the sentence ("What is the electromotive force of the Daniell cell?", 0.80, on "La force
# électromotrice de la pile...").
CROSS_MEANING_WORDS = 0.77
CROSS_WORDS = 0.5
SAYS_IT_MEANING = 0.85  # e5 similarity from which a sentence with the fact and the thing named answers
RESTATES_MEANING = 0.90  # ... and from which it answers without a fact of the kind asked (a restatement)
NAMING_COUNT = 10  # a question's count up to this, without a unit, names a thing ("the three terms")
# A short question (up to SHORT_QUESTION content words) with UNSAID_WORDS words never said in
# class is about something else ("What phase margin does a control loop need to be stable?",
# "Quelle est la fréquence de la deuxième harmonique d'une corde vibrante ?"): a short question
# leaves no room for a paraphrase. A longer one may describe a thing of the class in everyday
# words, and 6 declined such paraphrases on data/qa_heldout (see docs/thinking.md).
UNSAID_WORDS = 2
SHORT_QUESTION = 5
UNSAID_EVENT_WORDS = 2  # a "when" or "where" question with this many words never said is about another event
# A word after one of these is a thing the question names ("the resit", "le rattrapage", "la cafétéria").
_DETERMINERS = frozenset('the a an this le la les l du des un une au aux ce cet cette'.split())
# A word after one of these says which thing ("of titanium", "in helium", "du titane", "dans l'hélium").
_OF = frozenset('of for in d de du des pour dans en'.split())
_IN = frozenset('in inside dans'.split())  # a value said in a medium: "in water", "dans l'eau"
# French pronouns joined to their verb with a hyphen ("peut-on", "a-t-il", "dit-elle", "est-ce").
_CLITICS = frozenset('t il ils elle elles on ce je tu nous vous la le les lui leur y en moi toi ci'.split())
# A lower-case letter after a word names a symbol ("la constante k"); "a", "y", "o", "i" are words.
_LETTER = re.compile(r"(?<=\w\w\w )([b-hj-np-xz])(?=[\s?,.!])")
_ACRONYM = re.compile(r"\b[A-Z]{2,}[0-9]*\b")
# English words written with a capital that name no thing of a course.
_CAPITALISED = frozenset('''
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december french english german spanish italian
'''.split())
_GENERIC_STEMS = GENERIC | frozenset(stem(w) for w in GENERIC)  # a generic word, stemmed or not


def generic(stem_: str) -> bool:
    """Whether a stem of a question names no thing of the course ("valeur", "obtient-on")."""
    return stem_ in _GENERIC_STEMS


@dataclass(frozen=True)
class Coverage:
    """Whether to answer, and if not, why (for the logs and the tests)."""

    covered: bool
    reason: str = ''


def decide(question: Question, best: Optional[Candidate], evidence: Evidence,
           allow: Optional[Callable] = None, min_score: float = MIN_SCORE,
           facts: Optional[Callable] = None, min_probability: float = 0.5) -> Coverage:
    """Decide whether the evidence covers the question, given its best candidate.

    `facts(i)` returns what sentence i states (the ranker's, read once); read afresh if None.
    A candidate of the learned ranker (with a probability) is weak under `min_probability`, the
    hand ranker's under `min_score` (or `MIN_SCORE_OPEN`).
    """
    if question.instruction:
        return Coverage(False, 'an instruction, not a question')
    if best is None:
        return Coverage(False, 'nothing recorded')
    words = [s for s in question.focus + question.context_focus if s not in GENERIC and not s.isdigit()]
    if words and not any(_said(s, evidence, allow) for s in words):
        return Coverage(False, 'none of its words was said in class')
    same_language = all(detect_language(evidence.sentences[i].text) == question.language
                        for i in best.positions)
    if same_language:
        least = MIN_MEANING.get(question.language, MIN_MEANING['en'])
    else:
        least = CROSS_MEANING_WORDS if best.words >= CROSS_WORDS else CROSS_MEANING
    if evidence.embedder is not None and not question.follow_up and best.meaning < least:
        return Coverage(False, f'far from everything said ({best.meaning:.2f})')
    compounds = [c for c in _compounds(question.text) if not _says_compound(c, evidence, allow)]
    # "the p-value", "the make-up quiz": its parts said apart are not it. A "why" is explained in
    # everyday words ("What makes a copper-bottomed pan heat so well?"), as for the rules below.
    if same_language and compounds and question.wants != 'reason':
        return Coverage(False, f"a compound never said: {', '.join(compounds)}")
    unsaid = [s for s in question.focus if s not in GENERIC and not s.isdigit()
              and not (evidence.says(s, allow) if same_language else _said(s, evidence, allow))]
    # A follow-up's event is the one asked about before ("Quand a lieu l'examen ?" then "Qu'est-ce
    # qui est autorisé pendant l'épreuve ?"): its own words may name it otherwise.
    named = set(unsaid) & _named(question.text) if same_language and not question.follow_up else set()
    if question.wants in ('when', 'where') and (len(unsaid) >= UNSAID_EVENT_WORDS or named):
        return Coverage(False, f"another event: {', '.join(unsaid)}")
    if same_language and not question.follow_up and question.wants != 'reason' and \
            len(set(unsaid)) >= UNSAID_WORDS and len(set(words)) <= SHORT_QUESTION:
        return Coverage(False, f"words never said: {', '.join(unsaid)}")
    # "What is the thermal conductivity of titanium?": one word never said, too few for the rule
    # above, but it says which thing is asked about. Only in a short question: a longer one may
    # describe a thing of the class in new words (data/qa_heldout's paraphrases, "a bidon percé").
    if same_language and not question.follow_up and question.wants != 'reason' and \
            len(set(words)) <= SHORT_QUESTION:
        term = set(unsaid) & _qualified(question.text)
        if term:
            return Coverage(False, f"a term never said: {', '.join(sorted(term))}")
    if same_language:
        missing = [s for s in question.target if s not in GENERIC and not s.isdigit()
                   and not evidence.says(s, allow)]
        if missing:
            return Coverage(False, f"never said: {', '.join(missing)}")
    unsaid_names = [w for w in _names(question.text) if not evidence.has_stem(stem(fold(w)), allow)]
    if unsaid_names:  # "the Cohen-Coon method", "the Brinell scale": a name is never a paraphrase
        return Coverage(False, f"a name never said: {', '.join(unsaid_names)}")
    lecture = _lecture_named(question)
    if lecture and all(evidence.has_stem(s, allow) for s in lecture) and \
            not any(evidence.in_group(i, s) for i in best.positions for s in lecture):
        return Coverage(False, f"another lecture than the {' '.join(lecture)} one")
    elsewhere = _elsewhere(question, best, evidence, allow) if same_language else []
    if elsewhere:  # (a quote in the other language may lack a name of the question's: "TP", "lab")
        return Coverage(False, f"about another lecture: {', '.join(elsewhere)}")
    medium = _other_medium(question, best, evidence) if question.wants == 'value' else ''
    if medium:
        return Coverage(False, f'another medium: the quote says {medium}')
    letter = _letter_unsaid(question, best, evidence) if question.wants == 'value' else ''
    if letter:
        return Coverage(False, f'a symbol the quote never says: {letter}')
    other = _other_example(question, best, evidence, facts)
    if other:
        return Coverage(False, f"another example: the quote holds no {', '.join(f'{v:g}' for v in other)}")
    if best.probability is not None:  # the learned ranker's: its threshold replaces the score bars
        if best.probability < min_probability:
            return Coverage(False, f'weak evidence (p {best.probability:.2f})')
        return Coverage(True)
    held = _held(question, best, evidence) if same_language else best.words  # (the ranker translates)
    open_ = question.wants in OPEN_WANTS and held < OPEN_WORDS
    least_score = max(min_score, MIN_SCORE_OPEN) if open_ else min_score
    if best.score < least_score and not _says_it(question, best, evidence):
        return Coverage(False, f'weak evidence ({best.score:.2f})')
    return Coverage(True)


def _said(stem_: str, evidence: Evidence, allow) -> bool:
    """Whether the class said a word, in either language ("treuil" for "winch")."""
    return evidence.says(stem_, allow) or any(evidence.says(t, allow) for t in translations(stem_))


def _compounds(text: str) -> list:
    """Return the words of a question written with a hyphen ("p-value", "make-up", "court-circuit").

    French joins a verb and its pronoun so ("peut-on", "a-t-il", "est-ce"): those are no terms,
    nor are names ("Cohen-Coon": the names rule reads them), nor English compounds that end in a
    participle: they describe ("copper-bottomed", "long-lasting"), not name.
    """
    found = []
    for word in re.findall(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)+(?![\w-])", text):
        parts = fold(word).split('-')
        name = any(w[0].isupper() and w[1:].islower() for w in word.split('-')[1:])
        if not any(p in _CLITICS for p in parts) and not name and not re.search(r'..(ed|ing)$', parts[-1]):
            found.append(fold(word))
    return found


def _says_compound(word: str, evidence: Evidence, allow) -> bool:
    """Whether a sentence says a hyphened word, written with the hyphen, a space or as one word."""
    pattern = re.compile(r'(?<![a-z])' + r'[- ]?'.join(map(re.escape, word.split('-'))) + r'(?![a-z])')
    return any(pattern.search(fold(s.text)) for s in evidence.sentences if allow is None or allow(s))


def _named(text: str) -> set:
    """Return the stems of the words a question names with a determiner ("When is the resit...")."""
    words = tokens(text)
    named = {stem(w) for before, w in zip(words, words[1:]) if before in _DETERMINERS and w not in STOPWORDS}
    return named - _GENERIC_STEMS  # "the teacher's office hours" names no event


def _qualified(text: str) -> set:
    """Return the stems of the words a question names as its thing, or after "of", "in", "de"...

    "What is the thermal conductivity of steel?", "Quel est le module d'Young du titane ?": the
    word that says which thing, never said in class, makes it another question than the class's.
    """
    words = tokens(text)
    named = {stem(w) for before, w in zip(words, words[1:])
             if (before in _DETERMINERS or before in _OF) and w not in STOPWORDS}
    return named - _GENERIC_STEMS


def _media(text: str) -> list:
    """Return the stems of the things a text places something in ("dans l'eau", "in water")."""
    words = tokens(text)
    found = []
    for i, w in enumerate(words[:-1]):
        if w in _IN:
            j = i + 1
            while j < len(words) - 1 and words[j] in _DETERMINERS:
                j += 1
            if words[j] not in STOPWORDS:
                found.append(stem(words[j]))
    return found


def _other_medium(question: Question, best: Candidate, evidence: Evidence) -> str:
    """Return the place a quote puts its value in when not the question's ("dans le vide", asked in water).

    "À quelle vitesse la lumière se propage-t-elle dans l'eau ?" answered with "Dans le vide, elle va
    à la vitesse c": the value is another thing's.
    """
    asked = [m for m in _media(question.text) if not generic(m)]
    asked += [t for m in asked for t in translations(m)]  # "dans l'acier" is "in steel"
    stems = {s for i in best.positions for s in evidence.stems(i)}
    if not asked or any(m in stems for m in asked):
        return ''
    said = [m for i in best.positions for m in _media(evidence.sentences[i].text) if m not in asked]
    return said[0] if said else ''


def _letter_unsaid(question: Question, best: Candidate, evidence: Evidence) -> str:
    """Return a lower-case symbol the question names ("la constante k") and the quote never says.

    "Quelle est la constante k du moteur de l'exemple ?" answered with "W égale 8,314 fois 300...":
    a quote that gives the value of k says "k".
    """
    text = ' ' + ' '.join(evidence.sentences[i].text for i in best.positions) + ' '
    for letter in _LETTER.findall(question.text):
        if not re.search(rf"[\s'(]{letter}[\s,.;:)]", text):
            return letter
    return ''


def _elsewhere(question: Question, best: Candidate, evidence: Evidence, allow) -> list:
    """Return the words of a question that one other lecture says, and not the quote's lecture.

    "Dans quelle salle a lieu le TP de réglage du PID ?" answered with the diode lab's room:
    the PID lecture says "PID", the diode lecture never does. Only names count (an acronym, a
    capitalised word): every word of a question about an event (when, where, what to bring)
    counted too declined a right answer on data/qa_dev ("When is the vibrations midterm?": of the
    English lectures only acoustics says "midterm") for one wrong answer less on data/qa_heldout.
    """
    if question.follow_up:  # its thing may be named in the question before
        return []
    candidates = [stem(fold(w)) for w in _names(question.text) + _ACRONYM.findall(question.text)]
    return [s for s in dict.fromkeys(candidates) if evidence.has_stem(s, allow)
            and evidence.groups_saying(s) == 1 and not any(evidence.in_group(i, s) for i in best.positions)]


def _lecture_named(question: Question) -> list:
    """Return the stems of the lecture a question names, or [] if it names none.

    "in the kinematics lecture", "the kinematics teacher", "dans le cours de résistance des matériaux".
    """
    return [s for s in content_stems(question.lecture) if s not in _GENERIC_STEMS and not s.isdigit()][:4]


def _names(text: str) -> list:
    """Return the proper names of a question: its capitalised words, less the first of each sentence.

    English capitalises days, months and languages too ("the French lecture", "on Friday"): those
    are no names of a thing taught, and a question may well name a day the teacher did not.
    """
    names = []
    for sentence in re.split(r'[.?!:;]\s+', text):
        words = re.findall(r"[^\W\d_]+", sentence)
        # ("PostgreSQL" is a name too; "PID", all capitals, is an acronym: _ACRONYM's)
        names += [w for w in words[1:] if w[0].isupper() and not w.isupper() and len(w) > 1
                  and w.lower() not in _CAPITALISED]
    return names


def _held(question: Question, best: Candidate, evidence: Evidence) -> float:
    """Return the share of the question's words (idf-weighted) that the best sentences say.

    As the ranker's, less the words of the lecture named: "In the strength of materials lecture,
    what is stress?" says where the answer is, and "Stress is the force divided by the area that
    carries it" holds all that it asks.
    """
    setting = set(content_stems(question.setting))
    asked = {evidence.form(s) for s in question.focus if not s.isdigit() and s not in setting}
    said = set().union(*(evidence.stems(i) for i in best.positions))
    total = sum(evidence.idf(s) for s in asked)
    return sum(evidence.idf(s) for s in asked if s in said) / total if total else 1.0


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


def _other_example(question: Question, best: Candidate, evidence: Evidence,
                   facts: Optional[Callable]) -> list:
    """Return the numbers of the question that the best sentences lack while stating other numbers.

    Such sentences work an example with other values, or speak of something else: quoting them
    answers another question. Sentences without numbers (a rule, a definition) are not examples,
    and a "why" question's numbers set the scene of what it asks to explain, as the question
    before a follow-up sets the follow-up's.
    """
    # A "why" gives a situation; a follow-up's own values are asked, those of the question before
    # set its scene ("And in water?" after "the speed of sound in air at 20 degrees Celsius").
    own = dataclasses.replace(question, context='')
    asked = _values(own) if question.wants != 'reason' else set()
    if not asked:
        return []
    read = facts or (lambda i: Facts.of(evidence.sentences[i].text,
                                        detect_language(evidence.sentences[i].text)))
    quoted = [n[0] for i in best.positions for n in read(i).numbers]
    if all(among(v, asked) for v in quoted):
        return []
    return sorted(v for v in asked if not among(v, quoted))


def _values(question: Question) -> set:
    """Return the values a question gives, less the small counts that name what it is about.

    "The three PID terms", "le redresseur à quatre diodes": a count up to `NAMING_COUNT` without
    a unit says which thing, not a value of an example ("turns 8 times a year" is one); "one
    degree", "un kilogramme" speak of the unit itself.
    """
    try:
        found = claims(question.whole, question.language)
    except ValueError:
        return set()
    return {c.value for c in found if c.kind == 'number' and c.value not in (0, 1) and
            (c.unit or not float(c.value).is_integer() or not 0 < c.value <= NAMING_COUNT or
             re.search(rf'(?<!\w){re.escape(c.text)}\s+(?:times|fois)\b', question.whole, re.I))}
