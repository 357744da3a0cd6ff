"""Direct quotations: found in the bodies, attributed to a speaker, merged across sources.

Two sources quote the same words when their word sequences (folded, without brackets, ellipses
and punctuation) match closely, or one is a stretch of the other; the fullest wording is shown.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import chain, groupby, repeat
from operator import attrgetter
from typing import NamedTuple

from briefgen.normalize import words
from briefgen.passages import MATCH_PER_STORY, READ_CACHE, Passage
from briefgen.people import UPPER, PeopleIndex, name_runs, strip_titles
from briefgen.records import Quote, SourceRef, Story

MIN_WORDS = 5
"""Shorter quoted runs are scare quotes or titles (`the “Old Guard”`), not quotations."""
SAME_WORDS = 0.8
"""Word-sequence similarity above which two quotations are the same words."""
_QUOTED = re.compile(r"“(?P<curly>[^“”]+)”|\"(?P<straight>[^\"]+)\"")
_SPEECH = (
    r"(?:said|says|told|tells|added|adds|remarked|replied|responded|stated|declared|noted|"
    r"wrote|writes|explained|insisted|warned|argued|asked|continued|commented|recalled|"
    r"according to|saying|adding|telling)"
)
_NAME = rf"(?P<name>(?:[{UPPER}][\w'’.\-]*\s+){{0,5}}[{UPPER}][\w'’\-]*)"
_AFTER_NAME_VERB = re.compile(rf"^[\s,]*{_NAME}\s+{_SPEECH}\b")
_AFTER_VERB_NAME = re.compile(rf"^[\s,]*{_SPEECH}\s+{_NAME}")
_AFTER_PRONOUN = re.compile(rf"^[\s,]*(?:he|she)\s+{_SPEECH}\b", re.IGNORECASE)
_BEFORE_SPEECH = re.compile(rf"\b{_SPEECH}\b[^“\"]*$|:\s*$")
_PRONOUN_SUBJECT = re.compile(r"^\W*(?:he|she)\b", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")
_SENTENCE_START = re.compile(r"[.!?][\"'”’)]*\s+(?=[A-Z“\"])")
_story_id = attrgetter("story.id")


@dataclass(frozen=True, slots=True)
class _Found:
    text: str
    key: tuple[str, ...]
    words: frozenset[str]
    speaker: str | None
    story: Story
    outlets: tuple[str, ...]
    paragraph: int


class _Paragraph(NamedTuple):
    story: Story
    outlets: tuple[str, ...]
    number: int
    """0-based index into the story record's `paragraphs`."""
    text: str


def quotes(passages: list[Passage], people: PeopleIndex) -> tuple[Quote, ...]:
    """Every quotation of the event, merged across sources, most carried first."""
    found: list[_Found] = []
    per_story: Counter[str] = Counter()
    for paragraph in _paragraphs(passages):
        story_id = paragraph.story.id
        room = MATCH_PER_STORY - per_story[story_id]
        if room > 0:
            quoted = _in_paragraph(paragraph, people, room)
            per_story[story_id] += len(quoted)
            found += quoted
    groups: list[list[_Found]] = []
    # word -> the groups whose first quotation holds it: only groups sharing enough words (the
    # words shared with each group counted at once) are compared word sequence to sequence
    postings: defaultdict[str, list[int]] = defaultdict(list)
    # the group a wording founded: the same wording again joins it, uncompared (it matches no
    # earlier group, as its founder did not: the comparison reads only the words)
    founded: dict[tuple[str, ...], int] = {}
    for quote in found:
        match = founded.get(quote.key)
        if match is None:
            match = _first_match(quote, groups, postings)
        if match is None:
            for word in quote.words:
                postings[word].append(len(groups))
            founded[quote.key] = len(groups)
            groups.append([quote])
        else:
            groups[match].append(quote)
    merged = [_merge(group) for group in groups]
    return tuple(sorted(merged, key=lambda q: -len(q.outlets)))


def _first_match(
    quote: _Found, groups: list[list[_Found]], postings: dict[str, list[int]]
) -> int | None:
    """The first group whose first quotation is the same words, if any."""
    shared = Counter(chain.from_iterable(map(postings.get, quote.words, repeat(()))))
    size = len(quote.words)
    close = (i for i, count in shared.items() if _shares_enough(count, size, groups[i][0]))
    return next((i for i in sorted(close) if _same_words(groups[i][0], quote)), None)


def quote_key(text: str) -> tuple[str, ...]:
    """The words of a quotation as compared: folded, brackets, ellipses and punctuation dropped."""
    return tuple(words(text.replace("[", " ").replace("]", " ")))


