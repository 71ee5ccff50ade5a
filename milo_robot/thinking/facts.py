# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What kind of fact a sentence states: a value, a unit, a name, a time, a place, a reason...

A question wants one kind of fact (thinking/question.py); a sentence that only repeats the
question's words without that fact ("c is the specific heat capacity of the material", for "What
is the specific heat capacity of water?") does not answer it. `Facts` reads a sentence once and
says how well it gives each kind, the question's own words and numbers left out.
"""

import re
from dataclasses import dataclass

from milo_robot.thinking.compute import formulas
from milo_robot.thinking.faithfulness import claims
from milo_robot.thinking.words import content_stems, fold, stem

_TIME_UNITS = {'s', 'ms', 'μs', 'µs', 'min', 'h', 'τ', 'd'}
# A day, a date or an hour says when; "today" or "next week" only roughly.
_WHEN = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|"
    r"june|july|august|september|october|november|december|noon|midnight|\d{1,2}(:\d{2})? ?(am|pm)|"
    r"\d{1,2}:\d{2}|\d{1,2}(st|nd|rd|th)|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|"
    r"fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|midi|minuit|"
    r"\d{1,2} ?h ?\d{0,2}|\d{1,2} heures?)\b")
_ROUGHLY_WHEN = re.compile(r"\b(tomorrow|today|tonight|next week|this week|morning|afternoon|evening|"
                           r"demain|aujourd'hui|semaine prochaine|cette semaine|matin|apres-midi|soir|"
                           r"next time|la prochaine fois)\b")
# A room's code is in capitals ("C214"): read without case, "to 100" and "of 12" were places.
# Where work is handed in is a place too ("on the GitLab server", "sur la plateforme").
_WHERE = re.compile(r"(?-i:\b[A-Z]{1,2}[- ]?\d{2,4}\b)|\b(room|rooms|building|floor|amphitheatre|"
                    r"amphitheater|hall|lab|laboratory|library|moodle|salle|batiment|etage|amphi|"
                    r"laboratoire|server|repository|website|platform|serveur|dépôt|depot|plateforme)\b",
                    re.I)
# "The assignment is online" says that it is there, not where: a sentence naming the place
# ("on the GitLab server") answers "Where do we submit it?" better.
_ONLINE = re.compile(r"\b(online|en ligne)\b", re.I)
_REASON = re.compile(r"\b(because|since|so that|which is why|that's why|this is why|that is why|"
                     r"due to|as a result|thanks to|the reason|otherwise|car|parce que|parce qu|"
                     r"puisque|c'est pourquoi|c'est pour ca|grace a|a cause de|sinon|ce qui explique|"
                     r"so|donc)\b")
_FORMULA = re.compile(r"=|\b(equals|equal to|times|divided by|over|squared|to the power|egale|egal a|"
                      r"fois|divise par|au carre|puissance|racine|square root|proportional|"
                      r"proportionnel|product|produit|sum of|somme des)\b")
# "Aliasing: a high frequency...", "the law says that", "la pression relative, c'est...", "la
# vergence, qui est l'inverse de la distance focale" (a relative clause defines too).
_DEFINED = re.compile(r"\b([a-z][\w'-]*(?: [a-z][\w'-]*){0,2}),?\s*(?:(?:qui|which)\s+)?"
                      r"(?::(?!\s*$)|\b(?:is|are|means|"
                      r"says|say|states|state|c'est|ce sont|est|sont|signifie|veut dire|designe|dit|"
                      r"disent)\b)")
# Before a colon: "..., c'est un système fermé :", "this is a closed loop:", a thing said to be of
# a kind; "X a une propriété bien pratique :", "X has two drawbacks:", a thing said to have one.
_INSTANCE = re.compile(r"\b(?:c'est|ce sont|est|sont|is|are) (?:un|une|des|a|an) ([\w'-]+(?: [\w'-]+)?)$")
_HAS = re.compile(r"\b(?:a|ont|possede|possedent|has|have) (?:un|une|des|deux|trois|a|an|one|two|three|some) "
                  r"[\w'-]+(?: [\w'-]+){0,2}$")
_CALLED = re.compile(r"\b(?:is called|are called|we call|it's called|called|s'appelle|on appelle|"
                     r"appele|appelee|qu'on appelle)\s+(?:(?:it|this|that|them|these|those) )?"
                     r"(?:the |a |an |le |la |l'|les )?"
                     r"([\w'-]+(?: [\w'-]+)?)")
# A number said as a result: "which gives 800 watts", "soit 150 newtons".
_RESULT = re.compile(r"\b(is|are|gives?|giving|equals?|makes?|so|that's|which is|vaut|valent|soit|"
                     r"donne|donnent|fait|egale?|c'est|ca fait|reaches|atteint|about|around|environ)\b"
                     r"[^.;:]{0,25}$|=\s*$")
_YESNO = re.compile(r"\b(allowed|droit|not allowed|forbidden|yes|no|cannot|can't|can not|never|always|"
                    r"must|same|exactly the same|autorise|autorisee|autorises|interdit|interdits|"
                    r"aucun|aucune|jamais|toujours|pas de|pas le droit|le droit|meme|identique)\b")
# "Bring a calculator", "Venez avec une blouse": what students are told to bring or wear.
_BRING = re.compile(r"\b(bring|wear|apportez|apporter|venez avec|portez|porter|prenez|munissez-vous|"
                    r"amenez|emportez|n'oubliez pas)\b")
_SERVES = re.compile(r"\b(sert|servent|servir) (a|au|aux|de|d)\b|\bpermet(tent)? (de|d)\b|\bon l'utilise\b|"
                     r"\b(used|use it|use them) (to|for)\b|\bis for\b|\bare for\b|\bpurpose\b")
_PROPER = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-zà-ÿ]+(?:[-'][A-Z]?[a-zà-ÿ]+)*|[A-Z]{2,}\w*)\b")


@dataclass(frozen=True)
class Facts:
    """What one sentence states, read once."""

    numbers: tuple  # (value, unit, text, said as a result) of each number
    units: tuple  # unit symbols named (with or without a number)
    names: tuple  # proper nouns, acronyms and technical terms, folded
    stems: frozenset
    when: float  # 1 for a day, date or hour; 0.5 for "today", "next week"
    where: float  # 1 for a room, a building, a platform; 0.5 for only "online"
    reason: bool
    formula: float  # 1 for a formula, 0.6 for words of one ("times", "divided by")
    defines: tuple  # folded words that the sentence says what they are ("aliasing: ...")
    yesno: bool
    items: int  # how many things it lists (commas and "and")
    brings: bool  # tells students what to bring or wear
    serves: bool = False  # says what something is used for ("sert de tampon", "is used to")
    # Stems of terms it speaks of without saying what they are: the kind an example is said to be,
    # the thing a property is said of (see `_defined`).
    undefined: frozenset = frozenset()

    @classmethod
    def of(cls, text: str, language: str) -> 'Facts':
        """Read a sentence."""
        try:
            found = claims(text, language)
        except ValueError:  # a sentence the claim reader cannot read still has words
            found = []
        plain = fold(text)
        numbers = []
        for c in found:
            if c.kind == 'number':
                at = plain.find(fold(c.text))
                numbers.append((c.value, c.unit, c.text, at > 0 and bool(_RESULT.search(plain[:at]))))
        units = tuple({c.unit for c in found if c.unit})
        names = {fold(c.text) for c in found if c.kind == 'term'}
        names |= {fold(m) for m in _PROPER.findall(text)}
        items = len(re.findall(r',|\b(and|et|or|ou)\b', plain))
        when = 1.0 if _WHEN.search(plain) else 0.5 if _ROUGHLY_WHEN.search(plain) else 0.0
        # A formula the computations read is a formula: "Le gain du non-inverseur vaut 1 plus R2 sur
        # R1" says none of the words of _FORMULA ("sur" is most often a preposition).
        formula = 1.0 if any(c.kind == 'formula' for c in found) or formulas.read_all(text) else \
            0.6 if _FORMULA.search(plain) else 0.0
        where = 1.0 if _WHERE.search(text) else 0.5 if _ONLINE.search(text) else 0.0
        defines, undefined = _defined(plain)
        return cls(tuple(numbers), units, tuple(sorted(names)), frozenset(content_stems(text)), when,
                   where, bool(_REASON.search(plain)), formula,
                   defines + _called(plain), bool(_YESNO.search(plain)), items, bool(_BRING.search(plain)),
                   bool(_SERVES.search(plain)), undefined)

    def gives(self, wants: str, asked_numbers: set, asked_stems: set, asked_dim=None) -> float:
        """Say how well this sentence gives the kind of fact wanted, 0..1 (the question's own left out)."""
        new_numbers = [n for n in self.numbers if not among(n[0], asked_numbers)]
        proper = [n for n in self.names if not set(content_stems(n)) <= asked_stems]
        if wants == 'value':
            if asked_dim is not None and new_numbers:  # "what heat rate": watts, not kelvin per watt
                dims = [_dimension(n[1]) for n in new_numbers]
                if asked_dim in dims:
                    return 1.0
                return 0.2 if any(d is not None for d in dims) else 0.5
            return 1.0 if any(n[3] for n in new_numbers) else 0.7 if new_numbers else 0.0
        if wants == 'duration':
            if any(u in _TIME_UNITS for _, u, _, _ in new_numbers):
                return 1.0
            return 0.5 if new_numbers else 0.0
        if wants == 'unit':
            if asked_dim is not None and self.units:  # the temperatures' unit: not a percentage
                return 1.0 if any(_dimension(u) == asked_dim for u in self.units) else 0.3
            return 1.0 if self.units else 0.0
        if wants == 'name':
            return 1.0 if proper else 0.2
        if wants == 'when':
            return self.when
        if wants == 'where':
            return self.where
        if wants == 'reason':
            return 1.0 if self.reason else 0.3
        if wants == 'formula':
            return self.formula
        if wants == 'list':
            return min(1.0, self.items / 3)
        if wants == 'definition':
            said = {stem(w) for phrase in self.defines for w in phrase.split()}
            if said & asked_stems:
                return 1.0
            if self.undefined & asked_stems:  # an example of the term asked, or a property of it
                return 0.2
            return 0.8 if said & _REFERS else 0.6 if self.defines else 0.2
        if wants == 'purpose':
            return 1.0 if self.serves else 0.3
        if wants == 'bring':
            return 1.0 if self.brings else 0.3
        if wants == 'yesno':
            return 1.0 if self.yesno else 0.5
        return 0.5


_REFERS = {'it', 'this', 'that', 'they', 'il', 'elle', 'ils', 'elles', 'cela', 'ce'}


def _dimension(unit: str):
    """Return the SI dimension of a unit symbol, or None."""
    from milo_robot.thinking.compute.quantities import unit_of

    known = unit_of(unit) if unit else None
    return known[0] if known else None


def _defined(plain: str) -> tuple:
    """Return the words a sentence says what they are, and the stems of those it does not define.

    "Le gaz enfermé dans un cylindre, c'est un système fermé : le piston bouge..." describes the
    gas, one closed system, after its colon; "la vergence a une propriété bien pratique : ..." says
    what the vergence does. What a closed system or the vergence is, the teacher says elsewhere.
    """
    defines, undefined = [], set()
    for m in _DEFINED.finditer(plain):
        if m.group(1).endswith("'"):  # "c'est", "qu'est-ce": no word is defined
            continue
        if m.group(0).endswith(':'):
            before = plain[:m.end(1)]
            kind, has = _INSTANCE.search(before), _HAS.search(before)
            if kind:
                undefined |= set(content_stems(kind.group(1)))
                continue
            if has:
                undefined |= set(content_stems(before[:has.start()])) - set(content_stems(m.group(1)))
        defines.append(m.group(1))
    return tuple(defines), frozenset(undefined)


def _called(plain: str) -> tuple:
    """Words a sentence gives a name to ("...is called the anti-aliasing filter")."""
    return tuple(m.group(1) for m in _CALLED.finditer(plain))


def among(value: float, values) -> bool:
    """Whether `value` is one of `values` (as read from text, so up to rounding errors)."""
    return any(abs(value - v) <= 1e-9 * max(1.0, abs(v)) for v in values)


def question_numbers(text: str, language: str) -> set:
    """Return the values a question states (a sentence that only repeats them gives none)."""
    try:
        return {c.value for c in claims(text, language) if c.kind == 'number'}
    except ValueError:
        return set()
