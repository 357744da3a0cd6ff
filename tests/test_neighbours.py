"""Candidate neighbours: stories that may share an event; numpy finds the pairs Python finds."""

from __future__ import annotations

import random
from array import array

import pytest

import briefgen.neighbours
from briefgen.neighbours import (
    Calendar,
    Entries,
    Search,
    _best_in_block,
    _chunk_entries,
    _search,
    _sorted_postings,
    _stable_sort,
    array_neighbour_pairs,
    python_neighbour_pairs,
)
from briefgen.similarity import Vector, Weights
from briefgen.term_weights import packed_vectors


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


def test_chunked_search_gives_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    vectors = _vectors(400, 500, seed=7)
    days = _days(len(vectors), seed=7)
    whole = array_neighbour_pairs(vectors, Weights(), days, 4.0)
    monkeypatch.setattr("briefgen.neighbours._CHUNK_PRODUCTS", 300)  # dozens of chunks
    monkeypatch.setattr("briefgen.neighbours._BLOCK_STORIES_MIN", 7)  # in blocks of 7 stories
    monkeypatch.setattr("briefgen.neighbours._BLOCK_STORIES_MAX", 7)
    assert (
        array_neighbour_pairs(vectors, Weights(), days, 4.0)
        == whole
        == python_neighbour_pairs(vectors, Weights(), days, 4.0)
    )


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


def test_a_block_is_scored_in_chunks_of_about_the_products_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vectors = packed_vectors(_vectors(300, 400, seed=5))
    search = _search(vectors, Weights(), Calendar.of(_days(330, seed=5)), 4.0)
    block = range(40, 200)
    whole = _best_in_block(block, search, keep=20)
    products = [int(fanout) for fanout in _chunk_entries(block, search).fanout]
    scored: list[int] = []
    real = briefgen.neighbours._best_of_entries

    def counted(entries: Entries, search: Search, keep: int) -> object:
        scored.append(int(entries.fanout.sum()))
        return real(entries, search, keep)

    monkeypatch.setattr("briefgen.neighbours._best_of_entries", counted)
    monkeypatch.setattr("briefgen.neighbours._CHUNK_PRODUCTS", 300)
    assert _best_in_block(block, search, keep=20).tolist() == whole.tolist()
    # Every product scored once, in chunks of at most 300 (or of one story's, where more).
    assert sum(scored) == sum(products) > 3000
    most = max(300, *_story_products(search, block))
    assert len(scored) >= sum(products) // most and max(scored) <= most


def _story_products(search: Search, block: range) -> list[int]:
    """How many products each story of the block has."""
    return [int(_chunk_entries(range(story, story + 1), search).fanout.sum()) for story in block]


@pytest.mark.parametrize("largest", [50, 2**62])
def test_postings_are_sorted_by_key_then_by_story(largest: int) -> None:
    # Many entries share a key; keys this large leave no room for the entry's place in 64 bits.
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 50, 5000) * (largest // 50)
    rows = np.repeat(np.arange(1000, dtype=np.int32), 5)
    entry = np.arange(5000, dtype=np.int64) * 3
    order = sorted(range(5000), key=lambda place: (int(keys[place]), place))
    expected = (keys[order].tolist(), rows[order].tolist(), entry[order].tolist())
    found = _sorted_postings(keys.copy(), rows, entry)
    assert tuple(array.tolist() for array in found) == expected


@pytest.mark.parametrize(
    ("low", "high", "size"),
    [(0, 40, 3000), (0, 2**62, 3000), (-20, 20, 3000), (0, 10, 1), (0, 10, 0)],
)
def test_keys_sort_as_a_stable_argsort_would(low: int, high: int, size: int) -> None:
    # Few distinct keys: long runs of equals, whose order is the stable one. Keys too large or
    # negative for the quick way take numpy's stable argsort; the result is the same.
    np = pytest.importorskip("numpy")
    keys = np.random.default_rng(size).integers(low, high, size)
    order = np.argsort(keys, kind="stable")
    found_keys, found_order = _stable_sort(keys.copy())
    assert found_order.tolist() == order.tolist()
    assert found_keys.tolist() == keys[order].tolist()