def _paragraphs(passages: list[Passage]) -> list[_Paragraph]:
    """The paragraphs the passages stand in that hold a quotation mark, in reading order, each
    with its story and the story's outlets.

    `passages`: each story's sentences from its first one on, story by story (as
    `briefgen.passages.event_passages` gives them, or the first so many of each story), so a
    story's paragraphs are those up to its last passage's: read per story, not per sentence.
    """
    found: list[_Paragraph] = []
    for _, sentences in groupby(passages, key=_story_id):
        last = deque(sentences, maxlen=1)[0]
        story, outlets = last.story, last.outlets
        texts = story.record.paragraphs[: last.paragraph + 1]
        found.extend(
            _Paragraph(story, outlets, number, text)
            for number, text in enumerate(texts)
            if "“" in text or '"' in text
        )
    return found


def _in_paragraph(paragraph: _Paragraph, people: PeopleIndex, limit: int) -> list[_Found]:
    """The paragraph's first `limit` quotations (a bound: finding a speaker reads back)."""
    story, outlets, index, text = paragraph
    found: list[_Found] = []
    last_speaker: str | None = None
    for inner, key, key_words, start, end in _quotations(text)[:limit]:
        speaker = _speaker(text, start, end, people, last_speaker)
        last_speaker = speaker or last_speaker
        found.append(_Found(inner, key, key_words, speaker, story, outlets, index))
    return found


@lru_cache(maxsize=READ_CACHE)
def _quotations(text: str) -> tuple[tuple[str, tuple[str, ...], frozenset[str], int, int], ...]:
    """A paragraph's quotations of MIN_WORDS words or more: wording, key, words, start and end
    (cached: wire copy carries the same paragraphs into many stories)."""
    found = []
    for match in _QUOTED.finditer(text):
        inner = (match["curly"] or match["straight"] or "").strip()
        key = quote_key(inner)
        if len(key) >= MIN_WORDS:
            found.append((inner, key, frozenset(key), match.start(), match.end()))
    return tuple(found)


def _speaker(
    text: str, start: int, end: int, people: PeopleIndex, last_speaker: str | None
) -> str | None:
    after = text[end : end + 120]
    for pattern in (_AFTER_NAME_VERB, _AFTER_VERB_NAME):
        match = pattern.match(after)
        if match:
            run = _within_sentence(match["name"])
            name = people.full_name(run) or _lone_name(run)
            if name:
                return name
    if _AFTER_PRONOUN.match(after):
        return last_speaker or people.last_person(text[:start])
    before = _sentence_before(text, start)
    if _BEFORE_SPEECH.search(before):
        if _PRONOUN_SUBJECT.match(before):
            return last_speaker or people.last_person(text[: start - len(before)])
        return people.first_person(before) or _first_run(before)
    return None


def _sentence_before(text: str, start: int) -> str:
    head = text[:start]
    starts = [m.end() for m in _SENTENCE_START.finditer(head)]
    return head[starts[-1] :] if starts else head


def _within_sentence(run: str) -> str:
    """A name run cut where a word ends a sentence (`Ana Lima. The` -> `Ana Lima`)."""
    tokens = run.split()
    for index, token in enumerate(tokens[:-1]):
        if token.endswith(".") and not _INITIALS.match(token):
            return " ".join(tokens[: index + 1]).rstrip(".")
    return run


def _lone_name(run: str) -> str | None:
    name = strip_titles(run)
    return name if 1 <= len(name.split()) <= 3 else None


def _first_run(text: str) -> str | None:
    runs = [run for offset, run in name_runs(text) if offset > 0 or len(run.split()) > 1]
    return runs[0] if runs else None


def _shares_enough(shared: int, size: int, other: _Found) -> bool:
    """Two quotations sharing this many words may be the same words (see `_same_words`)."""
    return shared >= 0.8 * min(size, len(other.words))


def _same_words(first: _Found, second: _Found) -> bool:
    if first.key == second.key:
        return True  # one wording carried twice (common: wire copy)
    if not _shares_enough(len(first.words & second.words), len(second.words), first):
        return False  # cheap word-set test first: most pairs of quotations share few words
    left, right = first.key, second.key
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matcher.ratio() >= SAME_WORDS or matched >= 0.9 * min(len(left), len(right))


def _merge(group: list[_Found]) -> Quote:
    # the longest wording, the first of equally long ones (by position: `index` is quadratic)
    _, fullest = max(enumerate(group), key=lambda item: (len(item[1].key), -item[0]))
    speakers = Counter(q.speaker for q in group if q.speaker)
    refs = tuple(dict.fromkeys(SourceRef(q.story.id, q.paragraph) for q in group))
    outlets = tuple(sorted({o for q in group for o in q.outlets}))
    return Quote(
        text=fullest.text,
        speaker=speakers.most_common(1)[0][0] if speakers else None,
        sources=refs,
        outlets=outlets,
    )
