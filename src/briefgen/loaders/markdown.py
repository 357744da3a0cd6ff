"""Loader for markdown with YAML front matter: front matter fields win over inference."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import yaml

from briefgen.dates import parse_date
from briefgen.loaders import SourceText, record_id, title_from_text
from briefgen.records import Block, Byline, Diagnostic, Record

FIELDS = ("title", "outlet", "date", "url", "author", "section", "lang", "tags")
_FENCE = re.compile(r"\A(?:\ufeff)?---[ \t]*\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML loading that reports a key given twice instead of keeping the last."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, str) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' is given twice", key_node.start_mark
            )
        seen.add(key)
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def load(source: SourceText) -> Record:
    """Parse a markdown source with optional front matter into a record."""
    meta, body_text, body_line, problems = split_front_matter(source)
    blocks = markdown_blocks(body_text)
    title = _text_field(meta, "title") or _first_heading(blocks) or ""
    title_from_body = not title
    title = title or title_from_text(next((b.text for b in blocks if b.kind == "paragraph"), ""))
    if blocks and blocks[0].kind == "heading" and blocks[0].text == title:
        blocks = blocks[1:]
    published = _date_field(meta, source, problems)
    url = _text_field(meta, "url")
    if url and not _SAFE_URL.match(url):
        problems.append(_warn(source, 1, f"front matter: url '{url[:80]}' is not http(s); ignored"))
        url = None
    if not blocks:
        problems.append(_warn(source, body_line, "no paragraphs in the body"))
    return Record(
        id=record_id(title, tuple(blocks)),
        path=source.path,
        format="markdown",
        title=title,
        outlet=_text_field(meta, "outlet"),
        url=url,
        published=published,
        byline=Byline(_names(meta.get("author")), None),
        dateline=None,
        section=_text_field(meta, "section"),
        lang=_text_field(meta, "lang"),
        tags=_names(meta.get("tags")),
        body=tuple(blocks),
        title_from_body=title_from_body,
        warnings=(*source.warnings, *problems),
    )


def split_front_matter(source: SourceText) -> tuple[dict[str, Any], str, int, list[Diagnostic]]:
    """Front matter as a mapping, the body, the body's first line, and problems met."""
    text = source.text
    fence = _FENCE.match(text)
    if not fence:
        return {}, text, 1, []
    close = _CLOSE.search(text, fence.end())
    if close is None:
        problem = _warn(source, 1, "front matter: no closing '---'; read the file as body text")
        return {}, text[fence.end() :], 2, [problem]
    body = text[close.end() :].lstrip("\n")
    body_line = text[: len(text) - len(body)].count("\n") + 1
    if not body.strip():  # point at the line after the front matter, not past the file's end
        body_line = text[: close.end()].count("\n") + 2
    meta, problems = _parse_front_matter(source, text[fence.end() : close.start()])
    return meta, body, body_line, problems


def _parse_front_matter(source: SourceText, raw: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The YAML between the fences as a mapping of known fields, with problems found."""
    try:
        meta = yaml.load(raw, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        line = (err.problem_mark.line + 2) if err.problem_mark else 1
        return {}, [_warn(source, line, f"front matter: {err.problem}")]
    except (yaml.YAMLError, RecursionError) as err:
        return {}, [_warn(source, 1, f"front matter: {err}")]
    if meta is None:
        return {}, []
    if not isinstance(meta, dict):
        found = type(meta).__name__
        return {}, [_warn(source, 2, f"front matter: expected a mapping, got {found}")]
    problems = [
        _warn(source, 2, f"front matter: unknown field '{key}' ignored")
        for key in meta
        if key not in FIELDS
    ]
    return meta, problems


def markdown_blocks(text: str) -> list[Block]:
    """Body blocks from markdown: headings, and paragraphs rendered to plain text."""
    from briefgen.markup import markdown_to_text  # noqa: PLC0415

    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text):
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


def _first_heading(blocks: list[Block]) -> str | None:
    return blocks[0].text if blocks and blocks[0].kind == "heading" else None


def _text_field(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else re.split(r",\s*|\s+and\s+", str(value))
    return tuple(" ".join(str(item).split()) for item in items if str(item).strip())


def _date_field(meta: dict[str, Any], source: SourceText, problems: list[Diagnostic]) -> str | None:
    value = meta.get("date")
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    parsed = parse_date(str(value))
    if parsed is None:
        problems.append(_warn(source, 2, f"front matter: date '{str(value)[:40]}' is not a date"))
    return parsed


def _warn(source: SourceText, line: int, message: str) -> Diagnostic:
    return Diagnostic(source.path, line, "warning", message)
