"""The dedupe stage: files that carry the same article become one story.

Bodies are compared as sets of hashed 5-word shingles. A word is hashed once per run (crc32 of
its folded form) and a shingle is the hash of its five word hashes, so copies give the same
shingles in any run and any input order. Candidate pairs come from an inverted index over a
deterministic sample of shingles (those whose hash falls in one residue class), so the cost grows
with the number of copies, not the square of the number of files; only candidate pairs have their
full shingle sets compared, each set built when first needed and dropped after its last pair.
Big sites do the same with numpy, in worker processes (see `copy_reading`).
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from itertools import chain, compress
from operator import not_
from typing import TypeVar

from briefgen.memo import Memos
from briefgen.memory import release_freed_memory
from briefgen.neighbours import ARRAY_MIN_STORIES
from briefgen.normalize import words
from briefgen.parallel import ordered_map
from briefgen.records import Record, Story

SHINGLE_WORDS = 5
SAMPLE_MODULUS = 8
MAX_POSTINGS = 50
_PARALLEL_COPIES = 4000
"""Copies (members of stories of several) from which their completeness is read in workers."""
_CHUNK = 500
"""Copies a worker ranks at a time."""
T = TypeVar("T")
# Metadata a copy may supply where the canonical record lacks it.
_INHERITED = ("outlet", "published", "url", "dateline", "section", "lang")


class WordHashes(dict[str, int]):
    """Stable hashes of folded words, each word hashed once however often it occurs."""

    def __missing__(self, word: str) -> int:
        value = self[word] = zlib.crc32(word.encode())
        return value


def shingles(record: Record, hashes: WordHashes) -> frozenset[int]:
    """Hashed word 5-grams of the record's paragraphs (folded: quotes, accents, case)."""
    ids = list(map(hashes.__getitem__, words(record.body.text)))
    if len(ids) < SHINGLE_WORDS:
        return frozenset({hash(tuple(ids))}) if ids else frozenset()
    # A tuple of ints hashes the same in every run (only str hashing is salted).
    return frozenset(
        map(hash, zip(*(ids[offset:] for offset in range(SHINGLE_WORDS)), strict=False))
    )


