"""Story vectors: numpy weights for big sites are plain Python's, up to the last bit."""

from __future__ import annotations

import math
import os
import random
import re
import subprocess
import sys
from array import array
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import briefgen.similarity
from briefgen.memo import Memos
from briefgen.records import Body, Story
from briefgen.similarity import Weights, _narrowed, cosine, profile, story_terms, story_time
from briefgen.term_weights import _joined_counts, array_cosines, pack_vectors, packed_vectors
from events import record

WORDS = "harbour bridge council mayor lorries cracks steel bank rate inflation port".split()


def _story(number: int, rng: random.Random) -> Story:
    body = " ".join(rng.choice(WORDS) + str(rng.randint(0, 40)) for _ in range(rng.randint(0, 90)))
    made = record(number, [body] if body else [], published=None, title=f"Story {number}")
    return Story(id=made.id, record=made)


def test_title_and_lead_words_weigh_more_than_body_words() -> None:
    story = _story(1, random.Random(1))
    terms = story_terms(story, Weights(lead_words=0))
    assert terms["story"] == Weights().title


@pytest.mark.parametrize(
    "body",
    [
        "The mayor of a port x warned 7 lorries and the ship crossed",
        "The mayor of a port x warned 7 lorries and the ship crossed at Växjö é ж 中",
    ],
)
def test_stopwords_and_single_characters_are_never_terms(body: str) -> None:
    made = record(1, [body], title="Of the port")
    terms = story_terms(Story(id=made.id, record=made), Weights(lead_words=3, name=0))
    extra = Weights().title
    expected = {"mayor": 1 + extra, "port": 1 + 2 * extra, "warned": 1 + extra, "lorries": 1.0}
    assert {term: terms[term] for term in expected} == expected
    body_words = {"ship", "crossed"} | ({"vaxjo"} if "Växjö" in body else set())
    assert set(terms) == set(expected) | body_words


def test_years_are_the_four_digit_numbers_of_the_two_centuries() -> None:
    text = "In 1899 and 1999, then 2024 and 2100, or ２０２４ and 20245."
    made = record(1, [text], published=None)
    assert story_time(Story(id=made.id, record=made)).years == {1999, 2024}


def test_years_are_held_in_the_same_order_whatever_the_string_hashes() -> None:
    # 2001, 2009 and 2017 share a slot of a small set: their order is that of insertion, which
    # must not follow the salted hashes of strings (the memo of a reading pickles the years).
    script = (
        f"import pickle, sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from events import record\n"
        "from briefgen.records import Story\n"
        "from briefgen.similarity import story_time\n"
        "made = record(1, ['In 2017, 2009 and 2001 and again 2009.'], published=None)\n"
        "print(pickle.dumps(story_time(Story(id=made.id, record=made)).years).hex())\n"
    )
    found = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(found) == 1


@pytest.mark.parametrize(
    ("size", "chunk_entries"), [(3, 10**6), (1000, 10**6), (3, 200), (1000, 200)]
)
def test_numpy_weights_match_plain_python(
    monkeypatch: pytest.MonkeyPatch, size: int, chunk_entries: int
) -> None:
    rng = random.Random(size)
    stories = [_story(number, rng) for number in range(120)]
    weights = Weights(vector_terms=size)
    # Small chunks: the vectors are weighted in many pieces, each filled into its place.
    monkeypatch.setattr("briefgen.term_weights._CHUNK_ENTRIES", chunk_entries)
    monkeypatch.setattr(briefgen.similarity, "ARRAY_MIN_STORIES", 10**9)
    plain, _ = profile(stories, weights)
    monkeypatch.setattr(briefgen.similarity, "ARRAY_MIN_STORIES", 0)
    arrays, _ = profile(stories, weights)
    longest = max(len(story_terms(story, weights)) for story in stories)
    assert max(len(vector.terms) for vector in plain) == min(size, longest)
    for left, right in zip(plain, arrays, strict=True):
        assert list(left.terms) == list(right.terms)
        pairs = zip(left.weights, right.weights, strict=True)
        # The arrays hold weights in single precision: within 2**-24 of values at most 1.
        assert all(math.isclose(a, b, rel_tol=0, abs_tol=2**-24) for a, b in pairs)
        squares = math.fsum(w * w for w in right.weights)
        assert not left.terms or math.isclose(squares, 1.0, rel_tol=0, abs_tol=1e-6)


def test_numpy_cosines_match_plain_python() -> None:
    rng = random.Random(5)
    stories = [_story(number, rng) for number in range(80)]
    vectors, _ = profile(stories, Weights())
    pairs = [(left, right) for left in range(80) for right in range(left + 1, 80, 3)]
    expected = [
        cosine(dict(zip(vectors[left].terms, vectors[left].weights, strict=True)), vectors[right])
        for left, right in pairs
    ]
    lefts, rights = (np.array(side, np.int64) for side in zip(*pairs, strict=True))
    found = array_cosines(lefts, rights, packed_vectors(vectors))
    assert max(expected) > 0.1
    # Single-precision weights, products summed in double precision.
    close = [
        math.isclose(a, b, rel_tol=0, abs_tol=1e-6) for a, b in zip(expected, found, strict=True)
    ]
    assert all(close)


