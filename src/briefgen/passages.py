"""An event's text as the brief stage reads it: sentences with the paragraph they stand in."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from briefgen.normalize import WORD, fold
from briefgen.records import Event, SourceRef, Story
from briefgen.sentences import split_sentences
from briefgen.stopwords import STOPWORDS

_SUFFIXES = ("ing", "ed", "es", "s")


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

    @property
    def ref(self) -> SourceRef:
        """Where it stands, as a brief cites it."""
        return SourceRef(self.story.id, self.paragraph)


def event_passages(event: Event) -> list[Passage]:
    """Every body sentence of every story of the event, in story and reading order."""
    found: list[Passage] = []
    for story in event.stories:
        position = 0
        for paragraph_index, paragraph in enumerate(story.record.paragraphs):
            for text in split_sentences(paragraph):
                found.append(Passage(text, story, paragraph_index, position, content_terms(text)))
                position += 1
    return found


def content_terms(text: str) -> frozenset[str]:
    """The topic-bearing words of a text: folded, without function words, lightly stemmed."""
    found = (_term(token) for token in WORD.findall(text.casefold()))
    return frozenset(term for term in found if term)


@lru_cache(maxsize=65536)
def _term(token: str) -> str | None:
    """A token's matching form (`fold` word by word: far cheaper than folding whole texts)."""
    plain = token if token.isascii() else fold(token)
    if len(plain) <= 2 or plain in STOPWORDS:
        return None
    return stem(plain)


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
