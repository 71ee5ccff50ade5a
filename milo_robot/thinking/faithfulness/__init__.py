# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Check that a sentence states only what the passages state: numbers, units, formulas, named terms.

A small model copies the words of its passages well and their facts badly: it swaps numbers,
attaches the wrong unit, or names a law the class never saw. So every claim of a sentence must be
found in the passages (or in the student's question), after normalisation:

- a **number** (digits or words, decimal point or comma, percentages, powers of ten), with its
  unit if it has one, compared in SI units ("100 ms" is "0.1 s", "1 kΩ" is "one thousand ohms");
  or computed from two numbers of the passages by one operation (×, /, +, −), whose units must
  give the claimed unit ("12 V" × "3 A" gives "36 W", "4 Ω" × "12 V" gives no watts);
- a **unit** named without a number ("measured in ohms");
- a **formula** ("U = R × I", "P equals U times I", "I = U/R" are one relation);
- a **named term**: a proper noun ("Faraday's law", "Kirchhoff"), an acronym, or a technical word
  of a built-in English and French lexicon ("inductance", "condensateur");
- a **change** of a quantity ("the current doubles", "double the voltage", "la résistance est
  multipliée par 2", "the power increases"): the passages or the question must say that this
  quantity changes so, or that it is proportional to one that does ("the resistance is multiplied
  by 2 when the voltage doubles" fails on a lecture where only the voltage and the current double).

A number also has to fit what the sentence says it measures: "it takes 1,000 ohms to charge" or
"the voltage is 12 ohms" fail whatever the passages say.

`Support` reads the passages once; its `check` then costs a fraction of a millisecond a sentence,
so an answer can be checked sentence by sentence as it streams.

The modules, by rule family (each `_Reading` part reads one family in a text; `support` checks):

- `verdict`: what a check takes and gives (`Claim`, `Verdict`, `FaithfulnessInputError`, the
  languages, the tolerance on numbers);
- `words`: folding, stemming and tokenizing, shared by every rule;
- `units`: unit symbols, names, dimensions and prefixes; units named without a number;
- `numbers`: numbers in digits or words, powers of ten, and the unit after them;
- `lexicon`: the quantities and technical terms a sentence can name, in English and French;
- `formulas`: relations such as "U = R × I", reduced to one key for all their arrangements;
- `measures`: what a sentence says a number is ("takes 5 s", "the voltage is 12 V");
- `changes`: "doubles", "est multipliée par 2", "proportional to";
- `terms`: proper nouns and lexicon terms;
- `reading`: `_Reading`, one text read by all the parts above;
- `support`: `Support`, `check` and `claims`: the passages' facts, one-step computations, verdicts.
"""

from milo_robot.thinking.faithfulness.support import Support, check, claims
from milo_robot.thinking.faithfulness.verdict import (
    LANGUAGES,
    TOLERANCE,
    Claim,
    FaithfulnessInputError,
    Verdict,
)

__all__ = ['LANGUAGES', 'TOLERANCE', 'Claim', 'FaithfulnessInputError', 'Support', 'Verdict', 'check',
           'claims']
