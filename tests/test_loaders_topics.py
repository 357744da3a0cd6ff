"""Topic words of copied-page lines: a line's words, and which of them other lines hold."""

from __future__ import annotations

import pytest

from briefgen.loaders.lines import split_lines
from briefgen.loaders.topics import TopicWords

PAGE = "\n".join(
    [
        "Harbour Reopens After Storm",
        "The harbour reopened on Monday after the storm.",
        "Harbours along the coast stay closed; fishing_boats wait.",
        "Ferries to the Île de Ré resume next week.",
    ]
)


@pytest.fixture
def topics() -> TopicWords:
    return TopicWords(split_lines(PAGE))


def test_words_of_a_line_are_its_folded_words_of_more_than_three_letters(
    topics: TopicWords,
) -> None:
    assert topics.of(0) == {"harbour", "reopens", "after", "storm"}
    assert topics.of(3) == {"ferries", "resume", "next", "week"}


@pytest.mark.parametrize(
    ("words", "first", "last", "held"),
    [
        # "reopens" is not "reopened"; "harbour" stands whole in line 1 only.
        ({"harbour", "reopens", "after", "storm"}, 1, 3, 3),
        # Inside a longer word ("harbours") is not holding it.
        ({"harbour"}, 2, 3, 0),
        ({"harbours", "fishing_boats", "fishing"}, 2, 2, 2),
        # Folded: accents and case do not matter.
        ({"ile", "resume"}, 3, 3, 2),
        ({"storm"}, 3, 1, 0),
    ],
)
def test_held_counts_the_words_standing_whole_in_the_lines(
    topics: TopicWords, words: set[str], first: int, last: int, held: int
) -> None:
    assert topics.held(frozenset(words), first, last) == held


@pytest.mark.parametrize(
    ("share", "holds"),
    [(0.5, True), (0.75, True), (0.76, False), (1.0, False)],
)
def test_hold_share_agrees_with_the_count_held(
    topics: TopicWords, share: float, holds: bool
) -> None:
    words = frozenset({"harbour", "reopens", "after", "storm"})  # 3 of 4 held by lines 1-3
    assert topics.hold_share(words, 1, 3, share) is holds
    assert (topics.held(words, 1, 3) / len(words) >= share) is holds
