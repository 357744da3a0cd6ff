"""Markdown to plain text, through a real sanitiser; plain paragraphs skip the parser."""

from __future__ import annotations

import html
import re
from functools import cache

import markdown
import nh3

# Characters that are markdown syntax (or HTML, or entities) wherever they stand.
_MARKUP = re.compile(r"[*_`<>#&\\|~]")
# List items and quotes: markers at a line's start.
_LINE_MARKER = re.compile(r"^\s*(?:[-+]\s|\d+\.\s|>)", re.MULTILINE)
# Square brackets are syntax only as links, images and link definitions (`[a](b)`, `[a][b]`,
# `[a]: b`, `![a]`); elsewhere (`[sic]`, an editor's `[asked]`) the parser leaves them as they are.
_LINK = re.compile(r"\]\s*[(\[:]|!\[")


@cache
def _renderer() -> markdown.Markdown:
    return markdown.Markdown(output_format="html")


def is_plain(text: str) -> bool:
    """True where the text has no markdown syntax: its visible text is the text itself.

    Also true of every part of such a text, as each test looks for what a part would show."""
    if _MARKUP.search(text) or _LINE_MARKER.search(text):
        return False
    return not (("[" in text or "]" in text) and _LINK.search(text))


def markdown_to_text(chunk: str) -> str:
    """The visible text of a markdown chunk, with no markup left in it."""
    if is_plain(chunk):
        return " ".join(chunk.split())
    renderer = _renderer()
    rendered = renderer.reset().convert(chunk)
    text_only = nh3.clean(rendered, tags=set(), clean_content_tags={"script", "style"})
    return " ".join(html.unescape(text_only).split())
