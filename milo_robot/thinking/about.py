# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Questions about Milo and about the class, answered without the lecture or the model.

"Who are you?" gets a short introduction (configurable text), a greeting gets a greeting, and a
teacher's "What did students ask today?" gets a report from the question log: how many questions,
on which topics, and which ones Milo declined or was interrupted on.
"""

import re
from collections import Counter
from typing import Optional

from milo_robot.thinking.retrieval import terms

_WHO = re.compile(r"\b(who are you|what are you|what.?s your name|what is your name|introduce yourself|"
                  r"tell us about yourself|pr[ée]sente[- ]toi|qui es[- ]tu|tu es qui|"
                  r"comment tu t.appelles)\b", re.I)
_GREETING = re.compile(r"^\W*(hello|hi|hey|good (morning|afternoon|evening)|bonjour|salut|bonsoir|"
                       r"coucou)\W*(everyone|tout le monde|milo)?\W*$", re.I)
_CLASS_REPORT = re.compile(
    r"(what (did|have) (the )?(students|class|pupils) (ask|asked|not understand|struggle)|"
    r"what questions did (the )?(students|class) ask|what did(n.t| not) (the )?(students|class) understand|"
    r"qu.est[- ]ce que (les )?([ée]tudiants|[ée]l[èe]ves|la classe) (ont|a) (demand[ée]|pas compris)|"
    r"qu.est[- ]ce que (les )?([ée]tudiants|[ée]l[èe]ves|la classe) n.(ont|a) pas compris|"
    r"quelles questions (les [ée]tudiants|les [ée]l[èe]ves|la classe) (ont|a) pos[ée]e?s?)", re.I)

_WHAT_TEACHER_SAID = re.compile(
    r"(what did (the )?(teacher|professor|lecturer) say (about|on|regarding)|"
    r"what has (the )?(teacher|professor|lecturer) said (about|on|regarding)|"
    r"qu.?(est-ce qu.?(e )?)?(le |la |l.)?(professeur|prof|enseignant|enseignante) a dit "
    r"(sur|à propos d.?|de)|"
    r"qu.?a dit (le |la |l.)(professeur|prof|enseignant|enseignante) (sur|à propos d.?|de))", re.I)

GREETING = {'en': 'Hello!', 'fr': 'Bonjour !'}
_REPORT = {
    'en': {'none': 'Nobody has asked me a question in this lecture yet.',
           'count': 'Students asked me {n} question{s}{topics}.',
           'topics': ', mostly about {}',
           'declined': 'I declined {n}: {items}.', 'interrupted': 'I was interrupted on {n}: {items}.'},
    'fr': {'none': "Personne ne m'a encore posé de question pendant ce cours.",
           'count': "Les étudiants m'ont posé {n} question{s}{topics}.",
           'topics': ', surtout sur {}',
           'declined': "J'en ai refusé {n} : {items}.",
           'interrupted': "On m'a interrompu sur {n} : {items}."},
}
MAX_LISTED = 3


def introduction(question: str, texts: dict, language: str) -> Optional[str]:
    """Return Milo's introduction when asked who it is, else None."""
    return texts.get(language) or texts.get('en') if _WHO.search(question) else None


def greeting(question: str, language: str) -> Optional[str]:
    """Return a greeting for a greeting, else None."""
    return GREETING.get(language, GREETING['en']) if _GREETING.match(question) else None


def what_the_teacher_said(question: str) -> Optional[str]:
    """Return X of "What did the teacher say about X?" (the teacher's words are wanted), else None."""
    parts = _WHAT_TEACHER_SAID.split(question, maxsplit=1)
    return parts[-1].strip(' ?.!') or None if len(parts) > 1 else None


def asks_about_the_class(question: str) -> bool:
    """Whether this is a teacher asking what the students asked or did not understand."""
    return bool(_CLASS_REPORT.search(question))


def class_report(entries, language: str) -> list:
    """Return the sentences that tell a teacher what the class asked (from question log entries)."""
    said = _REPORT['fr' if language == 'fr' else 'en']
    asked = [e for e in entries if not asks_about_the_class(e.question)]
    if not asked:
        return [said['none']]
    words = Counter(w for e in asked for w in set(terms(e.question)) if not w.isdigit())
    top = [w for w, n in words.most_common(3) if n > 1 or len(asked) == 1]
    topics = said['topics'].format(', '.join(top)) if top else ''
    lines = [said['count'].format(n=len(asked), s='s' if len(asked) > 1 else '', topics=topics)]
    for outcome in ('declined', 'interrupted'):
        these = [e.question.rstrip(' ?.!') for e in asked if e.outcome == outcome]
        if these:
            items = '; '.join(f'« {q} »' if language == 'fr' else f'"{q}"' for q in these[:MAX_LISTED])
            lines.append(said[outcome].format(n=len(these), items=items))
    return lines
