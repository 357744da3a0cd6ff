"""The dedupe stage: files that carry the same article become one story.

Bodies are compared as sets of hashed 5-word shingles. Candidate pairs come from an inverted
index over a deterministic sample of shingles (those whose hash falls in one residue class), so
the cost grows with the number of copies, not the square of the number of files.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from dataclasses import replace

from briefgen.normalize import words
from briefgen.records import Record, Story

SHINGLE_WORDS = 5
_SAMPLE_MODULUS = 8
_MAX_POSTINGS = 50
# Metadata a copy may supply where the canonical record lacks it.
_INHERITED = ("outlet", "published", "url", "dateline", "section", "lang")


def shingles(record: Record) -> frozenset[int]:
    """Hashed word 5-grams of the record's paragraphs (folded: quotes, accents, case)."""
    tokens = [token for text in record.paragraphs for token in words(text)]
    if len(tokens) < SHINGLE_WORDS:
        return frozenset({zlib.crc32(" ".join(tokens).encode())}) if tokens else frozenset()
    return frozenset(
        zlib.crc32(" ".join(tokens[i : i + SHINGLE_WORDS]).encode())
        for i in range(len(tokens) - SHINGLE_WORDS + 1)
    )


def containment(left: frozenset[int], right: frozenset[int]) -> float:
    """Share of the smaller set's shingles found in the larger one."""
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def dedupe(records: tuple[Record, ...], threshold: float) -> tuple[Story, ...]:
    """Group copies into stories; each story's canonical record is its most complete copy."""
    sets = [shingles(record) for record in records]
    parent = list(range(len(records)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for left, right in _candidate_pairs(sets, threshold):
        if containment(sets[left], sets[right]) >= threshold:
            root_left, root_right = find(left), find(right)
            if root_left != root_right:
                parent[max(root_left, root_right)] = min(root_left, root_right)
    groups: dict[int, list[Record]] = defaultdict(list)
    for index, record in enumerate(records):
        groups[find(index)].append(record)
    stories = [_story(members) for members in groups.values()]
    return tuple(sorted(stories, key=lambda story: story.record.path))


def _candidate_pairs(sets: list[frozenset[int]], threshold: float) -> list[tuple[int, int]]:
    """Pairs whose sampled shingles overlap enough that they may be copies (checked in full later).

    A copy keeps most shingles of the smaller text, so it keeps most of its sample too; pairs
    sharing under half the expected share are not worth the full comparison. A shingle found in
    very many files is boilerplate (or a much-quoted line), not a sign of copying: it is left out
    of both the count and the share.
    """
    index: dict[int, list[int]] = defaultdict(list)
    for position, shingle_set in enumerate(sets):
        for shingle in _sample(shingle_set):
            index[shingle].append(position)
    usable = [0] * len(sets)
    shared: Counter[tuple[int, int]] = Counter()
    for postings in index.values():
        if len(postings) > _MAX_POSTINGS:
            continue
        for i, left in enumerate(postings):
            usable[left] += 1
            shared.update((left, right) for right in postings[i + 1 :])
    return sorted(
        pair
        for pair, count in shared.items()
        if count >= threshold / 2 * min(usable[pair[0]], usable[pair[1]])
    )


def _sample(shingle_set: frozenset[int]) -> list[int]:
    """A content-defined sample (about one shingle in eight): copies sample the same shingles."""
    return [h for h in shingle_set if h % _SAMPLE_MODULUS == 0] or sorted(shingle_set)[:1]


def _completeness(record: Record) -> tuple[int, int, int, str]:
    """Larger is better: more body words, more metadata, less furniture; path breaks ties."""
    body_words = sum(len(text.split()) for text in record.paragraphs)
    metadata = sum(1 for name in _INHERITED if getattr(record, name)) + (not record.title_from_body)
    return (body_words, metadata, -len(record.removed), _reverse(record.path))


def _reverse(path: str) -> str:
    # Ties go to the earlier path: negate the string order by mapping each character.
    return "".join(chr(0x10FFFF - ord(ch)) for ch in path)


def _story(members: list[Record]) -> Story:
    ranked = sorted(members, key=_completeness, reverse=True)
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
