"""The GIR computed by the official algorithm (CASF annexe 2-2), on worked examples and edge cases."""

import itertools
from collections import Counter

import pytest

from partners.evaluations import aggir
from partners.evaluations.aggir import DISCRIMINANT_KEYS, gir


def grid(**rated):
    """All ten variables rated A, except those given."""
    return {key: rated.get(key, "A") for key in DISCRIMINANT_KEYS}


def test_gir_1_everything_done_by_someone_else():
    result = gir(dict.fromkeys(DISCRIMINANT_KEYS, "C"))
    assert (result.gir, result.rank, result.group, result.score) == (1, 1, "A", 4440)


def test_gir_6_fully_autonomous():
    result = gir(grid())
    assert (result.gir, result.rank, result.group, result.score) == (6, 13, "H", 0)


def test_outdoor_moves_and_communication_never_weigh():
    assert gir(grid(deplacement_exterieur="C", communication="C")).gir == 6


@pytest.mark.parametrize(
    ("rated", "expected"),
    [
        # Group A, rank 2 (4 240: everything C but indoor moves) and rank 3 (coherence, orientation, transfers C).
        (dict.fromkeys(DISCRIMINANT_KEYS[:7], "C"), (2, 2, "A")),
        ({"coherence": "C", "orientation": "C", "transferts": "C"}, (2, 3, "A")),
        # Worked example published with the 1997 algorithm: A B C A B C A A A B -> rank 8 (group E), GIR 3.
        (
            dict(zip(DISCRIMINANT_KEYS, "ABCABCAAAB", strict=True)),
            (3, 8, "E"),
        ),
        # Group D weighs "alimentation B" 200 (annexe 2-2): B, B, C on eating, elimination, transfers -> 2 400, rank 7.
        ({"alimentation": "B", "elimination": "B", "transferts": "C"}, (2, 7, "D")),
        # Washing partly: group H 2 000 -> rank 12, GIR 5.
        ({"toilette": "B"}, (5, 12, "H")),
        # Transfers not done alone but nothing else: every group below its threshold, H gives 1 000 -> GIR 6.
        ({"transferts": "C"}, (6, 13, "H")),
        # Group B: orientation C 1 200 + elimination B 16 + transfers C 800 = 2 016 exactly -> rank 4, GIR 2.
        ({"orientation": "C", "elimination": "B", "transferts": "C"}, (2, 4, "B")),
    ],
)
def test_worked_examples(rated, expected):
    result = gir(grid(**rated))
    assert (result.gir, result.rank, result.group) == expected


def test_group_b_indoor_moves_weigh_negatively():
    """Group B's only negative weights (C -80, B -40): the same grid drops below 2 016 with indoor moves C."""
    base = {"orientation": "C", "elimination": "B", "transferts": "C"}
    assert gir(grid(**base)).score == 2016
    moved = gir(grid(**base, deplacement_interieur="B"))  # 2 016 - 40 < 2 016: on to groups C, D, then E
    assert (moved.gir, moved.rank, moved.group) == (3, 8, "E")


def test_thresholds_are_inclusive():
    # Exactly 2 400 in group D gives rank 7 (">= 2 400").
    result = gir(grid(alimentation="B", elimination="B", transferts="C"))
    assert result.score == 2400 and result.rank == 7


def test_every_grid_gets_a_gir_and_the_distribution_is_stable():
    """The 3^8 grids of the weighted variables: each gets a GIR 1..6 (a change of a weight moves these counts)."""
    counts = Counter(
        gir(grid(**dict(zip(DISCRIMINANT_KEYS[:8], combo, strict=True)))).gir
        for combo in itertools.product("ABC", repeat=8)
    )
    assert sum(counts.values()) == 3**8
    assert dict(counts) == {1: 8, 2: 3208, 3: 2400, 4: 760, 5: 157, 6: 28}


def test_incomplete_grid_has_no_gir():
    answers = grid()
    del answers["coherence"]
    answers["orientation"] = "D"
    assert aggir.missing(answers) == ["coherence", "orientation"]
    assert aggir.gir_or_none(answers) is None
    with pytest.raises(ValueError, match="not rated"):
        gir(answers)


def test_the_tables_given_to_the_pages_preview_are_the_algorithms():
    import json

    tables = json.loads(aggir.tables_json())
    assert len(tables["groups"]) == 8 and tables["keys"] == list(DISCRIMINANT_KEYS[:8])
    assert tables["groups"][1]["weights"][7] == [-80, -40]  # group B, indoor moves
    assert tables["groups"][7]["thresholds"][-1] == [None, 13]
    assert tables["gir"]["13"] == 6
