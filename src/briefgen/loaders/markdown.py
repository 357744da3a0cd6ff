"""Loader for markdown with YAML front matter: front matter fields win over inference."""

from __future__ import annotations

import re

from briefgen.loaders import SourceText, record_id, title_from_text
from briefgen.loaders.front_matter import split_front_matter
from briefgen.markup import is_plain, markdown_to_text
from briefgen.records import Block, Body, Byline, Diagnostic, Record

_BLANK_LINE = re.compile(r"\n\s*\n")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def load(source: SourceText) -> Record:
    """Parse a markdown source with optional front matter into a record."""
    front, body_text, body_line = split_front_matter(source)
    blocks = markdown_blocks(body_text)
    title = front.text("title") or _first_heading(blocks) or ""
    title_from_body = not title
    title = title or title_from_text(next((b.text for b in blocks if b.kind == "paragraph"), ""))
    if blocks and blocks[0].kind == "heading" and blocks[0].text == title:
        blocks = blocks[1:]
    outlet, url, published = front.text("outlet"), front.url(), front.published()
    section, lang = front.text("section"), front.text("lang")
    authors, tags = front.names("author"), front.names("tags")
    problems = list(front.problems)
    if not blocks:
        problems.append(Diagnostic(source.path, body_line, "warning", "no paragraphs in the body"))
    return Record(
        id=record_id(title, tuple(blocks)),
        path=source.path,
        format="markdown",
        title=title,
        outlet=outlet,
        url=url,
        published=published,
        byline=Byline(authors, None),
        dateline=None,
        section=section,
        lang=lang,
        tags=tags,
        body=Body(blocks),
        title_from_body=title_from_body,
        warnings=(*source.warnings, *problems),
    )


def markdown_blocks(text: str) -> list[Block]:
    """Body blocks from markdown: headings, and paragraphs rendered to plain text."""
    if is_plain(text):  # then so is every chunk: all paragraphs, no headings
        return [Block("paragraph", " ".join(chunk.split())) for chunk in _chunks(text)]
    blocks: list[Block] = []
    for chunk in _BLANK_LINE.split(text):
        stripped = chunk.strip()
        if not stripped:
            continue
        heading = _HEADING.match(stripped)
        if heading and "\n" not in stripped:
            blocks.append(Block("heading", markdown_to_text(heading[2])))
            continue
        plain = markdown_to_text(stripped)
        if plain:
            blocks.append(Block("paragraph", plain))
    return blocks


def _chunks(text: str) -> list[str]:
    return [chunk for chunk in _BLANK_LINE.split(text) if chunk.strip()]


def _first_heading(blocks: list[Block]) -> str | None:
    return blocks[0].text if blocks and blocks[0].kind == "heading" else None
