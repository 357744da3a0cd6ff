"""Candidate neighbours: stories that share some of their strongest terms.

Each story scores the others it may share an event with (published within the window of it, or
either one undated) by the dot product of their strongest `blocking_terms` terms (a term shared
by more than `max_postings` of those is too common to count) and keeps its best `neighbours`.
Counting only those keeps a story's neighbours as good on a site of years of news as on a site of
days: otherwise its slots and its rare terms go to stories months apart, which never join it.
Two implementations give the same pairs bit for bit: plain Python for small sites (here), and
numpy from `ARRAY_MIN_STORIES` stories on (`neighbour_arrays`), where it is many times faster
and its import (about 0.2 s) pays. numpy adds the same products in the same order and breaks ties
the same way (first contribution first), so the pairs do not depend on which one ran.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.similarity import Vector, Weights

ARRAY_MIN_STORIES = 2000
"""From this many stories on, the numpy implementation is used."""


def neighbour_pairs(
    vectors: Sequence[Vector], weights: Weights, days: Sequence[int | None], window_days: float
) -> list[tuple[int, int]]:
    """Pairs (i < j) worth comparing, sorted: each story with its best candidate neighbours.

    `days`: each story's publication day number (`date.toordinal`), or None. Only stories that
    may share an event are partners: two dated ones at most `window_days` apart, or either one
    undated.
    """
    if len(vectors) >= ARRAY_MIN_STORIES:
        from briefgen.neighbour_arrays import array_neighbour_pairs  # noqa: PLC0415 (numpy)

        return array_neighbour_pairs(vectors, weights, days, window_days)
    return python_neighbour_pairs(vectors, weights, days, window_days)


def python_neighbour_pairs(
    vectors: Sequence[Vector], weights: Weights, days: Sequence[int | None], window_days: float
) -> list[tuple[int, int]]:
    """`neighbour_pairs` in plain Python (no import cost; quadratic in posting length)."""
    size = weights.blocking_terms
    postings: dict[int, _Posting] = defaultdict(_Posting)
    for index in _posting_order(days):
        vector = vectors[index]
        for term, weight in zip(vector.terms[:size], vector.weights[:size], strict=True):
            postings[term].add(index, weight, days[index])
    pairs: set[tuple[int, int]] = set()
    for index, vector in enumerate(vectors):
        scores: dict[int, float] = defaultdict(float)
        for term, weight in zip(vector.terms[:size], vector.weights[:size], strict=True):
            sharing = postings[term].partners(days[index], window_days)
            if len(sharing) > weights.max_postings:
                continue
            for other, other_weight in sharing:
                scores[other] += weight * other_weight
        scores.pop(index, None)
        # A stable sort (scores fill in posting order, the same each run) with C-level keys.
        best = sorted(scores, key=scores.__getitem__, reverse=True)[: weights.neighbours]
        pairs.update((min(index, other), max(index, other)) for other in best)
    return sorted(pairs)


def _posting_order(days: Sequence[int | None]) -> list[int]:
    """The stories as postings hold them: undated ones first, then by day (then by number)."""
    return sorted(range(len(days)), key=lambda index: (days[index] is not None, days[index] or 0))


class _Posting:
    """The stories with one strong term: undated ones first, then dated ones by day."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, float]] = []
        self.days: list[int] = []
        self.undated = 0

    def add(self, index: int, weight: float, day: int | None) -> None:
        """Add a story (in `_posting_order`)."""
        self.entries.append((index, weight))
        if day is None:
            self.undated += 1
        else:
            self.days.append(day)

    def partners(self, day: int | None, window_days: float) -> list[tuple[int, float]]:
        """The entries a story of that day may share an event with: undated ones first."""
        if day is None:
            return self.entries
        low = bisect_left(self.days, day - window_days)
        high = max(low, bisect_right(self.days, day + window_days))
        undated = self.entries[: self.undated]
        return undated + self.entries[self.undated + low : self.undated + high]
