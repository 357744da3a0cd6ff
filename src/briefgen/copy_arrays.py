"""The dedupe stage's shingles and copy candidates for big sites, with numpy.

A shingle is CPython's hash of the tuple of its five word hashes (see `dedupe`); numpy computes
the very same numbers from the word hashes with CPython's tuple-hash steps (xxHash-based, stable
since Python 3.8), so samples, candidates and copies are those of the plain-Python stage. Where
an interpreter hashes tuples differently, `tuple_hash_matches` is false and dedupe stays in
plain Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Hashes = npt.NDArray[np.int64]

_PRIME_1 = 11400714785074694791
_PRIME_2 = 14029467366897019727
_PRIME_5 = 2870177450012600261
_LENGTH_MIX = _PRIME_5 ^ 3527539
_ALL_ONES = 2**64 - 1
_INSTEAD_OF_ALL_ONES = 1546275796  # CPython never returns -1 as a hash


def tuple_hashes(words: Sequence[int] | Hashes, size: int) -> Hashes:
    """hash(tuple(words[i:i + size])) for every start i, as CPython computes it."""
    import numpy as np  # noqa: PLC0415 (0.2 s: only sites big enough to gain from it pay)

    lanes = np.asarray(words, dtype=np.uint64)
    count = len(lanes) - size + 1
    accumulator = np.full(count, _PRIME_5, dtype=np.uint64)
    scratch = np.empty_like(accumulator)  # in place: no new array at each step
    for offset in range(size):
        np.multiply(lanes[offset : offset + count], np.uint64(_PRIME_2), out=scratch)
        accumulator += scratch
        np.left_shift(accumulator, np.uint64(31), out=scratch)  # a rotation by 31 bits
        accumulator >>= np.uint64(33)
        accumulator |= scratch
        accumulator *= np.uint64(_PRIME_1)
    accumulator += np.uint64(size ^ _LENGTH_MIX)
    accumulator[accumulator == np.uint64(_ALL_ONES)] = _INSTEAD_OF_ALL_ONES
    return accumulator.view(np.int64)


def tuple_hash_matches() -> bool:
    """True where `tuple_hashes` gives this interpreter's own tuple hashes (CPython 3.8 on)."""
    words = [0, 1, 2**31 + 7, 2**32 - 1, 12345, 99]
    expected = [hash(tuple(words[i : i + 5])) for i in range(2)]
    return bool(tuple_hashes(words, 5).tolist() == expected)


def batch_samples(texts: Sequence[Hashes], size: int, modulus: int) -> list[Hashes]:
    """Each text's distinct shingles divisible by `modulus` (a power of two), else its smallest.

    Texts are the word hashes of records with `size` words or more; the shingles of all of them
    are hashed at once.
    """

    if not texts:
        return []
    owners, hashes = _whole_shingles(texts, size)
    chosen = (hashes & (modulus - 1)) == 0
    samples = _distinct_by_text(owners[chosen], hashes[chosen], len(texts))
    for text, found in enumerate(samples):
        if not len(found):  # no shingle divisible: the smallest stands in
            mine = hashes[owners == text]
            samples[text] = mine[mine.argmin()][None] if len(mine) else mine
    return samples


def batch_shingles(texts: Sequence[Hashes], size: int) -> list[Hashes]:
    """Each text's sorted distinct shingles (texts of `size` words or more), hashed at once."""
    if not texts:
        return []
    owners, hashes = _whole_shingles(texts, size)
    return _distinct_by_text(owners, hashes, len(texts))


def _whole_shingles(texts: Sequence[Hashes], size: int) -> tuple[Hashes, Hashes]:
    """Each shingle of the texts (none spanning two of them): its text's number, and its hash."""
    import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    words = np.concatenate(texts)
    owner = np.repeat(np.arange(len(texts)), lengths)[: len(words) - size + 1]
    place = np.arange(len(owner)) - np.repeat(np.cumsum(lengths) - lengths, lengths)[: len(owner)]
    whole = place + size <= lengths[owner]
    return owner[whole], tuple_hashes(words, size)[whole]


def _distinct_by_text(owners: Hashes, values: Hashes, count: int) -> list[Hashes]:
    """The sorted distinct values of each of `count` texts (`owners` numbers them, in order)."""
    import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

    bounds = np.searchsorted(owners, np.arange(count + 1)).tolist()
    values = values.copy()
    for start, stop in pairwise(bounds):
        values[start:stop].sort()  # many small sorts: far quicker than one sort by two keys
    distinct = np.r_[True, (owners[1:] != owners[:-1]) | (values[1:] != values[:-1])]
    owners, values = owners[distinct], values[distinct]
    bounds = np.searchsorted(owners, np.arange(count + 1)).tolist()
    return [values[start:stop] for start, stop in pairwise(bounds)]


def shared_count(left: Hashes, right: Hashes) -> int:
    """How many values two sorted arrays of distinct values have in common."""
    import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

    # numpy's own sort (vectorised) of both: quicker than searching one for the other's values.
    joined = np.concatenate((left, right))
    joined.sort()
    return int(np.count_nonzero(joined[1:] == joined[:-1]))


Chunk = tuple["Hashes", "Hashes"]
"""Some records' samples end to end, and the length of each (the records of a run of chunks
numbered in order)."""

