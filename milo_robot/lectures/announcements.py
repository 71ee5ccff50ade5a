# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Tell the teacher's announcements from the lecture: what is said about the course's organisation.

An announcement names something of the course's organisation (an exam, homework, a lab, a
tutorial, a project, a cancelled or moved class, what is allowed in an exam) together with what
makes it news: a day or a date, a room, or an organisational verb ("is due", "takes place",
"bring", "à rendre", "aura lieu", "apportez"). The subject alone is not enough: "you will draw
this in every exam" and "c'est une erreur classique du partiel" are the lecture, and so is the
lecture's opening ("Today we talk about TCP", "Aujourd'hui nous parlons du protocole TCP"), which
announces the subject, not the course's organisation. Rules, no model: they are measured on the
labelled sentences of data/summaries/announcements.yaml (`milo bench --only lectures`).

Matching is done on folded text: lower case, no accents (see `fold`).
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from milo_robot.lectures.lifecycle import announced_title


def fold(text: str) -> str:
    """Lower-case `text` without accents or typographic apostrophes, for cue matching."""
    text = unicodedata.normalize('NFKD', text.lower().replace('’', "'"))
    return ''.join(c for c in text if not unicodedata.combining(c))


def _words(*phrases: str) -> re.Pattern:
    return re.compile(r'\b(?:' + '|'.join(phrases) + r')\b')


# What a course organises for its students, and the label an event of it gets (en, fr).
TASKS = (
    ('exam', ('Exam', 'Examen'), _words(r'exams?', r'examens?', r'examination', r'final exam', r'midterms?',
                                         r'partiels?', r'resit', r'rattrapage', r'the final(?= *[.,;]|$)')),
    ('quiz', ('Quiz', 'Interrogation'), _words(r'quiz(?:zes)?', r'interros?',
                                              r'interrogations?(?: ecrites?)?',
                                              r'controles?(?: continus?| ecrits?)?')),
    ('homework', ('Homework due', 'Travail à rendre'), _words(
        r'homeworks?', r'assignments?', r'problem sets?', r'exercise sheets?', r'exercises?', r'coursework',
        r'devoirs?(?: maisons?)?', r'dm', r'travail a faire', r'feuilles? de td', r'exercices?',
        r'comptes? rendus?', r'lab reports?', r'reports?', r'rapports?')),
    ('lab', ('Lab', 'TP'), _words(r'labs?', r'tps?', r'travaux pratiques', r'lab sheet', r'practicals?')),
    ('tutorial', ('Tutorial', 'TD'), _words(r'tutorials?', r'tds?', r'travaux diriges', r'revision session',
                                             r'seance de revision', r'office hours', r'permanences?')),
    ('project', ('Project', 'Projet'), _words(r'projects?', r'projets?', r'soutenances?', r'presentations?',
                                              r'field trip', r'visite', r'binomes?', r'groups? for')),
    ('grade', ('Grading', 'Notation'), _words(r'(?:your |the )?grade', r'note finale', r'la note')),
)
# Things of an exam that the teacher allows or forbids.
_MATERIAL = _words(r'calculat(?:or|rice)s?', r'formula sheet', r'formulaire', r'documents?',
                   r'sheet of notes', r'notes', r'table')
# A class that does not take place, or moves: "no lecture next Thursday", "pas cours", "is cancelled".
_CLASS = _words(r'lectures?', r'class(?:es)?', r'cours', r'seances?', r'sessions?')
_CLASS_CHANGE = _words(
    r'no (?:lecture|class)', r'pas (?:de )?cours', r'pas de seance', r'cancell?ed', r'annule(?:e|s|es)?',
    r'moved?', r'postponed', r'reporte(?:e|s|es)?', r'deplace(?:e|s|es)?', r'instead of', r'au lieu de',
    r'starts? at', r'commencera a', r'commence a', r'maintenue?s?', r'still takes? place')
# Something to hand in: with a day or a date, it is an announcement by itself ("It's due Tuesday").
_DUE = _words(r'due(?! to\b)', r'hand (?:it |them )?in', r'submit', r'a rendre', r'rendez', r'deposer')
# What makes it news: an organisational verb, a day or date, a room.
_ORGANISE = _words(
    r'due(?! to\b)', r'hand (?:it |them )?in', r'submit', r'upload', r'send', r'e-?mail',
    r'deadline', r'takes? place', r'will take place', r'will be (?:on|in|held)', r'is on', r'are on',
    r'held', r'cancell?ed', r'moved?', r'postponed', r'pushed back', r'brought forward', r'allowed',
    r'forbidden', r'provided', r'compulsory', r'mandatory', r'bring', r'print', r'read', r'register',
    r'sign up', r'covers?', r'lasts?', r'counts? for', r'percent of', r'work in pairs', r'find a partner',
    r'a rendre', r'rendre', r'rendez', r'deposer', r'envoye[rz]', r'inscrire', r'aura lieu', r'a lieu',
    r'auront lieu', r'ont lieu', r'se deroulera', r'se fera', r'est prevue?', r'sont prevue?s', r'annulee?',
    r'reportee?', r'deplacee?', r'autorisee?s?', r'interdite?s?', r'fournie?s?', r'obligatoires?',
    r'apportez', r'apporter', r'imprimez', r'imprimer', r'lisez', r'portera sur', r'porte sur',
    r'dure', r'durera', r'compte pour', r'pour cent de', r'maintenue?', r'a faire', r'entrainent?')
