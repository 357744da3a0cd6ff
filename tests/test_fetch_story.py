"""Fetched stories as markdown: what the markdown loader reads back is what was fetched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen.fetch_story import FetchedStory, escape_markdown, fragment_blocks
from briefgen.loaders import SourceText
from briefgen.loaders.markdown import load
from briefgen.markup import markdown_to_text
from briefgen.records import Block

_TRICKY = st.text(
    alphabet=st.sampled_from(list("ab 1.-+#*_`[]()<>&!\\|~=:;'\"/\u00e9\u201c\u201d")),
    min_size=1,
    max_size=40,
)


@given(_TRICKY)
def test_escaped_text_renders_back_to_itself(text: str) -> None:
    assert markdown_to_text(escape_markdown(text)) == " ".join(text.split())


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("1. First", "1\\. First"),
        ("- not a list", "\\- not a list"),
        ("# not a heading", "\\# not a heading"),
        ("a <b>tag</b> & more", "a &lt;b&gt;tag&lt;/b&gt; &amp; more"),
        ("*stars* and _underscores_", "\\*stars\\* and \\_underscores\\_"),
        ("plain words stay plain", "plain words stay plain"),
    ],
)
def test_markdown_syntax_is_escaped(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


def test_a_story_file_loads_back_with_its_metadata_and_text() -> None:
    story = FetchedStory(
        title="Pier 4: repairs \u2014 done",
        outlet="The Harbour Post",
        published="2026-03-02T08:00:00+01:00",
        url="https://post.example/pier?id=4&x=1",
        authors=("Ana Diaz", "Bo Lee"),
        body=(
            Block("paragraph", "1. The <pier> reopened & boats *returned*."),
            Block("heading", "What comes next"),
            Block("paragraph", "# Crews will paint the rails [next week]."),
        ),
    )
    record = load(SourceText("fetched/post.example/x.md", story.to_markdown()))
    assert record.warnings == ()
    assert record.title == "Pier 4: repairs \u2014 done"
    assert record.outlet == "The Harbour Post"
    assert record.published == "2026-03-02T08:00:00+01:00"
    assert record.url == "https://post.example/pier?id=4&x=1"
    assert record.byline.people == ("Ana Diaz", "Bo Lee")
    assert tuple(record.body) == story.body


@pytest.mark.parametrize(
    ("html", "blocks"),
    [
        (
            "<p>One.</p><p>Two &amp; three.</p>",
            [("paragraph", "One."), ("paragraph", "Two & three.")],
        ),
        ("<h2>Sub</h2><p>Text</p>", [("heading", "Sub"), ("paragraph", "Text")]),
        ("Plain text, no tags.", [("paragraph", "Plain text, no tags.")]),
        ("<p>Kept</p><script>var x = 1;</script><style>p{}</style>", [("paragraph", "Kept")]),
        ("<div>A<br>B</div>", [("paragraph", "A"), ("paragraph", "B")]),
        ("<p>  spaced \n  out  </p>", [("paragraph", "spaced out")]),
        ("<ul><li>one</li><li>two</li></ul>", [("paragraph", "one"), ("paragraph", "two")]),
        ("", []),
    ],
)
def test_feed_html_becomes_blocks(html: str, blocks: list[tuple[str, str]]) -> None:
    assert [(block.kind, block.text) for block in fragment_blocks(html)] == blocks
