"""The AGGIR grid and the official algorithm that gives the GIR (groupe iso-ressources).

Source: Code de l'action sociale et des familles, annexes 2-1 (the grid and its guide) and 2-2
("Algorithme de la grille AGGIR", first published by décret n° 97-427 du 28 avril 1997).

    >>> gir({"coherence": "C", "orientation": "C", "toilette": "C", ...})
    GirResult(gir=1, rank=1, group="A", score=4380)

Ten discriminant variables are rated A (does alone, totally, usually, correctly), B (partly) or C
(does not). Only the first eight weigh in the algorithm (the two others, outdoor moves and distance
communication, weigh 0 in every group, as in the official tables). Eight groups of weights (A to H)
are tried in order: each gives a score (the sum of the weights of the variables rated B or C); the
first group whose score reaches one of its thresholds gives a rank (1 to 13); the rank gives the GIR.
The seven illustrative variables (housework, meals...) are recorded but never enter the GIR.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MODALITIES = ("A", "B", "C")
MODALITY_LABELS = {
    "A": _("A — fait seul, totalement, habituellement et correctement"),
    "B": _("B — fait partiellement, ou non habituellement, ou non correctement"),
    "C": _("C — ne fait pas"),
}

# The ten discriminant variables, in the order of the grid.
DISCRIMINANT = (
    ("coherence", _("Cohérence"), _("converser et se comporter de façon sensée")),
    ("orientation", _("Orientation"), _("se repérer dans le temps, les moments de la journée et les lieux")),
    ("toilette", _("Toilette"), _("assurer son hygiène corporelle")),
    ("habillage", _("Habillage"), _("s'habiller, se déshabiller, se présenter")),
    ("alimentation", _("Alimentation"), _("se servir et manger les aliments préparés")),
    ("elimination", _("Élimination"), _("assurer l'hygiène de l'élimination urinaire et fécale")),
    ("transferts", _("Transferts"), _("se lever, se coucher, s'asseoir")),
    ("deplacement_interieur", _("Déplacements à l'intérieur"), _("avec ou sans canne, déambulateur, fauteuil")),
    ("deplacement_exterieur", _("Déplacements à l'extérieur"), _("à partir de la porte d'entrée, sans transport")),
    ("communication", _("Communication à distance"), _("utiliser le téléphone, une alarme, une sonnette")),
)

# The seven illustrative variables (domestic and social autonomy): recorded, not in the GIR.
ILLUSTRATIVE = (
    ("gestion", _("Gestion"), _("gérer ses affaires, son budget, ses biens")),
    ("cuisine", _("Cuisine"), _("préparer ses repas et les conditionner")),
    ("menage", _("Ménage"), _("effectuer l'ensemble des travaux ménagers")),
    ("transports", _("Transports"), _("prendre ou commander un moyen de transport")),
    ("achats", _("Achats"), _("acquérir directement ou par correspondance")),
    ("suivi_traitement", _("Suivi du traitement"), _("se conformer à l'ordonnance du médecin")),
    ("temps_libre", _("Activités de temps libre"), _("activités culturelles, sportives ou de loisir")),
)

DISCRIMINANT_KEYS = tuple(key for key, _label, _help in DISCRIMINANT)
ILLUSTRATIVE_KEYS = tuple(key for key, _label, _help in ILLUSTRATIVE)
WEIGHTED_KEYS = DISCRIMINANT_KEYS[:8]  # coherence .. deplacement_interieur

# Annexe 2-2, "Calcul des rangs": for each group, the weights (C, B) of the eight weighted variables,
# in the order of WEIGHTED_KEYS, then its thresholds as (minimum score, rank), highest first.
# Déplacements à l'extérieur and communication weigh 0 in every group.
GROUPS = (
    (
        "A",
        ((2000, 0), (1200, 0), (40, 16), (40, 16), (60, 20), (100, 16), (800, 120), (200, 32)),
        ((4380, 1), (4140, 2), (3390, 3)),
    ),
    (
        "B",
        ((1500, 320), (1200, 120), (40, 16), (40, 16), (60, 0), (100, 16), (800, 120), (-80, -40)),
        ((2016, 4),),
    ),
    (
        "C",
        ((0, 0), (0, 0), (40, 16), (40, 16), (60, 20), (160, 20), (1000, 200), (400, 40)),
        ((1700, 5), (1432, 6)),
    ),
    (
        "D",
        ((0, 0), (0, 0), (0, 0), (0, 0), (2000, 200), (400, 200), (2000, 200), (200, 0)),
        ((2400, 7),),
    ),
    (
        "E",
        ((400, 0), (400, 0), (400, 100), (400, 100), (400, 100), (800, 100), (800, 100), (200, 0)),
        ((1200, 8),),
    ),
    (
        "F",
        ((200, 100), (200, 100), (500, 100), (500, 100), (500, 100), (500, 100), (500, 100), (200, 0)),
        ((800, 9),),
    ),
    (
        "G",
        ((150, 0), (150, 0), (300, 200), (300, 200), (500, 200), (500, 200), (400, 200), (200, 100)),
        ((650, 10),),
    ),
    (
        "H",
        ((0, 0), (0, 0), (3000, 2000), (3000, 2000), (3000, 2000), (3000, 2000), (1000, 2000), (1000, 1000)),
        ((4000, 11), (2000, 12), (float("-inf"), 13)),
    ),
)

# Annexe 2-2, "Passage des rangs aux groupes".
RANK_TO_GIR = {1: 1, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 3, 9: 3, 10: 4, 11: 4, 12: 5, 13: 6}

GIR_LABELS = {
    1: _("perte d'autonomie mentale, corporelle, locomotrice et sociale"),
    2: _("fonctions mentales altérées mais motricité conservée, ou l'inverse"),
    3: _("autonomie mentale, besoin d'aide plusieurs fois par jour pour les soins corporels"),
    4: _("aide pour les transferts, la toilette, l'habillage ou les repas"),
    5: _("aide ponctuelle pour la toilette, les repas, le ménage"),
    6: _("autonome pour les actes essentiels de la vie courante"),
}


@dataclass(frozen=True)
class GirResult:
    gir: int
    rank: int
    group: str
    score: float

    @property
    def label(self):
        return GIR_LABELS[self.gir]


def score(weights, answers):
    """The sum of the weights of the variables rated C or B (A weighs nothing)."""
    total = 0
    for key, (c_weight, b_weight) in zip(WEIGHTED_KEYS, weights, strict=True):
        value = answers[key]
        total += c_weight if value == "C" else b_weight if value == "B" else 0
    return total


def missing(answers):
    """The discriminant variables not (validly) rated."""
    return [key for key in DISCRIMINANT_KEYS if (answers or {}).get(key) not in MODALITIES]


def gir(answers) -> GirResult:
    """The GIR of a complete grid (`answers`: variable -> "A"/"B"/"C"); ValueError when incomplete."""
    absent = missing(answers)
    if absent:
        raise ValueError(f"AGGIR variables not rated: {absent}")
    for group, weights, thresholds in GROUPS:
        total = score(weights, answers)
        for minimum, rank in thresholds:
            if total >= minimum:
                return GirResult(gir=RANK_TO_GIR[rank], rank=rank, group=group, score=total)
    raise AssertionError("group H always gives a rank")  # pragma: no cover


def gir_or_none(answers):
    """The GIR number when the grid is complete, else None (a draft)."""
    return gir(answers).gir if not missing(answers) else None


def tables_json():
    """The weights, thresholds and rank table as JSON, for the form's live preview of the GIR (the
    script computes with the server's own tables: nothing is copied into JavaScript)."""
    import json

    groups = [
        {
            "weights": [list(pair) for pair in weights],
            "thresholds": [[t if t != float("-inf") else None, r] for t, r in thresholds],
        }
        for _group, weights, thresholds in GROUPS
    ]
    return json.dumps(
        {
            "keys": list(WEIGHTED_KEYS),
            "all": list(DISCRIMINANT_KEYS),
            "groups": groups,
            "gir": RANK_TO_GIR,
            "labels": {k: str(v) for k, v in GIR_LABELS.items()},
        }
    )
