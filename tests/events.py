"""Small events built from plain paragraphs, for the brief-stage tests."""

from __future__ import annotations

from collections.abc import Sequence

from briefgen.passages import Passage, event_passages
from briefgen.records import Block, Body, Byline, Event, Record, Story


def record(
    index: int,
    paragraphs: Sequence[str],
    outlet: str | None = None,
    published: str | None = "2026-01-15",
    title: str | None = None,
) -> Record:
    """A record of the given paragraphs."""
    return Record(
        id=f"r{index}",
        path=f"story-{index}.md",
        format="markdown",
        title=title or f"Headline {index}",
        outlet=outlet,
        url=None,
        published=published,
        byline=Byline(),
        dateline=None,
        section=None,
        lang="en",
        tags=(),
        body=Body(Block("paragraph", p) for p in paragraphs),
    )


def event_of(*stories: tuple[str | None, str | None, Sequence[str]]) -> Event:
    """An event of stories given as (outlet, published, paragraphs)."""
    built = tuple(
        Story(f"r{i}", record(i, paragraphs, outlet, published))
        for i, (outlet, published, paragraphs) in enumerate(stories)
    )
    return Event("test", "test", built)


def passages_of(event: Event) -> list[Passage]:
    """The event's sentences."""
    return event_passages(event)
