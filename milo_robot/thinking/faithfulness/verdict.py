# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What a check reads and returns: the claims of a sentence, the verdict, the input error."""

import math
from dataclasses import dataclass
from typing import Optional

LANGUAGES = ('en', 'fr')
TOLERANCE = 0.01  # relative: a computed or converted number may differ this much from the claim


class FaithfulnessInputError(ValueError):
    """The check was given something it cannot read: not text, or an unknown language."""


@dataclass(frozen=True)
class Claim:
    """One checkable statement of a sentence.

    kind: 'number', 'unit', 'formula', 'term' or 'change'; text: as written in the sentence;
    value: the number as stated (not converted), for numbers, or the factor of a change (None for
    a rise or fall without one); unit: its unit symbol ('Ω', 'µF', 'm/s'), if any; measures: what
    the sentence says the number is ('time', 'voltage'...), if it says so, or what changes.
    """

    kind: str
    text: str
    value: Optional[float] = None
    unit: str = ''
    measures: str = ''


@dataclass(frozen=True)
class Verdict:
    """The result of a check.

    supported: every claim is supported; unsupported: the claims that are not, with `reasons`
    (one each, for logs); computed: how computed numbers were found, e.g. '12 V × 3 A = 36 W'.
    """

    supported: bool
    unsupported: tuple = ()
    computed: tuple = ()
    reasons: tuple = ()


def _close(x: float, target: float, slack: float) -> bool:
    return math.isfinite(x) and math.isfinite(target) and \
        abs(x - target) <= max(TOLERANCE * max(abs(x), abs(target)), slack)
