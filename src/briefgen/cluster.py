"""The cluster stage: stories about the same happening form one event.

Stories become weighted term vectors (see `similarity`); candidate pairs come from shared strong
terms among stories published within the window of each other (or undated), so the cost grows
near-linearly and a story's neighbours stay those it may share an event with, however many
stories the site holds. Events are formed by average-link agglomeration over the candidate
graph (see `average_link`; a pair never compared counts as similarity 0): two groups merge while
the mean similarity of all their cross pairs reaches the threshold and their dates stay within
the window.
A mean can only reach the threshold where some pair does, so the graph is first cut into the
parts joined by such pairs and each part is agglomerated on its own (same result, less memory).
Everything is ordered by story ids, so the same inputs give the same events in any order.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from briefgen.average_link import Edge, PartEdges, average_link
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
        part_dates = [dates[i] for i in part]
        local_groups = average_link(
            len(part), edges, part_dates, settings.threshold, settings.window_days
        )
        groups.extend([part[position] for position in members] for members in local_groups)
    events = [_event(tuple(ordered[i] for i in sorted(members))) for members in groups]
    return tuple(sorted(events, key=lambda event: (_latest(event), event.id), reverse=True))


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
