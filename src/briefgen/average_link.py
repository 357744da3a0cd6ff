"""Average-link agglomeration of one part of the candidate graph (see `cluster`).

Every story starts as a group of its own; the two groups of highest mean cross similarity
merge while that mean reaches the threshold and their dates stay within the window (a pair
never compared counts as similarity 0). Equal means go by the lower pair of groups, so the
result never depends on the order of the edges. Then a story left alone joins the group of
its most similar story where that one reaches the threshold. On a big site one part holds
most stories and a million pairs: the means wait in a queue of plain ints, and a merged group
moves only the fewer of its two groups' links.
"""

from __future__ import annotations

import heapq
import math
import struct
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

Edge = tuple[int, int, float]


@dataclass(frozen=True, slots=True)
class PartEdges:
    """A part's pairs above similarity zero, by their stories' places in the part (left lower),
    in pair order: three flat arrays (a big site's one big part has a million pairs, which as a
    dictionary of tuples took 200 MB)."""

    lefts: array[int]
    rights: array[int]
    scores: array[float]

    def __len__(self) -> int:
        return len(self.scores)

    def __iter__(self) -> Iterator[Edge]:
        return zip(self.lefts, self.rights, self.scores, strict=True)


class _Groups:
    """Groups as they merge, by key: a group's key is its lowest member; size 0 once merged away.

    An undated group spans from infinity to minus infinity, so the span of two groups is
    `max(last) - min(first)` whether or not they are dated (negative where neither is)."""

    def __init__(self, size: int, dates: list[date | None], window_days: float) -> None:
        self.members = [[index] for index in range(size)]
        self.sizes = [1] * size
        self.first = [math.inf if day is None else day.toordinal() for day in dates]
        self.last = [-math.inf if day is None else day.toordinal() for day in dates]
        self.links: list[dict[int, float]] = [{} for _ in range(size)]
        """By slot: the sum of similarities of the slot's group to each other group it has an
        edge to (by that group's slot). A merged group keeps the slot of the two with more links,
        so only the fewer links move (see `_merge`)."""
        self.slot = list(range(size))
        """Each group's slot (by key)."""
        self.key = list(range(size))
        """Each slot's group (its key)."""
        self.window_days = window_days

    def within_window(self, left: int, right: int) -> bool:
        """Whether the two groups' dates stay within the window together (undated ones always)."""
        last, first = self.last, self.first
        return max(last[left], last[right]) - min(first[left], first[right]) <= self.window_days

    def join(self, keep: int, gone: int) -> None:
        """Move the members and dates of `gone` into `keep` (links are the caller's)."""
        self.members[keep].extend(self.members[gone])
        self.members[gone] = []
        self.sizes[keep] += self.sizes[gone]
        self.sizes[gone] = 0
        self.first[keep] = min(self.first[keep], self.first[gone])
        self.last[keep] = max(self.last[keep], self.last[gone])


class _Keys:
    """A queued mean of two groups as one int that sorts as `(-mean, left, right)` would
    (one int compares several times quicker than a tuple of a float and ints, and is smaller).

    From the top: the mean's bits subtracted from 2**63 (a positive float's bits, as an
    integer, order as the float does), the two keys (left lower), then the product of the two
    groups' sizes when queued: groups only grow or go (size 0), so the product is unchanged
    exactly while neither group changed, which tells a stale entry from a current one (a stale
    one of the very mean has the current one's key but for the product: either merges alike)."""

    def __init__(self, size: int, threshold: float) -> None:
        self.threshold = threshold
        """Only means reaching it are queued."""
        width = max(size - 1, 1).bit_length()
        self.width = width
        self.right_shift = 2 * width  # the product of two sizes that sum to `size` at most
        self.left_shift = 3 * width
        self.mean_shift = 4 * width

    def of(self, mean: float, left: int, right: int, product: int) -> int:
        """The key of a mean of groups `left` < `right` whose sizes multiply to `product`."""
        bits = int.from_bytes(_DOUBLE(mean), "little")
        return (
            (_TOP - bits) << self.mean_shift
            | left << self.left_shift
            | right << self.right_shift
            | product
        )

    def first_queue(self, edges: PartEdges) -> list[int]:
        """The keys of the pairs of stories reaching the threshold, sorted (no other pair of
        stories ever merges)."""
        mean_shift, left_shift, right_shift = self.mean_shift, self.left_shift, self.right_shift
        threshold = self.threshold
        queue = [
            (_TOP - bits) << mean_shift | left << left_shift | right << right_shift | 1
            for left, right, score, bits in zip(
                edges.lefts,
                edges.rights,
                edges.scores,
                memoryview(edges.scores).cast("B").cast("q"),
                strict=True,
            )  # the scores' bits as integers, in the platform's order as the scores are
            if score >= threshold
        ]
        queue.sort()
        return queue


_DOUBLE = struct.Struct("<d").pack
_TOP = 1 << 63


