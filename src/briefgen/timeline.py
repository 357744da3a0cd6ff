"""The timeline: dated happenings the stories mention, resolved to calendar dates, in order.

Relative dates (`on Thursday`, `today`, `the day before`) are resolved against the story's own
date; a story without one is read against the latest date it writes with a year, else against
the event's earliest dated story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from briefgen.dates import all_dates, find_dates, to_date
from briefgen.passages import Passage, outlet_name, overlap
from briefgen.records import Event, Story, TimelineEntry

_may_date = attrgetter("may_date")
SAME_HAPPENING = 0.5
"""Share of terms two same-day sentences must share to be one timeline entry."""


@dataclass(frozen=True, slots=True)
class DatedPassage:
    """A sentence and one date it gives."""

    value: date
    """The date meant."""
    passage: Passage
    """The sentence."""
    written: str
    """The words that give the date, as written (`on Thursday`, `January 17, 2026`)."""


def dated_passages(event: Event, passages: list[Passage]) -> list[DatedPassage]:
    """Every date every sentence gives, relative ones resolved, in story and reading order."""
    fallback = _earliest_published(event)
    found: list[DatedPassage] = []
    anchors: dict[str, date | None] = {}
    texts: dict[str, list[str]] = {}
    dating = list(filter(_may_date, passages))
    for passage in dating:
        texts.setdefault(passage.story.id, []).append(passage.text)
    references = {
        story.id: story_reference(story, fallback, texts.get(story.id, []))
        for story in event.stories
    }
    for passage in dating:
        reference = references[passage.story.id]
        anchor = anchors.get(passage.story.id, reference)
        for mention in all_dates(passage.text, reference, anchor):
            found.append(
                DatedPassage(mention.value, passage, passage.text[mention.start : mention.end])
            )
            anchor = mention.value
        anchors[passage.story.id] = anchor
    return found


def timeline(dated_list: list[DatedPassage]) -> tuple[TimelineEntry, ...]:
    """Dated happenings in date order, one entry per happening per day, each with its source."""
    entries: list[DatedPassage] = []
    for dated in dated_list:
        if not any(_same_happening(dated, kept) for kept in entries):
            entries.append(dated)
    entries.sort(key=lambda d: (d.value, d.passage.story.id, d.passage.position))
    return tuple(
        TimelineEntry(
            date=d.value.isoformat(),
            text=d.passage.text,
            source=d.passage.ref,
            outlet=outlet_name(d.passage.story),
        )
        for d in entries
    )


def story_reference(story: Story, fallback: date | None, sentences: list[str]) -> date | None:
    """The date a story's relative dates count from: its own, else the latest it writes in full."""
    published = to_date(story.record.published)
    if published:
        return published
    written = [
        mention.value
        for sentence in sentences  # sentence by sentence: most are ruled out by a cheap test
        for mention in find_dates(sentence)
        if mention.explicit_year
    ]
    return max(written) if written else fallback


def _earliest_published(event: Event) -> date | None:
    dates = [d for d in (to_date(s.record.published) for s in event.stories) if d]
    return min(dates) if dates else None


def _same_happening(left: DatedPassage, right: DatedPassage) -> bool:
    if left.value != right.value:
        return False
    if left.passage is right.passage:
        return True
    return overlap(left.passage.terms, right.passage.terms) >= SAME_HAPPENING
