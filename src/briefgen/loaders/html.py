"""Loader for saved web pages: main text and metadata extracted with trafilatura.

Measured on the extraction corpus (benchmarks/extraction.py): trafilatura's precision mode with
tables kept scores best of its settings; its default, recall mode and fallbacks score lower, and
cleaning its output with the copied-text line classifier did not help. Fast mode is tried first
(see `_FAST_MIN_CHARS`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from briefgen.dates import parse_date
from briefgen.loaders import SourceText, record_id, same_text, title_from_text
from briefgen.records import Block, Body, Byline, Diagnostic, Record

_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
# trafilatura's fast mode skips its fallback extractors (readability, jusText), which rescue
# pages where its own extraction comes out short (its rescue threshold is 250 characters).
# Below twice that the full comparison runs; measured on the extraction corpus, the text is
# then the same as always running it, at about 1.6x the speed on article pages.
_FAST_MIN_CHARS = 500


def load(source: SourceText) -> Record:
    """Extract the article from an HTML page."""
    text, metadata = _extract(source.text)
    blocks = tuple(
        Block("paragraph", paragraph.strip()) for paragraph in text.split("\n") if paragraph.strip()
    )
    meta_title = _meta(metadata, "title")
    if blocks and meta_title and same_text(blocks[0].text, meta_title):
        blocks = blocks[1:]
    warnings = list(source.warnings)
    if not blocks:
        warnings.append(Diagnostic(source.path, None, "warning", "no article text in the page"))
    title = meta_title or title_from_text(blocks[0].text if blocks else "")
    url = _meta(metadata, "url")
    author = _meta(metadata, "author")
    return Record(
        id=record_id(title, blocks),
        path=source.path,
        format="html",
        title=title,
        outlet=_meta(metadata, "sitename"),
        url=url if url and _SAFE_URL.match(url) else None,
        published=parse_date(_meta(metadata, "date") or ""),
        byline=Byline(tuple(name.strip() for name in author.split(";")) if author else (), None),
        dateline=None,
        section=None,
        lang=_meta(metadata, "language"),
        tags=tuple(tag.strip() for tag in (_meta(metadata, "tags") or "").split(",") if tag),
        body=Body(blocks),
        title_from_body=not meta_title,
        warnings=tuple(warnings),
    )


def prepare() -> None:
    """Import trafilatura and make its options now (see `briefgen.load`: before workers fork)."""
    import trafilatura.metadata  # noqa: PLC0415  (imported for its side effect)
    import trafilatura.utils  # noqa: PLC0415, F401

    _extractor(fast=True)
    _extractor(fast=False)


def _extract(html: str) -> tuple[str, Any]:
    """The page's main text and its metadata (trafilatura drops the text of pages whose
    metadata is incomplete when asked for both at once, so they are asked for apart).

    The page is parsed once: trafilatura's extraction works on a copy of the tree it is given
    (a copy is several times cheaper than a parse), the metadata on the tree itself."""
    from trafilatura.metadata import extract_metadata  # noqa: PLC0415  (heavy; HTML only)
    from trafilatura.utils import load_html  # noqa: PLC0415

    tree = load_html(html)
    if tree is None:
        return "", None
    text = _main_text(tree, fast=True)
    if len(text) < _FAST_MIN_CHARS:
        text = _main_text(tree, fast=False)
    return text, extract_metadata(tree)


def _main_text(tree: Any, *, fast: bool) -> str:
    import trafilatura  # noqa: PLC0415  (heavy; only HTML sources need it)

    document = trafilatura.bare_extraction(tree, options=_extractor(fast=fast))
    return (getattr(document, "text", None) or "") if document else ""


@cache
def _extractor(*, fast: bool) -> Any:
    """trafilatura's options, made once (reading them from its config costs as much as a
    parse): precision mode, tables kept, comments left out, no metadata."""
    from trafilatura.settings import Extractor  # noqa: PLC0415

    return Extractor(
        output_format="python",
        fast=fast,
        precision=True,
        comments=False,
        tables=True,
        with_metadata=False,
    )


def _meta(document: object, name: str) -> str | None:
    value = getattr(document, name, None) if document is not None else None
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    if not value:
        return None
    return " ".join(str(value).split()) or None
