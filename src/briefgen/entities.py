"""Entities: the people, organisations and places an event's stories name, spellings merged.

Names are capitalised runs of words. Spellings merge when they fold to the same form (diacritics,
case, dots: `Shinjirō`/`Shinjiro`, `U.S.`/`US`), when a post is written before a person's name
(`Secretary of War Pete Hegseth`/`Defense Secretary Pete Hegseth`), when a surname stands alone
for a person named in full elsewhere, and when an acronym spells a name's initials.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import attrgetter

from briefgen.normalize import words
from briefgen.passages import Passage
from briefgen.people import ORGANISATION_WORDS, TITLE_WORDS, PeopleIndex, name_key, strip_titles
from briefgen.records import Entity
from briefgen.stopwords import STOPWORDS

ENTITIES_MAX = 12
"""Entities listed per event, most named first."""
MIN_MENTIONS = 2
"""Names mentioned once are not what the event is about."""
_ABBREVIATION = re.compile(r"(?:^|-)(?:\w\.)+$")
_runs = attrgetter("runs")


@dataclass(slots=True)
class _Tally:
    spellings: dict[str, int]
    """How often each spelling is written (plain dicts: a Counter each costs far more)."""
    kinds: set[str]
    """The kinds the name is read as."""

    def absorb(self, other: _Tally) -> None:
        for spelling, count in other.spellings.items():
            self.spellings[spelling] = self.spellings.get(spelling, 0) + count
        self.kinds |= other.kinds


def entities(passages: list[Passage], people: PeopleIndex) -> tuple[Entity, ...]:
    """The event's most named people, organisations and places."""
    merged = _merge_acronyms(_tallies(passages, people))
    found = [_entity(tally) for tally in _most_named(list(merged.values()))]
    found.sort(key=lambda e: (-e.mentions, e.name))
    return tuple(found[:ENTITIES_MAX])


def _tallies(passages: list[Passage], people: PeopleIndex) -> dict[str, _Tally]:
    """Each thing named, by its matching form: how often each spelling is written and what
    kinds it is read as, in first-seen order (which the acronym merge depends on).

    The same runs recur all through an event, written in many ways that name one thing (opening
    a sentence or not, before a verb of saying or not): each distinct run is read once, in one
    loop (an event has hundreds of runs).
    """
    written = Counter(chain.from_iterable(map(_runs, passages)))
    lowercase = people.lowercase
    full_name = people.full_name
    names: dict[tuple[str, bool], str | None] = {}
    tallies: dict[str, _Tally] = {}
    for (text, opening, _, after_place_word), count in written.items():
        named = names.get((text, opening), "")
        if named == "":  # not read yet ("" is no name: a name has a word)
            named = names[text, opening] = _name(text, opening, lowercase)
        if named is None:
            continue
        person = full_name(named)
        if person:
            key, kind = name_key(person), "person"
            spelling = named if " " in named else person
        else:
            key, kind = _key_and_kind(named, after_place_word)
            spelling = named
        tally = tallies.get(key)
        if tally is None:
            tallies[key] = _Tally({spelling: count}, {kind})
        else:
            tally.spellings[spelling] = tally.spellings.get(spelling, 0) + count
            tally.kinds.add(kind)
    return tallies


def _most_named(tallies: list[_Tally]) -> list[_Tally]:
    """The names that can be listed: named at least MIN_MENTIONS times and at least as often as
    the ENTITIES_MAX-th most named (ties kept: the listing breaks them by name). Only these are
    made entities; an event names hundreds of things."""
    mentions = [sum(tally.spellings.values()) for tally in tallies]
    counts = sorted((m for m in mentions if m >= MIN_MENTIONS), reverse=True)
    if not counts:
        return []
    bar = counts[min(len(counts), ENTITIES_MAX) - 1]
    return [tally for tally, count in zip(tallies, mentions, strict=True) if count >= bar]


