"""Candidate neighbours: the numpy search finds exactly the pairs of the plain-Python one."""

from __future__ import annotations

import random
from array import array

import pytest

from briefgen.neighbours import array_neighbour_pairs, python_neighbour_pairs
from briefgen.similarity import Vector, Weights


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
    expected = python_neighbour_pairs(vectors, weights)
    assert len(expected) > count // 2
    assert array_neighbour_pairs(vectors, weights) == expected


def test_a_story_finds_the_one_that_shares_its_rare_terms() -> None:
    common = [Vector(array("i", [1, 2, 3]), array("d", [0.6, 0.6, 0.5])) for _ in range(30)]
    rare = [
        Vector(array("i", [100, 101, 1]), array("d", [0.7, 0.7, 0.1])),
        Vector(array("i", [100, 101, 2]), array("d", [0.7, 0.7, 0.1])),
    ]
    weights = Weights(neighbours=2, max_postings=20)
    for search in (python_neighbour_pairs, array_neighbour_pairs):
        pairs = search(common + rare, weights)
        assert (30, 31) in pairs
        # Terms shared by more stories than `max_postings` find no neighbours at all.
        assert not [pair for pair in pairs if pair[1] < 30]


def test_chunked_search_gives_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    vectors = _vectors(400, 500, seed=7)
    whole = array_neighbour_pairs(vectors, Weights())
    monkeypatch.setattr("briefgen.neighbours._CHUNK_PRODUCTS", 300)  # dozens of chunks
    assert (
        array_neighbour_pairs(vectors, Weights())
        == whole
        == python_neighbour_pairs(vectors, Weights())
    )
