# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Quantities and technical terms the sentences can name, in English and French."""

import functools
from typing import NamedTuple

from milo_robot.thinking.faithfulness.words import _stems


class _Concept(NamedTuple):
    symbol: str  # in formulas ('U' for a voltage); '' when it has no usual one
    units: tuple  # unit symbols that measure it
    checked: bool  # a technical term: naming it must be supported
    names: tuple


def _concept(symbol: str, units: str, checked: bool, names: str) -> _Concept:
    return _Concept(symbol, tuple(units.split()), checked, tuple(names.split('|')))


_QUANTITIES = {
    'voltage': _concept('U', 'V', True, 'voltage|potential difference|electromotive force|emf|'
                        'tension|différence de potentiel|force électromotrice'),
    'current': _concept('I', 'A', True, 'current|electric current|courant|courant électrique|intensité'),
    'resistance': _concept('R', 'Ω', True, 'resistance|résistance'),
    'power': _concept('P', 'W', True, 'power|electrical power|puissance|puissance électrique'),
    'energy': _concept('E', 'J', True, 'energy|énergie'),
    'capacitance': _concept('C', 'F C', True, 'capacitance|capacité'),
    'charge': _concept('Q', 'C', False, 'charge|electric charge|charge électrique'),
    'time constant': _concept('τ', 's τ', True, 'time constant|constante de temps|tau'),
    'time': _concept('t', 's τ', False, 'time|duration|charging time|charge time|discharge time|'
                     'temps|durée|temps de charge|temps de décharge|durée de charge'),
    'period': _concept('T', 's τ', True, 'period|période'),
    'frequency': _concept('f', 'Hz', True, 'frequency|cut-off frequency|cutoff frequency|fréquence|'
                          'fréquence de coupure'),
    'force': _concept('F', 'N', True, 'force'),
    'mass': _concept('m', 'g', False, 'mass|masse'),
    'acceleration': _concept('a', '', True, 'acceleration|accélération'),
    'speed': _concept('v', '', False, 'speed|velocity|vitesse'),
    'length': _concept('', 'm', False, 'length|distance|longueur'),
    'pressure': _concept('p', 'Pa', True, 'pressure|pression'),
    'temperature': _concept('', 'K °C °F', False, 'temperature|température'),
    'inductance': _concept('L', 'H', True, 'inductance'),
    'impedance': _concept('Z', 'Ω', True, 'impedance|impédance'),
    'magnetic field': _concept('B', 'T', True, 'magnetic field|champ magnétique'),
    'gain': _concept('G', 'dB', True, 'gain'),
}
# Technical words without a unit, each with its translations: naming one brings in a concept.
_TERMS = (
    'resistor|résistor|résistance|conducteur ohmique', 'capacitor|condensateur', 'inductor|coil|bobine',
    'diode', 'transistor', 'transformer|transformateur', 'battery|batterie|pile|accumulateur',
    'generator|générateur', 'motor|moteur', 'dielectric|diélectrique', 'insulator|isolant',
    'conductor|conducteur', 'semiconductor|semi-conducteur', 'oscilloscope', 'multimeter|multimètre',
    'voltmeter|voltmètre', 'ammeter|ampèremètre', 'ohmmeter|ohmmètre', 'potentiometer|potentiomètre',
    'short circuit|short-circuit|court-circuit', 'open circuit|circuit ouvert',
    'alternating current|courant alternatif', 'direct current|courant continu',
    'series|série', 'parallel|parallèle|dérivation', 'resonance|résonance', 'permittivity|permittivité',
    'permeability|perméabilité', 'resistivity|résistivité', 'conductivity|conductivité',
    'conductance', 'reactance|réactance', 'magnetic flux|flux magnétique|flux',
    'induction', 'electric field|champ électrique', 'node|noeud|nœud', 'mesh|maille', 'loop|boucle',
    'low-pass|passe-bas', 'high-pass|passe-haut', 'band-pass|passe-bande', 'filter|filtre',
    'decade|décade', 'asymptote', 'logarithm|logarithme', 'phase', 'amplitude', 'harmonic|harmonique',
    'wavelength|longueur d\'onde', 'kinetic energy|énergie cinétique',
    'potential energy|énergie potentielle', 'entropy|entropie', 'enthalpy|enthalpie',
    'specific heat|chaleur massique|capacité thermique massique', 'torque|couple',
    'momentum|quantité de mouvement', 'inertia|inertie', 'friction|frottement', 'stress|contrainte',
    'strain|déformation', 'modulus|module', 'viscosity|viscosité', 'density|masse volumique|densité',
    'flow rate|débit', 'efficiency|rendement', 'exponential|exponentielle', 'derivative|dérivée',
    'integral|intégrale',
)
_GREEK = {'tau': 'τ', 'omega': 'ω', 'rho': 'ρ', 'lambda': 'λ', 'phi': 'φ', 'theta': 'θ', 'alpha': 'α',
          'beta': 'β', 'delta': 'δ', 'epsilon': 'ε', 'sigma': 'σ'}
_SAME_VARIABLE = {'V': 'U'}  # a voltage is V in English courses, U in French ones


class _Lexicon(NamedTuple):
    phrases: dict  # stems of a name -> concept ids
    forms: dict  # concept id -> stems of all its names
    quantities: dict  # stems of a quantity name -> quantity id


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    phrases, forms, quantities = {}, {}, {}
    concepts = [(name, q.names) for name, q in _QUANTITIES.items()]
    concepts += [(names.split('|')[0], tuple(names.split('|'))) for names in _TERMS]
    for concept, names in concepts:
        forms[concept] = tuple(_stems(n) for n in names)
        for stems in forms[concept]:
            phrases.setdefault(stems, set()).add(concept)
            if concept in _QUANTITIES:
                quantities[stems] = concept
    return _Lexicon(phrases, forms, quantities)
