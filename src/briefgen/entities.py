"""Entities: the people, organisations and places an event's stories name, spellings merged.

Names are capitalised runs of words. Spellings merge when they fold to the same form (diacritics,
case, dots: `Shinjirō`/`Shinjiro`, `U.S.`/`US`), when a post is written before a person's name
(`Secretary of War Pete Hegseth`/`Defense Secretary Pete Hegseth`), when a surname stands alone
for a person named in full elsewhere, and when an acronym spells a name's initials.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

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


@dataclass(slots=True)
class _Tally:
    spellings: Counter[str]
    kinds: Counter[str]


def entities(passages: list[Passage], people: PeopleIndex) -> tuple[Entity, ...]:
    """The event's most named people, organisations and places."""
    lowercase = people.lowercase
    tallies: dict[str, _Tally] = defaultdict(lambda: _Tally(Counter(), Counter()))
    # the same runs recur all through an event: each distinct one is read once, in first-seen
    # order (which the acronym merge depends on), and counted as often as it is written
    written = Counter(chain.from_iterable(passage.runs for passage in passages))
    names: dict[tuple[str, bool], str | None] = {}
    for run, count in written.items():
        if (run.text, run.opening) not in names:
            names[run.text, run.opening] = _name(run.text, run.opening, lowercase)
        named = names[run.text, run.opening]
        if named is None:
            continue
        person = people.full_name(named)
        if person:
            key, kind = name_key(person), "person"
        else:
            key, kind = _key(named), _kind(named, run.after_place_word)
        tally = tallies[key]
        spelling = named if person is None or " " in named else person
        tally.spellings[spelling] += count
        tally.kinds[kind] += count
    merged = _merge_acronyms(tallies)
    found = [
        _entity(tally) for tally in merged.values() if sum(tally.spellings.values()) >= MIN_MENTIONS
    ]
    found.sort(key=lambda e: (-e.mentions, e.name))
    return tuple(found[:ENTITIES_MAX])


def _name(run: str, opening: bool, lowercase: frozenset[str]) -> str | None:
    """The name a run writes, or None for a capitalised common word or a bare post.

    `opening`: the run opens its sentence, so a first word written elsewhere in lower case is
    that common word capitalised.
    """
    tokens = run.replace("’", "'").split()
    tokens = [t[:-2] if t.endswith("'s") else t for t in tokens]
    while tokens and (_common_word(tokens[0]) or (tokens[0].casefold() in lowercase and opening)):
        tokens.pop(0)
    if not tokens or all(t.casefold().strip(".") in TITLE_WORDS for t in tokens):
        return None
    if tokens[-1].endswith(".") and not _ABBREVIATION.search(tokens[-1]):
        tokens[-1] = tokens[-1].rstrip(".")
    name = " ".join(tokens)
    if len(tokens) == 1 and (name.casefold() in lowercase or len(name) < 2):
        return None
    return strip_titles(name) if _has_person_post(tokens) else name


def _common_word(token: str) -> bool:
    """A function word written with a capital (`The`), not an acronym that spells one (`WHO`)."""
    return token.casefold() in STOPWORDS and not (len(token) > 1 and token.isupper())


def _has_person_post(tokens: list[str]) -> bool:
    return any(t.casefold().strip(".") in TITLE_WORDS for t in tokens) and not any(
        t.casefold() in ORGANISATION_WORDS for t in tokens
    )


@lru_cache(maxsize=65536)
def _key(name: str) -> str:
    return " ".join(words(name.replace(".", "")))


def _kind(name: str, after_place_word: bool) -> str:
    """What a name (not a known person's) names: from its words, else from the word before it."""
    if _names_organisation(name):
        return "organisation"
    return "place" if after_place_word else "other"


@lru_cache(maxsize=65536)
def _names_organisation(name: str) -> bool:
    return any(word in ORGANISATION_WORDS for word in words(name))


def _merge_acronyms(tallies: dict[str, _Tally]) -> dict[str, _Tally]:
    merged = dict(tallies)
    spelled: dict[str, str] = {}
    for key in merged:
        if " " in key:
            spelled.setdefault("".join(word[0] for word in key.split()), key)
    for key in list(merged):
        full = spelled.get(key) if " " not in key else None
        if full:
            merged[full].spellings.update(merged[key].spellings)
            merged[full].kinds.update(merged[key].kinds)
            del merged[key]
    return merged


def _entity(tally: _Tally) -> Entity:
    spellings = sorted(tally.spellings, key=lambda s: (-tally.spellings[s], -len(s), s))
    kind = next(
        (k for k in ("person", "organisation", "place") if tally.kinds[k]),
        "other",
    )
    return Entity(
        name=spellings[0],
        kind=kind,
        variants=tuple(spellings[1:]),
        mentions=sum(tally.spellings.values()),
    )
