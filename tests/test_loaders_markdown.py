"""The markdown loader: front matter wins over inference; problems come with line numbers."""

from __future__ import annotations

import pytest

from briefgen.loaders import SourceText
from briefgen.loaders.markdown import load
from briefgen.records import Record


def load_md(text: str) -> Record:
    return load(SourceText("story.md", text))


def messages(record: Record) -> list[str]:
    return [str(diagnostic) for diagnostic in record.warnings]


FULL = """---
title: Budget passes after long night
outlet: The Example Times
date: 2024-03-05
url: https://example.org/budget
author: [Jane Doe, John Roe]
section: politics
lang: en
tags: [budget, council]
---
# A different heading in the body

The council approved the **new budget** on Tuesday.

## What next

The mayor will sign it this week.
"""


def test_front_matter_fields_override_inference() -> None:
    record = load_md(FULL)
    assert record.title == "Budget passes after long night"
    assert record.outlet == "The Example Times"
    assert record.published == "2024-03-05"
    assert record.url == "https://example.org/budget"
    assert record.byline.people == ("Jane Doe", "John Roe")
    assert (record.section, record.lang, record.tags) == ("politics", "en", ("budget", "council"))
    assert not record.title_from_body
    assert record.warnings == ()


def test_body_is_rendered_to_plain_text_with_headings() -> None:
    record = load_md(FULL)
    assert [(block.kind, block.text) for block in record.body] == [
        ("heading", "A different heading in the body"),
        ("paragraph", "The council approved the new budget on Tuesday."),
        ("heading", "What next"),
        ("paragraph", "The mayor will sign it this week."),
    ]


def test_first_heading_is_the_title_without_front_matter() -> None:
    record = load_md("# Storm hits the coast\n\nWinds reached 120 km/h overnight.\n")
    assert record.title == "Storm hits the coast"
    assert record.paragraphs == ("Winds reached 120 km/h overnight.",)


def test_markup_and_scripts_never_reach_the_text() -> None:
    record = load_md(
        "Text with <script>alert(1)</script> and <b onclick='x()'>bold</b>"
        " and [a link](javascript:x).\n"
    )
    text = record.paragraphs[0]
    assert "<" not in text
    assert "alert" not in text
    assert "javascript" not in text
    assert "bold" in text
    assert "a link" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: A\nsummary: x\n---\nBody text here.\n",
            "story.md:3: warning: front matter: unknown field 'summary' ignored",
        ),
        (
            "---\ntitle: A\ndate: next week\n---\nBody text here.\n",
            "story.md:3: warning: front matter: date 'next week' is not a date",
        ),
        (
            "---\ntitle: A\nurl: javascript:alert(1)\n---\nBody text here.\n",
            "story.md:3: warning: front matter: url 'javascript:alert(1)' is not http(s); ignored",
        ),
        (
            "---\ntitle: A\ntitle: B\n---\nBody text here.\n",
            "story.md:3: warning: front matter: key 'title' is given twice",
        ),
        (
            "---\ntitle: A\nbad: [unclosed\n---\nBody text here.\n",
            "story.md:4: warning: front matter: expected ',' or ']', but got '<stream end>'",
        ),
        (
            "---\ntitle: A\ndate: 2999-01-01\n---\nBody text here.\n",
            "story.md:3: warning: front matter: date 2999-01-01 is in the future",
        ),
        (
            "---\nsection: x\ntitle:\n  nested: map\n---\nBody text here.\n",
            "story.md:3: warning: front matter: title should be text, got a mapping; ignored",
        ),
        (
            "---\ntitle: <script>alert(1)</script>\n---\nBody text here.\n",
            "story.md:2: warning: front matter: title has no text once markup is removed; ignored",
        ),
        (
            "---\n- a list\n---\nBody text here.\n",
            "story.md:2: warning: front matter: expected a mapping, got list",
        ),
        (
            "---\ntitle: Never closed\nBody text here.\n",
            "story.md:1: warning: front matter: no closing '---'; read the file as body text",
        ),
        (
            "---\ntitle: Empty\n---\n\n\n",
            "story.md:4: warning: no paragraphs in the body",
        ),
    ],
)
def test_front_matter_problems_are_warnings_with_line_numbers(text: str, expected: str) -> None:
    assert expected in messages(load_md(text))


def test_markup_in_front_matter_text_is_removed() -> None:
    record = load_md("---\ntitle: Budget <b>passes</b> <script>alert(1)</script>\n---\nBody.\n")
    assert record.title == "Budget passes"


def test_truncated_front_matter_still_loads_the_body() -> None:
    record = load_md("---\ntitle: Never closed\nThe council met on Tuesday.\n")
    assert "The council met on Tuesday." in " ".join(record.paragraphs)


def test_title_from_text_when_there_is_no_title_or_heading() -> None:
    record = load_md("The council approved the new budget on Tuesday. It was late.\n")
    assert record.title_from_body
    assert record.title == "The council approved the new budget on Tuesday"
