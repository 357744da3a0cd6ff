"""The cluster stage: stories about the same happening form one event.

Stories become weighted term vectors (see `similarity`); candidate pairs come from shared strong
terms among stories published within the window of each other (or undated), so the cost grows
near-linearly and a story's neighbours stay those it may share an event with, however many
stories the site holds. Events are formed by average-link agglomeration over the
candidate graph (a pair never compared counts as similarity 0): two groups merge while the mean
similarity of all their cross pairs reaches the threshold and their dates stay within the window.
A mean can only reach the threshold where some pair does, so the graph is first cut into the
parts joined by such pairs and each part is agglomerated on its own (same result, less memory).
Everything is ordered by story ids, so the same inputs give the same events in any order.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import struct
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from briefgen.config import Config
from briefgen.dates import to_date
from briefgen.memo import Memos
from briefgen.memory import release_freed_memory
from briefgen.neighbours import ARRAY_MIN_STORIES, neighbour_pairs
from briefgen.normalize import url_words
from briefgen.records import Event, Story
from briefgen.similarity import (
    Vector,
    Weights,
    When,
    cosine,
    profile,
    time_factor,
)


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """How stories are grouped into events."""

    threshold: float
    """Mean cosine similarity of all cross pairs needed to join two groups."""
    window_days: float
    """Stories further apart than this are never in one event (undated ones are not kept apart)."""
    weights: Weights = field(default_factory=Weights)
    """How story vectors are weighted and neighbours found."""

    @classmethod
    def from_config(cls, config: Config) -> ClusterSettings:
        """The clustering settings of a site configuration."""
        return cls(config.cluster_threshold, config.window_days)


def cluster(
    stories: tuple[Story, ...], settings: ClusterSettings, memos: Memos | None = None
) -> tuple[Event, ...]:
    """Group stories into events, deterministically, whatever the input order.

    `memos`: what the last build read from the stories' texts, to reuse (the same events)."""
    ordered = tuple(sorted(stories, key=lambda story: story.id))
    vectors, times = profile(ordered, settings.weights, memos)
    if len(ordered) >= ARRAY_MIN_STORIES:
        release_freed_memory()  # what reading the stories freed, before the pairs are found
    dates = [to_date(story.record.published) for story in ordered]
    # Stories published further apart than the window never share an event: never neighbours.
    days = [None if day is None else day.toordinal() for day in dates]
    parts = _parts(vectors, times, days, settings)
    del vectors, times  # the biggest memory of the stage, no longer needed
    if len(ordered) >= ARRAY_MIN_STORIES:
        release_freed_memory()  # what finding the pairs freed, before average link's own
    groups: list[list[int]] = []
    for part, edges in parts:
        local_groups = average_link(len(part), edges, [dates[i] for i in part], settings)
        groups.extend([part[position] for position in members] for members in local_groups)
    events = [_event(tuple(ordered[i] for i in sorted(members))) for members in groups]
    return tuple(sorted(events, key=lambda event: (_latest(event), event.id), reverse=True))


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


Part = tuple[list[int], PartEdges]
"""A part's stories (ascending), and its pairs."""


def _parts(
    vectors: Sequence[Vector], times: list[When], days: list[int | None], settings: ClusterSettings
) -> list[Part]:
    """The parts of the candidate graph joined by pairs reaching the threshold, in order of
    their first story, each with its pairs above similarity zero."""
    if len(vectors) >= ARRAY_MIN_STORIES:
        from briefgen.pair_arrays import array_parts  # noqa: PLC0415 (numpy: big sites only)

        return array_parts(vectors, times, days, settings)
    pairs = neighbour_pairs(vectors, settings.weights, days, settings.window_days)
    edges = _edges(pairs, vectors, times, [day is not None for day in days], settings)
    return list(_joined(len(vectors), edges, settings.threshold))


def _edges(
    pairs: list[tuple[int, int]],
    vectors: Sequence[Vector],
    times: list[When],
    published: list[bool],
    settings: ClusterSettings,
) -> list[Edge]:
    """The similarity of each candidate pair (sorted, left first), where above zero."""
    edges: list[Edge] = []
    left_index, left_terms = -1, {}
    for left, right in pairs:
        if left != left_index:
            vector = vectors[left]
            left_index, left_terms = left, dict(zip(vector.terms, vector.weights, strict=True))
        score = cosine(left_terms, vectors[right])
        # Neighbours published both are within the window, where time leaves them alike.
        if not (published[left] and published[right]):
            score *= time_factor(times[left], times[right], settings.window_days, settings.weights)
        if score > 0:
            edges.append((left, right, score))
    return edges


def _joined(size: int, edges: list[Edge], threshold: float) -> Iterator[Part]:
    """The stories joined by edges reaching the threshold, each part with its edges."""
    parent = list(range(size))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for left, right, score in edges:
        if score >= threshold:
            root_left, root_right = find(left), find(right)
            if root_left != root_right:
                parent[max(root_left, root_right)] = min(root_left, root_right)
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(size):
        members[find(index)].append(index)
    inside: dict[int, list[Edge]] = defaultdict(list)
    for edge in edges:
        root = find(edge[0])
        if root == find(edge[1]):
            inside[root].append(edge)
    for root, part in members.items():
        local = {story: position for position, story in enumerate(part)}
        edges = inside[root]
        yield (
            part,
            PartEdges(
                array("q", [local[left] for left, _, _ in edges]),
                array("q", [local[right] for _, right, _ in edges]),
                array("d", [score for _, _, score in edges]),
            ),
        )


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
    size: int, edges: PartEdges, dates: list[date | None], settings: ClusterSettings
) -> list[list[int]]:
    """Merge the two groups of highest mean cross similarity while it reaches the threshold
    (`edges`: each pair once, left lower, in pair order)."""
    groups = _Groups(size, dates, settings.window_days)
    _link(groups.links, edges)
    keys = _Keys(size, settings.threshold)
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
    _attach_strays(groups, edges, settings.threshold)
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


def _earliest_key(story: Story) -> tuple[str, str]:
    return (story.record.published or "9999", story.id)


def _latest(event: Event) -> str:
    return max((story.record.published or "" for story in event.stories), default="")


def _event(stories: tuple[Story, ...]) -> Event:
    ordered = tuple(sorted(stories, key=_earliest_key))
    first = ordered[0]
    event_id = "e" + first.id[:11]
    return Event(id=event_id, slug=slug_for(first.record.title, event_id), stories=ordered)


def slug_for(title: str, unique: str) -> str:
    """A URL-safe page name: ASCII words of the title, then a short unique suffix."""
    stem = url_words(title)
    suffix = hashlib.sha256(unique.encode()).hexdigest()[:6]
    return f"{stem}-{suffix}" if stem else f"event-{suffix}"
