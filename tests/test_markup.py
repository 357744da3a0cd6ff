import html

import markdown
import nh3
import pytest

from briefgen.markup import is_plain, markdown_to_text


def parsed_text(chunk: str) -> str:
    """What Python-Markdown and the sanitiser make of a chunk: the reference for the fast path."""
    rendered = markdown.Markdown(output_format="html").convert(chunk)
    return " ".join(html.unescape(nh3.clean(rendered, tags=set())).split())


@pytest.mark.parametrize(
    ("chunk", "shown"),
    [
        ("Plain words,\nover two lines.", "Plain words, over two lines."),
        (
            '"It has been [asked] many times," he said.',
            '"It has been [asked] many times," he said.',
        ),
        ("The rate [sic] rose; [a] and [b] fell.", "The rate [sic] rose; [a] and [b] fell."),
        ("See [the report](https://example.org/r) today.", "See the report today."),
        (
            "See [the report] (https://example.org/r) today.",
            "See [the report] (https://example.org/r) today.",
        ),
        ("A [ref][1] here.\n\n[1]: https://example.org/", "A ref here."),
        ("Named [ref] here.\n[ref]: https://example.org/", "Named ref here."),
        ("An ![image](a.png) here.", "An here."),
        ("Some *emphasis* and `code`.", "Some emphasis and code."),
        ("Fish &amp; chips", "Fish & chips"),
        ("- one\n- two", "one two"),
        ("1. first\n2. second", "first second"),
        ("> quoted words", "quoted words"),
    ],
)
def test_visible_text_is_what_the_markdown_parser_shows(chunk: str, shown: str) -> None:
    assert markdown_to_text(chunk) == shown
    assert parsed_text(chunk) == shown


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("No syntax at all.", True),
        ("An editor's [note] in brackets.", True),
        ("A [link](x).", False),
        ("A [ref] [x].", False),
        ("A [definition]: x", False),
        ("An ![image]", False),
        ("Line one\n  - a list item", False),
        ("Tom & Jerry", False),
        ("# Heading", False),
    ],
)
def test_plain_text_is_told_from_markup(text: str, plain: bool) -> None:
    assert is_plain(text) is plain
