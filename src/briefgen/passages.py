"""An event's text as the brief stage reads it: one table of sentences, built once per event.

Every sentence of every story is split, folded into content terms, checked for being a whole
sentence, for name runs and for date words here, once; the summary, quotes, timeline, coverage,
disagreements and entities all read this table instead of re-splitting and re-folding the bodies.
What a sentence's text says does not depend on the story it stands in, so it is read once per
distinct text (a bounded cache): wire copy and stock phrases recur across stories and events.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import chain, groupby
from operator import attrgetter
from typing import NamedTuple

from briefgen.dates import may_hold_dates
from briefgen.normalize import WORD, fold
from briefgen.people import NameRun, lower_words, read_runs
from briefgen.records import Event, SourceRef, Story
from briefgen.sentences import ends_with_title, split_sentences
from briefgen.stopwords import STOPWORDS

READ_CACHE = 32768
"""Distinct sentences whose reading is kept for reuse: bounds the memory the cache holds."""
MATCH_PER_STORY = 200
"""Quotations, dates and counts are matched across stories in the first this many sentences of
each story (some 4,000 words): matching is pairwise, and a story of one enormous paragraph must
not make the brief quadratic. Names, coverage and the headline read every sentence."""
PARAGRAPH_CACHE = 4 * READ_CACHE
"""Distinct paragraphs whose sentences are kept (small entries: the readings are shared)."""
_SUFFIXES = ("ing", "ed", "es", "s")
_NOT_A_TERM = frozenset({""})
_MIN_WORDS = 6
_MAX_WORDS = 60
_OPENERS = re.compile(r"^[\"'“‘(\[]?[A-Z0-9À-ɏ]")
_CLOSERS = "\"'”’)]"
_TERMINALS = frozenset(".!?…")
_ASCII_WORD_BYTES = (
    bytes(byte if chr(byte).isalnum() or byte == ord("_") else ord(" ") for byte in range(128))
    + b" " * 128
)
"""ASCII bytes to themselves where `\\w` matches them, else to a space."""
_story_id = attrgetter("story.id")
_terms = attrgetter("terms")


class Reading(NamedTuple):
    """What a sentence's text says, wherever it stands (a tuple: one is made per sentence)."""

    terms: frozenset[str]
    """Its content words, folded and lightly stemmed."""
    whole: bool
    """Fit to stand alone (see `is_whole_sentence`)."""
    runs: tuple[NameRun, ...]
    """Its capitalised word runs: possible names."""
    lower_words: frozenset[str]
    """The words it writes in lower case."""
    may_date: bool
    """False where it can give no date at all (no digit, no day word)."""


class Passage(NamedTuple):
    """One sentence of one story's body, with where it stands and what it says.

    A tuple: an event has hundreds of sentences, and a tuple is made several times faster than
    a frozen dataclass. Its last fields are the sentence's `Reading`.
    """

    text: str
    """The sentence as the source wrote it."""
    story: Story
    """The story it is from."""
    paragraph: int
    """0-based index into the story record's `paragraphs`."""
    position: int
    """0-based index of the sentence in its story."""
    outlets: tuple[str, ...]
    """Every outlet that carried its story (the file path stands in for an unnamed one)."""
    terms: frozenset[str]
    """Its content words, folded and lightly stemmed."""
    whole: bool
    """Fit to stand alone (see `is_whole_sentence`)."""
    runs: tuple[NameRun, ...]
    """Its capitalised word runs: possible names."""
    lower_words: frozenset[str]
    """The words it writes in lower case."""
    may_date: bool
    """False where it can give no date at all (no digit, no day word)."""

    @property
    def ref(self) -> SourceRef:
        """Where it stands, as a brief cites it."""
        return SourceRef(self.story.id, self.paragraph)


def event_passages(event: Event) -> list[Passage]:
    """Every body sentence of every story of the event, in story and reading order."""
    found: list[Passage] = []
    make = tuple.__new__  # what `Passage(...)` calls, without its Python-level `__new__`
    for story in event.stories:
        outlets = story_outlets(story)
        position = 0
        for paragraph_index, paragraph in enumerate(story.record.paragraphs):
            for text, reading in read_paragraph(paragraph):
                found.append(
                    make(Passage, (text, story, paragraph_index, position, outlets, *reading))
                )
                position += 1
    return found


