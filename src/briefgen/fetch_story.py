"""A fetched story and its source file: markdown with front matter that the markdown loader reads.

Body text is escaped so that the markdown loader gives back exactly the words that were fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import yaml

from briefgen.records import Block, BlockKind

_BLOCK_TAGS = frozenset(
    "p div li blockquote pre h1 h2 h3 h4 h5 h6 br tr dd dt figcaption section article "
    "header footer ul ol table hr".split()
)
_HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_SKIPPED_TAGS = frozenset("script style noscript template iframe svg".split())
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]])")
_LINE_START_MARKUP = re.compile(r"^([-+#]|\d+(?=[.)]))")


@dataclass(frozen=True, slots=True)
class FetchedStory:
    """One article as fetched: metadata from the feed entry (or the page) and its text."""

    title: str | None
    """The headline."""
    outlet: str | None
    """The publication."""
    published: str | None
    """ISO 8601 date or datetime."""
    url: str | None
    """The article's address (http or https)."""
    authors: tuple[str, ...]
    """Who wrote it."""
    body: tuple[Block, ...]
    """The text, in order."""

    def to_markdown(self) -> str:
        """The story as a markdown source file with front matter."""
        meta = {
            key: value
            for key, value in (
                ("title", self.title),
                ("outlet", self.outlet),
                ("date", self.published),
                ("url", self.url),
                ("author", list(self.authors) or None),
            )
            if value
        }
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        paragraphs = [
            ("## " if block.kind == "heading" else "") + escape_markdown(block.text)
            for block in self.body
        ]
        return "---\n" + front + "---\n\n" + "\n\n".join(paragraphs) + "\n"


def escape_markdown(text: str) -> str:
    """Text that markdown renders back to itself (one paragraph, whitespace collapsed)."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_MARKUP.sub(r"\\\1", text)
    return _LINE_START_MARKUP.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match[1]
    if marker.isdigit():  # "1. " would start a list: escape the full stop that follows
        return marker + "\\"
    return "\\" + marker


def fragment_blocks(html: str) -> tuple[Block, ...]:
    """Paragraphs and subheadings of an HTML fragment (a feed entry's content or summary)."""
    parser = _BlockParser()
    parser.feed(html)
    parser.close()
    return tuple(parser.blocks)


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._kind: BlockKind = "paragraph"
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._kind = "heading" if tag in _HEADING_TAGS else "paragraph"

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._kind = "paragraph"

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        self._text = []
        if text:
            self.blocks.append(Block(self._kind, text))
