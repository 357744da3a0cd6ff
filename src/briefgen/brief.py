"""The brief stage: for each event, what happened, with the source of every line."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from itertools import chain
from operator import attrgetter

from briefgen.coverage import coverage
from briefgen.disagreements import disagreements
from briefgen.entities import entities
from briefgen.normalize import clean_spaces
from briefgen.parallel import ordered_map
from briefgen.passages import (
    MATCH_PER_STORY,
    Passage,
    event_passages,
    event_terms,
    story_outlets,
    title_terms,
)
from briefgen.people import PeopleIndex
from briefgen.quotes import quotes
from briefgen.records import Brief, Event, Reaction, Record, Story
from briefgen.sentences import split_sentences
from briefgen.summary import summarize
from briefgen.timeline import DatedPassage, dated_passages, timeline

HEADLINE_WORDS = 14
"""A headline taken from a lead sentence is cut at a phrase boundary near this many words."""
PARALLEL_MIN_EVENTS = 200
"""Sites with this many events are briefed in worker processes (fewer: forking costs more)."""
_terms = attrgetter("terms")
_BREADCRUMB = re.compile(r"\s(?:>|»|›|/)\s")
_PHRASE_BREAK = re.compile(r"[,;:—–]\s|\s(?:after|as|amid|while|when|because|following|despite)\s")


def brief_events(
    events: Sequence[Event], make: Callable[[Event], Brief] | None = None
) -> Iterator[Brief]:
    """Each event's brief (by `make`, default `brief`), in order: in worker processes for large
    sites (the same briefs)."""
    detached = partial(_detached_brief, make or brief)
    for event, made in zip(
        events, ordered_map(detached, events, min_items=PARALLEL_MIN_EVENTS), strict=True
    ):
        yield replace(made, event=event)


def _detached_brief(make: Callable[[Event], Brief], event: Event) -> Brief:
    """The brief without its event's stories, which a worker need not send back."""
    return replace(make(event), event=Event(event.id, event.slug, ()))


def brief(event: Event) -> Brief:
    """Brief one event."""
    passages = event_passages(event)
    people = PeopleIndex(passages)
    # matching sentence against sentence reads the first MATCH_PER_STORY of each story
    matched = [p for p in passages if p.position < MATCH_PER_STORY]
    dated = dated_passages(event, matched)
    dates = sorted(story.record.published for story in event.stories if story.record.published)
    terms = event_terms(passages)
    return Brief(
        event=event,
        headline=headline(event, passages),
        summary=summarize(passages, _dates_given(dated), terms),
        quotes=quotes(matched, people),
        timeline=timeline(dated),
        coverage=coverage(event, passages, terms),
        disagreements=disagreements(dated, matched),
        entities=entities(passages, people),
        reactions=reactions(event),
        outlets=_outlets(event),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
    )


def headline(event: Event, passages: list[Passage]) -> str:
    """The real headline most representative of the event, else a shortened lead sentence.

    Representative: its words are those other headlines use (then those the bodies use most).
    """
    titled = [story for story in event.stories if is_headline(story.record)]
    if not titled:
        return shorten_lead(_lead_sentence(event.stories[0]) or event.stories[0].record.title)
    if len(titled) == 1:
        return titled[0].record.title
    terms_of = {story.id: title_terms(story.record.title) for story in titled}
    headlines_using = Counter(chain.from_iterable(terms_of.values()))
    in_titles = frozenset(headlines_using)
    # C-level maps: an event has hundreds of sentences
    body_terms = Counter(chain.from_iterable(map(in_titles.intersection, map(_terms, passages))))

    def representativeness(story: Story) -> tuple[float, float, str]:
        terms = terms_of[story.id]
        shared = sum(headlines_using[term] - 1 for term in terms) / math.sqrt(len(terms) or 1)
        central = sum(body_terms[term] for term in terms) / (len(terms) or 1)
        return (shared, central, story.id)

    return max(titled, key=representativeness).record.title


def is_headline(record: Record) -> bool:
    """A title the source gave as its headline, not taken from the body nor a breadcrumb trail."""
    title = record.title
    return not record.title_from_body and len(title.split()) >= 3 and not _BREADCRUMB.search(title)


def shorten_lead(sentence: str) -> str:
    """A lead sentence cut at the last phrase boundary before about HEADLINE_WORDS words."""
    text = sentence.strip().rstrip(".")
    if len(text.split()) <= HEADLINE_WORDS:
        return text
    limit = len(" ".join(text.split()[:HEADLINE_WORDS]))
    breaks = [m.start() for m in _PHRASE_BREAK.finditer(text) if 20 <= m.start() <= limit]
    if breaks:
        return text[: breaks[-1]].rstrip()
    return " ".join(text.split()[:HEADLINE_WORDS]) + " …"


def _lead_sentence(story: Story) -> str | None:
    for paragraph in story.record.paragraphs:
        sentences = split_sentences(paragraph)
        if sentences:
            return sentences[0]
    return None


def _dates_given(dated: list[DatedPassage]) -> dict[int, frozenset[date]]:
    found: dict[int, set[date]] = {}
    for mention in dated:
        found.setdefault(id(mention.passage), set()).add(mention.value)
    return {key: frozenset(values) for key, values in found.items()}


def reactions(event: Event) -> tuple[Reaction, ...]:
    """Reader comments from every file of every story, labelled with where they were posted.

    A comment that two copies of one story both carry (a page saved twice) is listed once.
    """
    found: dict[tuple[str, str], Reaction] = {}
    for story in event.stories:
        for record in (story.record, *story.copies):
            for comment in record.comments:
                reaction = Reaction(
                    comment.text, comment.score, story.id, record.outlet or record.path
                )
                found.setdefault((story.id, clean_spaces(comment.text)), reaction)
    return tuple(found.values())


def _outlets(event: Event) -> tuple[str, ...]:
    return tuple(sorted({outlet for story in event.stories for outlet in story_outlets(story)}))