def test_cosines_scored_in_chunks_by_workers_are_the_same_floats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(6)
    stories = [_story(number, rng) for number in range(60)]
    vectors, _ = profile(stories, Weights())
    packed = packed_vectors(vectors)
    pairs = [(left, right) for left in range(60) for right in range(left + 1, 60, 2)]
    lefts, rights = (np.array(side, np.int64) for side in zip(*pairs, strict=True))
    whole = array_cosines(lefts, rights, packed).tolist()
    monkeypatch.setattr("briefgen.term_weights._CHUNK_PAIRS", 40)  # about twenty chunks
    assert array_cosines(lefts, rights, packed).tolist() == whole
    assert max(whole) > 0.1
    nothing = np.zeros(0, np.int64)
    assert array_cosines(nothing, nothing, packed).tolist() == []


def test_stories_read_in_workers_give_the_same_vectors_and_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(7)
    stories = [_story(number, rng) for number in range(90)]
    blank = replace(stories[3].record, title="", body=Body())
    stories[3] = Story(id=blank.id, record=blank)  # a story without any term
    here = profile(stories, Weights())
    assert not here[0][3].terms
    monkeypatch.setattr(briefgen.similarity, "WORKERS_MIN_STORIES", 0)
    monkeypatch.setattr(briefgen.similarity, "_BATCH", 16)  # several batches: workers run
    in_workers = profile(stories, Weights())
    assert in_workers == here
    assert sum(len(vector.terms) for vector in here[0]) > 1000


def test_pairs_with_a_story_without_terms_score_zero() -> None:
    alike = (array("i", [1, 2, 3, 4]), array("d", [0.5, 0.5, 0.5, 0.5]))  # exact in any precision
    empty: tuple[array[int], array[float]] = (array("i"), array("d"))
    vectors = [alike, alike, empty, empty]
    lefts, rights = np.array([0, 1, 2], np.int64), np.array([1, 2, 3], np.int64)
    assert array_cosines(lefts, rights, pack_vectors(vectors)).tolist() == [1.0, 0.0, 0.0]
    assert array_cosines(lefts[1:], rights[1:], pack_vectors(vectors)).tolist() == [0.0, 0.0]


# The name pattern as first written (greedy, backtracking), to check the quicker one against.
_GREEDY_NAME = re.compile(
    r"[A-Z](?<!\w[A-Z])[\w'’-]*[a-z][\w'’-]*(?:\s+[A-Z][\w'’-]*[a-z][\w'’-]*)+"
)
NAMED = [
    "Prime Minister Jane O'Brien-Smith's visit to New York City ended.",
    "The UN Security Council met. NATO ALLIES met In Brussels Today",
    "McDonald's chief Mary McDonald’s plan; Jean-Luc Picard and  Dr Who\nSaid no",
    "aBC Def Ghi, xYz Abc D'Arcy Élysée Palace Zürich Airport Ab1c 2Go Now",
    "One-Two Three_four Five-six's X Y Zz Qq's",
]


@pytest.mark.parametrize("text", NAMED)
def test_names_are_those_of_the_plain_greedy_pattern(text: str) -> None:
    found = briefgen.similarity._NAME.findall(text)
    assert found == _GREEDY_NAME.findall(text)
    assert found


def test_a_name_term_is_folded_without_its_possessive() -> None:
    body = "Jane O’Brien’s aide met Jane  O'Brien and José Ramírez's team with José Ramírez."
    terms = story_terms(_story_of(body), Weights(lead_words=0))
    assert terms["@jane o'brien"] == 2 * Weights().name
    assert terms["@jose ramirez"] == 2 * Weights().name


def _story_of(body: str) -> Story:
    made = record(1, [body], published=None, title="Untitled")
    return Story(id=made.id, record=made)


@pytest.mark.parametrize("title", [2.0, 0.1])
def test_big_site_counts_held_narrow_read_back_the_same_from_the_memo(
    monkeypatch: pytest.MonkeyPatch, title: float
) -> None:
    # Title words counted 0.1 more: counts single precision cannot hold, kept as doubles.
    rng = random.Random(9)
    stories = [_story(number, rng) for number in range(40)]
    weights = Weights(title=title)
    plain, _ = profile(stories, weights)
    monkeypatch.setattr(briefgen.similarity, "ARRAY_MIN_STORIES", 0)
    monkeypatch.setattr(briefgen.similarity, "MEMO_MIN_STORIES", 0)
    memos = Memos()
    filling, _ = profile(stories, weights, memos)
    readings = memos.kept()["story-readings"].values()
    counts = sorted(sorted(np.frombuffer(reading.counts).tolist()) for reading in readings)  # type: ignore[attr-defined]
    assert counts == sorted(sorted(story_terms(story, weights).values()) for story in stories)
    reused, _ = profile(stories, weights, Memos(memos.kept()))
    for left, middle, right in zip(plain, filling, reused, strict=True):
        assert list(left.terms) == list(middle.terms) == list(right.terms)
        assert list(middle.weights) == list(right.weights)
        pairs = zip(left.weights, middle.weights, strict=True)
        assert all(math.isclose(a, b, rel_tol=0, abs_tol=2**-24) for a, b in pairs)


def test_counts_narrow_only_where_each_one_is_exact() -> None:
    assert _narrowed(array("d", [1.0, 2.5, 31.0])).typecode == "f"
    assert _narrowed(array("d", [1.0, 2.1])).typecode == "d"
    mixed = [_narrowed(array("d", [1.0, 2.5])), array("d", [2.1]), array("d")]
    assert _joined_counts(mixed).tolist() == [1.0, 2.5, 2.1]
    assert _joined_counts(mixed[:1]).dtype == np.float64
