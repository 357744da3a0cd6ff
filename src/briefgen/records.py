"""The typed records that flow between the pipeline's stages.

source file -> Record (load) -> Story (dedupe) -> Event (cluster) -> Brief (brief) -> pages.
Each stage returns new frozen records; none is filled in later by another stage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal, TypeVar, overload

from briefgen.compact import Packed, Texts

Level = Literal["warning", "error"]
BlockKind = Literal["paragraph", "heading"]
RemovedKind = Literal[
    "banner",
    "promo",
    "breadcrumb",
    "caption",
    "credit",
    "copyright",
    "related-links",
    "comment",
    "navigation",
    "metadata",
    "boilerplate",
]
_Class = TypeVar("_Class", bound=type)


def _pickled_as_fields(cls: _Class) -> _Class:
    """Pickle instances as their class and field values, unpickled through `__init__`: twice as
    fast both ways as the default for a slotted dataclass (a Python `__setstate__` loop), for
    the many records that worker processes send back (loaded files, briefs)."""
    names = [item.name for item in fields(cls)]
    values: Callable[[Any], tuple[Any, ...]] = (
        attrgetter(*names) if len(names) > 1 else lambda record: (getattr(record, names[0]),)
    )

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, values(self)

    setattr(cls, "__reduce__", __reduce__)  # noqa: B010  (mypy: no assigning to a method)
    return cls


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in an input, reported compiler-style and counted for --strict."""

    path: str
    """The file the problem is in, as the user named it."""
    line: int | None
    """1-based line number where one is known."""
    level: Level
    """`warning` (the build goes on) or `error` (the file or build could not be used)."""
    message: str
    """What is wrong, in words a user can act on."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article body: a paragraph or a subheading, in reading order."""

    kind: BlockKind
    """`paragraph` or `heading`."""
    text: str
    """The text as the source wrote it (typographic characters kept)."""


class Body(Sequence[Block]):
    """An article's blocks, in reading order, held compactly (see `compact.Texts`): their texts
    end to end, compressed, and which are subheadings. The 100,000 bodies of the scale benchmark
    took 509 MB as `Block` objects, 186 MB so."""

    __slots__ = ("_headings", "_texts")

    def __init__(self, blocks: Iterable[Block] = ()) -> None:
        blocks = tuple(blocks)
        self._texts = Texts(block.text for block in blocks)
        self._headings = tuple(
            index for index, block in enumerate(blocks) if block.kind == "heading"
        )

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The paragraphs' texts, without subheadings."""
        texts = self._texts.strings()
        for index in reversed(self._headings):
            del texts[index]
        return tuple(texts)

    @property
    def text(self) -> str:
        """The paragraphs joined by single spaces: the text that dedupe and clustering read."""
        return " ".join(self.paragraphs)

    @property
    def digest(self) -> str:
        """A digest of the blocks, made when they were packed (see `compact.Texts.digest`)."""
        if not self._headings:
            return self._texts.digest
        marked = f"{self._texts.digest} headings {self._headings}".encode()
        return hashlib.blake2b(marked, digest_size=16).hexdigest()

    def _blocks(self) -> list[Block]:
        headings = set(self._headings)
        return [
            Block("heading" if index in headings else "paragraph", text)
            for index, text in enumerate(self._texts.strings())
        ]

    def __len__(self) -> int:
        return len(self._texts)

    def __iter__(self) -> Iterator[Block]:
        return iter(self._blocks())

    @overload
    def __getitem__(self, index: int) -> Block: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Block, ...]: ...
    def __getitem__(self, index: int | slice) -> Block | tuple[Block, ...]:
        if isinstance(index, slice):
            return tuple(self._blocks()[index])
        return self._blocks()[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Body):
            return NotImplemented
        return (self._texts, self._headings) == (other._texts, other._headings)

    def __hash__(self) -> int:
        return hash((self._texts, self._headings))

    def __repr__(self) -> str:
        return f"Body({self._blocks()!r})"

    def __reduce__(self) -> tuple[Callable[[Texts, tuple[int, ...]], Body], tuple[Any, ...]]:
        return _body, (self._texts, self._headings)


