"""Markdown to plain text, through a real sanitiser; plain paragraphs skip the parser."""

from __future__ import annotations

import html
import re
from functools import cache

import markdown
import nh3

_MARKUP = re.compile(r"[*_`\[\]<>#&\\|~]|^\s*(?:[-+]\s|\d+\.\s|>)", re.MULTILINE)


@cache
def _renderer() -> markdown.Markdown:
    return markdown.Markdown(output_format="html")


def markdown_to_text(chunk: str) -> str:
    """The visible text of a markdown chunk, with no markup left in it."""
    if not _MARKUP.search(chunk):
        return " ".join(chunk.split())
    renderer = _renderer()
    rendered = renderer.reset().convert(chunk)
    text_only = nh3.clean(rendered, tags=set(), clean_content_tags={"script", "style"})
    return " ".join(html.unescape(text_only).split())
