"""Disagreements: where outlets give different values for the same fact.

Two kinds of fact are compared. Dates: each dated sentence is matched, in every other story,
to the dated sentence most like it (same happening: shared content words); where the matched
sentences give different dates, the outlets disagree on when it happened. Counts: a number
followed by the same noun (`51 exercises`, `12 people`) in similar sentences of different
stories, with different values.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, compress, groupby
from operator import attrgetter

from briefgen.passages import READ_CACHE, Passage, stem, word_term
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
_may_date = attrgetter("may_date")
_passage = attrgetter("passage")
_story_id = attrgetter("story.id")


@dataclass(frozen=True, slots=True)
class _Value:
    value: str
    passage: Passage
    terms: frozenset[str]


def disagreements(dated: list[DatedPassage], passages: list[Passage]) -> tuple[Disagreement, ...]:
    """Facts on which the event's outlets give different values, each value with its outlets."""
    sources = _sources(chain(map(_passage, dated), passages))
    dates = [_Value(d.value.isoformat(), d.passage, d.passage.terms - _DATE_WORDS) for d in dated]
    found = [_disagreement(group, "date") for group in _conflicts(dates, sources)]
    for noun, values in _counts(passages).items():
        groups = _conflicts(values, sources)
        if groups:  # the noun's written form is looked up only where it is shown
            kind = _surface(noun, values[0].passage.text)
            found.extend(_disagreement(group, kind) for group in groups)
    return tuple(found)


def _conflicts(values: list[_Value], sources: dict[str, _Source]) -> list[list[_Value]]:
    """Groups of values for one fact (a sentence and its best match per story), values differing."""
    if len({v.value for v in values}) < 2:  # one value given: nothing to disagree on
        return []
    if len({sources[v.passage.story.id] for v in values}) < 2:  # one source cannot disagree
        return []
    matcher = _Matcher(values, sources)
    groups: list[tuple[list[_Value], frozenset[int]]] = []
    for index, value in enumerate(values):
        group = [value, *matcher.best_matches(index)]
        if len({v.value for v in group}) < 2:
            continue
        ids = frozenset(id(v) for v in group)
        if not any(ids <= kept for _, kept in groups):
            groups = [(g, kept) for g, kept in groups if not kept <= ids]
            groups.append((group, ids))
    return _merge_overlapping([group for group, _ in groups])


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


class _Matcher:
    """Finds, for a value, the value of each other source stated in the most similar sentence.

    An index from term to the values whose sentences hold it: only sentences sharing at least
    MIN_SHARED terms are compared, so the work follows the shared words, not all pairs.
    """

    def __init__(self, values: list[_Value], sources: dict[str, _Source]) -> None:
        self._values = values
        self._postings: defaultdict[str, list[int]] = defaultdict(list)
        for index, value in enumerate(values):
            for term in value.terms:
                self._postings[term].append(index)
        self._sources = [sources[v.passage.story.id] for v in values]
        self._similar_to: dict[frozenset[str], list[tuple[int, float]]] = {}

    def best_matches(self, index: int) -> list[_Value]:
        """Per other source's story, its value in the sentence most like this one's."""
        best: dict[str, tuple[float, _Value]] = {}
        mine = self._sources[index]
        for other_index, similarity in self._similar(self._values[index].terms):
            theirs = self._sources[other_index]
            if mine[0] == theirs[0] or mine[1] & theirs[1]:
                continue  # the same story, or two stories of one outlet
            other = self._values[other_index]
            story = other.passage.story.id
            if similarity > best.get(story, (0.0,))[0]:
                best[story] = (similarity, other)
        return [match for _, match in best.values()]

    def _similar(self, terms: frozenset[str]) -> list[tuple[int, float]]:
        """The values whose sentences are SAME_FACT similar to these terms, in order, with the
        similarity (kept per term set: one sentence often states several values, or several
        stories carry it)."""
        found = self._similar_to.get(terms)
        if found is None:
            shared = Counter(chain.from_iterable(map(self._postings.__getitem__, terms)))
            found = []
            for other_index in sorted(compress(shared, map(MIN_SHARED.__le__, shared.values()))):
                other_terms = self._values[other_index].terms
                similarity = shared[other_index] / min(len(terms), len(other_terms))
                if similarity >= SAME_FACT:
                    found.append((other_index, similarity))
            self._similar_to[terms] = found
        return found


_Source = tuple[str, frozenset[str]]
"""A story's id and the outlets named for it (stories of one outlet are one source)."""


def _sources(passages: Iterable[Passage]) -> dict[str, _Source]:
    """Each story's source, by story id (`Story.outlets` is computed anew at each reading)."""
    found: dict[str, _Source] = {}
    for story_id, sentences in groupby(passages, key=_story_id):  # a story's come together
        if story_id not in found:
            found[story_id] = (story_id, frozenset(next(sentences).story.outlets))
    return found


def _disagreement(group: list[_Value], kind: str) -> Disagreement:
    by_value: dict[str, list[_Value]] = {}
    for value in group:
        by_value.setdefault(value.value, []).append(value)
    claims = [
        Claim(
            value=value,
            text=members[0].passage.text,
            outlets=tuple(sorted({o for m in members for o in m.passage.outlets})),
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
    surfaces: dict[str, str] = {}
    for value in group:
        for word in _WORD.findall(value.passage.text):
            surfaces.setdefault(word_term(word), word)
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))  # same order every run
    common = [surfaces.get(term, term) for term, count in ranked if count >= needed]
    plain = [word for word in common if word.islower()]
    about = ", ".join((plain or common)[:4])
    label = "date" if kind == "date" else f"number of {kind}"
    return f"{label} ({about})" if about else label


def _surface(term: str, text: str) -> str:
    """The word as the sentence writes it, for display."""
    written: list[str] = _WORD.findall(text)
    return next((word for word in written if word_term(word) == term), term)


def _counts(passages: list[Passage]) -> dict[str, list[_Value]]:
    found: dict[str, list[_Value]] = {}
    for passage in filter(_may_date, passages):  # no digit: no count (most sentences have none)
        for number, noun in count_mentions(passage.text):
            found.setdefault(noun, []).append(_Value(number, passage, passage.terms - {noun}))
    return found


@lru_cache(maxsize=READ_CACHE)
def count_mentions(text: str) -> tuple[tuple[str, str], ...]:
    """The counts a sentence gives: (number, the term of the noun counted), years left out."""
    found: list[tuple[str, str]] = []
    for match in _COUNT.finditer(text):
        number = match["number"].rstrip(".,").replace(",", "")
        if not _NUMBER_WORDS.match(number):
            found.append((number, word_term(match["noun"])))
    return tuple(found)
