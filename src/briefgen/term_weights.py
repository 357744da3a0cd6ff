"""TF-IDF weights of many stories at once, with numpy (see `similarity` for what they mean).

The same formula as `similarity`'s plain-Python vectors: sublinear term frequency times the
smoothed IDF, each story's strongest terms first (equal weights in the story's own term order),
at most `size` of them, scaled to unit length. The vectors stay end to end in arrays
(`VectorTable`), as the neighbours and cosines read them, their weights in single precision:
a vector entry takes 8 bytes instead of 12, and at 100,000 stories the vectors are the stage's
biggest memory (214 MiB so, 321 as doubles). A weight is then within 6e-8 of its value (a unit
vector's weights are at most 1), the cosines summed in double precision; on the scale
benchmark's 100,000 stories the events are exactly those of double-precision weights.
"""

from __future__ import annotations

import mmap
from array import array
from collections.abc import Sequence
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from briefgen.memory import release_freed_memory
from briefgen.parallel import ordered_map
from briefgen.similarity import Vector

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_CHUNK_ENTRIES = 500_000
"""Term entries sorted at once: bounds the memory of the sort whatever the corpus size."""
_WIDTH = 64
"""Stories are sorted in tables of rows this many terms wide (or a multiple: see `_strongest`)."""
_CHUNK_PAIRS = 25_000
"""Pairs whose cosines are computed at once (by one worker, where there are several chunks): a
site of 10,000 stories (about 100,000 pairs, half a second of work) already shares them out."""
_WORKERS_MIN_CHUNKS = 4
"""From this many chunks on, they are scored in worker processes (see `parallel`)."""


class PackedVectors(NamedTuple):
    """Stories' vectors end to end: story `i`'s are the entries `starts[i]` to `starts[i + 1]`."""

    terms: npt.NDArray[np.intc]
    weights: npt.NDArray[np.float32]
    starts: npt.NDArray[np.int64]


class VectorTable(Sequence[Vector]):
    """Vectors held end to end in arrays (see `PackedVectors`), each one made only if asked
    for: the numpy steps read the arrays themselves."""

    def __init__(self, packed: PackedVectors) -> None:
        self.packed = packed

    def __len__(self) -> int:
        return len(self.packed.starts) - 1

    def take(self) -> PackedVectors:
        """The table's arrays, leaving it empty."""
        import numpy as np  # noqa: PLC0415 (imported already with the arrays: a dictionary lookup)

        packed = self.packed
        empty = PackedVectors(np.zeros(0, np.intc), np.zeros(0, np.float32), np.zeros(1, np.int64))
        self.packed = empty
        return packed

    @overload
    def __getitem__(self, index: int) -> Vector: ...

    @overload
    def __getitem__(self, index: slice) -> list[Vector]: ...

    def __getitem__(self, index: int | slice) -> Vector | list[Vector]:
        if isinstance(index, slice):
            return [self[item] for item in range(len(self))[index]]
        place = range(len(self))[index]  # IndexError as a list's
        start, stop = int(self.packed.starts[place]), int(self.packed.starts[place + 1])
        terms = array("i")
        terms.frombytes(self.packed.terms[start:stop].tobytes())
        weights = array("d", self.packed.weights[start:stop].tolist())
        return Vector(terms, weights)


def packed_vectors(vectors: Sequence[Vector], *, take: bool = False) -> PackedVectors:
    """The vectors end to end (as they are, where a `VectorTable` holds them).

    `take`: the table is emptied, its arrays handed over (their memory is freed as soon as
    the caller is done with them, whoever else holds the table)."""
    if isinstance(vectors, VectorTable):
        return vectors.take() if take else vectors.packed
    return pack_vectors([(vector.terms, vector.weights) for vector in vectors])


def pack_vectors(vectors: Sequence[tuple[array[int], array[float]]]) -> PackedVectors:
    """Vectors (term ids and weights) end to end."""
    import numpy as np  # noqa: PLC0415 (0.2 s: only sites big enough to gain from it pay)

    lengths = np.fromiter((len(terms) for terms, _ in vectors), np.int64, len(vectors))
    return PackedVectors(
        np.frombuffer(b"".join(terms.tobytes() for terms, _ in vectors), np.intc),
        np.frombuffer(b"".join(weights.tobytes() for _, weights in vectors)).astype(np.float32),
        np.concatenate(([0], np.cumsum(lengths))),
    )


