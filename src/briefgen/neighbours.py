"""Candidate neighbours: stories that share some of their strongest terms.

Each story scores the others by the dot product of their strongest `blocking_terms` terms (a term
shared by more than `max_postings` stories is too common to count) and keeps its best
`neighbours`. Two implementations give the same pairs bit for bit: plain Python for small sites,
and numpy from `ARRAY_MIN_STORIES` stories on, where it is many times faster and its import (about
0.2 s) pays. numpy adds the same products in the same order and breaks ties the same way (first
contribution first), so the pairs do not depend on which one ran.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

from briefgen.parallel import ordered_map

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from briefgen.similarity import Vector, Weights

ARRAY_MIN_STORIES = 2000
"""From this many stories on, the numpy implementation is used."""
_CHUNK_PRODUCTS = 500_000
"""Products handled at once by numpy: bounds its memory whatever the corpus size."""
_WORKERS_MIN_CHUNKS = 4
"""From this many chunks on, they are searched in worker processes (see `parallel`)."""
_RADIX_ROWS = 2**15
"""Chunks of fewer stories than this sort them with 16-bit keys (numpy's radix sort)."""


def neighbour_pairs(vectors: Sequence[Vector], weights: Weights) -> list[tuple[int, int]]:
    """Pairs (i < j) worth comparing, sorted: each story with its best candidate neighbours."""
    if len(vectors) >= ARRAY_MIN_STORIES:
        return array_neighbour_pairs(vectors, weights)
    return python_neighbour_pairs(vectors, weights)


def python_neighbour_pairs(vectors: Sequence[Vector], weights: Weights) -> list[tuple[int, int]]:
    """`neighbour_pairs` in plain Python (no import cost; quadratic in posting length)."""
    size = weights.blocking_terms
    postings: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        for term, weight in zip(vector.terms[:size], vector.weights[:size], strict=True):
            postings[term].append((index, weight))
    pairs: set[tuple[int, int]] = set()
    for index, vector in enumerate(vectors):
        scores: dict[int, float] = defaultdict(float)
        for term, weight in zip(vector.terms[:size], vector.weights[:size], strict=True):
            sharing = postings[term]
            if len(sharing) > weights.max_postings:
                continue
            for other, other_weight in sharing:
                scores[other] += weight * other_weight
        scores.pop(index, None)
        # A stable sort (scores fill in posting order, the same each run) with C-level keys.
        best = sorted(scores, key=scores.__getitem__, reverse=True)[: weights.neighbours]
        pairs.update((min(index, other), max(index, other)) for other in best)
    return sorted(pairs)


def array_neighbour_pairs(vectors: Sequence[Vector], weights: Weights) -> list[tuple[int, int]]:
    """`neighbour_pairs` with numpy, some stories at a time (the same pairs as plain Python)."""
    import numpy as np  # noqa: PLC0415 (0.2 s: only sites big enough to gain from it pay)

    size = weights.blocking_terms
    lengths = np.fromiter((min(len(v.terms), size) for v in vectors), np.int64, len(vectors))
    rows = np.repeat(np.arange(len(vectors), dtype=np.int64), lengths)
    terms = np.fromiter((t for v in vectors for t in v.terms[:size]), np.int64, len(rows))
    values = np.fromiter((w for v in vectors for w in v.weights[:size]), np.float64, len(rows))
    # Postings: each term's entries in story order (a stable sort keeps it).
    by_term = np.argsort(terms, kind="stable")
    counts = np.bincount(terms)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    postings = Postings(rows[by_term], values[by_term], len(vectors))
    fanout = np.where(counts[terms] <= weights.max_postings, counts[terms], 0)
    # Chunks of whole stories, each with about `_CHUNK_PRODUCTS` products.
    story_entry = np.concatenate(([0], np.cumsum(lengths)))
    work = np.concatenate(([0], np.cumsum(fanout)))[story_entry]
    bounds = [0]
    while bounds[-1] < len(vectors):
        end = int(np.searchsorted(work, work[bounds[-1]] + _CHUNK_PRODUCTS, side="right")) - 1
        bounds.append(min(max(end, bounds[-1] + 1), len(vectors)))
    entries = Entries(rows, values, starts[terms], fanout)
    chunks = [
        slice(int(story_entry[first]), int(story_entry[last])) for first, last in pairwise(bounds)
    ]
    best = partial(_best_in_chunk, entries=entries, postings=postings, keep=weights.neighbours)
    found = list(ordered_map(best, chunks, min_items=_WORKERS_MIN_CHUNKS, chunk_size=1))
    keys = np.unique(np.concatenate([np.zeros(0, np.int64), *found]))
    return list(zip((keys // len(vectors)).tolist(), (keys % len(vectors)).tolist(), strict=True))


class Postings(NamedTuple):
    """Every story's strongest terms, grouped by term, stories in order within a term."""

    rows: npt.NDArray[np.int64]
    """The story of each entry."""
    values: npt.NDArray[np.float64]
    """The term's weight in that story."""
    stories: int
    """How many stories there are."""


class Entries(NamedTuple):
    """Some stories' strongest terms, each story's strongest first."""

    rows: npt.NDArray[np.int64]
    """The story of each entry."""
    values: npt.NDArray[np.float64]
    """The term's weight in that story."""
    starts: npt.NDArray[np.int64]
    """Where the term's posting starts in `Postings`."""
    fanout: npt.NDArray[np.int64]
    """The posting's length, or 0 for a term too common to count."""


def _best_in_chunk(
    chunk: slice, entries: Entries, postings: Postings, keep: int
) -> npt.NDArray[np.int64]:
    """Each story of the chunk with its `keep` best-scoring others, as pairs (i < j) coded
    `i * stories + j` (one array: quick to send back from a worker)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    rows, values, starts, fanout = entries
    entries = Entries(rows[chunk], values[chunk], starts[chunk], fanout[chunk])
    total = int(entries.fanout.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    # Every product: an entry times each entry of its term's posting, in Python's order.
    entry = np.repeat(np.arange(len(entries.rows)), entries.fanout)
    offsets = np.arange(total) - np.repeat(
        np.cumsum(entries.fanout) - entries.fanout, entries.fanout
    )
    partner = entries.starts[entry] + offsets
    left, right = entries.rows[entry], postings.rows[partner]
    products = entries.values[entry] * postings.values[partner]
    order = np.argsort(left * postings.stories + right, kind="stable")  # keeps addition order
    keys = (left * postings.stories + right)[order]
    new = np.r_[True, keys[1:] != keys[:-1]]
    # Sequential sums in addition order: the very floats of Python's `+=`.
    scores = np.bincount(np.cumsum(new) - 1, weights=products[order])
    first = order[np.flatnonzero(new)]  # a pair's first product: its place in Python's dict
    pair_left, pair_right = left[first], right[first]
    other = pair_left != pair_right
    pair_left, pair_right, scores, first = (
        pair_left[other],
        pair_right[other],
        scores[other],
        first[other],
    )
    ranked = _best_first(pair_left, scores, first)
    ranked_left = pair_left[ranked]
    rank = np.arange(len(ranked)) - np.searchsorted(ranked_left, ranked_left, side="left")
    chosen = ranked[rank < keep]
    low = np.minimum(pair_left[chosen], pair_right[chosen])
    high = np.maximum(pair_left[chosen], pair_right[chosen])
    return np.asarray(low * postings.stories + high, dtype=np.int64)


def _best_first(
    rows: npt.NDArray[np.int64], scores: npt.NDArray[np.float64], first: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Order by story, then best score; equal scores in order of `first` (Python's dict order)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    by_score = np.argsort(-scores)  # not stable: equal scores are put right below
    # The chunk's stories are few: 16-bit numbers get numpy's fast radix sort.
    lowest = int(rows.min())
    narrow = int(rows.max()) - lowest < _RADIX_ROWS
    local = (rows[by_score] - lowest).astype(np.int16 if narrow else np.int64)
    ranked = by_score[np.argsort(local, kind="stable")]
    ranked_rows, ranked_scores = rows[ranked], scores[ranked]
    tied = (ranked_rows[1:] == ranked_rows[:-1]) & (ranked_scores[1:] == ranked_scores[:-1])
    if tied.any():  # rare: exactly equal sums for one story
        return np.lexsort((first, -scores, rows))
    return ranked
