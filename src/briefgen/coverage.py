"""Coverage: each outlet's story, its headline and date, and what only it reports."""

from __future__ import annotations

from collections import defaultdict

from briefgen.passages import Passage, outlet_name
from briefgen.records import Coverage, Event
from briefgen.summary import is_whole_sentence

ONLY_HERE_MAX = 3
"""Sentences listed per outlet as reported by it alone."""
MIN_NEW_TERMS = 3
"""A sentence reports something new when this many of its words appear in no other story..."""
NEW_SHARE = 0.5
"""...and they are at least this share of its words."""


def coverage(event: Event, passages: list[Passage]) -> tuple[Coverage, ...]:
    """One entry per story, earliest first, with the sentences no other story matches."""
    stories_using: dict[str, set[str]] = defaultdict(set)
    for passage in passages:
        for term in passage.terms:
            stories_using[term].add(passage.story.id)
    by_story: dict[str, list[Passage]] = defaultdict(list)
    for passage in passages:
        by_story[passage.story.id].append(passage)
    return tuple(
        Coverage(
            outlet=outlet_name(story),
            story_id=story.id,
            headline=story.record.title,
            published=story.record.published,
            only_here=_only_here(by_story[story.id], stories_using)
            if len(event.stories) > 1
            else (),
        )
        for story in event.stories
    )


def _only_here(passages: list[Passage], stories_using: dict[str, set[str]]) -> tuple[str, ...]:
    scored: list[tuple[int, Passage]] = []
    for passage in passages:
        if not is_whole_sentence(passage.text) or not passage.terms:
            continue
        new = sum(1 for term in passage.terms if len(stories_using[term]) == 1)
        if new >= MIN_NEW_TERMS and new / len(passage.terms) >= NEW_SHARE:
            scored.append((new, passage))
    best = sorted(scored, key=lambda item: (-item[0], item[1].position))[:ONLY_HERE_MAX]
    return tuple(p.text for _, p in sorted(best, key=lambda item: item[1].position))
