"""How alike two stories are: weighted term vectors and their candidate neighbours.

A story's terms are its folded body words and numbers, its title and lead words (weighted up)
and the names it gives (runs of capitalised words, weighted up; accents, typographic quotes and
possessives folded so spelling variants meet). Weights are sublinear term frequency times an
IDF whose document counts are smoothed by a fixed number of background documents that contain
none of the terms: on a big corpus that changes nothing, while on a four-story site the words
every story shares keep their weight instead of falling to the floor (plain IDF would call
them uninformative).
Time: a story's date is its publication date, else the first full date its text gives; two
stories whose dates are further apart than the window (or, lacking dates, whose mentioned years
are all two or more years apart) have their similarity scaled down.
Candidate neighbours come from postings of each story's strongest terms, so the work grows with
the stories that share rare terms, never with all pairs.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from briefgen.dates import find_dates, to_date
from briefgen.normalize import fold
from briefgen.records import Story
from briefgen.stopwords import STOPWORDS

Vector = dict[str, float]

_TOKEN = re.compile(r"\w{2,}")
_NAME = re.compile(r"\b[A-Z][\w'’-]*[a-z][\w'’-]*(?:\s+[A-Z][\w'’-]*[a-z][\w'’-]*)+")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True, slots=True)
class Weights:
    """The few numbers the story vectors depend on."""

    title: float = 2.0
    """Extra count for each title word (a headline says what the story is about)."""
    lead_words: int = 60
    """Words at the start of the body weighted like the title (the lead says what happened)."""
    name: float = 1.5
    """Extra count for each multi-word name, on top of its words."""
    background: float = 50.0
    """Background documents added to every IDF count (see the module docstring)."""
    blocking_terms: int = 30
    """How many of a story's strongest terms are used to find its candidate neighbours."""
    neighbours: int = 20
    """How many candidate neighbours each story keeps."""
    other_time: float = 0.2
    """Factor on the similarity of two stories whose dates (or else years) are far apart."""
    max_postings: int = 200
    """A strong term shared by more stories than this is too common to find neighbours by."""


def story_terms(story: Story, weights: Weights) -> dict[str, float]:
    """Weighted term counts of a story: body words, then title and lead words and names again."""
    record = story.record
    body = " ".join(record.paragraphs)
    tokens = [token for token in _TOKEN.findall(fold(body)) if token not in STOPWORDS]
    counts: dict[str, float] = defaultdict(float, Counter(tokens))
    headline = [] if record.title_from_body else _TOKEN.findall(fold(record.title))
    for token in headline + tokens[: weights.lead_words]:
        if token not in STOPWORDS:
            counts[token] += weights.title
    for name in _NAME.findall(body):
        counts["@" + _POSSESSIVE.sub("", fold(name))] += weights.name
    return counts


@dataclass(frozen=True, slots=True)
class When:
    """What a story says about its time: a date (published, or the first one its text gives)."""

    day: date | None
    """The publication date, else the first full date in the text."""
    years: frozenset[int]
    """The years the text mentions, with the publication year."""


def story_time(story: Story) -> When:
    """The time evidence of a story."""
    record = story.record
    text = " ".join(record.paragraphs)
    years = {int(year) for year in _YEAR.findall(text)}
    day = to_date(record.published)
    if day is None:
        mentions = find_dates(text)
        day = mentions[0].value if mentions else None
    if day is not None:
        years.add(day.year)
    return When(day, frozenset(years))


def time_factor(left: When, right: When, window_days: float, weights: Weights) -> float:
    """Stories whose dates, or else years, disagree are less likely to report one event."""
    if left.day is not None and right.day is not None:
        apart = abs((left.day - right.day).days) > window_days
    else:
        apart = bool(left.years and right.years) and _years_apart(left.years, right.years) > 1
    return weights.other_time if apart else 1.0


def _years_apart(left: frozenset[int], right: frozenset[int]) -> int:
    return min(abs(a - b) for a in left for b in right)


def vectorize(stories: Sequence[Story], weights: Weights) -> list[Vector]:
    """Unit-length TF-IDF vectors (sublinear term frequency, background-smoothed IDF)."""
    term_counts = [story_terms(story, weights) for story in stories]
    document_frequency: Counter[str] = Counter()
    for counts in term_counts:
        document_frequency.update(counts.keys())
    total = len(stories) + weights.background
    idf = {term: math.log(total / (0.5 + df)) for term, df in document_frequency.items()}
    vectors = []
    for counts in term_counts:
        vector = {term: (1 + math.log(count)) * idf[term] for term, count in counts.items()}
        norm = math.sqrt(sum(weight * weight for weight in vector.values())) or 1.0
        vectors.append({term: weight / norm for term, weight in vector.items() if weight > 0})
    return vectors


def cosine(left: Vector, right: Vector) -> float:
    """Dot product of two unit vectors (exactly rounded: set order varies between runs)."""
    return math.fsum(left[term] * right[term] for term in left.keys() & right.keys())


def neighbour_pairs(vectors: Sequence[Vector], weights: Weights) -> set[tuple[int, int]]:
    """Pairs (i < j) worth comparing: stories that share some of their strongest terms."""
    strongest = [
        heapq.nsmallest(
            weights.blocking_terms, vector.items(), key=lambda item: (-item[1], item[0])
        )
        for vector in vectors
    ]
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, terms in enumerate(strongest):
        for term, weight in terms:
            postings[term].append((index, weight))
    pairs: set[tuple[int, int]] = set()
    for index, terms in enumerate(strongest):
        scores: dict[int, float] = defaultdict(float)
        for term, weight in terms:
            if len(postings[term]) > weights.max_postings:
                continue
            for other, other_weight in postings[term]:
                if other != index:
                    scores[other] += weight * other_weight
        best = heapq.nsmallest(
            weights.neighbours, scores.items(), key=lambda item: (-item[1], item[0])
        )
        pairs.update((min(index, other), max(index, other)) for other, _ in best)
    return pairs
