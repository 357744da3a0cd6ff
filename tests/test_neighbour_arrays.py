"""The numpy neighbour search: in blocks and chunks, sorted quickly, the same pairs as one go."""

from __future__ import annotations

import pytest

import briefgen.neighbour_arrays
from briefgen.neighbour_arrays import (
    Calendar,
    Entries,
    Search,
    _best_in_block,
    _chunk_entries,
    _search,
    _sorted_postings,
    _stable_sort,
    array_neighbour_pairs,
)
from briefgen.neighbours import python_neighbour_pairs
from briefgen.similarity import Weights
from briefgen.term_weights import packed_vectors
from test_neighbours import _days, _vectors


def test_chunked_search_gives_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    vectors = _vectors(400, 500, seed=7)
    days = _days(len(vectors), seed=7)
    whole = array_neighbour_pairs(vectors, Weights(), days, 4.0)
    monkeypatch.setattr("briefgen.neighbour_arrays._CHUNK_PRODUCTS", 300)  # dozens of chunks
    monkeypatch.setattr("briefgen.neighbour_arrays._BLOCK_STORIES_MIN", 7)  # in blocks of 7 stories
    monkeypatch.setattr("briefgen.neighbour_arrays._BLOCK_STORIES_MAX", 7)
    assert (
        array_neighbour_pairs(vectors, Weights(), days, 4.0)
        == whole
        == python_neighbour_pairs(vectors, Weights(), days, 4.0)
    )


def test_a_block_is_scored_in_chunks_of_about_the_products_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vectors = packed_vectors(_vectors(300, 400, seed=5))
    search = _search(vectors, Weights(), Calendar.of(_days(330, seed=5)), 4.0)
    block = range(40, 200)
    whole = _best_in_block(block, search, keep=20)
    products = [int(fanout) for fanout in _chunk_entries(block, search).fanout]
    scored: list[int] = []
    real = briefgen.neighbour_arrays._best_of_entries

    def counted(entries: Entries, search: Search, keep: int) -> object:
        scored.append(int(entries.fanout.sum()))
        return real(entries, search, keep)

    monkeypatch.setattr("briefgen.neighbour_arrays._best_of_entries", counted)
    monkeypatch.setattr("briefgen.neighbour_arrays._CHUNK_PRODUCTS", 300)
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