def story_terms(passages: list[Passage]) -> dict[str, frozenset[str]]:
    """Each story's body terms (those of all its sentences), in story order: what the summary
    and the coverage weigh a sentence's words by, read once per event."""
    # passages come story by story: each story's term sets are joined in one call
    return {
        story_id: frozenset().union(*map(_terms, group))
        for story_id, group in groupby(passages, key=_story_id)
    }


class EventTerms(NamedTuple):
    """An event's vocabulary by story, read once per event for the summary and the coverage."""

    by_story: dict[str, frozenset[str]]
    """Each story's body terms, in story order (see `story_terms`)."""
    stories_using: Counter[str]
    """Per term, how many stories' bodies use it."""


def event_terms(passages: list[Passage]) -> EventTerms:
    """Each story's body terms and the number of stories using each term."""
    by_story = story_terms(passages)
    return EventTerms(by_story, Counter(chain.from_iterable(by_story.values())))


@lru_cache(maxsize=PARAGRAPH_CACHE)
def read_paragraph(paragraph: str) -> tuple[tuple[str, Reading], ...]:
    """A paragraph's sentences, each with its reading."""
    return tuple((text, read_sentence(text)) for text in split_sentences(paragraph))


@lru_cache(maxsize=READ_CACHE)
def read_sentence(text: str) -> Reading:
    """What a sentence says: terms, whole or not, name runs, lower-case words, date words."""
    ascii_text = text.isascii()
    tokens = _written_words(text) if ascii_text else WORD.findall(text)
    return Reading(
        _written_terms(tokens) if ascii_text else content_terms(text),
        is_whole_sentence(text),
        read_runs(text),
        lower_words(tokens),
        may_hold_dates(text),
    )


def _written_words(text: str) -> list[str]:
    """The `\\w+` runs of an ASCII text as written (a byte table: several times a regex's speed)."""
    return text.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split()


def is_whole_sentence(text: str) -> bool:
    """A sentence fit to stand alone: starts a sentence, ends one (not cut off after a title:
    `... from Gov.`), quotes balanced, sane length."""
    count = len(text.split())
    if not _MIN_WORDS <= count <= _MAX_WORDS:
        return False
    if not _OPENERS.match(text) or not _ends_sentence(text) or ends_with_title(text):
        return False
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _ends_sentence(text: str) -> bool:
    """Ends with `.`, `!`, `?` or `…`, then any closing quotes or brackets."""
    body = text[:-1] if text.endswith("\n") else text  # `$` also matches before a final newline
    return body.rstrip(_CLOSERS)[-1:] in _TERMINALS


def content_terms(text: str) -> frozenset[str]:
    """The topic-bearing words of a text: folded, without function words, lightly stemmed."""
    return frozenset(map(_term, WORD.findall(text.casefold()))) - _NOT_A_TERM


@lru_cache(maxsize=READ_CACHE)
def title_terms(title: str) -> frozenset[str]:
    """`content_terms` of a headline (cached: the headline and the summary both read it)."""
    return content_terms(title)


def _written_terms(tokens: list[str]) -> frozenset[str]:
    """`content_terms` of an ASCII text, from its words as written (ASCII folds word by word)."""
    return frozenset(map(_written_term, tokens)) - _NOT_A_TERM


@lru_cache(maxsize=65536)
def _written_term(token: str) -> str:
    return _term(token.lower())


@lru_cache(maxsize=65536)
def _term(token: str) -> str:
    """A token's matching form, or "" for none (`fold` word by word: cheaper than whole texts)."""
    plain = token if token.isascii() else fold(token)
    if len(plain) <= 2 or plain in STOPWORDS:
        return ""
    return stem(plain)


@lru_cache(maxsize=65536)
def word_term(word: str) -> str:
    """The term a written word counts as (`stem(fold(word))`), cached: the same words recur."""
    return stem(fold(word))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude English suffix stripper: enough to match `talks`/`talk`, `trained`/`training`."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def outlet_name(story: Story) -> str:
    """How the brief names a story's outlet: the outlet, or the file path where none is known."""
    return story.record.outlet or story.record.path


def story_outlets(story: Story) -> tuple[str, ...]:
    """Every outlet that carried a story (the file path stands in for an unnamed one)."""
    return story.outlets or (story.record.path,)


def overlap(left: frozenset[str], right: frozenset[str]) -> float:
    """Shared terms as a share of the smaller set."""
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))
