"""The site-wide steps of clustering a big site, over arrays: candidate pairs, their
similarities, and the parts joined by pairs reaching the threshold (see `cluster`).

The same parts and similarities as `cluster`'s plain-Python steps over the same pairs and
cosines, without a Python pass over every pair: on a big site the pairs number about ten per
story. Each part comes with its own numbering of its stories (by story number), ready for
`average_link`.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING

from briefgen.average_link import PartEdges
from briefgen.neighbour_arrays import array_neighbour_keys
from briefgen.similarity import Vector, When, time_factor
from briefgen.term_weights import array_cosines, packed_vectors

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from briefgen.cluster import ClusterSettings, Part


def array_parts(
    vectors: Sequence[Vector],
    times: Sequence[When],
    days: Sequence[int | None],
    settings: ClusterSettings,
) -> list[Part]:
    """The parts of the candidate graph joined by pairs reaching the threshold, in order of
    their first story, each with its pairs above similarity zero (in order of the pairs).

    A `VectorTable` of vectors is emptied (see `packed_vectors`): they are the stage's biggest
    memory, given back before the parts are made."""
    import numpy as np  # noqa: PLC0415 (imported already by the neighbours: a dictionary lookup)

    size = len(vectors)
    packed = packed_vectors(vectors, take=True)
    keys = array_neighbour_keys(packed, settings.weights, days, settings.window_days)
    lefts, rights = keys // size, keys % size
    del keys
    scores = array_cosines(lefts, rights, packed)
    del packed  # the vectors' last use: the parts are made without them
    published = np.fromiter((day is not None for day in days), bool, size)
    # Neighbours published both are within the window, where time leaves them alike.
    for pair in np.flatnonzero(~(published[lefts] & published[rights])).tolist():
        left, right = int(lefts[pair]), int(rights[pair])
        factor = time_factor(times[left], times[right], settings.window_days, settings.weights)
        scores[pair] *= factor
    above = scores > 0
    lefts, rights, scores = lefts[above], rights[above], scores[above]
    strong = scores >= settings.threshold
    roots = _roots(size, lefts[strong], rights[strong])
    return _split(roots, lefts, rights, scores)


def _roots(
    size: int, lefts: npt.NDArray[np.int64], rights: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Each story's part (the stories joined by the pairs), named by its lowest story."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    # Each story points to a story of its part, never a higher one: lower the pointers of
    # each pair to the lower of the two, and point each story to where its pointer points,
    # until nothing moves. Then a part's stories all point to its lowest, which never moves.
    roots = np.arange(size)
    while True:
        lower = np.minimum(roots[lefts], roots[rights])
        moved = roots.copy()
        np.minimum.at(moved, lefts, lower)
        np.minimum.at(moved, rights, lower)
        moved = moved[moved]
        if np.array_equal(moved, roots):
            return roots
        roots = moved


def _split(
    roots: npt.NDArray[np.int64],
    lefts: npt.NDArray[np.int64],
    rights: npt.NDArray[np.int64],
    scores: npt.NDArray[np.float64],
) -> list[Part]:
    """The stories of each part and its pairs (those with both stories in it), renumbered."""
    import numpy as np  # noqa: PLC0415 (imported already by the caller: a dictionary lookup)

    order = np.argsort(roots, kind="stable")  # by part (in order of their lowest), then story
    part_roots, part_starts, part_sizes = np.unique(
        roots[order], return_index=True, return_counts=True
    )
    places = np.empty_like(roots)
    places[order] = np.arange(len(roots)) - np.repeat(part_starts, part_sizes)
    inside = roots[lefts] == roots[rights]
    pair_roots = roots[lefts[inside]]
    by_part = np.argsort(pair_roots, kind="stable")  # keeps the pairs' order within a part
    pair_ends = np.searchsorted(pair_roots[by_part], part_roots, side="right").tolist()
    local_lefts = places[lefts[inside][by_part]].astype(np.int64)
    local_rights = places[rights[inside][by_part]].astype(np.int64)
    local_scores = scores[inside][by_part].astype(np.float64)
    stories = order.tolist()
    parts: list[Part] = []
    first_pair = 0
    for start, count, end in zip(part_starts.tolist(), part_sizes.tolist(), pair_ends, strict=True):
        edges = PartEdges(
            array("q", local_lefts[first_pair:end].tobytes()),
            array("q", local_rights[first_pair:end].tobytes()),
            array("d", local_scores[first_pair:end].tobytes()),
        )
        parts.append((stories[start : start + count], edges))
        first_pair = end
    return parts
