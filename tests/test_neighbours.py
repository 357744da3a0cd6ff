"""Candidate neighbours: stories that may share an event; numpy finds the pairs Python finds."""

from __future__ import annotations

import random
from array import array

import pytest

from briefgen.neighbour_arrays import array_neighbour_pairs
from briefgen.neighbours import python_neighbour_pairs
from briefgen.similarity import Vector, Weights


def _days(count: int, seed: int, undated: float = 0.1) -> list[int | None]:
    """Publication days over two months, some stories undated."""
    rng = random.Random(seed)
    return [None if rng.random() < undated else 738_000 + rng.randrange(60) for _ in range(count)]


def _vectors(count: int, vocabulary: int, seed: int) -> list[Vector]:
    rng = random.Random(seed)
    vectors = []
    for _ in range(count):
        terms = rng.sample(range(vocabulary), rng.randint(0, 40))
        weights = sorted((rng.choice((0.5, 0.25, rng.random())) for _ in terms), reverse=True)
        vectors.append(Vector(array("i", terms), array("d", weights)))
    # Exact copies tie on every score: the tie order must match too.
    return vectors + vectors[: count // 10]


@pytest.mark.parametrize(
    ("count", "vocabulary", "weights"),
    [
        (300, 400, Weights()),
        (500, 2000, Weights(neighbours=3, max_postings=12)),
        (200, 60, Weights(blocking_terms=5, neighbours=1)),
    ],
)
def test_numpy_and_python_searches_give_the_same_pairs(
    count: int, vocabulary: int, weights: Weights
) -> None:
    vectors = _vectors(count, vocabulary, seed=count)
    for days, window in (
        ([None] * len(vectors), 4.0),
        (_days(len(vectors), seed=count), 4.0),
        (_days(len(vectors), seed=count, undated=0.0), 2.5),
        (_days(len(vectors), seed=count, undated=0.0), 1000.0),
    ):
        expected = python_neighbour_pairs(vectors, weights, days, window)
        assert len(expected) > count // 4
        assert array_neighbour_pairs(vectors, weights, days, window) == expected


def test_a_story_finds_the_one_that_shares_its_rare_terms() -> None:
    common = [Vector(array("i", [1, 2, 3]), array("d", [0.6, 0.6, 0.5])) for _ in range(30)]
    rare = [
        Vector(array("i", [100, 101, 1]), array("d", [0.7, 0.7, 0.1])),
        Vector(array("i", [100, 101, 2]), array("d", [0.7, 0.7, 0.1])),
    ]
    weights = Weights(neighbours=2, max_postings=20)
    for search in (python_neighbour_pairs, array_neighbour_pairs):
        pairs = search(common + rare, weights, [None] * 32, 4.0)
        assert (30, 31) in pairs
        # Terms shared by more stories than `max_postings` find no neighbours at all.
        assert not [pair for pair in pairs if pair[1] < 30]


def test_stories_further_apart_than_the_window_are_never_paired() -> None:
    same = Vector(array("i", [7, 8]), array("d", [0.8, 0.6]))
    days = [738_000, 738_004, 738_005, None]
    for search in (python_neighbour_pairs, array_neighbour_pairs):
        pairs = search([same] * 4, Weights(), days, 4.0)
        # 0 and 2 are five days apart; the undated story meets every one.
        assert pairs == [(0, 1), (0, 3), (1, 2), (1, 3), (2, 3)]


def test_common_terms_count_only_the_stories_in_the_window() -> None:
    # Forty stories share a term, one a day: the window of story 20 holds nine of them.
    shared = [Vector(array("i", [1, 2 + index]), array("d", [0.8, 0.6])) for index in range(40)]
    days: list[int | None] = [738_000 + index for index in range(40)]
    for search in (python_neighbour_pairs, array_neighbour_pairs):
        pairs = search(shared, Weights(max_postings=9), days, 4.0)
        assert [pair for pair in pairs if 20 in pair] == [
            *((other, 20) for other in range(16, 20)),
            *((20, other) for other in range(21, 25)),
        ]
        assert not [
            pair for pair in search(shared, Weights(max_postings=8), days, 4.0) if 20 in pair
        ]
        assert not search(shared, Weights(max_postings=9), [None] * 40, 4.0)
