"""An event's text as the brief stage reads it: one table of sentences, built once per event.

Every sentence of every story is split, folded into content terms and checked for being a whole
sentence here, once; the summary, quotes, timeline, coverage, disagreements and entities all read
this table instead of re-splitting and re-folding the bodies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from briefgen.normalize import WORD, fold
from briefgen.records import Event, SourceRef, Story
from briefgen.sentences import split_sentences
from briefgen.stopwords import STOPWORDS

_SUFFIXES = ("ing", "ed", "es", "s")
_NOT_A_TERM = frozenset({""})
_MIN_WORDS = 6
_MAX_WORDS = 60
_OPENERS = re.compile(r"^[\"'“‘(\[]?[A-Z0-9À-ɏ]")
_ENDINGS = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True, slots=True)
class Passage:
    """One sentence of one story's body, with where it stands."""

    text: str
    """The sentence as the source wrote it."""
    story: Story
    """The story it is from."""
    paragraph: int
    """0-based index into the story record's `paragraphs`."""
    position: int
    """0-based index of the sentence in its story."""
    terms: frozenset[str]
    """Its content words, folded and lightly stemmed."""
    outlets: tuple[str, ...]
    """Every outlet that carried its story (the file path stands in for an unnamed one)."""
    whole: bool
    """Fit to stand alone (see `is_whole_sentence`)."""

    @property
    def ref(self) -> SourceRef:
        """Where it stands, as a brief cites it."""
        return SourceRef(self.story.id, self.paragraph)


def event_passages(event: Event) -> list[Passage]:
    """Every body sentence of every story of the event, in story and reading order."""
    found: list[Passage] = []
    for story in event.stories:
        outlets = story_outlets(story)
        position = 0
        for paragraph_index, paragraph in enumerate(story.record.paragraphs):
            for text in split_sentences(paragraph):
                terms = content_terms(text)
                whole = is_whole_sentence(text)
                found.append(Passage(text, story, paragraph_index, position, terms, outlets, whole))
                position += 1
    return found


def is_whole_sentence(text: str) -> bool:
    """A sentence fit to stand alone: starts a sentence, ends one, quotes balanced, sane length."""
    count = len(text.split())
    if not _MIN_WORDS <= count <= _MAX_WORDS:
        return False
    if not _OPENERS.match(text) or not _ENDINGS.search(text):
        return False
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def content_terms(text: str) -> frozenset[str]:
    """The topic-bearing words of a text: folded, without function words, lightly stemmed."""
    return frozenset(map(_term, WORD.findall(text.casefold()))) - _NOT_A_TERM


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