def array_weights(
    counted: list[tuple[array[int], array[float]]], background: float, size: int
) -> tuple[PackedVectors, int]:
    """Each story's strongest `size` term ids and unit-length weights, strongest first; and how
    many distinct terms the stories have.

    `counted` (each story's term ids and counts) is emptied as it is read: with the vectors it
    would be the stage's biggest memory.
    """
    import numpy as np  # noqa: PLC0415 (0.2 s: only sites big enough to gain from it pay)

    lengths = np.fromiter((len(ids) for ids, _ in counted), np.int64, len(counted))
    starts = np.concatenate(([0], np.cumsum(lengths)))
    bounds = [0]  # chunks of stories with about `_CHUNK_ENTRIES` terms
    while bounds[-1] < len(counted):
        end = int(np.searchsorted(starts, starts[bounds[-1]] + _CHUNK_ENTRIES, side="right")) - 1
        bounds.append(min(max(end, bounds[-1] + 1), len(counted)))
    frequency = np.zeros(0, np.int64)
    for first, last in pairwise(bounds):
        ids = np.frombuffer(b"".join(ids.tobytes() for ids, _ in counted[first:last]), np.intc)
        found = np.bincount(ids)
        frequency.resize(max(len(frequency), len(found)), refcheck=False)
        frequency[: len(found)] += found
    idf = np.log((len(counted) + background) / (0.5 + frequency))
    offsets = np.concatenate(([0], np.cumsum(np.minimum(lengths, size))))
    entries = int(offsets[-1])
    packed = PackedVectors(_shared(entries, np.intc), _shared(entries, np.float32), offsets)
    chunks = list(pairwise(bounds))
    weigh = partial(
        _weigh_chunk, counted=counted, idf=idf, lengths=lengths, size=size, packed=packed
    )
    weighted = ordered_map(weigh, chunks, min_items=_WORKERS_MIN_CHUNKS, chunk_size=1)
    for first, last in weighted:
        # Each chunk's counts freed once it is weighted: never held with all the vectors.
        counted[first:last] = [(array("i"), array("d"))] * (last - first)
        release_freed_memory()  # the chunk's many small arrays: not under the vectors' memory
    return packed, int(np.count_nonzero(frequency))


def _shared(count: int, dtype: type[np.generic]) -> npt.NDArray[Any]:
    """An array of `count` zeros in memory shared with the processes forked from now on (an
    anonymous map: given back to the system as soon as the array is let go)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    itemsize = np.dtype(dtype).itemsize
    return np.frombuffer(mmap.mmap(-1, max(count * itemsize, 1)), dtype, count)


def _weigh_chunk(
    chunk: tuple[int, int],
    *,
    counted: list[tuple[array[int], array[float]]],
    idf: npt.NDArray[np.float64],
    lengths: npt.NDArray[np.int64],
    size: int,
    packed: PackedVectors,
) -> tuple[int, int]:
    """Write the vectors of the stories `chunk` (first, last) numbers into their place in
    `packed`, and give back the chunk.

    Run in workers, whose writes the caller sees (`packed` is in shared memory): the vectors
    are not sent back and copied into place. Each chunk has its own entries, and writes the
    same floats whoever runs it, however often (they are those of the whole at once)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    first, last = chunk
    ids = np.frombuffer(b"".join(ids.tobytes() for ids, _ in counted[first:last]), np.intc)
    counts = _joined_counts([counts for _, counts in counted[first:last]])
    weighted = (np.log(counts) + 1.0) * idf[ids]
    part = _strongest(ids, weighted, lengths[first:last], size)
    place = slice(int(packed.starts[first]), int(packed.starts[last]))
    packed.terms[place] = part.terms
    packed.weights[place] = part.weights
    return chunk


