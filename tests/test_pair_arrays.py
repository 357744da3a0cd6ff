"""The array steps of clustering a big site give the parts of the plain-Python steps."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import briefgen.cluster
from briefgen.average_link import Edge
from briefgen.cluster import ClusterSettings, _joined
from briefgen.dates import to_date
from briefgen.pair_arrays import _roots, _split
from briefgen.records import Story
from briefgen.similarity import profile, time_factor
from events import record

WORDS = "harbour council vote strike rail budget flood school court fire".split()


def _edges(size: int, rng: random.Random) -> list[Edge]:
    """Random pairs (sorted, left first) with scores above zero, and one long chain."""
    pairs = {(rng.randrange(size), rng.randrange(size)) for _ in range(size)}
    pairs |= {(index, index + 1) for index in range(size // 2, size - 1)}  # many steps apart
    edges = [(left, right, rng.choice((0.05, 0.2, 0.5, rng.random()))) for left, right in pairs]
    return sorted(edge for edge in edges if edge[0] < edge[1])


@pytest.mark.parametrize("seed", range(6))
def test_parts_of_arrays_are_those_of_plain_python(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.choice((1, 7, 60, 300))
    edges = _edges(size, rng)
    expected = list(_joined(size, edges, 0.3))
    lefts = np.array([left for left, _, _ in edges], np.int64)
    rights = np.array([right for _, right, _ in edges], np.int64)
    scores = np.array([score for _, _, score in edges], np.float64)
    strong = scores >= 0.3
    found = _split(_roots(size, lefts[strong], rights[strong]), lefts, rights, scores)
    assert found == expected
    assert len(found) < size or size == 1  # some stories were joined
    assert all(max(edges.rights, default=-1) < len(part) for part, edges in found)
    assert size < 60 or sum(len(edges) for _, edges in found) > size // 10


def _story(number: int, rng: random.Random) -> Story:
    topic = rng.randrange(12)
    body = " ".join(
        f"{rng.choice(WORDS)}{topic}" if rng.random() < 0.6 else rng.choice(WORDS)
        for _ in range(40)
    )
    if number % 10 == 0:  # undated (see below), and the text tells a date years before the rest
        body += " It began on March 3, 2021."
    published = None if number % 5 == 0 else f"2024-03-{1 + number % 28:02}"
    title = f"Story {number} {WORDS[topic % len(WORDS)]}{topic}"
    made = record(number, [body], published=published, title=title)
    return Story(id=made.id, record=made)


def test_big_and_small_sites_part_their_stories_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    stories = [_story(number, rng) for number in range(150)]
    settings = ClusterSettings(0.14, 3.0)
    vectors, times = profile(stories, settings.weights)
    dates = [to_date(story.record.published) for story in stories]
    days = [None if day is None else day.toordinal() for day in dates]
    monkeypatch.setattr(briefgen.cluster, "ARRAY_MIN_STORIES", 10**9)
    plain = briefgen.cluster._parts(vectors, times, days, settings)
    monkeypatch.setattr(briefgen.cluster, "ARRAY_MIN_STORIES", 0)
    arrays = briefgen.cluster._parts(vectors, times, days, settings)
    assert [part for part, _ in arrays] == [part for part, _ in plain]
    assert 1 < len(plain) < len(stories)
    for (_, found), (_, expected) in zip(arrays, plain, strict=True):
        assert (found.lefts, found.rights) == (expected.lefts, expected.rights)
        # The arrays' weights are single precision, their products summed in double.
        pairs = zip(found.scores, expected.scores, strict=True)
        assert all(math.isclose(a, b, abs_tol=1e-6) for a, b in pairs)
    # Pairs with an undated story are among them, some scaled down by the dates the texts tell.
    factors = [
        time_factor(times[part[left]], times[part[right]], 3.0, settings.weights)
        for part, edges in plain
        for left, right, _ in edges
        if dates[part[left]] is None or dates[part[right]] is None
    ]
    assert 1.0 in factors
    assert settings.weights.other_time in factors
