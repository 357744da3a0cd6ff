"""Loader for saved web pages: main text and metadata extracted with trafilatura."""

from __future__ import annotations

import re

from briefgen.dates import parse_date
from briefgen.loaders import SourceText, record_id, title_from_text
from briefgen.records import Block, Byline, Diagnostic, Record

_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def load(source: SourceText) -> Record:
    """Extract the article from an HTML page."""
    import trafilatura  # noqa: PLC0415  (heavy; only HTML sources need it)

    document = trafilatura.bare_extraction(
        source.text,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        with_metadata=True,
    )
    text = (getattr(document, "text", None) or "") if document else ""
    blocks = tuple(
        Block("paragraph", paragraph.strip())
        for paragraph in text.split("\n")
        if paragraph.strip()
    )
    warnings = list(source.warnings)
    if not blocks:
        warnings.append(Diagnostic(source.path, None, "warning", "no article text found in the page"))
    meta_title = _meta(document, "title")
    title_from_body = not meta_title
    title = meta_title or title_from_text(blocks[0].text if blocks else "")
    url = _meta(document, "url")
    author = _meta(document, "author")
    return Record(
        id=record_id(title, blocks),
        path=source.path,
        format="html",
        title=title,
        outlet=_meta(document, "sitename"),
        url=url if url and _SAFE_URL.match(url) else None,
        published=parse_date(_meta(document, "date") or ""),
        byline=Byline(tuple(name.strip() for name in author.split(";")) if author else (), None),
        dateline=None,
        section=None,
        lang=_meta(document, "language"),
        tags=tuple(tag for tag in (_meta(document, "tags") or "").split(",") if tag),
        body=blocks,
        title_from_body=title_from_body,
        warnings=tuple(warnings),
    )


def _meta(document: object, name: str) -> str | None:
    value = getattr(document, name, None) if document is not None else None
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    if not value:
        return None
    return " ".join(str(value).split()) or None
