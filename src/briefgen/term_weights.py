"""TF-IDF weights of many stories at once, with numpy (see `similarity` for what they mean).

The same formula as `similarity`'s plain-Python vectors: sublinear term frequency times the
smoothed IDF, each story's strongest terms first (equal weights in the story's own term order),
at most `size` of them, scaled to unit length. The floats may differ from plain Python's in the
last bit (numpy's logarithm and sums are not libm's and `math.fsum`), never in anything larger.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_CHUNK_ENTRIES = 1_000_000
"""Term entries sorted at once: bounds the memory of the sort whatever the corpus size."""
_RADIX_ROWS = 2**15
"""Stories per chunk at most, so that their numbers sort as 16-bit keys (numpy's radix sort)."""


def array_weights(
    counted: Sequence[tuple[array[int], array[float]]], background: float, size: int
) -> list[tuple[array[int], array[float]]]:
    """Each story's strongest `size` term ids and unit-length weights, strongest first."""
    import numpy as np  # noqa: PLC0415 (0.2 s: only sites big enough to gain from it pay)

    lengths = np.fromiter((len(ids) for ids, _ in counted), np.int64, len(counted))
    ids = np.frombuffer(b"".join(ids.tobytes() for ids, _ in counted), np.intc)
    counts = np.frombuffer(b"".join(c.tobytes() for _, c in counted), np.float64)
    frequency = np.bincount(ids) if len(ids) else np.zeros(0, np.int64)
    idf = np.log((len(counted) + background) / (0.5 + frequency))
    weighted = (np.log(counts) + 1.0) * idf[ids]
    starts = np.concatenate(([0], np.cumsum(lengths)))
    result: list[tuple[array[int], array[float]]] = []
    story = 0
    while story < len(counted):
        end = int(np.searchsorted(starts, starts[story] + _CHUNK_ENTRIES, side="right")) - 1
        end = min(max(end, story + 1), len(counted), story + _RADIX_ROWS)
        entries = slice(int(starts[story]), int(starts[end]))
        rows = np.repeat(np.arange(end - story, dtype=np.int16), lengths[story:end])
        result.extend(_strongest(rows, ids[entries], weighted[entries], size))
        story = end
    return result


def _strongest(
    rows: npt.NDArray[np.int16],
    ids: npt.NDArray[np.intc],
    weighted: npt.NDArray[np.float64],
    size: int,
) -> list[tuple[array[int], array[float]]]:
    """The strongest `size` terms of each of some stories (`rows` numbers them from 0)."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    stories = int(rows[-1]) + 1 if len(rows) else 0
    # Stable sorts, strongest first, then by story: equal weights keep the story's term order.
    by_weight = np.argsort(-weighted, kind="stable")
    order = by_weight[np.argsort(rows[by_weight], kind="stable")]
    lengths = np.bincount(rows, minlength=stories)
    first = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    kept = order[np.arange(len(order)) - np.repeat(first, lengths) < size]
    kept_rows, kept_weights = rows[kept], weighted[kept]
    norms = np.sqrt(np.bincount(kept_rows, weights=kept_weights * kept_weights, minlength=stories))
    unit = kept_weights / np.where(norms > 0, norms, 1.0)[kept_rows]
    bounds = np.concatenate(([0], np.cumsum(np.minimum(lengths, size)))).tolist()
    term_bytes, weight_bytes = ids[kept].tobytes(), unit.tobytes()
    result = []
    for start, stop in pairwise(bounds):
        terms, weights = array("i"), array("d")
        terms.frombytes(term_bytes[start * terms.itemsize : stop * terms.itemsize])
        weights.frombytes(weight_bytes[start * weights.itemsize : stop * weights.itemsize])
        result.append((terms, weights))
    return result


def array_cosines(
    pairs: Sequence[tuple[int, int]], vectors: Sequence[tuple[array[int], array[float]]]
) -> list[float]:
    """The dot product of each pair of unit vectors (pairs sorted, left first)."""
    import numpy as np  # noqa: PLC0415 (0.2 s: only sites big enough to gain from it pay)

    lengths = np.fromiter((len(terms) for terms, _ in vectors), np.int64, len(vectors))
    terms = np.frombuffer(b"".join(terms.tobytes() for terms, _ in vectors), np.intc)
    weights = np.frombuffer(b"".join(weights.tobytes() for _, weights in vectors), np.float64)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    dense = np.zeros(int(terms.max()) + 1 if len(terms) else 0)
    lefts = np.fromiter((left for left, _ in pairs), np.int64, len(pairs))
    rights = np.fromiter((right for _, right in pairs), np.int64, len(pairs))
    groups = [*np.flatnonzero(np.r_[True, lefts[1:] != lefts[:-1]]).tolist(), len(pairs)]
    scores: list[float] = []
    for first, last in pairwise(groups):
        mine = slice(int(starts[lefts[first]]), int(starts[lefts[first] + 1]))
        dense[terms[mine]] = weights[mine]  # the left vector, spread out: one lookup per term
        others = rights[first:last]
        sizes = lengths[others]
        sums = np.zeros(len(others))
        full = sizes > 0
        if full.any():
            others, sizes = others[full], sizes[full]
            ends = np.cumsum(sizes)
            entries = np.repeat(starts[others] - (ends - sizes), sizes) + np.arange(int(ends[-1]))
            products = dense[terms[entries]] * weights[entries]
            sums[full] = np.add.reduceat(products, ends - sizes)
        scores.extend(sums.tolist())
        dense[terms[mine]] = 0.0
    return scores
