# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""English and French words of a course, paired, so that a question finds a sentence in the other language.

The e5 embeddings already compare meanings across languages; words do not. A French question
about an English lecture ("Quelle est la pente du diagramme de Bode ?") shares no word with its
sentence ("the slope of the Bode plot"), so its words are looked up here, and the other language's
stems count too. The pairs are the everyday words of a class (exam, homework, room...) and the
quantities and technical terms of the faithfulness lexicon.
"""

import functools

from milo_robot.thinking.words import content_stems

_PAIRS = '''
slope|pente plot|diagramme above|au-dessus above|au-dela beyond|au-dela below|en_dessous
order|ordre time|temps
exam|examen exam|partiel midterm|partiel homework|devoir lab|tp room|salle chapter|chapitre
week|semaine next|prochain bring|apporter sheet|feuille exercise|exercice problem|probleme
formula|formule law|loi unit|unite value|valeur example|exemple constant|constante
voltage|tension current|courant resistance|resistance resistor|resistance power|puissance
energy|energie capacitance|capacite capacitor|condensateur charge|charge frequency|frequence
cut-off|coupure cutoff|coupure filter|filtre gain|gain phase|phase decade|decade decibel|decibel
force|force mass|masse weight|poids speed|vitesse pressure|pression temperature|temperature
heat|chaleur water|eau air|air length|longueur distance|distance area|surface area|section
flow|debit density|masse_volumique sampling|echantillonnage signal|signal level|niveau
error|erreur noise|bruit wall|mur material|materiau conductivity|conductivite moment|moment
beam|poutre support|appui reaction|reaction torque|couple equilibrium|equilibre sum|somme
node|noeud loop|maille series|serie parallel|parallele fully|completement charged|charge
percentage|pourcentage twice|double half|moitie
steel|acier copper|cuivre iron|fer aluminum|aluminium silicon|silicium glass|verre wood|bois
concrete|beton brass|laiton lead|plomb rubber|caoutchouc alloy|alliage foam|mousse
stress|contrainte strain|deformation elongation|allongement stretch|allonge stiffness|rigidite
stiff|rigide modulus|module bar|barre rod|tige spring|ressort wheel|roue gear|engrenage
tooth|dent teeth|dents shaft|arbre bearing|roulement efficiency|rendement ratio|rapport
stage|etage friction|frottement gravity|pesanteur height|hauteur ball|balle thrown|lancee
throw|lancer period|periode velocity|vitesse angular|angulaire winch|treuil gearbox|reducteur
design|conception spur|droite lubricated|lubrifie assumed|suppose
battery|batterie battery|pile cell|pile electromotive|electromotrice threshold|seuil band|bande
doping|dopage doped|dope hole|trou junction|jonction bridge|pont rectifier|redresseur
amplifier|amplificateur follower|suiveur inductor|bobine coil|bobine supply|alimentation
output|sortie input|entree wire|fil switch|interrupteur green|vert red|rouge blue|bleu
emissivity|emissivite radiation|rayonnement insulation|isolation insulate|isoler
boiling|ebullition melting|fusion thickness|epaisseur cooling|refroidissement
sound|sonore pain|douleur hearing|audition wave|onde wavelength|longueur_d'onde loud|fort
byte|octet row|ligne column|colonne database|base_de_donnees key|cle query|requete
memory|memoire disk|disque file|fichier network|reseau packet|paquet sensor|capteur
setpoint|consigne overshoot|depassement settling|etablissement response|reponse loop|boucle
controller|regulateur actuator|actionneur derivative|derivee integral|integrale
proportional|proportionnel step|echelon tuning|reglage
test|controle quiz|interrogation project|projet report|compte_rendu due|rendre
deadline|date_limite teacher|professeur student|etudiant calculator|calculatrice allowed|autorise
forbidden|interdit written|ecrit resit|rattrapage group|groupe
'''


@functools.lru_cache(maxsize=1)
def _table() -> dict:
    """Return each stem's stems in the other language."""
    table = {}
    for pair in _PAIRS.split():
        english, french = pair.split('|')
        for one, other in ((english, french), (french, english)):
            for stem in content_stems(one.replace('_', ' ')):
                table.setdefault(stem, set()).update(content_stems(other.replace('_', ' ')))
    return table


# French "-ique" is English "-ic" (statistique, statistic; électrique, electric; dynamique, dynamic):
# the stems of such cognates differ by that ending only. Other cognates share their stem already
# (variance, complexité and complexity, probabilité and probability).
_COGNATE_ENDINGS = (('iqu', 'ic'),)


def translations(stem: str) -> set:
    """Return the stems of a stem's translations (empty when the table has none)."""
    found = set(_table().get(stem, set()))
    for french, english in _COGNATE_ENDINGS:
        if stem.endswith(french) and len(stem) > len(french) + 3:
            found.add(stem[:-len(french)] + english)
        elif stem.endswith(english) and len(stem) > len(english) + 3:
            found.add(stem[:-len(english)] + french)
    return found - {stem}
