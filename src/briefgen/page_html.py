"""Pieces of pages made in Python rather than in template loops, and where pages live.

What every page shows many times over (citation links, article paragraphs, stripped lines) costs
a template several outputs and attribute look-ups per item; here it is one escape per text. The
default templates call these through the render stage's template globals; the HTML is the same
as the template loops they replace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from briefgen.records import Block, Brief, Removed, SourceRef, Story


def escaped(value: object) -> str:
    """The value as HTML text, as a template's `{{ value }}` shows it (markupsafe's `escape`).

    Plain strings, nearly every value, by five replacements: a tenth of the cost of `escape`,
    which makes a Markup object of each."""
    if type(value) is not str:
        return str(escape(value))
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def event_path(brief: Brief) -> str:
    """The event page's path in the site."""
    return f"events/{brief.event.slug}.html"


def story_path(story: Story) -> str:
    """The story page's path in the site."""
    return f"stories/{story.id}.html"


@dataclass(frozen=True, slots=True)
class Citation:
    """The paragraphs of one story that a line of a brief cites, as links."""

    story: Story
    """The story cited."""
    paragraphs: tuple[int, ...]
    """1-based paragraph numbers, matching the story page's `#pN` anchors."""
    page: str
    """The story page's path in the site, HTML-escaped."""
    name: str
    """What links to the story are called (`outlet_name`), HTML-escaped."""


def outlet_name(story: Story) -> str:
    """What a link to the story is called: its outlet, else its source file."""
    # story.outlets[0] without building the whole tuple: called for every citation link.
    if story.record.outlet:
        return story.record.outlet
    return next((copy.outlet for copy in story.copies if copy.outlet), story.record.path)


def citations(
    refs: Iterable[SourceRef],
    stories: dict[str, Story],
    labels: dict[str, tuple[str, str]] | None = None,
) -> tuple[Citation, ...]:
    """Source references grouped by story, in first-cited order, each paragraph once.

    `labels` keeps each story's escaped page path and name across calls: a build cites each
    story from many lines, and escaping them once is enough."""
    known = {} if labels is None else labels
    cited: list[Citation] = []
    for sid, numbers in _paragraphs_by_story(refs).items():
        story = stories[sid]
        label = known.get(sid)
        if label is None:
            label = known[sid] = _label(story)
        cited.append(Citation(story, tuple(sorted(numbers)), *label))
    return tuple(cited)


def _paragraphs_by_story(refs: Iterable[SourceRef]) -> dict[str, list[int]]:
    """The 1-based paragraph numbers cited of each story, stories in first-cited order."""
    grouped: dict[str, list[int]] = {}
    for ref in refs:
        numbers = grouped.setdefault(ref.story_id, [])
        if ref.paragraph + 1 not in numbers:
            numbers.append(ref.paragraph + 1)
    return grouped


def _label(story: Story) -> tuple[str, str]:
    """The story's page path and link name, HTML-escaped."""
    return str(escape(story_path(story))), str(escape(outlet_name(story)))


def numbered_paragraphs(body: Iterable[Block]) -> list[tuple[Block, int]]:
    """Each block with its 1-based paragraph number (the `#pN` anchors); 0 for headings."""
    numbered: list[tuple[Block, int]] = []
    count = 0
    for block in body:
        if block.kind == "paragraph":
            count += 1
        numbered.append((block, count if block.kind == "paragraph" else 0))
    return numbered


def story_body(body: Iterable[Block]) -> Markup:
    """The article's blocks as HTML lines: paragraphs with their `#pN` anchors, headings as h2.

    Python rather than a template loop, like `citation_links`: a story page is mostly its body,
    and one escape per block here replaces a template's several outputs per block."""
    lines: list[str] = []
    count = 0
    for block in body:
        if block.kind == "paragraph":
            count += 1
            lines.append(f'<p id="p{count}">{escaped(block.text)}</p>\n')
        else:
            lines.append(f"<h2>{escaped(block.text)}</h2>\n")
    return Markup("".join(lines))


def citation_links(citations: Iterable[Citation], root: str) -> Markup:
    """A line's citations as links, `Outlet, ¶2, ¶5; Other, ¶1` (behind the `cite_links` macro).

    Python rather than a template loop: event pages call it for every line, and as a macro it
    was most of the render stage's time."""
    escaped_root = escaped(root)
    return Markup(
        "; ".join(
            _cite_span(escaped_root + citation.page, citation.name, citation.paragraphs)
            for citation in citations
        )
    )


def _cite_span(href: str, name: str, paragraphs: Sequence[int]) -> str:
    """One story's links of a citation: `Outlet, ¶2, ¶5`, the first link named in full."""
    first, *rest = paragraphs
    links = [f'<a href="{href}#p{first}">{name}, ¶{first}</a>']
    links += [
        f'<a href="{href}#p{number}" aria-label="{name}, paragraph {number}">¶{number}</a>'
        for number in rest
    ]
    return f'<span class="cite">{", ".join(links)}</span>'


def removed_lines(removed: Iterable[Removed]) -> Markup:
    """The lines the loader stripped, as list items: `kind, line N: text`."""
    items: list[str] = []
    for item in removed:
        where = f", line {item.line}" if item.line else ""
        kind = escaped(item.kind)
        items.append(f'<li><span class="meta">{kind}{where}:</span> {escaped(item.text)}</li>\n')
    return Markup("".join(items))


class CitationLinks:
    """The citations of one build: each story's escaped page path and name made once."""

    def __init__(self, stories: dict[str, Story]) -> None:
        self._stories = stories
        self._labels: dict[str, tuple[str, str]] = {}
        self._roots: dict[str, str] = {}  # each page depth's escaped root

    def cite(self, refs: Iterable[SourceRef]) -> tuple[Citation, ...]:
        """`citations` of the refs (the templates' `cite`)."""
        return citations(refs, self._stories, self._labels)

    def links(self, refs: Iterable[SourceRef], root: str) -> Markup:
        """`citation_links(cite(refs), root)`, without making the Citation objects."""
        escaped_root = self._roots.get(root)
        if escaped_root is None:
            escaped_root = self._roots[root] = escaped(root)
        spans: list[str] = []
        for sid, numbers in _paragraphs_by_story(refs).items():
            label = self._labels.get(sid)
            if label is None:
                label = self._labels[sid] = _label(self._stories[sid])
            numbers.sort()
            spans.append(_cite_span(escaped_root + label[0], label[1], numbers))
        return Markup("; ".join(spans))