def _joined_counts(counts: list[array[float]]) -> npt.NDArray[np.float64]:
    """Counts end to end, as doubles (each exact: some may be held as single precision)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    for typecode, dtype in (("f", np.float32), ("d", np.float64)):
        if all(part.typecode == typecode for part in counts):
            joined = np.frombuffer(b"".join(part.tobytes() for part in counts), dtype)
            return joined.astype(np.float64, copy=False)
    kinds = {"f": np.float32, "d": np.float64}
    parts = [np.frombuffer(part, kinds[part.typecode]).astype(np.float64) for part in counts]
    return np.concatenate(parts)


def _strongest(
    ids: npt.NDArray[np.intc],
    weighted: npt.NDArray[np.float64],
    lengths: npt.NDArray[np.int64],
    size: int,
) -> PackedVectors:
    """The strongest `size` terms of each of some stories (`lengths`: each one's term count).

    Each story's terms are sorted on their own, stories of about the same length at once, as
    rows of a table padded to a multiple of `_WIDTH` (sorting short rows is far quicker than
    sorting all terms by story and weight)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    widths = -(-np.maximum(lengths, 1) // _WIDTH) * _WIDTH
    places = np.concatenate(([0], np.cumsum(np.minimum(lengths, size))))
    terms = np.zeros(int(places[-1]), np.intc)
    weights = np.zeros(int(places[-1]), np.float32)
    for width in np.unique(widths).tolist():
        stories = np.flatnonzero(widths == width)
        per_sort = max(1, _CHUNK_ENTRIES // width)
        for first in range(0, len(stories), per_sort):
            chosen = stories[first : first + per_sort]
            kept, kept_lengths = _sorted_rows(
                weighted, starts[chosen], lengths[chosen], width, size
            )
            rows = np.repeat(np.arange(len(chosen)), kept_lengths)
            strongest = weighted[kept]
            # Sums of squares in order, strongest first (bincount adds in order).
            norms = np.sqrt(np.bincount(rows, weights=strongest * strongest, minlength=len(chosen)))
            unit = strongest / np.where(norms > 0, norms, 1.0)[rows]
            columns = np.arange(len(rows)) - (np.cumsum(kept_lengths) - kept_lengths)[rows]
            places_kept = places[chosen][rows] + columns  # in story order, strongest first
            terms[places_kept] = ids[kept]
            weights[places_kept] = unit
    return PackedVectors(terms, weights, places)


def _sorted_rows(
    weighted: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
    width: int,
    size: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The entries of some stories (each at most `width` long), each story's strongest `size`
    first (a stable sort: equal weights keep the story's term order); and how many each keeps."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    table = np.full((len(starts), width), np.inf)
    rows = np.repeat(np.arange(len(starts)), lengths)
    columns = np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    entries = np.repeat(starts, lengths) + columns
    table[rows, columns] = -weighted[entries]  # padding (infinity) sorts last
    order = np.argsort(table, axis=1, kind="stable")[:, :size]
    kept_lengths = np.minimum(lengths, size)
    kept = np.arange(order.shape[1]) < kept_lengths[:, None]
    return (starts[:, None] + order)[kept], kept_lengths


def array_cosines(
    lefts: npt.NDArray[np.int64], rights: npt.NDArray[np.int64], vectors: PackedVectors
) -> npt.NDArray[np.float64]:
    """The dot product of each pair of unit vectors (pairs sorted, left first).

    Pairs are scored in chunks of whole left stories, in worker processes when there are many
    (see `parallel`); each chunk's floats are those of the whole at once.
    """
    import numpy as np  # noqa: PLC0415 (0.2 s: only sites big enough to gain from it pay)

    packed = Packed(vectors.terms, vectors.weights, vectors.starts, lefts, rights)
    if not len(lefts):
        return np.zeros(0)
    group_starts = np.flatnonzero(np.r_[True, lefts[1:] != lefts[:-1]])
    bounds = [0]  # chunks of about `_CHUNK_PAIRS` pairs, cut where a left story's pairs start
    for target in range(_CHUNK_PAIRS, len(lefts), _CHUNK_PAIRS):
        place = int(np.searchsorted(group_starts, target))
        if place < len(group_starts) and group_starts[place] > bounds[-1]:
            bounds.append(int(group_starts[place]))
    chunks = [range(first, last) for first, last in pairwise([*bounds, len(lefts)])]
    score = partial(_chunk_cosines, packed=packed)
    found = ordered_map(score, chunks, min_items=_WORKERS_MIN_CHUNKS, chunk_size=1)
    return np.concatenate(list(found))


class Packed(NamedTuple):
    """All vectors end to end, and the pairs to score."""

    terms: npt.NDArray[np.intc]
    weights: npt.NDArray[np.float32]
    starts: npt.NDArray[np.int64]
    """Where each vector starts (and, one on, ends)."""
    lefts: npt.NDArray[np.int64]
    rights: npt.NDArray[np.int64]


def _chunk_cosines(chunk: range, packed: Packed) -> npt.NDArray[np.float64]:
    """The dot products of some pairs, whole left stories (a pure function: run in workers)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    terms, weights, starts = packed.terms, packed.weights, packed.starts
    lefts, rights = packed.lefts[chunk.start : chunk.stop], packed.rights[chunk.start : chunk.stop]
    scores = np.zeros(len(lefts))
    sizes = starts[rights + 1] - starts[rights]
    full = np.flatnonzero(sizes > 0)  # an empty right vector scores 0 (reduceat: never empty)
    lefts, rights, sizes = lefts[full], rights[full], sizes[full]
    if not len(lefts):
        return scores
    # The pairs' products end to end: a product's entry is its pair's shift plus its place.
    begins = np.cumsum(sizes) - sizes
    shifts = starts[rights] - begins
    groups = [*np.flatnonzero(np.r_[True, lefts[1:] != lefts[:-1]]).tolist(), len(lefts)]
    places = [*begins[groups[:-1]].tolist(), int(begins[-1] + sizes[-1])]
    dense = np.zeros(int(terms.max()) + 1 if len(terms) else 0)
    sums = np.zeros(len(lefts))
    for first, last, low, high in zip(groups, groups[1:], places, places[1:], strict=False):
        left = int(lefts[first])
        mine = terms[starts[left] : starts[left + 1]]
        dense[mine] = weights[starts[left] : starts[left + 1]]  # the left vector, spread out
        entries = np.repeat(shifts[first:last], sizes[first:last])
        entries += np.arange(low, high)
        products = dense[terms[entries]]
        products *= weights[entries]
        sums[first:last] = np.add.reduceat(products, begins[first:last] - low)
        dense[mine] = 0.0
    scores[full] = sums
    return scores