_VALUE_PARTS = 16
"""Posting lists are made for one sixteenth of the hash values at a time (by their top bits)."""
_TOP_SHIFT = 60
_PAIRS_PER_SLICE = 2**19


def candidate_pairs(
    chunks: Sequence[Chunk],
    threshold: float,
    max_postings: int,
    pairs_per_slice: int = _PAIRS_PER_SLICE,
) -> list[tuple[int, int]]:
    """`dedupe._candidate_pairs` for numpy samples: pairs sharing enough sampled shingles.

    Only small arrays are made at any time: the postings for a range of hash values at once,
    and the posting pairs of a range of left records at once (about `pairs_per_slice`)."""
    records = sum(len(lengths) for _, lengths in chunks)
    postings = _Postings(records, max_postings)
    for top in range(-_VALUE_PARTS // 2, _VALUE_PARTS // 2):
        postings.add(*_value_part(chunks, top))
    return postings.shared_enough(threshold, pairs_per_slice)


def _value_part(chunks: Sequence[Chunk], top: int) -> tuple[Hashes, npt.NDArray[np.int32]]:
    """The sampled values whose top bits are `top`, and the record of each, in record order."""
    import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

    values, owners = [], []
    first = 0
    for chunk_values, lengths in chunks:
        chosen = (chunk_values >> _TOP_SHIFT) == top
        numbers = np.arange(first, first + len(lengths), dtype=np.int32)
        values.append(chunk_values[chosen])
        owners.append(np.repeat(numbers, lengths)[chosen])
        first += len(lengths)
    if not values:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    return np.concatenate(values), np.concatenate(owners)


class _Postings:
    """The records of each sampled value, kept only for values in 2 to `max_postings` records:
    entries grouped by value, each group's records in order."""

    def __init__(self, records: int, max_postings: int) -> None:
        import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

        self._records = records
        self._max = max_postings
        self._usable = np.zeros(records, np.int64)
        """How many of each record's values are in `max_postings` records or fewer."""
        self._owners: list[npt.NDArray[np.int32]] = []
        self._later: list[npt.NDArray[np.int32]] = []
        """How many entries after each one are in its group."""

    def add(self, values: Hashes, owners: npt.NDArray[np.int32]) -> None:
        """The entries of some values (all the entries of each of them), in record order."""
        import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

        by_value = np.argsort(values, kind="stable")  # stable: owners stay in order
        values, owners = values[by_value], owners[by_value]
        starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
        sizes = np.diff(np.r_[starts, len(values)])
        small = sizes <= self._max
        self._usable += np.bincount(owners[np.repeat(small, sizes)], minlength=self._records)
        kept = np.repeat(small & (sizes > 1), sizes)
        ends = np.repeat(starts + sizes, sizes)
        self._owners.append(owners[kept])
        self._later.append((ends - np.arange(len(values)) - 1)[kept].astype(np.int32))

    def shared_enough(self, threshold: float, pairs_per_slice: int) -> list[tuple[int, int]]:
        """Pairs (left < right) sharing at least `threshold / 2` of the smaller one's usable
        values, in order; made for a range of left records at a time."""
        import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

        owners = np.concatenate(self._owners) if self._owners else np.zeros(0, np.int32)
        later = np.concatenate(self._later) if self._later else np.zeros(0, np.int32)
        self._owners, self._later = [], []
        by_owner = np.argsort(owners, kind="stable")
        pairs: list[tuple[int, int]] = []
        for start, stop in _slices(owners[by_owner], later[by_owner], pairs_per_slice):
            pairs.extend(self._slice_pairs(owners, later, by_owner[start:stop], threshold))
        return pairs

    def _slice_pairs(
        self,
        owners: npt.NDArray[np.int32],
        later: npt.NDArray[np.int32],
        entries: Hashes,
        threshold: float,
    ) -> list[tuple[int, int]]:
        """The pairs of the given entries (all those of their left records) sharing enough."""
        import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

        counts = later[entries].astype(np.int64)
        first = np.repeat(entries, counts)
        # Each entry pairs with each later entry of its group (the next `counts` places).
        step = np.arange(len(first)) - np.repeat(np.cumsum(counts) - counts, counts)
        left = owners[first].astype(np.int64)
        right = owners[first + 1 + step]
        keys, shared = np.unique(left * self._records + right, return_counts=True)
        left, right = keys // self._records, keys % self._records
        enough = shared >= threshold / 2 * np.minimum(self._usable[left], self._usable[right])
        return list(zip(left[enough].tolist(), right[enough].tolist(), strict=True))


def _slices(
    owners: npt.NDArray[np.int32], later: npt.NDArray[np.int32], size: int
) -> list[tuple[int, int]]:
    """Ranges of entries (sorted by record) with about `size` pairs each, none splitting a
    record's entries (so each range counts its records' shared values in full)."""
    import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

    made = np.cumsum(later, dtype=np.int64)
    ranges: list[tuple[int, int]] = []
    start = 0
    while start < len(owners):
        before = int(made[start - 1]) if start else 0
        stop = max(int(np.searchsorted(made, before + size, "right")), start + 1)
        stop = int(np.searchsorted(owners, owners[stop - 1], "right"))
        ranges.append((start, stop))
        start = stop
    return ranges