def _body(texts: Texts, headings: tuple[int, ...]) -> Body:
    """An unpickled `Body`."""
    body = Body.__new__(Body)
    body._texts, body._headings = texts, headings
    return body


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Caption:
    """A photo caption found around the article, with its credit where given."""

    text: str
    """The caption text."""
    credit: str | None
    """Who took or supplied the picture (e.g. `REUTERS/Jane Doe`)."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Comment:
    """A reader comment: kept apart from the story, never used as reporting."""

    text: str
    """The comment text (paragraphs joined by blank lines)."""
    score: int | None
    """The net vote score where the page showed one."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Removed:
    """A line the loader stripped from the body, with why."""

    kind: RemovedKind
    """What sort of furniture it was."""
    text: str
    """The line as it stood in the source."""
    line: int | None = None
    """1-based line number in the source file, where known."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Byline:
    """Who wrote the story: people and/or a news agency."""

    people: tuple[str, ...] = ()
    """Authors' names."""
    agency: str | None = None
    """A wire service credited for the story (e.g. `Kyodo`)."""

    def __bool__(self) -> bool:
        return bool(self.people or self.agency)

    def __str__(self) -> str:
        parts = [", ".join(self.people)] if self.people else []
        if self.agency:
            parts.append(self.agency)
        return " / ".join(parts)


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Record:
    """One source file as the loader understood it."""

    id: str
    """Stable id derived from the article's content (not its file name or position)."""
    path: str
    """The source file, relative to the sources folder, with `/` separators."""
    format: str
    """The input format that was parsed: `text`, `markdown`, `html`."""
    title: str
    """The headline, or a title taken from the text when the file has none."""
    outlet: str | None
    """The publication, where the file names it."""
    url: str | None
    """The article's original address (http or https only)."""
    published: str | None
    """ISO 8601 date, or datetime with offset."""
    byline: Byline
    """Authors and/or agency."""
    dateline: str | None
    """The place line that opens wire copy (e.g. `WASHINGTON`)."""
    section: str | None
    """The outlet's section (e.g. `politics`)."""
    lang: str | None
    """BCP 47 language tag where known."""
    tags: tuple[str, ...]
    """Keywords given by the source's front matter or metadata."""
    body: Body
    """The article's text, in order."""
    captions: Packed[Caption] = field(default_factory=Packed)
    """Photo captions and credits found in the page."""
    comments: Packed[Comment] = field(default_factory=Packed)
    """Reader comments, kept apart from the body."""
    removed: Packed[Removed] = field(default_factory=Packed)
    """What was stripped as not reporting."""
    warnings: tuple[Diagnostic, ...] = ()
    """Problems met while loading this file."""
    title_from_body: bool = False
    """True where the file had no headline and the title was taken from its lead sentence."""

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body's paragraphs, without subheadings."""
        return self.body.paragraphs


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What the load stage returns: every usable record and every diagnostic."""

    records: tuple[Record, ...]
    """One per usable source file, in path order."""
    diagnostics: tuple[Diagnostic, ...]
    """Warnings and errors, in path order."""
    files_seen: int
    """Source files found, usable or not."""


@dataclass(frozen=True, slots=True)
class Story:
    """One article: a canonical record and the copies of it that were merged."""

    id: str
    """The canonical record's id."""
    record: Record
    """The most complete, cleanest copy."""
    copies: tuple[Record, ...] = ()
    """Other files carrying the same article (second scrapes, syndicated copies)."""

    @property
    def outlets(self) -> tuple[str, ...]:
        """Every outlet that carried this article, canonical first, without repeats."""
        seen: list[str] = []
        for record in (self.record, *self.copies):
            if record.outlet and record.outlet not in seen:
                seen.append(record.outlet)
        return tuple(seen)


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Event:
    """A news happening: the stories that report it."""

    id: str
    """Stable id, derived from the event's earliest story."""
    slug: str
    """File-name-safe name for the event's page; stable like the id."""
    stories: tuple[Story, ...]
    """Its stories, earliest first."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a line of a brief comes from: a story and a paragraph in it."""

    story_id: str
    """The story's id."""
    paragraph: int
    """0-based index into the story record's `paragraphs`."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A sentence of the event summary, copied from the sources, with its provenance."""

    text: str
    """The sentence as one source wrote it."""
    sources: tuple[SourceRef, ...]
    """Every story paragraph that says it."""
    outlets: tuple[str, ...]
    """Outlets that report it (for "reported by N of M outlets")."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation, merged across the sources that carry it."""

    text: str
    """The quoted words, as the fullest source gives them."""
    speaker: str | None
    """Who said it, where the text attributes it."""
    sources: tuple[SourceRef, ...]
    """Where it appears."""
    outlets: tuple[str, ...]
    """Outlets that carry it."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A dated happening mentioned by a story."""

    date: str
    """ISO 8601 date."""
    text: str
    """The sentence that mentions it."""
    source: SourceRef
    """Where it is said."""
    outlet: str | None
    """The outlet that says it."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Coverage:
    """How one outlet covered the event."""

    outlet: str
    """The outlet (or the file name where the outlet is unknown)."""
    story_id: str
    """Its story."""
    headline: str
    """Its headline."""
    published: str | None
    """Its date."""
    only_here: tuple[str, ...]
    """Sentences with facts no other outlet reports."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Claim:
    """One value given for a disputed fact, with the outlets that give it."""

    value: str
    """The value as normalised for comparison (e.g. an ISO date or a number)."""
    text: str
    """A sentence stating it."""
    outlets: tuple[str, ...]
    """Outlets that give this value."""
    sources: tuple[SourceRef, ...]
    """Where it is said."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Disagreement:
    """A fact on which sources give different values."""

    topic: str
    """What the fact is about (e.g. `date of the meeting`)."""
    claims: tuple[Claim, ...]
    """The competing values, most supported first."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place the event is about."""

    name: str
    """The most frequent spelling."""
    kind: str
    """`person`, `organisation`, `place` or `other`."""
    variants: tuple[str, ...]
    """Other spellings merged into this one."""
    mentions: int
    """How often the event's stories name it."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Reaction:
    """A reader comment shown under the brief, labelled as such."""

    text: str
    """The comment."""
    score: int | None
    """Its vote score."""
    story_id: str
    """The story it was posted under."""
    outlet: str | None
    """The outlet that hosted it."""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Brief:
    """What the brief stage says about one event."""

    event: Event
    """The event briefed."""
    headline: str
    """The most representative real headline."""
    summary: tuple[SummarySentence, ...]
    """3 to 5 source sentences."""
    quotes: tuple[Quote, ...] = ()
    """Direct quotations with speakers."""
    timeline: tuple[TimelineEntry, ...] = ()
    """Dated happenings, in order."""
    coverage: tuple[Coverage, ...] = ()
    """Each outlet's take."""
    disagreements: tuple[Disagreement, ...] = ()
    """Facts the sources disagree on."""
    entities: tuple[Entity, ...] = ()
    """Who and what the event is about."""
    reactions: tuple[Reaction, ...] = ()
    """Reader comments from the stories' pages."""
    outlets: tuple[str, ...] = field(default=())
    """Every outlet reporting the event."""
    first_published: str | None = None
    """The earliest story date."""
    last_published: str | None = None
    """The latest story date."""


@dataclass(frozen=True, slots=True)
class AnalysisSummary:
    """What a build reports about its analysis: counts and diagnostics, without the records."""

    files_seen: int
    """Source files found, usable or not."""
    stories: int
    """Articles after copies were merged."""
    copies_merged: int
    """Files merged into another's story."""
    events: int
    """Events briefed."""
    diagnostics: tuple[Diagnostic, ...]
    """Every warning and error met."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the pipeline understood, before anything is rendered."""

    loaded: LoadResult
    """Records and load diagnostics."""
    stories: tuple[Story, ...]
    """Articles after copies were merged."""
    events: tuple[Event, ...]
    """Stories grouped by happening, newest first."""
    briefs: tuple[Brief, ...]
    """One brief per event, in the same order."""

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every warning and error met."""
        return self.loaded.diagnostics

    @property
    def copies_merged(self) -> int:
        """How many files were merged into another's story."""
        return sum(len(story.copies) for story in self.stories)

    @property
    def summary(self) -> AnalysisSummary:
        """The counts and diagnostics a build reports."""
        return AnalysisSummary(
            self.loaded.files_seen,
            len(self.stories),
            self.copies_merged,
            len(self.events),
            self.diagnostics,
        )
