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
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from briefgen.config import Config
from briefgen.dates import to_date
from briefgen.memo import Memos
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
    weights = settings.weights
    vectors, times = profile(ordered, weights, memos)
    dates = [to_date(story.record.published) for story in ordered]
    # Stories published further apart than the window never share an event: never neighbours.
    days = [None if day is None else day.toordinal() for day in dates]
    pairs = neighbour_pairs(vectors, weights, days, settings.window_days)
    edges = _edges(pairs, vectors, times, [day is not None for day in days], settings)
    del vectors, times, pairs  # the biggest memory of the stage, no longer needed
    groups: list[list[int]] = []
    for part, part_edges in _parts(len(ordered), edges, settings.threshold):
        local = {story: position for position, story in enumerate(part)}
        renumbered = {(local[left], local[right]): score for left, right, score in part_edges}
        local_groups = average_link(len(part), renumbered, [dates[i] for i in part], settings)
        groups.extend([part[position] for position in members] for members in local_groups)
    events = [_event(tuple(ordered[i] for i in sorted(members))) for members in groups]
    return tuple(sorted(events, key=lambda event: (_latest(event), event.id), reverse=True))


Edge = tuple[int, int, float]


def _edges(
    pairs: list[tuple[int, int]],
    vectors: list[Vector],
    times: list[When],
    published: list[bool],
    settings: ClusterSettings,
) -> list[Edge]:
    """The similarity of each candidate pair (sorted, left first), where above zero."""
    edges: list[Edge] = []
    for (left, right), similarity in zip(pairs, _cosines(pairs, vectors), strict=True):
        score = similarity
        # Neighbours published both are within the window, where time leaves them alike.
        if not (published[left] and published[right]):
            score *= time_factor(times[left], times[right], settings.window_days, settings.weights)
        if score > 0:
            edges.append((left, right, score))
    return edges


def _cosines(pairs: list[tuple[int, int]], vectors: list[Vector]) -> Iterator[float]:
    """The cosine similarity of each pair (sorted, left first)."""
    if len(vectors) >= ARRAY_MIN_STORIES:
        from briefgen.term_weights import array_cosines  # noqa: PLC0415 (numpy: big sites only)

        yield from array_cosines(pairs, [(vector.terms, vector.weights) for vector in vectors])
        return
    left_index, left_terms = -1, {}
    for left, right in pairs:
        if left != left_index:
            vector = vectors[left]
            left_index, left_terms = left, dict(zip(vector.terms, vector.weights, strict=True))
        yield cosine(left_terms, vectors[right])


def _parts(
    size: int, edges: list[Edge], threshold: float
) -> Iterator[tuple[list[int], list[Edge]]]:
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
        yield part, inside.get(root, [])


@dataclass(slots=True)
class _Group:
    members: list[int]
    first: date | None
    last: date | None
    links: dict[int, float]
    """Sum of similarities to each other group it has an edge to."""


def average_link(
    size: int,
    edges: dict[tuple[int, int], float],
    dates: list[date | None],
    settings: ClusterSettings,
) -> list[list[int]]:
    """Merge the two groups of highest mean cross similarity while it reaches the threshold."""
    groups = {i: _Group([i], dates[i], dates[i], {}) for i in range(size)}
    for (left, right), score in edges.items():
        groups[left].links[right] = score
        groups[right].links[left] = score
    # Only pairs of groups reaching the threshold are queued: no other pair ever merges.
    threshold = settings.threshold
    heap = [(-score, left, right) for (left, right), score in edges.items() if score >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, left, right = heapq.heappop(heap)
        if left not in groups or right not in groups:
            continue
        a, b = groups[left], groups[right]
        if _linkage(a, b, a.links.get(right, 0.0)) != -negative:
            continue  # stale entry: the groups changed since it was pushed
        if not _within_window(a, b, settings.window_days):
            continue
        _merge(groups, left, right, heap, threshold)
    _attach_strays(groups, edges, settings)
    return sorted(sorted(group.members) for group in groups.values())


def _attach_strays(
    groups: dict[int, _Group], edges: dict[tuple[int, int], float], settings: ClusterSettings
) -> None:
    """A story left alone joins the group of its most similar story, if that one is similar enough.

    Average link keeps a story out of a group it resembles less than the group's members resemble
    each other; but a story whose nearest neighbour passes the threshold is not news of its own.
    """
    owner = {member: key for key, group in groups.items() for member in group.members}
    nearest: dict[int, tuple[float, int]] = {}
    for (left, right), score in edges.items():
        for story, other in ((left, right), (right, left)):
            best = nearest.get(story)
            if best is None or (score, -other) > (best[0], -best[1]):
                nearest[story] = (score, other)
    for story, (score, other) in sorted(nearest.items()):
        target = owner[other]
        alone, group = groups.get(story), groups[target]
        if alone is None or len(alone.members) > 1 or len(group.members) == 1:
            continue
        if score >= settings.threshold and _within_window(group, alone, settings.window_days):
            group.members.append(story)
            group.first, group.last = _span(group, alone)
            del groups[story]
            owner[story] = target


def _span(a: _Group, b: _Group) -> tuple[date | None, date | None]:
    first = min((d for d in (a.first, b.first) if d), default=None)
    last = max((d for d in (a.last, b.last) if d), default=None)
    return first, last


def _linkage(a: _Group, b: _Group, cross: float) -> float:
    return cross / (len(a.members) * len(b.members))


def _within_window(a: _Group, b: _Group, window_days: float) -> bool:
    firsts = [d for d in (a.first, b.first) if d is not None]
    lasts = [d for d in (a.last, b.last) if d is not None]
    return not firsts or (max(lasts) - min(firsts)).days <= window_days


def _merge(
    groups: dict[int, _Group],
    left: int,
    right: int,
    heap: list[tuple[float, int, int]],
    threshold: float,
) -> None:
    keep, gone = min(left, right), max(left, right)
    kept, removed = groups[keep], groups.pop(gone)
    kept.members.extend(removed.members)
    kept.first, kept.last = _span(kept, removed)
    kept.links.pop(gone, None)
    for other, total in removed.links.items():
        if other != keep:
            kept.links[other] = kept.links.get(other, 0.0) + total
    for other, total in kept.links.items():
        neighbour = groups[other]
        neighbour.links.pop(gone, None)
        neighbour.links[keep] = total
        mean = _linkage(kept, neighbour, total)
        if mean >= threshold:
            heapq.heappush(heap, (-mean, min(keep, other), max(keep, other)))


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
