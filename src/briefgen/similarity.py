"""How alike two stories are: weighted term vectors and their candidate neighbours.

A story's terms are its folded body words and numbers, its title and lead words (weighted up)
and the names it gives (runs of capitalised words, weighted up; accents, typographic quotes and
possessives folded so spelling variants meet). Weights are sublinear term frequency times an
IDF whose document counts are smoothed by a fixed number of background documents that contain
none of the terms: on a big corpus that changes nothing, while on a four-story site the words
every story shares keep their weight instead of falling to the floor (plain IDF would call
them uninformative). A vector keeps at most its 1,000 strongest terms, a bound for very long
texts only: news stories have a few hundred, and cutting to 100-300 measurably lost recall on
the labelled events corpus (the many weak shared words add up).
Time: a story's date is its publication date, else the first full date its text gives; two
stories whose dates are further apart than the window (or, lacking dates, whose mentioned years
are all two or more years apart) have their similarity scaled down.
Candidate neighbours (see `neighbours`) come from postings of each story's strongest terms,
counting only the stories published within the window, so the work grows with the stories that
share rare terms at the same time, never with all pairs.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from itertools import chain, compress, filterfalse, islice, repeat
from operator import add, mul, truediv
from typing import NamedTuple

from briefgen.dates import find_dates, to_date
from briefgen.memo import Memo, Memos, Numbering, TextKeys, Vocabulary
from briefgen.neighbours import ARRAY_MIN_STORIES
from briefgen.normalize import fold, words
from briefgen.parallel import ordered_map
from briefgen.records import Story
from briefgen.stopwords import STOPWORDS

# Two or more capitalised words in a row, each with a lower-case letter. `[A-Z]` first lets the
# regex engine skip ahead to capitals; the look-behind is the `\b`. A word or a space run can
# only end where the run of its characters ends, so the possessive forms (which never give
# back) match the same as plain greedy ones, without trying every shorter word first.
_NAME = re.compile(
    r"[A-Z](?<!\w[A-Z])(?=[\w'’-]*?[a-z])[\w'’-]*+(?:\s++[A-Z](?=[\w'’-]*?[a-z])[\w'’-]*+)++"
)
_POSSESSIVES = ("'s", "’s")
_SEPARATOR = "\n"
WORKERS_MIN_STORIES = 1000
"""From this many stories on, their texts are read in worker processes (see `parallel`)."""
_BATCH = 250
_BATCH_MAX = 1000
"""Stories read at once by a worker: `_BATCH`, or up to `_BATCH_MAX` where that still makes
sixteen batches (bigger batches number fewer distinct terms again and send fewer messages:
clustering 100,000 stories takes 1.3 s less so)."""
MEMO_MIN_STORIES = 500
"""From this many stories on, what is read from them is memoised (see `memo`): fewer are read
again faster than their memo is read and written."""
_SHORTER_THAN_TWO = (2).__gt__
_DROPPED = STOPWORDS | frozenset(map(chr, range(128)))
"""Words that are never terms: stopwords, and single characters (here those of ASCII, which
are all an ASCII text's single-character words: a set lookup per word, no length test)."""
_YEARS = frozenset(map(str, range(1900, 2100)))
"""The words that name a year (of the last century or this one)."""


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
    vector_terms: int = 1000
    """How many of a story's strongest terms its vector keeps (see the module docstring)."""
    blocking_terms: int = 30
    """How many of a story's strongest terms are used to find its candidate neighbours."""
    neighbours: int = 20
    """How many candidate neighbours each story keeps (among those it may share an event with)."""
    other_time: float = 0.2
    """Factor on the similarity of two stories whose dates (or else years) are far apart."""
    max_postings: int = 200
    """A strong term shared by more stories than this (counting those a story may share an event
    with: within its window, or undated) is too common to find that story's neighbours by."""


@dataclass(frozen=True, slots=True)
class Vector:
    """A unit-length term vector, strongest terms first."""

    terms: array[int]
    """Term ids (an id stands for one term within one `vectorize` call)."""
    weights: array[float]
    """The weight of each term."""


def story_terms(story: Story, weights: Weights) -> Counter[str]:
    """Weighted term counts of a story: body words, then title and lead words and names again."""
    record = story.record
    body = record.body.text
    tokens = words(body)
    counts: Counter[str] = Counter(filterfalse(_DROPPED.__contains__, tokens))
    if not body.isascii():  # a single character outside ASCII may be a word of its own
        for token in list(compress(counts, map(_SHORTER_THAN_TWO, map(len, counts)))):
            counts.pop(token)  # dict.pop: Counter's own `del` is Python code
    lead = list(islice(filter(counts.__contains__, tokens), weights.lead_words))
    # `dict.get`, not Counter's Python-level `__missing__`, for terms not counted yet.
    get = counts.get
    if not record.title_from_body:
        for token in words(record.title):
            if len(token) > 1 and token not in STOPWORDS:
                counts[token] = get(token, 0) + weights.title  # type: ignore[assignment]
    for token in lead:
        counts[token] += weights.title  # type: ignore[assignment]
    # Each distinct spelling folded once; the counts are small multiples of 0.5, added exactly.
    for name, times in Counter(_NAME.findall(body)).items():
        term = _name_term(name)
        counts[term] = get(term, 0) + weights.name * times  # type: ignore[assignment]
    return counts


@lru_cache(maxsize=1 << 16)  # names recur across stories: each folded once per worker
def _name_term(name: str) -> str:
    """The term of a name: folded, without a possessive `'s`, marked by `@`."""
    # An ASCII name (spaces and word characters, `'` and `-`) folds to its words in lower case.
    folded = " ".join(name.split()).lower() if name.isascii() else fold(name)
    return "@" + (folded[:-2] if folded.endswith(_POSSESSIVES) else folded)


@dataclass(frozen=True, slots=True)
class When:
    """What a story says about its time: a date (published, or the first one its text gives)."""

    day: date | None
    """The publication date, else the first full date in the text."""
    years: frozenset[int]
    """The years the text mentions, with the publication year."""


def story_time(story: Story, terms: Counter[str] | None = None) -> When:
    """The time evidence of a story (its terms, where already counted, give the years)."""
    record = story.record
    if terms is None:
        terms = Counter(words(record.body.text))
    years = set(map(int, filter(_YEARS.__contains__, terms)))  # in the terms' own order
    day = to_date(record.published)
    if day is None:
        mentions = find_dates(record.body.text)
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


def profile(
    stories: Sequence[Story], weights: Weights, memos: Memos | None = None
) -> tuple[Sequence[Vector], list[When]]:
    """Each story's vector and time evidence, its text read once (or not at all where the memo
    holds what the last build read from the very same text)."""
    if memos is None or len(stories) < MEMO_MIN_STORIES:
        found = _Profiles(len(stories), Numbering())
        _read_missing(found, list(range(len(stories))), stories, weights, None)
        return found.vectors(weights), found.times
    memo: Memo[Reading] = memos.table("story-readings")
    vocabulary = Vocabulary(memos.table("story-reading-terms"))
    keys = _reading_keys(stories, weights, vocabulary.lineage)
    readings = [memo.get(key) for key in keys]
    if any(reading.known > vocabulary.known for reading in readings if reading is not None):
        # Numbers beyond the saved vocabulary: the memos were saved only in part. Start over.
        memo.clear()
        vocabulary.restart()
        keys = _reading_keys(stories, weights, vocabulary.lineage)
        readings = [None] * len(stories)
    found = _Profiles(len(stories), vocabulary.numbers)
    missing: list[int] = []
    for index, reading in enumerate(readings):
        if reading is None:
            missing.append(index)
        else:
            found.add_reading(index, reading)
    _read_missing(found, missing, stories, weights, (memo, keys))
    vectors = found.vectors(weights)
    if len(vocabulary.numbers) > _VOCABULARY_SLACK * found.terms_used + _VOCABULARY_MIN:
        memo.clear()  # mostly terms of stories long gone: the next build numbers afresh
    else:
        vocabulary.keep()
    return vectors, found.times


_VOCABULARY_SLACK = 3
_VOCABULARY_MIN = 50_000
"""A kept vocabulary may hold `_VOCABULARY_SLACK` times the terms in use, plus this many."""


def _read_missing(
    found: _Profiles,
    missing: list[int],
    stories: Sequence[Story],
    weights: Weights,
    memo: tuple[Memo[Reading], list[str]] | None,
) -> None:
    """Read the stories not recalled (in worker processes for many), memoising their readings."""
    size = min(max(_BATCH, len(missing) // 16), _BATCH_MAX)
    batches = [missing[first : first + size] for first in range(0, len(missing), size)]
    read = partial(_read_stories, stories=stories, weights=weights)
    workers_from = -(-WORKERS_MIN_STORIES // size)
    done = ordered_map(read, batches, min_items=workers_from, chunk_size=1)
    for indexes, batch in zip(batches, done, strict=True):
        found.add_batch(indexes, batch)
        if memo is not None:
            table, keys = memo
            for index in indexes:
                table.put(keys[index], found.reading(index))


class _Profiles:
    """Stories' term counts and times as they are read (or recalled), and then their vectors."""

    def __init__(self, size: int, vocabulary: Numbering) -> None:
        self.vocabulary = vocabulary
        self.counted: list[tuple[array[int], array[float]]] = [(array("i"), array("d"))] * size
        self.times: list[When] = [_NO_TIME] * size
        self.terms_used = 0
        """How many distinct terms the stories have (known once the vectors are made)."""

    def add_reading(self, index: int, reading: Reading) -> None:
        """A story's reading from the memo."""
        ids, counts = array("i"), array("d")
        ids.frombytes(reading.terms)
        counts.frombytes(reading.counts)
        self.counted[index] = (ids, counts)
        self.times[index] = reading.when

    def reading(self, index: int) -> Reading:
        """A story's reading, for the memo."""
        ids, counts = self.counted[index]
        doubles = counts if counts.typecode == "d" else array("d", counts)
        return Reading(
            ids.tobytes(), doubles.tobytes(), self.times[index], max(ids, default=-1) + 1
        )

    def add_batch(self, indexes: list[int], batch: _ReadBatch) -> None:
        """The stories of a batch just read."""
        # The batch's own term numbers to the site's: only its distinct terms are looked up.
        terms = batch.terms.split(_SEPARATOR) if batch.terms else ()
        site_ids = array("i", map(self.vocabulary.__getitem__, terms))
        numpy = len(self.counted) >= ARRAY_MIN_STORIES
        ids = _renumbered(batch.ids, site_ids, numpy=numpy)
        counts = _narrowed(batch.counts) if numpy else batch.counts
        start = 0
        for index, length, when in zip(indexes, batch.lengths, batch.times, strict=True):
            end = start + length
            self.counted[index] = (ids[start:end], counts[start:end])
            self.times[index] = when
            start = end

    def vectors(self, weights: Weights) -> Sequence[Vector]:
        """Every story's vector (the term counts are let go on the way)."""
        counted = self.counted
        if len(counted) >= ARRAY_MIN_STORIES:
            # numpy: big sites only
            from briefgen.term_weights import VectorTable, array_weights  # noqa: PLC0415

            packed, self.terms_used = array_weights(
                counted, weights.background, weights.vector_terms
            )
            return VectorTable(packed)
        frequency = Counter(chain.from_iterable(ids for ids, _ in counted))
        self.terms_used = len(frequency)
        total = len(counted) + weights.background
        idf = [0.0] * len(self.vocabulary)
        for term, count in frequency.items():
            idf[term] = math.log(total / (0.5 + count))  # > 0: a count never exceeds the stories
        return [_vector(ids, counts, idf, weights.vector_terms) for ids, counts in counted]


def _renumbered(ids: array[int], numbers: array[int], *, numpy: bool) -> array[int]:
    """`numbers[i]` for each `i` of `ids` (with numpy where it is imported already: about a
    hundred times quicker, the terms of a big site numbering in the tens of millions)."""
    if not numpy:
        listed = numbers.tolist()
        return array("i", [listed[index] for index in ids])
    import numpy as np  # noqa: PLC0415 (big sites only: their weights need it anyway)

    found = array("i")
    found.frombytes(np.frombuffer(numbers, np.intc)[np.frombuffer(ids, np.intc)].tobytes())
    return found


def _narrowed(counts: array[float]) -> array[float]:
    """The counts as single-precision floats where that holds each one exactly (it does for
    the usual small multiples of 0.5): half the memory of a big site's counts as it is read."""
    import numpy as np  # noqa: PLC0415 (big sites only: imported already for their numbers)

    doubles = np.frombuffer(counts, np.float64)
    singles = doubles.astype(np.float32)
    if not np.array_equal(singles, doubles):
        return counts
    narrow = array("f")
    narrow.frombytes(singles.tobytes())
    return narrow


class Reading(NamedTuple):
    """What clustering reads from one story's text, as the memo keeps it."""

    terms: bytes
    """The story's terms in order of first use, as numbers of the site's `Vocabulary` (ints)."""
    counts: bytes
    """The weighted count of each term (doubles)."""
    when: When
    """The story's time evidence."""
    known: int
    """The vocabulary size the numbers need (one more than the highest)."""


_NO_TIME = When(None, frozenset())


def _reading_keys(stories: Sequence[Story], weights: Weights, lineage: str) -> list[str]:
    """Digests of all that `story_terms` and `story_time` read, and of the vocabulary's lineage
    (the numbers of the story's terms are that vocabulary's)."""
    key = TextKeys(lineage, repr(weights))
    return [
        key(
            "" if story.record.title_from_body else story.record.title,
            story.record.published or "",
            story.record.body.digest,
        )
        for story in stories
    ]


class _ReadBatch(NamedTuple):
    """Some stories' terms and times, numbered within the batch (compact to send back)."""

    terms: str
    """The batch's distinct terms in order of first use, one string (joined by `_SEPARATOR`)."""
    ids: array[int]
    """Each story's terms in turn, as numbers of the batch's terms."""
    counts: array[float]
    """The weighted count of each of those."""
    lengths: array[int]
    """How many terms each story has."""
    times: list[When]
    """Each story's time evidence."""


def _read_stories(batch: list[int], stories: Sequence[Story], weights: Weights) -> _ReadBatch:
    """The terms and times of a batch of stories (a pure function of the batch: run in
    workers)."""
    local = Numbering()
    ids, counts, lengths = array("i"), array("d"), array("i")
    times = []
    for index in batch:
        terms = story_terms(stories[index], weights)
        when = story_time(stories[index], terms)
        times.append(when)
        # Lists first: `array.fromlist` is quicker than `extend` from an iterator.
        ids.fromlist(list(map(local.__getitem__, terms)))
        counts.fromlist(list(terms.values()))
        lengths.append(len(terms))
    # A term never holds a line break (words are `\\w+`, names have their spaces folded to one).
    return _ReadBatch(_SEPARATOR.join(local), ids, counts, lengths, times)


def _vector(ids: array[int], counts: array[float], idf: list[float], size: int) -> Vector:
    """Unit-length TF-IDF weights (sublinear term frequency) of the strongest `size` terms."""
    sublinear = map(add, map(math.log, counts), repeat(1.0))
    weighted = list(map(mul, sublinear, map(idf.__getitem__, ids)))
    # A stable sort: equal weights keep the story's own term order, the same in every run.
    order = sorted(range(len(weighted)), key=weighted.__getitem__, reverse=True)[:size]
    strongest = list(map(weighted.__getitem__, order))
    norm = math.sqrt(math.fsum(map(mul, strongest, strongest))) or 1.0
    return Vector(
        array("i", map(ids.__getitem__, order)),
        array("d", map(truediv, strongest, repeat(norm))),
    )


def cosine(left: dict[int, float], right: Vector) -> float:
    """Dot product of two unit vectors, the left one as a dict (summed in the right one's order)."""
    total: float = sum(map(mul, map(left.get, right.terms, repeat(0.0)), right.weights))
    return total
