"""Coverage: each outlet's story, its headline and date, and what only it reports."""

from __future__ import annotations

from itertools import compress, groupby
from operator import attrgetter

from briefgen.passages import EventTerms, Passage, event_terms, outlet_name
from briefgen.records import Coverage, Event

_story_id = attrgetter("story.id")
ONLY_HERE_MAX = 3
"""Sentences listed per outlet as reported by it alone."""
MIN_NEW_TERMS = 3
"""A sentence reports something new when this many of its words appear in no other story..."""
NEW_SHARE = 0.5
"""...and they are at least this share of its words."""


def coverage(
    event: Event,
    passages: list[Passage],
    terms: EventTerms | None = None,
) -> tuple[Coverage, ...]:
    """One entry per story, earliest first, with the sentences no other story matches.

    `terms`: the event's vocabulary (`briefgen.passages.event_terms`), where the caller has it
    already.
    """
    by_story: dict[str, list[Passage]] = {story.id: [] for story in event.stories}
    for story_id, sentences in groupby(passages, key=_story_id):  # passages come story by story
        by_story[story_id].extend(sentences)
    only_one: frozenset[str] = frozenset()
    if len(event.stories) > 1:
        stories_using = (terms if terms is not None else event_terms(passages)).stories_using
        only_one = frozenset(compress(stories_using, map((1).__eq__, stories_using.values())))
    return tuple(
        Coverage(
            outlet=outlet_name(story),
            story_id=story.id,
            headline=story.record.title,
            published=story.record.published,
            only_here=_only_here(by_story[story.id], only_one) if len(event.stories) > 1 else (),
        )
        for story in event.stories
    )


def _only_here(passages: list[Passage], only_one: frozenset[str]) -> tuple[str, ...]:
    """The sentences most made of words that only this story uses."""
    scored: list[tuple[int, Passage]] = []
    for passage in passages:
        if not passage.whole or not passage.terms:
            continue
        new = len(passage.terms & only_one)
        if new >= MIN_NEW_TERMS and new / len(passage.terms) >= NEW_SHARE:
            scored.append((new, passage))
    best = sorted(scored, key=lambda item: (-item[0], item[1].position))[:ONLY_HERE_MAX]
    return tuple(p.text for _, p in sorted(best, key=lambda item: item[1].position))
