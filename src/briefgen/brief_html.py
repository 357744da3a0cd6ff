"""The repeated parts of an event page, as HTML made in Python.

An event page lists a dozen quotes, timeline entries and stories, each line with its citation
links; as template loops, their attribute look-ups and escapes were most of the render stage's
time. Each function here makes the same HTML as the loop of the default `event.html` it
replaces, one escape per text.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from briefgen.page_html import CitationLinks, escaped, story_path
from briefgen.records import Brief, Claim, Quote, TimelineEntry


class BriefHtml:
    """The event page parts of one build (their citation links share its escaped labels)."""

    def __init__(self, citations: CitationLinks) -> None:
        self._links = citations.links

    def summary_items(self, brief: Brief, root: str) -> Markup:
        """The summary's sentences as list items, with how many outlets carry each and links."""
        outlets = len(brief.outlets)
        items: list[str] = []
        for sentence in brief.summary:
            share = len(sentence.outlets)
            shared = f"{share} of {outlets} outlets · " if share > 1 else ""
            links = self._links(sentence.sources, root)
            items.append(
                f'<li>{escaped(sentence.text)}\n<span class="provenance">{shared}{links}</span>\n'
                "</li>\n"
            )
        return Markup("".join(items))

    def quote_figures(self, quotes: Iterable[Quote], root: str) -> Markup:
        """Each quote as a figure: the words, who said them (or `Unattributed`) and links."""
        figures: list[str] = []
        for quote in quotes:
            speaker = escaped(quote.speaker or "Unattributed")
            links = self._links(quote.sources, root)
            figures.append(
                f'<figure class="quote">\n<blockquote><p>{escaped(quote.text)}</p></blockquote>\n'
                f'<figcaption>{speaker} <span class="provenance">{links}</span></figcaption>\n'
                "</figure>\n"
            )
        return Markup("".join(figures))

    def timeline_items(self, timeline: Iterable[TimelineEntry], root: str) -> Markup:
        """Each timeline entry as a list item: its date, its sentence and its link."""
        items: list[str] = []
        for entry in timeline:
            date = escaped(entry.date)
            links = self._links((entry.source,), root)
            items.append(
                f'<li><time datetime="{date}">{date}</time> {escaped(entry.text)} '
                f'<span class="provenance">{links}</span></li>\n'
            )
        return Markup("".join(items))

    def claim_items(self, claims: Iterable[Claim], root: str) -> Markup:
        """Each claim of a disagreement as a list item: value, outlets, quoted text, links."""
        items: list[str] = []
        for claim in claims:
            outlets = ", ".join(escaped(outlet) for outlet in claim.outlets)
            links = self._links(claim.sources, root)
            items.append(
                f"<li><strong>{escaped(claim.value)}</strong>: {outlets}. "
                f'<q>{escaped(claim.text)}</q> <span class="provenance">{links}</span></li>\n'
            )
        return Markup("".join(items))


def coverage_items(brief: Brief, root: str) -> Markup:
    """Each story of the event as a list item: link, outlets, date, copies, and what only it
    reports."""
    only_here: dict[str, list[tuple[str, ...]]] = {}
    for item in brief.coverage:
        if item.only_here:
            only_here.setdefault(item.story_id, []).append(item.only_here)
    items: list[str] = []
    for story in brief.event.stories:
        record = story.record
        outlets = story.outlets
        meta = ", ".join(escaped(outlet) for outlet in outlets) if outlets else "Outlet unknown"
        if record.published:
            day = escaped(record.published[:10])
            meta += f' · <time datetime="{day}">{day}</time>'
        if story.copies:
            meta += f" · merged from {len(story.copies) + 1} files"
        extra = "".join(_only_here_list(facts) for facts in only_here.get(story.id, ()))
        href = escaped(root) + escaped(story_path(story))
        items.append(
            f'<li><a href="{href}">{escaped(record.title)}</a>\n'
            f'<span class="meta">{meta}</span>\n{extra}</li>\n'
        )
    return Markup("".join(items))


def _only_here_list(facts: Iterable[str]) -> str:
    items = "".join(f"<li>Only here: {escaped(fact)}</li>" for fact in facts)
    return f'<ul class="only-here">{items}</ul>\n'
