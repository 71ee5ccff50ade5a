# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Answer a computation with a formula the class stated, and check the result by computing it again.

"How much energy does it take to heat 1.5 kilograms of water by 80 kelvin?" The teacher said
"Q equals m times c times delta T", that m is a mass in kilograms, and that c is 4186 joules per
kilogram per kelvin for water. So:

1. the formulas of the course are read once (compute/formulas.py), with what the teacher said
   each symbol is, and the values given to some ("g vaut 9,81");
2. the question's numbers (compute/quantities.py) are bound to the symbols: by the symbol said
   before the number ("h to 40"), by unit (kilograms are a mass), by the words before it ("une
   force de 60 newtons"); a symbol the question leaves out takes the value the teacher gave it,
   preferring a sentence about what the question is about ("water", "la Lune", "the brick wall");
3. the symbol the question asks for is the one whose name it uses; a formula that is a product of
   powers is solved for any of its symbols (compute/expression.py);
4. the result is put back into the formula and the formula computed again: the two must agree.

Every number of the question must be used: a formula that leaves one out is not the computation
the student asked for.
"""

import ast
import itertools
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from milo_robot.thinking.compute import formulas as spoken
from milo_robot.thinking.compute.expression import ExpressionError, evaluate, monomial, parse, solve
from milo_robot.thinking.compute.quantities import (
    Quantity,
    conventional_dimension,
    is_unit_word,
    kind_stems,
    named_dimension,
    read,
    unit_of,
)
from milo_robot.thinking.compute.spoken_expression import PHRASE
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.faithfulness.units import ZERO
from milo_robot.thinking.question import Question, asking_words, detect_language
from milo_robot.thinking.words import content_stems

WINDOW = 3  # sentences around a formula where the teacher says what its symbols are
TOLERANCE = 1e-6  # relative: the result put back into the formula
FROM_THE_LECTURE = 2  # words a sentence shares with a question that gives no number, for its values
NAMED_BY = 2  # words of a symbol's name said before a number without a unit, for it to be that symbol's value
MIN_ABOUT = 3.0  # how much a teacher's value must be about the question (see _about) to be used
SECONDS = unit_of('s')[0]  # what "how long" asks for
NEWTONS, KILOGRAMS = unit_of('N')[0], unit_of('kg')[0]
_WEIGHS = re.compile(r"\b(?:pèsen?t?|pesent|weighs?)\b", re.I)  # asks for a weight, or a mass
_COUNT_WORDS = frozenset({'numb', 'nombr'})  # stems of "the number of", "le nombre de"
_VALUE_WORDS = frozenset({'valu', 'valeur'})  # "the average inventory value" is "an average inventory of"
_PREFIX = 6  # letters of a stem that begins another word for the two to name one thing
_ANY_THING = frozenset({'element', 'objet', 'object', 'body', 'corp', 'piec', 'part', 'item'})  # stems
# A number said before these is a term or a factor of an expression, not a symbol's value:
# "c equals 331 plus 0.6 times T", "omega equals 2 pi N over 60".
_MORE = re.compile(r"\s*(?:plus|minus|moins|times|fois|divided|divisé|over|sur|pi|π|[-+*/×])(?!\w)", re.I)
_UNIT_ASKED = re.compile(r"\b(?:in|en)\s+((?:[^\W\d_]+[\s-]?){1,5}?)\s*\?*\s*$", re.I)
_IN_UNIT = re.compile(r'\b(?:in|en)\s+(.{3,50})$', re.I)
_UNITS_SAID = re.compile(r'\b(?:in|en)\s+((?:[^\W\d_]+\s*){1,6})', re.I)


@dataclass
class Variable:
    """A symbol of a formula, with what the teacher said it is."""

    symbol: str
    name: str = ''
    stems: frozenset = frozenset()
    dim: Optional[tuple] = None
    values: list = field(default_factory=list)  # (Quantity, position of the sentence) the teacher gave it


@dataclass
class Result:
    """A computed answer."""

    formula: spoken.Formula
    unknown: str
    value: float  # in SI units
    dim: Optional[tuple]
    bound: dict  # symbol -> Quantity
    variables: dict  # symbol -> Variable
    score: float


class Computer:
    """Formulas of the evidence, read once, and the computations they answer."""

    def __init__(self, evidence: Evidence):
        """Compute with the formulas of `evidence`."""
        self.evidence = evidence
        self._read = 0  # sentences read for formulas so far
        self._formulas = []  # (Formula, {symbol: Variable})
        self._said = {}  # position -> the Quantities of the sentence (read once)
        self._defined = {}  # position -> {symbol: name} the sentence says (read once)

    def formulas(self) -> list:
        """Return every formula of the evidence with its variables (new sentences read first)."""
        sentences = self.evidence.sentences
        while self._read < len(sentences):
            for formula in spoken.read_all(sentences[self._read].text, self._read):
                self._formulas.append((formula, self._variables(formula)))
            self._read += 1
        return self._formulas

    def quantities(self, i: int) -> list:
        """Return the numbers of sentence i with their units (read once)."""
        if i not in self._said:
            text = self.evidence.sentences[i].text
            self._said[i] = read(text, detect_language(text))
        return self._said[i]

    def _variables(self, formula: spoken.Formula) -> dict:
        """Return what the teacher said each symbol of a formula is, from the sentences around it."""
        ev = self.evidence
        window = [formula.sentence]
        for step in range(1, WINDOW + 1):
            for sign in (-1, 1):
                j = ev.neighbour(formula.sentence, sign * step)
                if j is not None:
                    window.append(j)
        names = dict(formula.meanings)
        for j in window:
            for symbol, name in self._definitions(j).items():
                names.setdefault(symbol, name)
        for symbol in formula.variables:
            if symbol not in names:  # "le taux d'amortissement, noté zêta", said a minute before
                names.update(self._lecture_name(symbol, formula.sentence))
        # The target is named by what the sentence says before it ("the heat rate is Q dot"), or
        # by the sentence before ("Le moment d'une force, c'est... M égale F fois d").
        head = ev.sentences[formula.sentence].text.split(formula.said.split()[0])[0]
        before = ev.neighbour(formula.sentence, -1)
        about = {}  # symbol -> words about it that name no unit
        if ':' in head and len(head.rsplit(':', 1)[1].split()) < 2 and len(head.split()) >= 2 and \
                formula.target not in names:
            # "Sabine gave the formula around 1900, working on a lecture hall: T equals...": the
            # words before the colon introduce the formula and the sentence before says what it
            # gives ("The reverberation time... is the time it takes..."); they tell what the
            # target is about, not its unit ("working" is no work in joules).
            about[formula.target] = head + ' ' + (ev.sentences[before].text if before is not None else '')
            head = ''
        elif len(head.split()) < 2 and before is not None:
            head = ev.sentences[before].text
            if re.match(r'\w\b', names.get(formula.target, '')):
                # "The classic answer is the Wilson formula, the economic order quantity. Q star
                # equals...": the target is a symbol with a word ("Q star"); the sentence before
                # says what it is about.
                about[formula.target] = head
        names.setdefault(formula.target, head)
        out = {}
        for symbol in formula.variables:
            name = names.get(symbol, '')
            unit = _IN_UNIT.search(name)
            dim = None
            if unit:
                found = read('1 ' + unit.group(1), detect_language(name))
                dim = found[0].dim if found else None
            dim = dim or named_dimension(name) or (conventional_dimension(symbol) if not name else None)
            said = _said_as(symbol, names)
            values = []
            for j in window:
                values += [(q, j) for q in _given_values(said, ev.sentences[j].text)]
            values = values or self._constant(said, formula.sentence)
            units = {q.dim for q, _ in values}
            if dim is None and len(units) == 1:  # "the motor constant", said as 0.05 newton-metres per ampere
                dim = units.pop()
            stems = frozenset(content_stems(name + ' ' + about.get(symbol, '')))
            out[symbol] = Variable(symbol, name, stems - {symbol.lower()}, dim, values)
        _derive_target_dimension(formula, out)
        return out

    def _definitions(self, i: int) -> dict:
        """Return what sentence i says symbols are ({symbol: name}; read once)."""
        if i not in self._defined:
            self._defined[i] = spoken.definitions(self.evidence.sentences[i].text)
        return self._defined[i]

    def _lecture_name(self, symbol: str, i: int) -> dict:
        """Return {symbol: name} when the lecture of sentence i names the symbol one way only, else {}."""
        found = {self._definitions(j)[symbol] for j in self.evidence.group_positions(i)
                 if symbol in self._definitions(j)}
        return {symbol: found.pop()} if len(found) == 1 else {}

    def _constant(self, said: str, i: int) -> list:
        """Return the value the lecture of sentence i gives a symbol, when it gives one value only.

        "we'll use g equals 9.81 metres per second squared", said a minute before the formula: one
        value, said once or more, is the symbol's constant; several differ: they are examples.
        """
        found = [(q, j) for j in self.evidence.group_positions(i)
                 for q in _given_values(said, self.evidence.sentences[j].text)]
        return found[:1] if len({q.value for q, _ in found}) == 1 else []

    def named_values(self, question: Question, allow: Optional[Callable] = None) -> list:
        """Return the question's numbers without a unit that name a symbol of a formula of the class.

        "pour un taux d'amortissement de 0,02", "with a safety factor of 5": a value to compute with,
        named by the words the teacher named the symbol with (two of them at least: "30 dents au
        module 3" names no symbol, a count of another example). "a rack with 12 bays": a count of
        what a symbol counts ("the number of bays"), named by the word after it.
        """
        used = [(formula, variables) for formula, variables in self.formulas()
                if allow is None or allow(self.evidence.sentences[formula.sentence])]
        names = [v.name for _, variables in used for v in variables.values()]
        before = {frozenset(_name_words(name)) for name in names if len(_name_words(name)) == NAMED_BY}
        # Counts only in a formula that counts ("the number of pallet positions is..."): "30 dents au
        # module 3" gives no unit to the module, a length in millimetres, nor to the diameter.
        counted = {_counted(v.name) for formula, variables in used
                   if _counted(variables[formula.target].name) and
                   all(v.dim is None for v in variables.values()) for v in variables.values()} - {None}
        return [q for q in read(question.whole, question.language)
                if q.dim is None and not q.symbols and
                (any(n <= set(q.before) for n in before) or q.after[:1] and q.after[0] in counted)]

    def compute(self, question: Question, allow: Optional[Callable] = None) -> Optional[Result]:
        """Return the best computation that answers the question, or None."""
        given = read(question.whole, question.language)
        if not given and question.wants not in ('value', 'any'):
            return None
        # What the question is about, by its words: units ("kilogrammes") say nothing of which example.
        asked = {s: self.evidence.idf(s) for s in set(question.focus) | set(question.context_focus)
                 if not is_unit_word(s)}
        in_unit = _unit_asked(question.text)
        if in_unit is not None and len(given) == 1 and given[0].dim == in_unit:
            return None  # "What is one megapascal in newtons per square millimetre?": a change of unit
        wanted = in_unit or named_dimension(asking_words(question.text)) or \
            (SECONDS if question.wants == 'duration' else None)
        # "Combien pèse un sac de 50 kilogrammes sur la Lune ?" asks for a weight in newtons, but
        # "Combien pèse une poutre de 0,8 mètre cube ?" for a mass: the mass when no weight is computed.
        for kind in (wanted, KILOGRAMS) if wanted == NEWTONS and _WEIGHS.search(question.text) else (wanted,):
            best = None
            for formula, variables in self.formulas():
                if allow is not None and not allow(self.evidence.sentences[formula.sentence]):
                    continue
                for unknown in variables.values():
                    result = self._try(formula, variables, unknown, given, asked, kind, allow)
                    if result is not None and (best is None or result.score > best.score):
                        best = result
            if best is not None:
                return best
        return None

    def _try(self, formula, variables, unknown, given, asked, wanted, allow) -> Optional[Result]:
        """Bind the question's numbers to a formula and solve it for `unknown`, if it fits."""
        if wanted is not None and unknown.dim is not None and unknown.dim != wanted:
            return None  # the question asks for another kind of quantity
        if wanted is not None and unknown.dim is None and unknown.symbol.startswith(PHRASE):
            return None  # "la valeur efficace", a quantity said in words with no unit, is no tension
        named = len(unknown.stems & set(asked))
        if not named and (wanted is None or unknown.dim != wanted):
            return None  # nothing says this is what the question asks for
        # "takt" of "the takt time", "ciment" of "la masse de ciment"; not "élément" of "la masse d'un
        # élément"
        specific = unknown.stems - kind_stems() - _ANY_THING
        in_words = unknown.symbol == spoken.NAMED or unknown.symbol.startswith(PHRASE)
        other = specific and not specific & set(asked)
        kind = wanted is not None and unknown.dim == wanted
        if in_words and unknown.stems and (not named and (other or not kind) or other and not kind):
            # A quantity the teacher named in words, and the question names another one: "How many
            # kanban cards... with a lead time of 2 hours?" is no takt time, though both say "time".
            # One the question asks for by its kind only is: "Combien pèse une poutre ?" is "la masse
            # d'un élément", not "la masse de ciment".
            return None
        if unknown.stems and any(unknown.dim in (None, q.dim) and
                                 _shared(unknown.stems, q.before) == len(unknown.stems) for q in given):
            return None  # "a lift with a rated load of 1000 kilograms": the rated load is given, not asked
        others = [v for v in variables.values() if v.symbol != unknown.symbol]
        if len(given) > len(others):
            return None
        binding = self._bind(others, given, asked, allow)
        if binding is None:
            return None
        bindings, score = binding
        tree = parse(formula.expression)
        results = [_solved(formula, tree, unknown.symbol, bound) for bound in bindings]
        if None in results or any(abs(r - results[0]) > TOLERANCE * max(abs(r), 1e-12) for r in results):
            return None  # no answer, or as good a reading of the question gives another one
        result, bound = results[0], bindings[0]
        as_said = self._as_said(formula, tree, bound)
        if as_said is None:
            return None
        dim = unknown.dim or wanted
        if as_said:  # in the teacher's units: the result's unit is theirs too, not told
            result, dim = _solved(formula, tree, unknown.symbol, as_said), None
            if result is None:
                return None
        if result < 0 and dim in _MAGNITUDES:
            return None  # a negative resistance, length or time: the question was read wrong
        dims = dict({s: q.dim for s, q in bound.items()}, **{unknown.symbol: unknown.dim})
        if not as_said and not _same_units(formula, tree, dims):
            return None  # "E equals k times omega" with k bound to 130 radians per second
        overlap = len(set(self.evidence.stems(formula.sentence)) & set(asked))
        target = 1.0 if unknown.symbol == formula.target else 0.0
        kind = 2.0 if wanted is not None and unknown.dim == wanted else 0.0
        return Result(formula, unknown.symbol, result, dim, bound, variables,
                      score + kind + named + overlap + target)

    def _as_said(self, formula, tree, bound: dict) -> Optional[dict]:
        """Return {} to compute in SI, the values as said to compute in the teacher's units, or None.

        The values as said are the numbers before their units. "The efficiency equals 3600 divided
        by the specific consumption times the heating value, in grams per kilowatt hour and
        megajoules per kilogram": 3600 holds in those units, not in SI; "l'énergie autoconsommée
        fois le prix du kilowattheure, et on prendra 0,25 euro le kilowattheure": 0,25 is per
        kilowatt hour, not per joule. The numbers as said answer when every value given in other
        units than SI is in units the formula's sentence names, in those words; else no answer.
        """
        converted = [q for q in bound.values() if q.dim and any(q.dim) and q.raw and
                     abs(q.value / q.raw - 1) > TOLERANCE]
        if not converted:
            return {}
        sentence = self.evidence.sentences[formula.sentence].text
        # a number without a unit said with a unit's name: a price or a rate per that unit
        per_unit = any(q.dim is None and any(is_unit_word(w) for w in q.before + q.after)
                       for q in bound.values())
        if not per_unit and not (_constant_with_units(tree) and _units_said(sentence)):
            return {}
        said = f" {' '.join(content_stems(sentence))} "
        if not all(f" {' '.join(_unit_words(q))} " in said for q in converted):
            return None  # "kilograms per kilowatt hour" where the teacher said grams
        return {s: replace(q, value=q.raw) if q in converted else q for s, q in bound.items()}

    def _bind(self, others: list, given: list, asked: set, allow) -> Optional[tuple]:
        """Bind every symbol: the question's numbers first, each used once, then the teacher's values.

        Return ([bindings], score): every binding of the question's numbers that fits best (two
        lengths and no name to tell them apart fit "delta L over L zero" both ways), or None.
        """
        fitting = []
        for chosen in itertools.permutations(others, len(given)):
            fits = [_fit(variable, quantity) for variable, quantity in zip(chosen, given)]
            if all(fit > 0 for fit in fits):
                fitting.append((sum(fits), dict(zip((v.symbol for v in chosen), given))))
        if not fitting:
            return None
        score = max(fit for fit, _ in fitting)
        bindings = [bound for fit, bound in fitting if fit == score]
        least = 0 if given else FROM_THE_LECTURE  # nothing given: every value from the example asked about
        for variable in others:
            if all(variable.symbol in bound for bound in bindings):
                continue
            value = self._stated(variable, asked, allow, least)
            if value is None:
                return None
            for bound in bindings:
                bound.setdefault(variable.symbol, value)
        return bindings, score

    def _stated(self, variable: Variable, asked: set, allow, least: int = 0) -> Optional[Quantity]:
        """Return the value the teacher gave a symbol, preferring a sentence about what is asked.

        `least`: how many words of the question the sentence of the value must share at least.
        """
        ev = self.evidence
        # The values the teacher gave the symbol itself ("g vaut 9,81") are its own: always usable.
        candidates = [(_about(q, ev.stems(j), asked) + MIN_ABOUT, -n, q)
                      for n, (q, j) in enumerate(variable.values)
                      if len(set(ev.stems(j)) & set(asked)) >= least]
        head = _head(variable.name)
        if variable.dim is not None or variable.stems:
            for j, sentence in enumerate(ev.sentences):
                if allow is not None and not allow(sentence):
                    continue
                shared = len(set(ev.stems(j)) & set(asked))
                if not shared or shared < least:
                    continue
                for q in self.quantities(j):
                    # A number without a unit counts only after the name of the symbol's quantity:
                    # "the brick has a conductivity of 0.8", not "the two faces".
                    named = head is not None and head in q.before and (q.dim is None or not any(q.dim)) \
                        and q.said[0].isdigit()  # "une efficience d'environ 90 pour cent"
                    own = head is not None and head in q.before  # "la masse volumique de 1000"
                    # "masse égale masse volumique fois volume, et pour le PLA on prend 1,24 gramme par
                    # centimètre cube": a value of the quantity's unit in a sentence that names it
                    own = own or variable.dim is not None and q.dim == variable.dim and \
                        variable.stems <= set(ev.stems(j))
                    # "...fois le prix du kilowattheure, et on prendra 0,25 euro le kilowattheure": a
                    # number without a unit, in a sentence that names the quantity, said with its words
                    said_with = q.dim is None and variable.stems <= set(ev.stems(j)) and \
                        bool(set(q.before + q.after) & variable.stems) and q.said[0].isdigit()
                    own = own or said_with
                    if not own and variable.symbol.startswith(PHRASE):
                        continue  # "yield strength": a value said as one, not any value in pascals
                    if (variable.dim is not None and q.dim == variable.dim) or named or said_with:
                        candidates.append((_about(q, ev.stems(j), asked) + MIN_ABOUT * own,
                                           -len(candidates) - 99, q))
        candidates = [c for c in candidates if c[0] >= MIN_ABOUT]
        if not candidates:
            return None
        return max(candidates, key=lambda c: (c[0], c[1]))[2]


def _unit_asked(text: str) -> Optional[tuple]:
    """Return the dimension of the unit a question ends by asking for ("... in radians per second?").

    Only a unit read whole: "in newtons per square millimetre" read as newtons would ask for a force.
    """
    said = _UNIT_ASKED.search(text)
    unit = '1 ' + said.group(1).strip() if said else ''
    found = read(unit, detect_language(text)) if said else []
    return found[0].dim if len(found) == 1 and found[0].said.strip() == unit else None


def _solved(formula: spoken.Formula, tree, unknown: str, bound: dict) -> Optional[float]:
    """Solve a formula for `unknown` with the values bound, checked: put back, it gives the formula again."""
    values = {s: q.value for s, q in bound.items()}
    try:
        result = solve(formula.target, tree, unknown, values)
        if result is None:
            return None
        check = dict(values, **{unknown: result})
        again = evaluate(tree, check)
    except ExpressionError:
        return None
    if abs(again - check[formula.target]) > TOLERANCE * max(abs(again), 1e-12):
        return None  # the result put back does not give the formula again
    return result


_MIXED = 'mixed'  # a sum of quantities of different kinds
# Quantities that are never negative: a result below zero is a reading of the question gone wrong
# ("R égale tension d'alimentation moins tension de la LED, ...", the two voltages swapped).
_MAGNITUDES = {unit_of(u)[0] for u in ('Ω', 'kg', 'm', 's', 'm^2', 'm^3', 'Hz', 'F', 'kg/m^3')}
_PURE = (0.5, 1, 2, 3, 4)  # numbers of a formula that carry no unit ("one half g t squared", "2 pi")


def _dimension(tree, dims: dict):
    """Return the dimension of an expression: None where a symbol has none, _MIXED for unlike terms summed."""
    if isinstance(tree, ast.Constant):
        return ZERO
    if isinstance(tree, ast.Name):
        return dims.get(tree.id) if tree.id != 'pi' else ZERO
    if isinstance(tree, ast.UnaryOp):
        return _dimension(tree.operand, dims)
    if isinstance(tree, ast.Call):
        inner = _dimension(tree.args[0], dims)
        if inner in (None, _MIXED):
            return inner
        # The square root of volts is no unit: "racine de deux fois efficace" read as sqrt(2 U) with
        # U in volts is a misreading (the teacher meant √2 × U), never an answer.
        return _MIXED if any(e % 2 for e in inner) else tuple(e // 2 for e in inner)
    left, right = _dimension(tree.left, dims), _dimension(tree.right, dims)
    if _MIXED in (left, right):
        return _MIXED
    if isinstance(tree.op, (ast.Add, ast.Sub)):
        return _MIXED if None not in (left, right) and left != right else left if left is not None else right
    if left is None or right is None:
        return None
    if isinstance(tree.op, ast.Pow):
        power = tree.right.value if isinstance(tree.right, ast.Constant) else None
        return tuple(int(e * power) for e in left) if power is not None and power == int(power) else None
    sign = 1 if isinstance(tree.op, ast.Mult) else -1
    return tuple(a + sign * b for a, b in zip(left, right))


def _units_said(text: str) -> bool:
    """Whether a sentence says a unit other than SI's for its quantities ("in grams per kilowatt hour")."""
    for match in _UNITS_SAID.finditer(text):
        found = read('1 ' + match.group(1), detect_language(text))
        if found and found[0].dim and any(found[0].dim) and abs(found[0].value - 1) > TOLERANCE:
            return True
    return False


def _constant_with_units(tree) -> bool:
    """Whether a formula holds a number other than a count or a half: one that carries a unit."""
    return any(isinstance(n, ast.Constant) and n.value not in _PURE for n in ast.walk(tree))


def _same_units(formula: spoken.Formula, tree, dims: dict) -> bool:
    """Whether both sides of a formula have one dimension with the values bound (`dims`).

    No sum of unlike terms ("f times c divided by c minus v" read as f c / c - v: hertz minus
    metres per second), and the right side in the target's unit: a number bound to the wrong
    symbol gives volts times seconds for volts. Unknown where a value has no unit, or where the
    formula holds a number other than a count or a half (0.161 carries a unit nobody said).
    """
    right = _dimension(tree, dims)
    if right is _MIXED:
        return False
    left = dims.get(formula.target)
    if right is None or left is None or any(
            isinstance(n, ast.Constant) and n.value not in _PURE for n in ast.walk(tree)):
        return True
    return left == right


def _derive_target_dimension(formula: spoken.Formula, variables: dict) -> None:
    """Give a formula's target the dimension of its right side, when the teacher did not name it.

    "sigma equals F over A", with F a force in newtons and A an area: sigma is in N/m², a pressure.
    Only numbers that are counts or halves may be in it: another number may carry a unit.
    """
    target, tree = variables[formula.target], parse(formula.expression)
    form = monomial(tree)
    if target.dim is not None and _IN_UNIT.search(target.name) or form is None or any(
            isinstance(n, ast.Constant) and n.value not in _PURE for n in ast.walk(tree)):
        return  # "T equals 0.161 V over A": 0.161 is in seconds per metre, a unit nobody said
    dim = ZERO
    for symbol, power in form[1].items():
        known = variables[symbol].dim if symbol in variables else None
        if known is None or power != int(power):
            return
        dim = tuple(a + int(power) * b for a, b in zip(dim, known))
    # A target named in words only ("the back EMF, E, ... proportional to the speed") takes the
    # unit of its right side when every symbol there has one: the words may name another quantity.
    target.dim = dim if any(dim) else target.dim


def _about(quantity: Quantity, sentence_stems, asked: dict) -> float:
    """Score how much a value is about what is asked (rare words weigh more, those just before it double)."""
    return 2 * sum(asked.get(s, 0.0) for s in set(quantity.before)) + \
        sum(asked.get(s, 0.0) for s in set(sentence_stems))


def _unit_words(quantity: Quantity) -> list:
    """Return the stems of the words of a value's unit as said ("220 grams per kilowatt hour")."""
    return [w for w in content_stems(quantity.said) if not any(c.isdigit() for c in w)]


def _counted(name: str) -> Optional[str]:
    """Return the stem of what a symbol counts, or None.

    "the number of bays" and "le nombre de dents" count bays and teeth, "pallets per level" counts
    pallets; "the daily demand" counts none.
    """
    stems = content_stems(name)
    if len(stems) >= 2 and stems[0] in _COUNT_WORDS:
        return stems[1]
    return stems[0] if len(stems) >= 2 and re.search(r'\b(?:per|par)\b', name) else None


def _name_words(name: str) -> list:
    """Return the last words that name a quantity ("on calcule le taux d'amortissement": taux, amortis...).

    "Value" is left out: "the average inventory value" is named "an average inventory of".
    """
    words = content_stems(re.split(r'\b(?:in|en)\b', name)[0])
    return [w for w in words if w not in _VALUE_WORDS][-NAMED_BY:]


def _head(name: str) -> Optional[str]:
    """Return the stem of the noun that names a quantity ("thermal conductivity in watts" → conductiv)."""
    words = content_stems(re.split(r'\b(?:in|en|of|de|du|des|between|entre)\b', name)[0])
    return words[-1] if words else None


def _fit(variable: Variable, quantity: Quantity) -> float:
    """How well a number of the question fits a symbol (0: it does not)."""
    if variable.symbol in quantity.symbols:
        return 5.0
    named = _shared(variable.stems, quantity.before + quantity.after)
    if variable.symbol.startswith(PHRASE) and variable.dim is None and quantity.dim is not None \
            and any(quantity.dim):
        # "the safety factor" takes a number without unit or a percentage, not "24 volts"; a
        # quantity whose words the question says whole takes its value ("the staff reading is 1.35 m").
        return 1.0 + named if variable.stems and named == len(variable.stems) else 0.0
    if variable.dim is not None and quantity.dim is not None:
        return 2.0 + named if variable.dim == quantity.dim else 0.0
    # A number said without its unit fits a symbol with a unit only after the symbol's name: "480
    # planned minutes" (read without a unit) is not a planned time in seconds.
    if variable.dim is not None:
        named = _shared(variable.stems, quantity.before)
    return 1.0 + named if named else 0.0


def _shared(stems: frozenset, words: tuple) -> int:
    """Count the stems a symbol's name shares with the words around a number.

    A stem that begins the other counts too: "80 metres horizontally" is the horizontal distance
    ("horizontall" and "horizontal"), as the stemmer keeps the adverb's ending.
    """
    return sum(1 for stem in stems if any(
        stem == word or min(len(stem), len(word)) >= _PREFIX and (word.startswith(stem) or
                                                                  stem.startswith(word))
        for word in words))


def _said_as(symbol: str, names: dict) -> str:
    """Return the words a symbol is said with: itself, or for a quantity said in words its words.

    "le dosage vaut environ 350 kilogrammes par mètre cube", "la vitesse de propagation vaut environ
    200000 kilomètres par seconde": the value (and so the unit) the teacher gave a quantity said in words.
    """
    return names.get(symbol, symbol) if symbol.startswith(PHRASE) else symbol


def _given_values(symbol: str, text: str) -> list:
    """Return the values a sentence gives a symbol ("g, c'est ..., qui vaut 9,81", "h equal to 10")."""
    # "We take the air density as 1.2 kilograms per cubic metre"
    relation = r"[^.;,]{0,30}?\b(?:qui vaut|vaut|is|equals|égale|égal à|equal to|=|arrondi à|rounded to|" \
        r"as)\s+"
    if ' ' in symbol:  # a quantity said in words is given its value with "of" too: "a price of 0.25 euros"
        relation = rf"(?:{relation}|\s+(?:of\s+|de\s+|d'|d’))"
    pattern = re.compile(rf"(?<![\w']){re.escape(symbol)}(?![\w'])(?:,\s*c'est[^,]{{0,50}},)?{relation}"
                         rf"(?:about |environ |approximately |à |plus que )?(?=\d)")
    found = []
    for match in pattern.finditer(text):
        rest = text[match.end():]
        quantities = read(rest, detect_language(text))
        after = rest[rest.find(quantities[0].said) + len(quantities[0].said):] if quantities else ''
        if quantities and not _MORE.match(after):  # "c equals 331 plus 0.6 times T": 331 is not c
            found.append(quantities[0])
    return found