def containment(left: frozenset[int], right: frozenset[int]) -> float:
    """Share of the smaller set's shingles found in the larger one."""
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def dedupe(
    records: tuple[Record, ...], threshold: float, memos: Memos | None = None
) -> tuple[Story, ...]:
    """Group copies into stories; each story's canonical record is its most complete copy.

    `memos`: the last build's shingle samples and containments, to reuse (the same stories)."""
    parent = list(range(len(records)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for left, right in _copy_pairs(records, threshold, memos):
        root_left, root_right = find(left), find(right)
        if root_left != root_right:
            parent[max(root_left, root_right)] = min(root_left, root_right)
    if len(records) >= ARRAY_MIN_STORIES:
        release_freed_memory()  # what the shingle sets freed, before the next stage's memory
    groups: dict[int, list[Record]] = defaultdict(list)
    for index, record in enumerate(records):
        groups[find(index)].append(record)
    copies = [record for members in groups.values() if len(members) > 1 for record in members]
    # The copies' completeness reads their bodies: in workers where many.
    found = ordered_map(_completeness, copies, min_items=_PARALLEL_COPIES, chunk_size=_CHUNK)
    completeness = dict(zip((record.path for record in copies), found, strict=True))
    stories = [_story(members, completeness) for members in groups.values()]
    return tuple(sorted(stories, key=lambda story: story.record.path))


def _copy_pairs(
    records: tuple[Record, ...], threshold: float, memos: Memos | None
) -> Iterator[tuple[int, int]]:
    """Pairs of records whose shingle containment reaches the threshold."""
    if len(records) >= ARRAY_MIN_STORIES:
        from briefgen import copy_arrays, copy_reading  # noqa: PLC0415 (numpy: big sites only)

        if copy_arrays.tuple_hash_matches():
            yield from copy_reading.array_copy_pairs(records, threshold, memos)
            return
    hashes = WordHashes()
    samples = [_sample(shingles(record, hashes)) for record in records]
    pairs = _candidate_pairs(samples, threshold)
    needed = (shingles(records[index], hashes) for index in first_needed(pairs))
    for pair, (left_set, right_set) in zip(pairs, held_sets(pairs, needed), strict=True):
        if containment(left_set, right_set) >= threshold:
            yield pair


def first_needed(pairs: list[tuple[int, int]]) -> list[int]:
    """The records of the pairs, each once, in the order the pairs first need them."""
    return list(dict.fromkeys(chain.from_iterable(pairs)))


def held_sets(pairs: list[tuple[int, int]], sets: Iterator[T]) -> Iterator[tuple[T, T]]:
    """The full shingle sets of each pair, in order, out of `sets` (given in first-needed order);
    a set is kept only until its last pair."""
    pending = Counter(index for pair in pairs for index in pair)
    built: dict[int, T] = {}
    for pair in pairs:
        found = []
        for index in pair:
            if index not in built:
                built[index] = next(sets)
            found.append(built[index])
            pending[index] -= 1
            if not pending[index]:
                del built[index]
        yield found[0], found[1]


def _candidate_pairs(samples: list[list[int]], threshold: float) -> list[tuple[int, int]]:
    """Pairs whose sampled shingles overlap enough that they may be copies (checked in full later).

    A copy keeps most shingles of the smaller text, so it keeps most of its sample too; pairs
    sharing under half the expected share are not worth the full comparison. A shingle found in
    very many files is boilerplate (or a much-quoted line), not a sign of copying: it is left out
    of both the count and the share.
    """
    index: dict[int, list[int]] = defaultdict(list)
    for position, sample in enumerate(samples):
        for shingle in sample:
            index[shingle].append(position)
    rare = MAX_POSTINGS.__ge__
    usable = [sum(map(rare, map(len, map(index.__getitem__, sample)))) for sample in samples]
    pairs: list[tuple[int, int]] = []
    for left, sample in enumerate(samples):
        shared: Counter[int] = Counter()
        for shingle in sample:
            postings = index[shingle]
            if 1 < len(postings) <= MAX_POSTINGS:
                shared.update(postings)
        pairs.extend(
            (left, right)
            for right, count in shared.items()
            if right > left and count >= threshold / 2 * min(usable[left], usable[right])
        )
    return sorted(pairs)


def _sample(shingle_set: frozenset[int]) -> list[int]:
    """A content-defined sample (about one shingle in eight): copies sample the same shingles."""
    residues = map(SAMPLE_MODULUS.__rmod__, shingle_set)  # h % modulus, without a Python loop
    return list(compress(shingle_set, map(not_, residues))) or sorted(shingle_set)[:1]


Completeness = tuple[int, int, int, str]


def _completeness(record: Record) -> Completeness:
    """Larger is better: more body words, more metadata, less furniture; path breaks ties."""
    body_words = len(record.body.text.split())
    metadata = sum(1 for name in _INHERITED if getattr(record, name)) + (not record.title_from_body)
    return (body_words, metadata, -len(record.removed), _reverse(record.path))


def _reverse(path: str) -> str:
    # Ties go to the earlier path: negate the string order by mapping each character.
    return "".join(chr(0x10FFFF - ord(ch)) for ch in path)


def _story(members: list[Record], completeness: dict[str, Completeness]) -> Story:
    """The story of a group of copies (`completeness`: each copy's, by its path)."""
    if len(members) == 1:
        return Story(id=members[0].id, record=members[0])
    ranked = sorted(members, key=lambda record: completeness[record.path], reverse=True)
    completed = [_complete(record, ranked) for record in ranked]
    canonical, copies = completed[0], completed[1:]
    return Story(
        id=canonical.id, record=canonical, copies=tuple(sorted(copies, key=lambda r: r.path))
    )


def _complete(record: Record, ranked: list[Record]) -> Record:
    """Fill metadata the record lacks from the other copies of the same article."""
    changes = {}
    for name in _INHERITED:
        if getattr(record, name) is None:
            value = next((getattr(other, name) for other in ranked if getattr(other, name)), None)
            if value is not None:
                changes[name] = value
    if record.title_from_body:
        headline = next((other for other in ranked if not other.title_from_body), None)
        if headline is not None:
            changes.update(title=headline.title, title_from_body=False)
    return replace(record, **changes) if changes else record
