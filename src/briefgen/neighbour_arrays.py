"""Candidate neighbours of a big site's stories, with numpy (see `neighbours`: the same pairs
as its plain-Python search, bit for bit).

Only the postings of every story's strongest terms are held for all stories at once; blocks of
stories (in worker processes where there are several) each find their entries' partners in
them, score them some products at a time, and keep each story's best.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

from briefgen.parallel import ordered_map

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from briefgen.similarity import Vector, Weights
    from briefgen.term_weights import PackedVectors

_CHUNK_PRODUCTS = 500_000
"""Products handled at once by numpy: bounds its memory whatever the corpus size."""
_BLOCKS = 16
_BLOCK_STORIES_MIN = 250
_BLOCK_STORIES_MAX = 5000
"""Stories are searched a block at a time (by one worker, where there are several blocks):
a sixteenth of them, within these bounds (blocks for the workers to share, and few of them)."""
_WORKERS_MIN_BLOCKS = 4
"""From this many blocks on, they are searched in worker processes (see `parallel`)."""
_RADIX_ROWS = 2**15
"""Chunks of fewer stories than this sort them with 16-bit keys (numpy's radix sort)."""


def array_neighbour_pairs(
    vectors: Sequence[Vector], weights: Weights, days: Sequence[int | None], window_days: float
) -> list[tuple[int, int]]:
    """`neighbour_pairs` with numpy, some stories at a time (the same pairs as plain Python)."""
    from briefgen.term_weights import packed_vectors  # noqa: PLC0415 (numpy: big sites only)

    keys = array_neighbour_keys(packed_vectors(vectors), weights, days, window_days)
    return list(zip((keys // len(vectors)).tolist(), (keys % len(vectors)).tolist(), strict=True))


def array_neighbour_keys(
    vectors: PackedVectors, weights: Weights, days: Sequence[int | None], window_days: float
) -> npt.NDArray[np.int64]:
    """`array_neighbour_pairs` as one sorted array, each pair (i < j) coded `i * stories + j`.

    Only the postings are held for all stories at once: each block of stories finds its
    entries' partners in them on its own (in a worker where there are several blocks)."""
    import numpy as np  # noqa: PLC0415 (0.2 s: only sites big enough to gain from it pay)

    search = _search(vectors, weights, Calendar.of(days), window_days)
    stories = len(search.lengths)
    size = min(max(stories // _BLOCKS, _BLOCK_STORIES_MIN), _BLOCK_STORIES_MAX)
    blocks = [range(first, min(first + size, stories)) for first in range(0, stories, size)]
    best = partial(_best_in_block, search=search, keep=weights.neighbours)
    found = list(ordered_map(best, blocks, min_items=_WORKERS_MIN_BLOCKS, chunk_size=1))
    keys = np.sort(np.concatenate([np.zeros(0, np.int64), *found]))
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


class Calendar(NamedTuple):
    """Publication days as small sortable numbers: 0 for undated, else 1 for the first day on."""

    keys: npt.NDArray[np.int64]
    """Each story's number."""
    days: npt.NDArray[np.float64]
    """Each story's day (`date.toordinal`), 0 where undated."""
    first: int
    """The first day."""
    span: int
    """One more than the largest number."""

    @classmethod
    def of(cls, days: Sequence[int | None]) -> Calendar:
        """The calendar of the stories' days."""
        import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

        dated = [day for day in days if day is not None]
        first, last = (min(dated), max(dated)) if dated else (0, 0)
        ordinals = np.fromiter((first - 1 if day is None else day for day in days), np.int64)
        return cls(ordinals - (first - 1), ordinals.astype(np.float64), first, last - first + 2)


class Postings(NamedTuple):
    """Every story's strongest terms, grouped by term: undated stories first, then by day (then
    by story)."""

    rows: npt.NDArray[np.int32]
    """The story of each entry."""
    values: npt.NDArray[np.float64]
    """The term's weight in that story."""
    keys: npt.NDArray[np.int64]
    """Each entry's term times `Calendar.span` plus its story's day number (sorted)."""
    starts: npt.NDArray[np.int64]
    """Where each term's posting starts."""
    counts: npt.NDArray[np.int64]
    """How many stories each term's posting holds."""
    undated: npt.NDArray[np.int64]
    """How many of them are undated (they come first)."""


class Search(NamedTuple):
    """All a chunk of stories needs to find its candidate neighbours."""

    vectors: PackedVectors
    lengths: npt.NDArray[np.int64]
    """How many of its strongest terms each story searches by."""
    entries: npt.NDArray[np.int64]
    """Where each story's searching entries start (and, one on, end) among all stories'."""
    postings: Postings
    calendar: Calendar
    window: float
    max_postings: int


def _search(vectors: PackedVectors, weights: Weights, calendar: Calendar, window: float) -> Search:
    """The postings of every story's strongest terms, and what else the chunks need."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    stories = len(vectors.starts) - 1
    lengths = np.minimum(np.diff(vectors.starts), weights.blocking_terms)
    entries = np.concatenate(([0], np.cumsum(lengths)))
    rows = np.repeat(np.arange(stories, dtype=np.int32), lengths)
    # Each story's strongest terms: the first of its entries.
    entry = np.repeat(vectors.starts[:-1] - entries[:-1], lengths)
    entry += np.arange(len(rows))
    terms = vectors.terms[entry]
    story_keys = calendar.keys[rows]
    counts = np.bincount(terms)
    undated = np.bincount(terms[story_keys == 0], minlength=len(counts))
    keys = terms.astype(np.int64)
    del terms
    keys *= calendar.span
    keys += story_keys
    del story_keys
    keys, rows, entry = _sorted_postings(keys, rows, entry)
    values = vectors.weights[entry].astype(np.float64)  # products in double precision
    del entry
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    postings = Postings(rows, values, keys, starts, counts, undated)
    return Search(vectors, lengths, entries, postings, calendar, window, weights.max_postings)


def _sorted_postings(
    keys: npt.NDArray[np.int64], rows: npt.NDArray[np.int32], entry: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """The entries (in story order) sorted by key, those of one key in story order (the keys
    are used up: the memory peak)."""
    keys, places = _stable_sort(keys)
    return keys, rows[places], entry[places]


def _stable_sort(
    keys: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The keys sorted, and the order a stable argsort gives them (`keys` is used up).

    Each key is made unique by its place (`key << bits | place`, where that fits in 64 bits):
    sorting those values orders the places as a stable sort of the keys would, several times
    quicker than a stable argsort (numpy sorts plain integers with SIMD)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    size = len(keys)
    bits = max(size - 1, 1).bit_length()
    if not size or int(keys.min()) < 0 or int(keys.max()) >= 1 << (63 - bits):
        order = np.argsort(keys, kind="stable")
        return keys[order], order
    unique = keys
    unique <<= bits
    unique |= np.arange(size, dtype=np.int64)
    unique.sort()
    places = unique & ((1 << bits) - 1)
    unique >>= bits
    return unique, places


class Entries(NamedTuple):
    """Some stories' strongest terms, each story's strongest first, with their partners."""

    rows: npt.NDArray[np.int64]
    """The story of each entry."""
    values: npt.NDArray[np.float64]
    """The term's weight in that story."""
    starts: npt.NDArray[np.int64]
    """Where the term's posting starts in `Postings` (its undated stories come first)."""
    undated: npt.NDArray[np.int64]
    """How many undated stories the posting holds."""
    window: npt.NDArray[np.int64]
    """Where the posting's stories within the entry's window start in `Postings`."""
    fanout: npt.NDArray[np.int64]
    """How many partners the entry has (undated, then in the window); 0 for a term too common."""

    def part(self, entries: slice) -> Entries:
        """Some of the entries (those of some of the stories)."""
        return Entries(
            self.rows[entries],
            self.values[entries],
            self.starts[entries],
            self.undated[entries],
            self.window[entries],
            self.fanout[entries],
        )


def _chunk_entries(chunk: range, search: Search) -> Entries:
    """The entries of a chunk of stories with their partners in their terms' postings: the
    undated ones, then those in the entry's window.

    The postings' keys are sorted, so one binary search finds a window's ends in any posting.
    The entries are looked up in order of their own keys, where the window ends only grow: each
    search starts where the last ended, in memory just read (several times quicker).
    """
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    vectors, postings, calendar = search.vectors, search.postings, search.calendar
    first, last = search.entries[chunk.start], search.entries[chunk.stop]
    lengths = search.lengths[chunk.start : chunk.stop]
    rows = np.repeat(np.arange(chunk.start, chunk.stop, dtype=np.int64), lengths)
    stories = slice(chunk.start, chunk.stop)
    entry = np.repeat(vectors.starts[stories] - search.entries[stories], lengths)
    entry += np.arange(first, last)
    terms = vectors.terms[entry].astype(np.int64)
    keys = calendar.keys[rows]
    # The same float arithmetic as the plain-Python bisection (day - window, day + window).
    end_day = calendar.first + calendar.span - 2
    day = calendar.days[rows]
    low = np.ceil(np.clip(day - search.window, calendar.first, end_day + 1)).astype(np.int64)
    high = np.floor(np.clip(day + search.window, calendar.first - 1, end_day)).astype(np.int64)
    base = terms * calendar.span - calendar.first + 1
    _, order = _stable_sort(terms * calendar.span + keys)  # any order of equals would do
    window_start, window_end = np.empty_like(rows), np.empty_like(rows)
    window_start[order] = np.searchsorted(postings.keys, (base + low)[order], side="left")
    window_end[order] = np.searchsorted(postings.keys, (base + high)[order], side="right")
    window_end = np.maximum(window_start, window_end)
    starts, undated, counts = (
        postings.starts[terms],
        postings.undated[terms],
        postings.counts[terms],
    )
    everyone = keys == 0  # an undated story meets every dated one
    window_start = np.where(everyone, starts + undated, window_start)
    window_end = np.where(everyone, starts + counts, window_end)
    fanout = undated + window_end - window_start
    fanout[fanout > search.max_postings] = 0
    values = vectors.weights[entry].astype(np.float64)  # products in double precision
    return Entries(rows, values, starts, undated, window_start, fanout)


def _best_in_block(block: range, search: Search, keep: int) -> npt.NDArray[np.int64]:
    """Each story of the block with its `keep` best-scoring others, as pairs (i < j) coded
    `i * stories + j` (one array: quick to send back from a worker).

    The block's entries are found once, then scored some stories at a time, each time about
    `_CHUNK_PRODUCTS` products (a story's best are its own, whatever else is scored with it)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    entries = _chunk_entries(block, search)
    # Where each story's entries start among the block's (and, one on, where the last ends).
    places = search.entries[block.start : block.stop + 1] - search.entries[block.start]
    work = np.concatenate(([0], np.cumsum(entries.fanout)))[places]  # products before each
    bounds = [0]
    while bounds[-1] < len(block):
        end = int(np.searchsorted(work, work[bounds[-1]] + _CHUNK_PRODUCTS, side="right")) - 1
        bounds.append(min(max(end, bounds[-1] + 1), len(block)))
    found = [np.zeros(0, np.int64)]
    for first, last in pairwise(bounds):
        part = entries.part(slice(int(places[first]), int(places[last])))
        found.append(_best_of_entries(part, search, keep))
    return np.concatenate(found)


def _best_of_entries(entries: Entries, search: Search, keep: int) -> npt.NDArray[np.int64]:
    """The best-scoring others of the stories whose entries these are (see `_best_in_block`)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    postings, stories = search.postings, len(search.lengths)
    total = int(entries.fanout.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    # Every product: an entry times each entry of its term's posting, in Python's order.
    entry = np.repeat(np.arange(len(entries.rows)), entries.fanout)
    offsets = np.arange(total) - np.repeat(
        np.cumsum(entries.fanout) - entries.fanout, entries.fanout
    )
    undated = entries.undated[entry]
    partner = np.where(
        offsets < undated,
        entries.starts[entry] + offsets,
        entries.window[entry] + offsets - undated,
    )
    left, right = entries.rows[entry], postings.rows[partner].astype(np.int64)
    products = entries.values[entry] * postings.values[partner]
    keys, order = _stable_sort(left * stories + right)  # stable: keeps addition order
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
    if not len(pair_left):  # each story shares its terms with itself only
        return np.zeros(0, np.int64)
    ranked = _best_first(pair_left, scores, first)
    ranked_left = pair_left[ranked]
    rank = np.arange(len(ranked)) - np.searchsorted(ranked_left, ranked_left, side="left")
    chosen = ranked[rank < keep]
    low = np.minimum(pair_left[chosen], pair_right[chosen])
    high = np.maximum(pair_left[chosen], pair_right[chosen])
    return np.asarray(low * stories + high, dtype=np.int64)


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
