"""Average link: the groups a plain single-heap agglomeration makes, ties included."""

from __future__ import annotations

import datetime
import heapq
import math
import random
from array import array

import pytest

from briefgen.average_link import PartEdges, average_link


def _reference_average_link(
    size: int,
    edges: dict[tuple[int, int], float],
    days: list[int | None],
    threshold: float,
    window_days: float,
) -> list[list[int]]:
    """Average link as first written: one heap of every mean, every link of a merged group
    recomputed (no slots, no sieve, no sorted first queue); then the strays join their nearest."""
    members = [[index] for index in range(size)]
    first = [math.inf if day is None else day for day in days]
    last = [-math.inf if day is None else day for day in days]

    def within(one: int, other: int) -> bool:
        return max(last[one], last[other]) - min(first[one], first[other]) <= window_days

    def join(keep: int, gone: int) -> None:
        members[keep] += members[gone]
        members[gone] = []
        first[keep], last[keep] = min(first[keep], first[gone]), max(last[keep], last[gone])

    links: list[dict[int, float]] = [{} for _ in range(size)]
    for (left, right), score in edges.items():
        links[left][right] = links[right][left] = score
    heap = [(-score, left, right) for (left, right), score in edges.items()]
    heapq.heapify(heap)
    while heap:
        negative, keep, gone = heapq.heappop(heap)
        both = len(members[keep]) * len(members[gone])
        if not both or links[keep].get(gone, 0.0) / both != -negative:
            continue
        if -negative < threshold or not within(keep, gone):
            continue
        join(keep, gone)
        for other, total in links[gone].items():
            if other != keep:
                links[keep][other] = links[keep].get(other, 0.0) + total
                links[other].pop(gone)
        links[gone] = {}
        links[keep].pop(gone, None)
        for other, total in links[keep].items():
            links[other][keep] = total
            mean = total / (len(members[keep]) * len(members[other]))
            heapq.heappush(heap, (-mean, min(keep, other), max(keep, other)))
    owner = {member: key for key, group in enumerate(members) for member in group}
    alone = {key for key, group in enumerate(members) if len(group) == 1}
    for story in sorted(alone):
        near = [
            (score, pair[1] if pair[0] == story else pair[0])
            for pair, score in edges.items()
            if story in pair and score >= threshold
        ]
        if near:
            nearest = min(near, key=lambda found: (-found[0], found[1]))[1]
            target = owner[nearest]
            if len(members[target]) > 1 and within(target, story):
                join(target, story)
                owner[story] = target
    return sorted(sorted(group) for group in members if group)


@pytest.mark.parametrize("seed", range(12))
def test_average_link_merges_as_a_plain_single_heap_would(seed: int) -> None:
    # Scores from a few values, so equal means (broken by the lower pair) happen often.
    chooser = random.Random(seed)
    size = chooser.randint(20, 150)
    scores = [0.05, 0.1, 0.14, 0.2, 0.3, 0.5, 0.7, 1.0]
    edges = {
        (left, right): chooser.choice(scores) * chooser.choice([1.0, 1.0, 0.9])
        for left in range(size)
        for right in range(left + 1, size)
        if chooser.random() < 0.1
    }
    days = [chooser.choice([None, 0, 1, 3, 5, 9]) for _ in range(size)]
    start = datetime.date(2024, 1, 1)
    dates = [None if day is None else start + datetime.timedelta(days=day) for day in days]
    part_edges = PartEdges(
        array("q", [left for left, _ in edges]),
        array("q", [right for _, right in edges]),
        array("d", edges.values()),
    )
    groups = average_link(size, part_edges, dates, 0.14, 4.0)
    assert groups == _reference_average_link(size, edges, days, 0.14, 4.0)
    assert any(len(group) > 2 for group in groups)