def average_link(
    size: int, edges: PartEdges, dates: list[date | None], threshold: float, window_days: float
) -> list[list[int]]:
    """Merge the two groups of highest mean cross similarity while it reaches the threshold
    (`edges`: each pair once, left lower, in pair order)."""
    groups = _Groups(size, dates, window_days)
    _link(groups.links, edges)
    keys = _Keys(size, threshold)
    heap: list[int] = []  # the means of merged groups, as they come
    sizes = groups.sizes
    # The key's two groups and product (see `_Keys`): over a million entries pass here.
    mask, left_shift, right_shift = (1 << keys.width) - 1, keys.left_shift, keys.right_shift
    product_mask = (1 << right_shift) - 1
    for key in _in_order(keys.first_queue(edges), heap):
        left, right = key >> left_shift & mask, key >> right_shift & mask
        if sizes[left] * sizes[right] != key & product_mask:
            continue  # stale entry: a group changed (or merged away) since it was queued
        if groups.within_window(left, right):
            _merge(groups, left, right, heap, keys)  # the lower key is kept
    _attach_strays(groups, edges, threshold)
    return sorted(sorted(members) for members in groups.members if members)


def _link(links: list[dict[int, float]], edges: PartEdges) -> None:
    """Each story's similarity to each story it has an edge to."""
    number = list(range(len(links)))  # one int object per story, shared by all its links
    numbered = number.__getitem__
    for left, right, score in zip(
        map(numbered, edges.lefts), map(numbered, edges.rights), edges.scores, strict=True
    ):
        links[left][right] = score
        links[right][left] = score


def _in_order(queue: list[int], heap: list[int]) -> Iterator[int]:
    """The entries of a sorted queue and of a heap (which may grow meanwhile), smallest first."""
    pop = heapq.heappop
    for entry in queue:
        while heap and heap[0] < entry:
            yield pop(heap)
        yield entry
    while heap:
        yield pop(heap)


def _attach_strays(groups: _Groups, edges: PartEdges, threshold: float) -> None:
    """A story left alone joins the group of its most similar story, if that one is similar enough.

    Average link keeps a story out of a group it resembles less than the group's members resemble
    each other; but a story whose nearest neighbour passes the threshold is not news of its own.
    """
    sizes = groups.sizes
    alone = {key for key, size in enumerate(sizes) if size == 1}
    # The most similar story of each story left alone (the lower number among equals), where
    # it reaches the threshold: no other nearest story makes a difference.
    nearest: dict[int, tuple[float, int]] = {}
    for left, right, score in edges:
        if (left in alone or right in alone) and score >= threshold:
            for story, other in ((left, right), (right, left)):
                if story in alone:
                    best = nearest.get(story)
                    if best is None or score > best[0] or (score == best[0] and other < best[1]):
                        nearest[story] = (score, other)
    if not nearest:
        return
    owner = list(range(len(sizes)))
    for key, members in enumerate(groups.members):
        for member in members:
            owner[member] = key
    for story, (_, other) in sorted(nearest.items()):
        target = owner[other]
        if sizes[story] != 1 or sizes[target] == 1:
            continue
        if groups.within_window(target, story):
            groups.join(target, story)
            owner[story] = target


def _merge(groups: _Groups, keep: int, gone: int, heap: list[int], keys: _Keys) -> None:
    """Merge group `gone` into `keep` and queue the new means that reach the threshold."""
    links, slot_of, key_of, sizes = groups.links, groups.slot, groups.key, groups.sizes
    big, small = slot_of[keep], slot_of[gone]
    if len(links[small]) > len(links[big]):
        big, small = small, big  # move the fewer links
    groups.join(keep, gone)
    merged, moved = links[big], links[small]
    links[small] = {}
    merged.pop(small, None)
    moved.pop(big, None)
    had = merged.get
    for other, total in moved.items():
        before = had(other)
        # The same sum either way round (a + b == b + a)
        summed = total if before is None else before + total
        merged[other] = summed
        neighbour = links[other]
        del neighbour[small]
        neighbour[big] = summed
    slot_of[keep], key_of[big] = big, keep
    # Every mean of the group changed with its size; a mean reaches the threshold only where
    # the sum reaches threshold * size (the other group has one story or more): a quick sieve
    # (a hair lower, whatever the rounding), then the very test.
    size, push, key_for, threshold = sizes[keep], heapq.heappush, keys.of, keys.threshold
    sieve = threshold * size * _SIEVE_SLACK
    for other in [other for other, total in merged.items() if total >= sieve]:
        other_key = key_of[other]
        product = size * sizes[other_key]
        mean = merged[other] / product
        if mean >= threshold:
            if keep < other_key:
                push(heap, key_for(mean, keep, other_key, product))
            else:
                push(heap, key_for(mean, other_key, keep, product))


_SIEVE_SLACK = 1 - 1e-9
"""Far more than any rounding of `threshold * size` or of a mean (about 1e-16 each)."""
