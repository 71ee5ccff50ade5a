# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Words as the answer code compares them: folded (no case, no accents), stemmed, content only.

Two spellings of one word meet at one stem ('charged', 'charges', 'chargée' → 'charg';
'conductivité' and 'conductivity' → 'conductiv'), so a question and the teacher's sentence can
be matched word for word, in French and English alike.
"""

import functools
import re
import unicodedata

# Words that carry no subject: articles, pronouns, auxiliaries, question words, and the verbs of
# asking ("say", "tell"), in English and French.
STOPWORDS = frozenset('''
a an and are as at be been being by can could do does did done for from had has have having how i
if in into is it its itself me my of on or our so that the their them then there these they this
those to was we were what when where which who whom whose why will with would you your yours about
than also just more most not no yes shall should may might must us he she his her him any some
very such only own same too here now again once both each few other all say says said tell told
let lets ok okay well get got go going make made take taken took give given gave know known want
put like really actually one ones thing things something anything way ways many much
le la les un une des du de d l et est sont a au aux ce ces cet cette ceci cela ca dans en il elle
ils elles je j nous vous on ou où par pas pour qu que qui quoi quel quelle quels quelles se s sa son
ses sur y comment pourquoi combien quand ne n plus tres été etre être avec leur leurs mais donc car
mon ma mes ton ta tes notre nos votre vos lui leur eux me m te t moi toi soi ont avait avoir fait
faire faut peut peuvent doit doivent dit dire dis cest c est-ce estce ete sont-ils y-a-t-il t-il
a-t-on alors bien tout tous toute toutes chose quelque aussi si ici voila voilà
'''.split())

# Suffixes cut at most twice, keeping a stem of 4 letters or more: 'charged', 'charges',
# 'charging' and 'chargée' meet at 'charg'; 'conductivity' and 'conductivité' at 'conductiv'.
_SUFFIXES = ('ities', 'ity', 'ite', 'ites', 'ations', 'ation', 'ing', 'ies', 'ees', 'ee', 'ed',
             'es', 'ez', 'er', 's', 'x', 'e', 'y')


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case without accents ('Thérèse' → 'therese'); typographic apostrophes made plain."""
    text = unicodedata.normalize('NFKD', text.lower().replace('’', "'"))
    return ''.join(c for c in text if not unicodedata.combining(c))


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return a light stem of a folded word, the same for its English and French inflections."""
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[:-len(suffix)]
                break
        else:
            break
    return word


# What `root` cuts from a stem, with the shortest root it may leave: the inflections that `stem`
# keeps apart because cutting them everywhere would merge words that ranking must tell apart.
# French conjugates and derives more than English ("ils combinent" / "combiné", "choisir" /
# "choisie" / "choisit", "réduire" / "réduit" / "réduisent", "directement" / "directe",
# "hauteur" / "haute", "ouverture" / "ouvert", "lubrifiés" / "lubrifié"), and English adverbs
# and nouns in -ment meet their adjective or verb ("finally" / "final", "measurement" / "measure").
_ROOT_SUFFIXES = (('ement', 5), ('ment', 5), ('ant', 5), ('ent', 4), ('eur', 4), ('ur', 5),
                  ('ir', 4), ('it', 4), ('is', 4), ('i', 4), ('ll', 4))


@functools.lru_cache(maxsize=65536)
def root(stem_: str) -> str:
    """Return the root of a stem: one word's forms in a sentence and in a question meet there.

    Only for asking whether a word was said at all (the declines of coverage.py), never for
    ranking: "courant" and "cours" must stay apart there, and do ('ant' leaves 5 letters or more).
    """
    for _ in range(2):
        for suffix, shortest in _ROOT_SUFFIXES:
            if stem_.endswith(suffix) and len(stem_) - len(suffix) >= shortest:
                stem_ = stem_[:-len(suffix)]
                if suffix == 'll':  # 'finall' (finally) → 'final', as 'll' → 'l'
                    stem_ += 'l'
                break
        else:
            break
    return stem_


def tokens(text: str) -> list:
    """Folded words and numbers, in order ("d'Ohm" gives 'd', 'ohm'; '0,25' stays one token)."""
    return re.findall(r'\d+(?:[.,]\d+)*|[a-z]+', fold(text))


def content_stems(text: str) -> list:
    """Stems of the content words of a text, in order (stopwords left out, numbers kept)."""
    return [stem(w) for w in tokens(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
