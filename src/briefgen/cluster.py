"""The cluster stage: stories about the same happening form one event.

Stories become TF-IDF vectors over their folded words (title and named entities weighted up).
Candidate pairs come from blocking on each story's highest-weighted rare terms, so the cost grows
near-linearly; pairs further apart in time than the window are never joined; events are formed
by average-link agglomeration over the candidate graph.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

from briefgen.config import Config
from briefgen.dates import days_between
from briefgen.normalize import fold
from briefgen.records import Event, Story
from briefgen.stopwords import STOPWORDS

_TOKEN = re.compile(r"\w+")
_NAME = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:[A-Z][\w'’-]+|of|de|van|von|al|bin))*")
TITLE_WEIGHT = 2.0
ENTITY_WEIGHT = 1.5
BLOCKING_TERMS = 12
_MAX_POSTINGS = 400


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """How stories are grouped into events."""

    threshold: float
    """Average cosine similarity needed to join two groups."""
    window_days: float
    """Stories further apart than this are never in one event."""

    @classmethod
    def from_config(cls, config: Config) -> ClusterSettings:
        """The clustering settings of a site configuration."""
        return cls(config.cluster_threshold, config.window_days)


def story_terms(story: Story) -> Counter[str]:
    """Weighted term counts of a story: body words, title words and entity names."""
    record = story.record
    counts: Counter[str] = Counter()
    body = " ".join(record.paragraphs)
    for token in _TOKEN.findall(fold(body)):
        if token not in STOPWORDS and not token.isdigit() and len(token) > 1:
            counts[token] += 1
    if not record.title_from_body:
        for token in _TOKEN.findall(fold(record.title)):
            if token not in STOPWORDS and len(token) > 1:
                counts[token] += TITLE_WEIGHT
    for name in _NAME.findall(body):
        key = "@" + fold(name)
        if " " in key:
            counts[key] += ENTITY_WEIGHT
    return counts


def vectorize(stories: tuple[Story, ...]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear term frequency, smoothed IDF)."""
    term_counts = [story_terms(story) for story in stories]
    document_frequency: Counter[str] = Counter()
    for counts in term_counts:
        document_frequency.update(counts.keys())
    total = len(stories)
    vectors = []
    for counts in term_counts:
        vector = {
            term: (1 + math.log(count)) * (1 + math.log((1 + total) / (1 + document_frequency[term])))
            for term, count in counts.items()
        }
        norm = math.sqrt(sum(weight * weight for weight in vector.values())) or 1.0
        vectors.append({term: weight / norm for term, weight in vector.items() if weight > 0})
    return vectors


def cosine(left: dict[str, float], right: dict[str, float]) -> float:
    """Dot product of two unit vectors."""
    if len(left) > len(right):
        left, right = right, left
    return sum(weight * right.get(term, 0.0) for term, weight in left.items())


def cluster(stories: tuple[Story, ...], settings: ClusterSettings) -> tuple[Event, ...]:
    """Group stories into events, deterministically, whatever the input order."""
    ordered = tuple(sorted(stories, key=lambda story: story.id))
    vectors = vectorize(ordered)
    edges = _similar_pairs(ordered, vectors, settings)
    groups = _average_link(len(ordered), edges, settings.threshold)
    events = [_event(tuple(ordered[i] for i in members)) for members in groups]
    return tuple(sorted(events, key=lambda event: (_latest(event), event.id), reverse=True))


def _similar_pairs(
    stories: tuple[Story, ...], vectors: list[dict[str, float]], settings: ClusterSettings
) -> dict[tuple[int, int], float]:
    postings: dict[str, list[int]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        top = sorted(vector.items(), key=lambda item: (-item[1], item[0]))[:BLOCKING_TERMS]
        for term, _ in top:
            postings[term].append(index)
    edges: dict[tuple[int, int], float] = {}
    for members in postings.values():
        if len(members) > _MAX_POSTINGS:
            continue
        for i, left in enumerate(members):
            for right in members[i + 1 :]:
                pair = (left, right) if left < right else (right, left)
                if pair in edges:
                    continue
                gap = days_between(stories[left].record.published, stories[right].record.published)
                if gap is not None and gap > settings.window_days:
                    edges[pair] = 0.0
                    continue
                edges[pair] = cosine(vectors[left], vectors[right])
    return {pair: score for pair, score in edges.items() if score > 0}


def _average_link(
    size: int, edges: dict[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Merge the most similar groups while their average pairwise similarity reaches threshold."""
    members: dict[int, list[int]] = {index: [index] for index in range(size)}
    owner = list(range(size))
    for (left, right), score in sorted(edges.items(), key=lambda item: (-item[1], item[0])):
        if score < threshold:
            break
        group_left, group_right = owner[left], owner[right]
        if group_left == group_right:
            continue
        a, b = members[group_left], members[group_right]
        average = sum(edges.get((min(x, y), max(x, y)), 0.0) for x in a for y in b) / (len(a) * len(b))
        if average < threshold:
            continue
        keep, gone = min(group_left, group_right), max(group_left, group_right)
        members[keep] = sorted(members[keep] + members.pop(gone))
        for index in members[keep]:
            owner[index] = keep
    return sorted(members.values())


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
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    stem = "-".join(words)[:60].rstrip("-")
    suffix = hashlib.sha256(unique.encode()).hexdigest()[:6]
    return f"{stem}-{suffix}" if stem else f"event-{suffix}"
