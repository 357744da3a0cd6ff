"""Disagreements: where outlets give different values for the same fact.

Two kinds of fact are compared. Dates: each dated sentence is matched, in every other story,
to the dated sentence most like it (same happening: shared content words); where the matched
sentences give different dates, the outlets disagree on when it happened. Counts: a number
followed by the same noun (`51 exercises`, `12 people`) in similar sentences of different
stories, with different values.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from briefgen.normalize import fold
from briefgen.passages import Passage, overlap, stem, story_outlets
from briefgen.records import Claim, Disagreement, SourceRef
from briefgen.timeline import DatedPassage

SAME_FACT = 0.3
"""Share of content terms two sentences must share to be about the same happening."""
MIN_SHARED = 3
"""...and at least this many terms, so that short sentences do not match by chance."""
_DATE_WORDS = frozenset(
    stem(w)
    for w in [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "tomorrow",
        "morning",
        "afternoon",
        "evening",
        "tonight",
        "day",
        "before",
        "after",
        "earlier",
        "later",
    ]
)
_COUNT = re.compile(r"\b(?P<number>\d[\d,.]*)\s+(?P<noun>[A-Za-z][a-z\-]+)")
_WORD = re.compile(r"\w+")
_NUMBER_WORDS = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True, slots=True)
class _Value:
    value: str
    passage: Passage
    terms: frozenset[str]


def disagreements(dated: list[DatedPassage], passages: list[Passage]) -> tuple[Disagreement, ...]:
    """Facts on which the event's outlets give different values, each value with its outlets."""
    dates = [_Value(d.value.isoformat(), d.passage, d.passage.terms - _DATE_WORDS) for d in dated]
    counts = _counts(passages)
    found = _conflicts(dates, "date") + [
        conflict
        for noun, values in counts.items()
        for conflict in _conflicts(values, _surface(noun, values[0].passage.text))
    ]
    return tuple(found)


def _conflicts(values: list[_Value], kind: str) -> list[Disagreement]:
    groups: list[list[_Value]] = []
    for value in values:
        group = [value, *_best_matches(value, values)]
        if len({v.value for v in group}) > 1 and not any(_covers(g, group) for g in groups):
            groups = [g for g in groups if not _covers(group, g)]
            groups.append(group)
    return [_disagreement(group, kind) for group in _merge_overlapping(groups)]


def _merge_overlapping(groups: list[list[_Value]]) -> list[list[_Value]]:
    """Groups that share a sentence are one fact; each story keeps its most given value."""
    merged: list[list[_Value]] = []
    for group in groups:
        ids = {id(v) for v in group}
        joined = [m for m in merged if ids & {id(v) for v in m}]
        union = [v for m in joined for v in m] + group
        merged = [m for m in merged if m not in joined]
        merged.append(list({id(v): v for v in union}.values()))
    return [_one_value_per_story(group) for group in merged]


def _one_value_per_story(group: list[_Value]) -> list[_Value]:
    by_story: dict[str, list[_Value]] = {}
    for value in group:
        by_story.setdefault(value.passage.story.id, []).append(value)
    kept: list[_Value] = []
    for values in by_story.values():
        common = Counter(v.value for v in values).most_common(1)[0][0]
        kept.extend(v for v in values if v.value == common)
    return kept


def _best_matches(value: _Value, values: list[_Value]) -> list[_Value]:
    best: dict[str, tuple[float, _Value]] = {}
    for other in values:
        story = other.passage.story.id
        if _same_source(value.passage, other.passage):
            continue
        shared = len(value.terms & other.terms)
        similarity = overlap(value.terms, other.terms)
        if (
            shared >= MIN_SHARED
            and similarity >= SAME_FACT
            and similarity > best.get(story, (0.0,))[0]
        ):
            best[story] = (similarity, other)
    return [match for _, match in best.values()]


def _same_source(left: Passage, right: Passage) -> bool:
    """The same story, or two stories of one outlet (which cannot disagree with itself here)."""
    if left.story.id == right.story.id:
        return True
    return bool(set(left.story.outlets) & set(right.story.outlets))


def _covers(big: list[_Value], small: list[_Value]) -> bool:
    return {id(v) for v in small} <= {id(v) for v in big}


def _disagreement(group: list[_Value], kind: str) -> Disagreement:
    by_value: dict[str, list[_Value]] = {}
    for value in group:
        by_value.setdefault(value.value, []).append(value)
    claims = [
        Claim(
            value=value,
            text=members[0].passage.text,
            outlets=tuple(sorted({o for m in members for o in story_outlets(m.passage.story)})),
            sources=tuple(
                dict.fromkeys(SourceRef(m.passage.story.id, m.passage.paragraph) for m in members)
            ),
        )
        for value, members in by_value.items()
    ]
    claims.sort(key=lambda c: (-len(c.outlets), c.value))
    return Disagreement(topic=_topic(group, kind), claims=tuple(claims))


def _topic(group: list[_Value], kind: str) -> str:
    """What the fact is about: words most of its sentences share, plain words before names."""
    shared = Counter(term for value in group for term in value.terms)
    needed = max(2, (len(group) + 1) // 2)
    written = " ".join(value.passage.text for value in group)
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))  # same order every run
    common = [_surface(term, written) for term, count in ranked if count >= needed]
    plain = [word for word in common if word.islower()]
    about = ", ".join((plain or common)[:4])
    label = "date" if kind == "date" else f"number of {kind}"
    return f"{label} ({about})" if about else label


def _surface(term: str, text: str) -> str:
    """The word as the sentence writes it, for display."""
    written: list[str] = _WORD.findall(text)
    return next((word for word in written if stem(fold(word)) == term), term)


def _counts(passages: list[Passage]) -> dict[str, list[_Value]]:
    found: dict[str, list[_Value]] = {}
    for passage in passages:
        for match in _COUNT.finditer(passage.text):
            number = match["number"].rstrip(".,").replace(",", "")
            if _NUMBER_WORDS.match(number):
                continue
            noun = stem(fold(match["noun"]))
            terms = passage.terms - {noun}
            found.setdefault(noun, []).append(_Value(number, passage, terms))
    return found