_WEEKDAYS = (r'monday', r'tuesday', r'wednesday', r'thursday', r'friday', r'saturday', r'sunday',
             r'lundi', r'mardi', r'mercredi', r'jeudi', r'vendredi', r'samedi', r'dimanche')
_MONTHS = (r'january', r'february', r'march', r'april', r'may', r'june', r'july', r'august', r'september',
           r'october', r'november', r'december', r'janvier', r'fevrier', r'mars', r'avril', r'mai', r'juin',
           r'juillet', r'aout', r'septembre', r'octobre', r'novembre', r'decembre')
_WHEN = _words(
    *_WEEKDAYS, *_MONTHS, r'\d{1,2}(?:st|nd|rd|th)', r'(?:le|du|au) (?:1er|\d{1,2})', r'tomorrow', r'demain',
    r'tonight', r'ce soir', r'next (?:week|lecture|session|class|time|tutorial|lab)', r'semaine prochaine',
    r'prochaine? (?:cours|seance|semaine)', r'this week', r'cette semaine', r'\d{1,2} ?(?:am|pm)',
    r'\d{1,2} ?h(?:eures?)?(?: ?\d\d)?', r'\d{1,2}[:.]\d\d', r'midnight', r'minuit', r'noon', r'midi')
_ROOM = re.compile(r"\b(?:room|salle|amphi(?:theatre)?|hall|building|batiment) [a-z]?\d|"
                   r"\bin (?:the )?(?:room|amphitheatre|sports hall)\b|\ben (?:salle|amphi)\b")
# A student's turn, as a transcriber notes it in a text transcript.
STUDENT_TURN = re.compile(r"^\s*(?:a |the )?(?:student|un etudiant|une etudiante|l'etudiant|"
                          r"l'etudiante|etudiant|etudiante)\b[^:]{0,20}:")


@dataclass(frozen=True)
class Signals:
    """What a sentence shows of an announcement."""

    task: str  # the first organised thing it names ('exam', 'homework'...), or ''
    organise: bool  # an organisational verb
    when: bool  # a day, a date, a time of day
    room: bool
    class_change: bool  # a class cancelled, moved, or not held
    material: bool  # something allowed or forbidden in an exam
    due: bool  # something to hand in

    @property
    def announces(self) -> bool:
        """Whether the sentence is an announcement about the course's organisation."""
        news = self.organise or self.when or self.room
        return bool((self.task and news) or (self.due and self.when) or self.class_change or
                    (self.material and self.organise))

    @property
    def strength(self) -> int:
        """How many kinds of signal it shows (a summary's score of an announcement)."""
        return sum((bool(self.task), self.organise, self.when, self.room, self.class_change))


def signals(text: str, folded: Optional[str] = None) -> Signals:
    """Return what `text` shows of an announcement.

    A question, a student's turn and the lecture's opening ("Today we study ...") show nothing.
    """
    folded = fold(text) if folded is None else folded
    if folded.rstrip().endswith('?') or STUDENT_TURN.match(folded) or announced_title(text):
        return Signals('', False, False, False, False, False, False)
    task = ''
    for name, _, pattern in TASKS:
        found = pattern.search(folded)
        if found and (not task or found.start() < task[1]):
            task = (name, found.start())
    return Signals(task[0] if task else '', bool(_ORGANISE.search(folded)), bool(_WHEN.search(folded)),
                   bool(_ROOM.search(folded)),
                   bool(_CLASS.search(folded) and _CLASS_CHANGE.search(folded)),
                   bool(_MATERIAL.search(folded)), bool(_DUE.search(folded)))


def is_announcement(text: str) -> bool:
    """Return whether a teacher's sentence is an announcement about the course's organisation."""
    return signals(text).announces


def task_label(task: str, language: str) -> str:
    """Return how an event of this kind is called ('Exam', 'TP'...), in the lecture's language."""
    for name, labels, _ in TASKS:
        if name == task:
            return labels[language == 'fr']
    return 'Annonce' if language == 'fr' else 'Announcement'
