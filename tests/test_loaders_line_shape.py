"""Shape measures of a line: ASCII lines (byte tables) and others (regexes) agree."""

from __future__ import annotations

import re

import pytest

from briefgen.loaders.line_shape import caps_share, inner_punctuation, word_size


@pytest.mark.parametrize(
    ("text", "marks"),
    [
        ("a, b; c: (d) e. f.", 6),
        ("No marks here", 0),
        ("Tab\tand stop.\tthen", 1),
        ("Dashes \u2014 and stops. Here", 2),
        ("Un, deux; trois. \u00c9t\u00e9", 3),
    ],
)
def test_inner_punctuation_counts_marks_and_stops_before_a_space(text: str, marks: int) -> None:
    assert inner_punctuation(text) == marks


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("The Cat sat on McDonald's mat", 3 / 6),
        ("all lower case words", 0.0),
        ("(Quoted) Words-With-Hyphens 3D", 4 / 3),
        ("\u00c9lan vital", 1 / 2),
        ("\u00e9lan Vital", 1 / 2),
    ],
)
def test_caps_share_counts_capitals_at_word_starts(text: str, share: float) -> None:
    assert caps_share(text, word_size(text)) == min(1.0, share)


@pytest.mark.parametrize(
    "text",
    [
        "Sony said, on Monday (local time), that sales fell. Shares: down 3%.",
        "Home > World > Asia | Markets_Today: O'Neill's U.S. visit",
        "x.\x0by;z\x1cA_b 9C",
    ],
)
def test_ascii_lines_measure_as_the_regular_expressions_do(text: str) -> None:
    punctuation = r"[,;:()\u2014\u2013\u060c\u3001\uff0c\uff1b\uff1a\u3002]|\.\s"
    assert inner_punctuation(text) == len(re.findall(punctuation, text))
    capitals = sum(map(str.isupper, re.findall(r"\b[^\W\d_]", text)))
    assert caps_share(text, word_size(text)) == min(1.0, capitals / word_size(text))
