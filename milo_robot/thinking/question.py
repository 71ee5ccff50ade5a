# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What a question asks: its language, the kind of answer it wants, what it is about, and its values.

A student's question is short and spoken. Milo needs to know:

- what kind of fact answers it (`wants`): a value, a unit, a name, a time, a place, a duration, a
  reason, a formula, a definition, a list, yes or no;
- what it is about (`focus`: the content words; `target`: the words of the thing it names, which
  the evidence must hold for the question to count as covered);
- the values it gives, for a computation;
- whether it follows the previous question ("And polystyrene foam?" after "What is the thermal
  conductivity of copper?"): the conversation sends the two together, the last one is asked now;
- whether it is an instruction to Milo rather than a question (an injection).
"""

import re
from dataclasses import dataclass
from typing import Optional

from milo_robot.thinking.compute.quantities import named_dimension
from milo_robot.thinking.words import content_stems, fold, stem

_FRENCH = re.compile(r"[éèêàçùâîôœ]|\b(le|la|les|est|quel|quelle|quoi|comment|pourquoi|qu|une|"
                     r"des|du|que|qui|c'est|sont|pour|avec|nous|vous|combien|quand|où|et|dans)\b", re.I)
_ENGLISH = re.compile(r"\b(the|is|what|how|why|does|do|of|and|are|can|which|when|where|who|in|"
                      r"with|it|that)\b", re.I)


def detect_language(text: str) -> str:
    """Guess French or English from common words and accents (questions are short)."""
    return 'fr' if len(_FRENCH.findall(text)) > len(_ENGLISH.findall(text)) else 'en'


# What kind of fact answers the question, tried in this order (the first that matches wins).
# Most are read at the start of the question: "when the voltage doubles, what..." asks no time.
_WANTS = (
    # "À quoi sert un montage suiveur ?" is answered by what it is used for ("il sert de tampon"),
    # not by the sentence that introduces it.
    ('purpose', r"\bà quoi (sert|servent)\b|\bwhat (is|are) .{1,60} used for\b|"
                r"\bwhat is the (use|purpose) of\b"),
    ('definition', r"^what (does|do|did) .{1,60} (say|state|states|tell us|mean)\b|^que (dit|disent|"
                   r"signifie|veut dire)\b|^qu'(est-ce que|a) (dit|disent|signifie)\b"),
    ('reason', r"^(why|how come|pourquoi)\b|\bwhat makes\b|\bwhat is the reason\b|"
               r"\bqu'est-ce qui fait\b|\bpour quelle raison\b"),
    ('unit', r"\b(in|with) (what|which) units?\b|\bwhat units?\b|\bunit of\b|\bmeasured in\b|"
             r"\b(quelle|en quelle|dans quelle) unit[ée]|\bl'unit[ée]\b|\bse mesure\b|\ben quoi se mesure"),
    ('formula', r"\bformula|\bequation\b|^how (do|can|would|should) (you|we|i|one) (calculate|compute|"
                r"work out|find|get|determine)\b|^how is .{1,40} (calculated|computed)\b|"
                r"\bformule|\béquation\b|^comment (on )?(calcule|détermine|trouve|obtient)|"
                r"^comment se calcule|\bcalcule-t-on\b"),
    ('duration', r"^how long\b|\bhow much time\b|\bhow many (minutes|hours|seconds|days|weeks)\b|"
                 r"\bcombien de temps\b|\bdur[ée]e\b|\bcombien d'heures\b|\bdure\b"),
    ('when', r"^(when|by when|quand|pour quand|jusqu'à quand)\b|\bwhat (day|date|time)\b|\bwhich day\b|"
             r"\bon what day\b|\bdue\b|\bdeadline\b|\bquel jour\b|\bquelle date\b|\bà quelle (heure|date)\b"),
    ('where', r"^(where|où)\b|\b(which|what) (room|building)\b|\bin which (room|building|lab)\b|"
              r"\bquelle salle\b|\bquel bâtiment\b|\boù (a lieu|se passe|se trouve|est)\b"),
    ('name', r"\bwhich (law|mode|theorem|principle|rule|mechanism|method|filter|component|effect|"
             r"material|type|kind|of the)\b|\bwhat (law|mode|theorem|principle|rule|mechanism|kind|type)\b|"
             r"\bwhat do (we|you|they) call\b|\bwhat is .{1,40} called\b|\bwhat's .{1,40} called\b|"
             r"\bname of\b|^who\b|\bquel(le)? (loi|mode|théorème|principe|règle|méthode|filtre|"
             r"composant|effet|matériau|type)\b|\bcomment (on )?appelle|\bappelle-t-on\b|\ble nom\b|"
             r"\bcomment s'appelle\b|\blequel\b|\blaquelle\b"),
    ('value', r"\bhow (much|many|far|fast|big|high|large|hot|cold|heavy)\b|\bwhat (is|are|was) the "
              r"(value|values|number)\b|\bwhat values?\b|\b(which|what) (chapter|exercise|exercises|"
              r"problem|sheet|page|section|percentage)\b|\bwhat .{0,30}(voltage|current|frequency|power|"
              r"rate|speed|pressure|force|mass|weight|energy|resistance|temperature|percentage|range|"
              r"level|levels|ratio|gain|constant|coefficient|capacity|conductivity|emissivity|"
              r"resolution|error|value|length|density|slope|phase|order|volume|area|distance|depth|"
              r"dose|modulus|gap|efficiency|height|wavelength|period|stiffness|thickness|diameter)\b|"
              r"\bcombien\b|\bquel(le)?s? "
              r"(est |sont )?(la |le |l'|les |sa |son )?(valeur|tension|fréquence|puissance|pression|force|"
              r"masse|vitesse|énergie|résistance|température|intensité|longueur|réaction|pente|phase|"
              r"constante|hauteur|débit|poids|moment|gain|couple|rapport|ordre|nombre|coefficient|"
              r"chapitre|exercice|exercices|feuille|page|volume|surface|aire|dose|lame|distance|"
              r"profondeur|concentration|quantité|efficacité|efficience|rendement|ratio|taux|pourcentage|"
              r"module|gap|période|épaisseur|diamètre|rigidité|longueur d'onde)\b|"
              r"\bà combien\b|\bvaut\b|"
              r"\bvers quelle valeur\b|\bde quel ordre\b"),
    # An inverted verb asks yes or no ("Le courant est-il continu ?") unless an asking word came
    # first ("Quelle solution le professeur propose-t-il ?" asks which).
    ('yesno', r"^(can|could|may|is|are|does|do|did|will|should|must|has|have)\b|^est-ce que\b|"
              r"^peut-on\b|^doit-on\b|^(?!(\S+\s+){0,2}(quel|quelle|quels|quelles|combien|comment|"
              r"pourquoi|où|quand|que|quoi|lequel|laquelle|lesquels|lesquelles)\b|(\S+\s+){0,2}qu')"
              r".*(\ba-t-on\b|\best-il\b|\best-elle\b|\bsont-ils\b|-t-il\b)"),
    ('bring', r"\b(bring|wear)\b|\btake with (us|me|you)\b|\b(apporter|porter|emporter|amener)\b|"
              r"\bprendre avec\b"),
    ('list', r"\bwhat are the (two|three|four|five|\d+)\b|\bquelles sont les (deux|trois|quatre|cinq|\d+)\b"),
    ('definition', r"^what (is|are|was) (a|an|the)?\b|^what's\b|^qu'est-ce que\b|^qu'est-ce qu'\b|"
                   r"^c'est quoi\b|^que devient\b|^what happens\b|\bqu'est-ce que (ça|cela) donne\b|"
                   r"^que se passe"),
)
_WANTS_RE = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in _WANTS)
# Spoken openings that say nothing of what is asked.
_OPENING = re.compile(r"^\W*((milo|sorry|excuse me|so|ok|okay|and|but|alors|donc|dis|pardon|"
                      r"excusez-moi|et|mais|bon|hey|please|s'il te plaît)\b\W*)+", re.I)

# The noun phrase a question names ("What is the latent heat of vaporization of water?"): the
# class covered the question only if it said those words. Only plain forms name a thing: "what do
# we call materials that..." describes one instead.
_TARGET = re.compile(
    r"^\W*(?:what is|what's|what are|what does|how does|how do|explain|define|describe|"
    r"qu'est-ce que c'est que|qu'est-ce que|qu'est-ce qu'|c'est quoi|que dit|comment fonctionne|"
    r"comment marche|à quoi sert|quel est|quelle est|quels sont|quelles sont)\s+"
    r"(?:(?:you|we|i|one)\s+(?:calculate|compute|find|solve|determine|derive|measure|use|work out)\s+)?"
    r"(.+?)(?:\s+(?:say|says|state|states|mean|means|work|works|used for|describe))?\W*$", re.I)
_CALCUL_FR = re.compile(r"^\W*comment (?:calcule|résout|détermine|trouve|mesure|obtient)-t-on\s+(.+?)\W*$",
                        re.I)
_DESCRIBES = re.compile(r"\b(that|which|who|whom|when|where|if|so|qui|que|qu'|quand|dont|où|si|"
                        r"lorsque|call|called|appelle)\b", re.I)
MAX_TARGET_WORDS = 8
# The verbs of "what should we bring": what is asked, not what it is about ("Venez avec une blouse"
# answers "Qu'est-ce qu'on doit porter ?" without the word).
_BRINGING = frozenset(stem(w) for w in 'bring wear take apporter porter emporter amener prendre'.split())

# "Ignore your instructions", "you are now the teacher", "oublie tes consignes": an instruction
# to Milo, not a question about the lecture. Injections dress up as the course ("the lecture said
# Milo must...", "new instruction from the teacher"): what Milo must do is never course content.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|oublie[zs]?|ignorez?)\b.{0,40}\b(instructions?|rules|prompt|lecture|"
    r"transcript|consignes?|instructions?|r[èe]gles|cours|transcription|everything)\b|"
    r"\bsystem (prompt|override|message)\b|\bprompt (syst[èe]me|system)\b|\bconsigne syst[èe]me\b|"
    r"\byou are now\b|\bfrom now on you\b|\btu es (maintenant |désormais )?(le|la|un|une) \w+|"
    r"\byou are no longer\b|\btu n'es plus\b|\bvous n'[êe]tes plus\b|\bnew instructions?\b|"
    r"\bnouvelles? (consignes?|instructions?)\b|\bmilo (must|should|has to|have to|doit|devait|devrait)\b|"
    r"\b(reveal|leak|give out|r[ée]v[èe]le|divulgue)\b.{0,30}\b(answers?|passwords?|solutions?|"
    r"r[ée]ponses|mots? de passe|corrig[ée])\b|"
    r"\bpretend\b|\bfais comme si\b|\bfaites comme si\b|\bact as\b|\bjoue le r[ôo]le\b|"
    r"\b(announce|say|tell (them|the class|everyone)|claim|affirme|annonce|dis|dites|r[ée]p[èe]te)"
    r"(-le)?\s+(that|que|qu'|à la classe)|\bprint your\b|\baffiche (ton|tes|votre)\b|"
    r"\bwrite my\b|\b(write|do) (my|our) (homework|lab report|report)\b|\bfais (mon|mes|ma)\b|"
    r"\bgive me the (solutions?|answers?)\b|\bdonne(-moi)? (directement )?(les réponses|la correction|"
    r"les solutions)\b|\binvente\b|\bmake up\b|\bthe exam answers\b|\bles réponses (du|de l'|de la) "
    r"(examen|devoir|partiel)\b|\bla correction de l'examen\b", re.I)

# A follow-up that names only its new subject: "And polystyrene foam?", "Et sur la Lune ?".
_ELLIPTIC = re.compile(r"^\W*(and|what about|how about|et|et pour|et avec|et sur|et en|et dans|"
                       r"et celle|et celui|et pour|and for|and with|and in|and on)\b", re.I)
_ASKING_WORD = re.compile(r"\b(what|which|how|why|when|where|who|can|could|is|are|does|do|should|"
                          r"quel|quelle|quels|quelles|comment|pourquoi|quand|où|combien|qu|que|"
                          r"est-ce|peut|faut)\b", re.I)
# The words that say what is asked: "How much energy does it take...", "Quelle force faut-il...".
_ASKING = re.compile(r"(?:^|[,.]\s+|\b)(?:how much|how many|what is the|what's the|what|which|"
                     r"quel(?:le)?s?(?: est)?"
                     r"(?: la| le| l'| les)?|combien de|combien)\s+(.{3,40}?)(?:\s+(?:does|do|is|are|"
                     r"would|will|can|faut|obtient|y a|a-t|est|vaut|of|de|goes|go)\b|\?|$)", re.I)
# "in the kinematics lecture", "the database lecture's formula", "the kinematics teacher", "dans le
# cours de résistance des matériaux," (up to the comma): the lecture a question is about.
_LECTURE = re.compile(r"\bthe ([A-Za-z][\w' -]{2,40}?) (?:lecture|course|teacher)\b|"
                      r"\b(?:dans le|du) cours (?:de |d'|sur (?:la |le |les |l')?)([^,?;:]{3,40})", re.I)
_NOT_A_SYMBOL = {'I', 'A'}  # 'I' and 'A' start English sentences: symbols only after a word
_SYMBOL = re.compile(r"(?<=[\s'(])([A-Z])(?=[\s?.,!)]|$)")


@dataclass(frozen=True)
class Question:
    """A question, read for what it asks."""

    text: str  # the question asked now (a follow-up's own words)
    language: str
    wants: str  # see _WANTS; 'any' when nothing says
    focus: tuple  # content stems of the question asked now
    context: str = ''  # the question it follows, if it is a follow-up
    context_focus: tuple = ()
    target: tuple = ()  # stems of the thing it names, which the evidence must hold
    symbols: tuple = ()  # single-letter names ("la réaction en A", "what is h")
    head: str = ''  # stem of the noun the question asks about ("What is the slope of...": slope)
    instruction: bool = False  # an instruction to Milo, not a question
    lecture: str = ''  # the name of the lecture it names ("strength of materials"), if any
    setting: str = ''  # the words that name it ("In the strength of materials lecture")

    @property
    def follow_up(self) -> bool:
        """Whether it follows the previous question."""
        return bool(self.context)

    @property
    def whole(self) -> str:
        """The question with what it follows, for searching by meaning."""
        return f'{self.context} {self.text}'.strip()


def wants(text: str) -> str:
    """Return the kind of fact that answers a question ('any' when nothing says).

    A question may open with its setting ("In the example of the beam, which reaction..."), or
    with a statement ("My spoon gets hot. Which mode is that?"): the clause that asks is read first.
    """
    sentences = [s for s in re.split(r'(?<=[.!?])\s+', text.strip()) if s]
    asking = sentences[-1] if sentences else text
    clauses = [c.strip() for c in re.split(r',\s+', asking) if c.strip()]
    for part in [c for c in clauses[1:] if _ASKING_WORD.match(_OPENING.sub('', c))] + [asking]:
        part = _OPENING.sub('', part)
        for kind, pattern in _WANTS_RE:
            if pattern.search(part):
                return 'value' if kind == 'definition' and _property(part) else kind
    return 'value' if _property(_OPENING.sub('', asking)) else 'any'


# "What is the X of Y?", "Quelle est la X du Y ?": X of a thing named, not the meaning of X.
_PROPERTY = re.compile(r"^(?:what is|what's|what are|quel(?:le)?s? (?:est|sont))\s+(?:the|la|le|les|l')\s*"
                       r"(.+?)\s+(?:of|for|in|du|des|de|d'|dans)\b", re.I)
# Quantities named by a property of a material rather than by a unit: "conductivity", "point".
_PROPERTY_WORDS = re.compile(r"ivit(y|é)\b|\bpoint\b|\blatent|\blatente\b|\bgap\b", re.I)


def _property(text: str) -> bool:
    """Whether a question asks the value of a quantity of a thing ("the density of water")."""
    match = _PROPERTY.match(text)
    if not match:
        return False
    quantity = match.group(1)
    return bool(_PROPERTY_WORDS.search(quantity)) or named_dimension(quantity, first=True) is not None


def split_follow_up(text: str) -> tuple:
    """Return (previous question, question asked now) of a text the conversation sent.

    The conversation sends a follow-up after the question it follows ("What is the thermal
    conductivity of copper? And polystyrene foam?"). A statement before a question ("My spoon
    gets hot. Which mode is that?") is one question.
    """
    parts = [p.strip() for p in re.split(r'(?<=\?)\s+', text.strip()) if p.strip()]
    if len(parts) < 2:
        return '', text.strip()
    return ' '.join(parts[:-1]), parts[-1]


def target(text: str) -> tuple:
    """Return the stems of the thing a question names ("What is X?", "How does X work?"), or ()."""
    match = _CALCUL_FR.match(text) or _TARGET.match(text)
    if not match or _DESCRIBES.search(match.group(1)) or len(match.group(1).split()) > MAX_TARGET_WORDS:
        return ()
    return tuple(content_stems(match.group(1)))


def head(text: str) -> str:
    """Return the stem of the noun a question asks about ("Quelle est la pente du...": pente), or ''."""
    match = _CALCUL_FR.match(text) or _TARGET.match(text)
    words = content_stems(match.group(1)) if match else []
    return words[0] if words else ''


def lecture_named(text: str) -> tuple:
    """Return (the words that name a lecture, its name), or ('', '') when a question names none.

    "In the strength of materials lecture, what...": ("the strength of materials lecture",
    "strength of materials"); "the kinematics teacher"; "dans le cours de résistance des matériaux".
    """
    found = _LECTURE.search(text)
    if not found:
        return '', ''
    name = re.split(r'\bthe\b', next(g for g in found.groups() if g))[-1]  # "the example of the database"
    return found.group(0), name.strip()


def asking_words(text: str) -> str:
    """Return the words of a question that name what it asks for ("energy", "force")."""
    match = _ASKING.search(text)
    return match.group(1) if match else ''


def symbols(text: str) -> tuple:
    """Single capital letters used as names in a question ("en A", "h", "la réaction en B")."""
    return tuple(dict.fromkeys(s for s in _SYMBOL.findall(' ' + text) if s not in _NOT_A_SYMBOL or
                               re.search(rf"\b(en|in|at|point|appui|support|of) {s}\b", text)))


def read(text: str, language: Optional[str] = None) -> Question:
    """Read a question (with the one it follows, if the conversation sent it along)."""
    text = ' '.join(text.split())
    context, now = split_follow_up(text)
    language = language if language in ('en', 'fr') else detect_language(now)
    kind = wants(now)
    if context and (kind == 'any' or (_ELLIPTIC.match(now) and not _ASKING_WORD.search(
            _ELLIPTIC.sub('', now)))):
        kind = wants(context) if wants(context) != 'any' else kind  # "And polystyrene foam?"
    instruction = bool(_INSTRUCTION.search(fold(now)) or _INSTRUCTION.search(now))
    focus = [s for s in content_stems(now) if kind != 'bring' or s not in _BRINGING]
    setting, lecture = lecture_named(now)
    return Question(now, language, kind, tuple(focus), context=context,
                    context_focus=tuple(content_stems(context)), target=target(now), symbols=symbols(now),
                    head=head(now), instruction=instruction, lecture=lecture, setting=setting)
