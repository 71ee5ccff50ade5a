# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Where an answer comes from: said as a person would, and written exactly.

Spoken, Milo introduces the teacher's words the way a classmate would: "The teacher said, about
ten minutes ago: ...", "at the start of the lecture", "in the lecture of 12 November", "The notes
on capacitors say: ...". No clock time is read out: "00:34" sounds like an hour of the day.

Written (the app, the notes pack, `milo ask`, the question log), a source is exact: the lecture
time of the sentence itself (not of the passage around it), a link into the lecture's transcript,
or the notes file and its section.
"""

import os
import time
from typing import Optional

from milo_robot.record.lecture_record import format_clock
from milo_robot.thinking.evidence import Sentence

_MONTHS = {'en': ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                  'September', 'October', 'November', 'December'),
           'fr': ('janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
                  'octobre', 'novembre', 'décembre')}
_AGO = {  # (minutes at most, English, French), the first that fits
    'en': ((1.5, 'just now'), (2.5, 'a minute ago'), (7.5, 'a few minutes ago'),
           (12.5, 'about ten minutes ago'), (17.5, 'about a quarter of an hour ago'),
           (25, 'about twenty minutes ago'), (37.5, 'about half an hour ago'),
           (50, 'about forty-five minutes ago'), (75, 'about an hour ago'),
           (float('inf'), 'more than an hour ago')),
    # After "a dit,", Kokoro runs "environ" into a vowel ("il y a environ une heure" heard back as
    # "il y a un vieux honnard", "un quart d'heure" as "un vieux encardeur"): minutes are said in
    # numbers where they can be (one synthesis each, heard by Whisper: docs/speaking.md).
    'fr': ((1.5, "à l'instant"), (2.5, 'il y a une minute'), (7.5, 'il y a quelques minutes'),
           (12.5, 'il y a environ dix minutes'), (17.5, 'il y a environ quinze minutes'),
           (25, 'il y a environ vingt minutes'), (37.5, 'il y a environ trente minutes'),
           (50, "il y a environ trois quarts d'heure"), (75, 'il y a une heure'),
           (float('inf'), "il y a plus d'une heure")),
}
START_S = 180.0  # said in the first three minutes: "at the start of the lecture"
OLD_S = 3 * 3600.0  # said longer ago than this (wall clock): named by its day
_TEACHER_SAID = {'en': 'The teacher said, {when}: {text}', 'fr': 'Le professeur a dit, {when} : {text}'}
# Kokoro says "à l'instant" so that Whisper hears "Allen Starr" (round trip of the demo's answer:
# 0.22 with it, 0.06 with this): in French, "just now" is said with the verb.
_JUST_SAID = {'fr': 'Le professeur vient de dire : {text}'}
_AT_START = {'en': 'at the start of the lecture', 'fr': 'au début du cours'}
_ON_DAY = {'en': 'in the lecture of {day} {month}', 'fr': 'au cours du {day} {month}'}
_NOTES_SAY = {'en': 'The notes on {section} say: {text}', 'fr': 'Les notes de cours, à la partie {section}, '
              'disent : {text}'}
_NOTES_SAY_PLAIN = {'en': 'The course notes say: {text}', 'fr': 'Les notes de cours disent : {text}'}


def when_said(sentence: Sentence, language: str, now_s: Optional[float] = None,
              current_lecture: Optional[int] = None) -> str:
    """Say when the teacher said a sentence: "about ten minutes ago", "in the lecture of 12 November".

    `now_s` is the lecture clock now (the end of what was recorded); `current_lecture` the lecture
    going on, if any: a sentence of another lecture is named by its day.
    """
    language = 'fr' if language == 'fr' else 'en'
    if _earlier(sentence, current_lecture):
        day = time.localtime(sentence.wall_start)
        return _ON_DAY[language].format(day=day.tm_mday, month=_MONTHS[language][day.tm_mon - 1])
    said = sentence.start_s or 0.0
    minutes = max(0.0, ((now_s if now_s is not None else said) - said) / 60)
    if said < START_S and minutes > 7.5:
        return _AT_START[language]
    return next(words for limit, words in _AGO[language] if minutes <= limit)


def spoken_quote(sentence: Sentence, text: str, language: str, now_s: Optional[float] = None,
                 current_lecture: Optional[int] = None) -> str:
    """Introduce a quote as a person would: "The teacher said, about ten minutes ago: ..."."""
    language = 'fr' if language == 'fr' else 'en'
    if sentence.kind == 'notes':
        if sentence.section:
            return _NOTES_SAY[language].format(section=sentence.section, text=text)
        return _NOTES_SAY_PLAIN[language].format(text=text)
    return _teacher_said(language, when_said(sentence, language, now_s, current_lecture), text)


def _teacher_said(language: str, when: str, text: str) -> str:
    if when == _AGO[language][0][1] and language in _JUST_SAID:
        return _JUST_SAID[language].format(text=text)
    return _TEACHER_SAID[language].format(when=when, text=text)


# What introductions() put where the quote goes. Three words at least: a voice that speaks by
# clause joins a shorter last clause to the one before it (speaking.normalize.clauses), and the
# introduction's own pieces would then differ from a real answer's.
PLACEHOLDER_QUOTE = {'en': 'It is so.', 'fr': "C'est bien ainsi."}


def introductions(language: str) -> list:
    """Return the introductions of quotes that name no notes section, each before PLACEHOLDER_QUOTE.

    The voice synthesises them, all but the quote, before any question is asked
    (`SpeechPlayer.prepare`, nodes/tts_node.py).
    """
    language = 'fr' if language == 'fr' else 'en'
    whens = [words for _, words in _AGO[language]] + [_AT_START[language]]
    quote = PLACEHOLDER_QUOTE[language]
    return [_teacher_said(language, when, quote) for when in whens] + \
        [_NOTES_SAY_PLAIN[language].format(text=quote)]


def written(sentence: Sentence, language: str, current_lecture: Optional[int] = None) -> str:
    """Name a source exactly: "the teacher at 03:12", "the course notes (circuits.md, Capacitors)".

    A sentence of an earlier lecture is named by its day and time of day.
    """
    french = language == 'fr'
    if sentence.kind == 'notes':
        where = os.path.basename(sentence.path) + (f', {sentence.section}' if sentence.section else '')
        return f'les notes de cours ({where})' if french else f'the course notes ({where})'
    if _earlier(sentence, current_lecture):
        day = time.localtime(sentence.wall_start)
        month = _MONTHS['fr' if french else 'en'][day.tm_mon - 1]
        if french:
            return f'le professeur le {day.tm_mday} {month} à {day.tm_hour} h {day.tm_min:02d}'
        return f'the teacher on {day.tm_mday} {month} at {day.tm_hour:02d}:{day.tm_min:02d}'
    clock = format_clock(sentence.start_s or 0.0)
    return f'le professeur à {clock}' if french else f'the teacher at {clock}'


def _earlier(sentence: Sentence, current_lecture: Optional[int]) -> bool:
    """Whether a sentence is from an earlier lecture: named by its day, not by "minutes ago"."""
    if not sentence.wall_start:
        return False
    if current_lecture is not None:
        return sentence.lecture_id != current_lecture
    return time.time() - sentence.wall_start > OLD_S


def link(sentence: Sentence) -> str:
    """Return a link into the app: the transcript at the sentence, or '' for the notes."""
    if sentence.kind != 'lecture' or not sentence.lecture_id:
        return ''
    return f'/lectures/{sentence.lecture_id}#t-{int(sentence.segment_start_s or 0)}'