def _name(run: str, opening: bool, lowercase: frozenset[str]) -> str | None:
    """The name a run writes, or None for a capitalised common word or a bare post.

    `opening`: the run opens its sentence, so a first word written elsewhere in lower case is
    that common word capitalised.
    """
    if opening:
        tokens, common, folded = _tokens(run)
        skip = 0
        while skip < len(tokens) and (common[skip] or folded[skip] in lowercase):
            skip += 1
        name, single = _named(run, skip)
    else:
        name, single = _inner_name(run)
    if name is None or (single and single in lowercase):
        return None
    return name


@lru_cache(maxsize=65536)
def _inner_name(run: str) -> tuple[str | None, str]:
    """`_named` of a run that does not open its sentence: after its leading common words (what
    the run writes alone, whatever the event; cached, as runs recur across events)."""
    common = _tokens(run)[1]
    skip = 0
    while skip < len(common) and common[skip]:
        skip += 1
    return _named(run, skip)


@lru_cache(maxsize=65536)
def _tokens(run: str) -> tuple[tuple[str, ...], tuple[bool, ...], tuple[str, ...]]:
    """A run's words without possessive `'s`; which are common words; their folded forms."""
    tokens = tuple(t[:-2] if t.endswith("'s") else t for t in run.replace("’", "'").split())
    return tokens, tuple(map(_common_word, tokens)), tuple(t.casefold() for t in tokens)


@lru_cache(maxsize=65536)
def _named(run: str, skip: int) -> tuple[str | None, str]:
    """The name a run writes after its first `skip` words, or None for a bare post; and, for a
    one-word name, its folded form (a common word where the texts write it in lower case)."""
    tokens = list(_tokens(run)[0][skip:])
    if not tokens or all(t.casefold().strip(".") in TITLE_WORDS for t in tokens):
        return None, ""
    if tokens[-1].endswith(".") and not _ABBREVIATION.search(tokens[-1]):
        tokens[-1] = tokens[-1].rstrip(".")
    name = " ".join(tokens)
    if len(tokens) == 1 and len(name) < 2:
        return None, ""
    single = name.casefold() if len(tokens) == 1 else ""
    return (strip_titles(name) if _has_person_post(tokens) else name), single


def _common_word(token: str) -> bool:
    """A function word written with a capital (`The`), not an acronym that spells one (`WHO`)."""
    return token.casefold() in STOPWORDS and not (len(token) > 1 and token.isupper())


def _has_person_post(tokens: list[str]) -> bool:
    return any(t.casefold().strip(".") in TITLE_WORDS for t in tokens) and not any(
        t.casefold() in ORGANISATION_WORDS for t in tokens
    )


@lru_cache(maxsize=65536)
def _key_and_kind(name: str, after_place_word: bool) -> tuple[str, str]:
    """The matching form of a name (not a known person's), and what it names: from its words,
    else from the word before it (cached: names recur across events)."""
    key = " ".join(words(name.replace(".", "")))
    if any(word in ORGANISATION_WORDS for word in words(name)):
        return key, "organisation"
    return key, "place" if after_place_word else "other"


def _merge_acronyms(tallies: dict[str, _Tally]) -> dict[str, _Tally]:
    merged = dict(tallies)
    spelled: dict[str, str] = {}
    for key in merged:
        if " " in key:
            spelled.setdefault("".join(word[0] for word in key.split()), key)
    for key in list(merged):
        full = spelled.get(key) if " " not in key else None
        if full:
            merged[full].absorb(merged[key])
            del merged[key]
    return merged


def _entity(tally: _Tally) -> Entity:
    spellings = sorted(tally.spellings, key=lambda s: (-tally.spellings[s], -len(s), s))
    kind = next(
        (k for k in ("person", "organisation", "place") if k in tally.kinds),
        "other",
    )
    return Entity(
        name=spellings[0],
        kind=kind,
        variants=tuple(spellings[1:]),
        mentions=sum(tally.spellings.values()),
    )
