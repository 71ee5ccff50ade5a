# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Whether Milo is addressed by name, and whether the sentence is a command or a question.

Speech recognition spells the name in several ways ("Milo", "Milot", "Mylo", "Mi-lo"), so the
name is matched loosely, but only where people put it when they call someone: first (after a
greeting) or last. "Milo" in the middle of a sentence is talk about Milo, not to Milo.
"""

import re
from dataclasses import dataclass
from typing import Optional

_NAME = r"(?:m[iy]\W?l+[oô]+[ltw]?|m[iy]\W?l+eau|mee\W?lo|mil+ow)"
_GREETING = r"(?:(?:hey|hi|hello|ok|okay|ô|oh|eh|dis|dites|salut|bonjour|alors|so|and|et)\W+)?"
_AT_START = re.compile(rf"^\W*{_GREETING}{_NAME}\b(?!['’]s\b)\W*", re.I)
_AT_END = re.compile(rf"\W+{_NAME}\W*$", re.I)

# Voice commands, matched on what follows the name.
MODE_COMMANDS = {
    'qa': re.compile(r"\b(question(s)? time|time for questions|mode (de )?questions?|questions? mode|"
                     r"place aux questions|l.heure des questions|passons aux questions)\b", re.I),
    'lecture': re.compile(r"\b(lecture mode|mode (de )?(cours|lecture)|back to (the )?lecture|"
                          r"wake up|r[ée]veille.toi|on reprend le cours)\b", re.I),
    'sleep': re.compile(r"\b(go to sleep|sleep mode|mode (veille|sommeil)|va dormir|dors|"
                        r"mets.toi en veille)\b", re.I),
}

# Lecture commands: the teacher opens or closes the class for Milo.
LECTURE_COMMANDS = {
    'start': re.compile(r"\b(the (class|lecture|course) (begins|starts|is starting)|let.s (begin|start) "
                        r"the (class|lecture)|start (the|a) (new )?(class|lecture)|le cours commence|"
                        r"on commence le cours|d[ée]but du cours|le cours d[ée]marre)\b", re.I),
    'end': re.compile(r"\b(the (class|lecture|course) is (over|finished|done)|end of (the )?(class|"
                      r"lecture)|that.s (all|it) for today|le cours est (termin[ée]e?|fini)|fin du cours|"
                      r"c.est (fini|tout) pour aujourd.hui)\b", re.I),
}

_QUESTION_START = re.compile(
    r"^\W*(what|why|how|when|where|who|which|whose|is|are|can|could|does|do|did|should|would|will|"
    r"explain|tell me|quel(le)?s?|pourquoi|comment|quand|o[uù]|qui|combien|est.ce|peux|pouvez|"
    r"c.est quoi|qu.est|explique|dis.moi)\b", re.I)


@dataclass(frozen=True)
class Utterance:
    """A sentence as heard, and what it means for Milo."""

    text: str  # without Milo's name
    addressed: bool
    command: Optional[str] = None  # a mode, when the sentence asks to switch to it
    lecture_command: Optional[str] = None  # 'start' or 'end', when it opens or closes the class

    @property
    def is_question(self) -> bool:
        """Return whether it reads as a question (a question mark, or how questions start)."""
        return self.text.rstrip().endswith('?') or bool(_QUESTION_START.search(self.text))


def starts_with_name(text: str) -> bool:
    """Return whether `text` opens with Milo's name ("Milo, ..."): a sentence of its own."""
    return bool(_AT_START.match(' '.join(text.split())))


def parse(text: str) -> Utterance:
    """Find Milo's name at the start or end of `text`, and a mode command after it."""
    text = ' '.join(text.split())
    start = _AT_START.match(text)
    end = None if start else _AT_END.search(text)
    if start:
        rest = text[start.end():]
    elif end:
        rest = text[:end.start()] + ('?' if '?' in text[end.start():] else '')
    else:
        return Utterance(text, False)
    rest = rest.strip(' ,')
    rest = rest[:1].upper() + rest[1:]
    command = next((mode for mode, pattern in MODE_COMMANDS.items() if pattern.search(rest)), None)
    lecture = next((action for action, pattern in LECTURE_COMMANDS.items() if pattern.search(rest)),
                   None)
    # A command is a short sentence: a question that mentions "question time" is still a question.
    if len(rest.split()) > 7:
        command = lecture = None
    if rest.rstrip().endswith('?'):  # "Milo, when is the class over?" asks, it does not close the class
        lecture = None
    return Utterance(rest, True, command, lecture)
