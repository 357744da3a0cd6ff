"""The dedupe stage: files that carry the same article become one story.

Bodies are compared as sets of hashed 5-word shingles. A word is hashed once per run (crc32 of
its folded form) and a shingle is the hash of its five word hashes, so copies give the same
shingles in any run and any input order. Candidate pairs come from an inverted index over a
deterministic sample of shingles (those whose hash falls in one residue class), so the cost grows
with the number of copies, not the square of the number of files; only candidate pairs have their
full shingle sets compared, each set built when first needed and dropped after its last pair.
On big sites a memo (see `memo`) keeps each body's sampled shingles and each compared pair's
containment, by digests of the bodies, so a rebuild reads only new or changed bodies.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from itertools import chain, compress
from operator import not_
from typing import TYPE_CHECKING, TypeVar, cast

from briefgen.memo import Memo, Memos
from briefgen.memory import release_freed_memory
from briefgen.neighbours import ARRAY_MIN_STORIES
from briefgen.normalize import ascii_words, words
from briefgen.parallel import ordered_map
from briefgen.records import Record, Story

if TYPE_CHECKING:
    from briefgen.copy_arrays import Hashes

SHINGLE_WORDS = 5
_SAMPLE_MODULUS = 8
_MAX_POSTINGS = 50
_BATCH = 500
"""Records whose shingles numpy hashes at once."""
# Metadata a copy may supply where the canonical record lacks it.
T = TypeVar("T")
_INHERITED = ("outlet", "published", "url", "dateline", "section", "lang")


class WordHashes(dict[str, int]):
    """Stable hashes of folded words, each word hashed once however often it occurs."""

    def __missing__(self, word: str) -> int:
        value = self[word] = zlib.crc32(word.encode())
        return value


def shingles(record: Record, hashes: WordHashes) -> frozenset[int]:
    """Hashed word 5-grams of the record's paragraphs (folded: quotes, accents, case)."""
    ids = list(map(hashes.__getitem__, words(" ".join(record.paragraphs))))
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
    stories = [_story(members) for members in groups.values()]
    return tuple(sorted(stories, key=lambda story: story.record.path))


def _copy_pairs(
    records: tuple[Record, ...], threshold: float, memos: Memos | None
) -> Iterator[tuple[int, int]]:
    """Pairs of records whose shingle containment reaches the threshold."""
    if len(records) >= ARRAY_MIN_STORIES:
        from briefgen import copy_arrays  # noqa: PLC0415 (numpy: big sites only)

        if copy_arrays.tuple_hash_matches():
            yield from _array_copy_pairs(records, threshold, memos or Memos())
            return
    hashes = WordHashes()
    samples = [_sample(shingles(record, hashes)) for record in records]
    pairs = _candidate_pairs(samples, threshold)
    needed = (shingles(records[index], hashes) for index in _first_needed(pairs))
    for pair, (left_set, right_set) in zip(pairs, _full_sets(pairs, needed), strict=True):
        if containment(left_set, right_set) >= threshold:
            yield pair


def _array_copy_pairs(
    records: tuple[Record, ...], threshold: float, memos: Memos
) -> Iterator[tuple[int, int]]:
    """`_copy_pairs` with numpy: the same shingles, candidates and copies, many times faster.

    Records are read a batch at a time in worker processes (see `parallel`): first for their
    samples, then again, for those in candidate pairs only, for their full shingle sets. What
    the memos hold (by body digest) is not read again.
    """

    from briefgen import copy_arrays  # noqa: PLC0415

    reader = ShingleReader(records)
    keys = [record.body.digest for record in records]
    samples = _memo_samples(reader, keys, memos.table("copy-samples"))
    pairs = copy_arrays.candidate_pairs(samples, threshold, _MAX_POSTINGS)
    shares = _memo_containments(reader, pairs, keys, memos.table("copy-containment"))
    yield from (pair for pair, share in zip(pairs, shares, strict=True) if share >= threshold)


def _memo_samples(reader: ShingleReader, keys: list[str], memo: Memo[bytes]) -> list[Hashes]:
    """Each record's sampled shingles: from the memo, else read (in workers where many)."""
    import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

    found = [memo.get(key) for key in keys]
    missing = [index for index, value in enumerate(found) if value is None]
    batches = _batches(missing)
    read = _unpacked(ordered_map(reader.samples, batches, min_items=2, chunk_size=1))
    samples = [np.frombuffer(value, np.int64) if value is not None else None for value in found]
    for index, sample in zip(missing, read, strict=True):
        samples[index] = sample
        memo.put(keys[index], sample.tobytes())
    return cast("list[Hashes]", samples)


def _memo_containments(
    reader: ShingleReader, pairs: list[tuple[int, int]], keys: list[str], memo: Memo[float]
) -> list[float]:
    """The shingle containment of each candidate pair: from the memo, else from the records'
    full shingle sets (read in workers where many, each record once)."""
    from briefgen import copy_arrays  # noqa: PLC0415 (imported already: a dictionary lookup)

    pair_keys = [keys[left] + keys[right] for left, right in pairs]
    shares = [memo.get(key) for key in pair_keys]
    todo = [pairs[index] for index, share in enumerate(shares) if share is None]
    needed = _batches(_first_needed(todo))
    sets = _unpacked(ordered_map(reader.full_sets, needed, min_items=2, chunk_size=1))
    computed = (
        copy_arrays.shared_count(left, right) / min(len(left), len(right))
        if len(left) and len(right)
        else 0.0
        for left, right in _full_sets(todo, sets)
    )
    for index, share in enumerate(shares):
        if share is None:
            made = shares[index] = next(computed)
            memo.put(pair_keys[index], made)
    return cast("list[float]", shares)


Packed = tuple["Hashes", "Hashes"]
"""Some records' shingle arrays end to end, and the length of each: quick to send back."""


class ShingleReader:
    """The shingle arrays of batches of records (a pure function of the batch: run in workers)."""

    def __init__(self, records: tuple[Record, ...]) -> None:
        self._records = records
        self._hashes = WordHashes()

    def samples(self, batch: list[int]) -> Packed:
        """The sampled shingles of each record of the batch."""
        from briefgen import copy_arrays  # noqa: PLC0415 (imported already: a dictionary lookup)

        return self._read(batch, partial(copy_arrays.batch_samples, modulus=_SAMPLE_MODULUS))

    def full_sets(self, batch: list[int]) -> Packed:
        """The sorted distinct shingles of each record of the batch."""
        from briefgen import copy_arrays  # noqa: PLC0415 (imported already: a dictionary lookup)

        return self._read(batch, copy_arrays.batch_shingles)

    def _read(
        self, batch: list[int], hash_texts: Callable[[list[Hashes], int], list[Hashes]]
    ) -> Packed:
        import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

        texts = self._batch_word_hashes(batch)
        long = [position for position, text in enumerate(texts) if len(text) >= SHINGLE_WORDS]
        found: list[Hashes | None] = [None] * len(batch)
        for position, shingle_array in zip(
            long, hash_texts([texts[i] for i in long], SHINGLE_WORDS), strict=True
        ):
            found[position] = shingle_array
        arrays = [
            array if array is not None else self._short(batch[position])
            for position, array in enumerate(found)
        ]
        lengths = np.fromiter(map(len, arrays), np.int64, len(arrays))
        return np.concatenate(arrays) if arrays else np.zeros(0, np.int64), lengths

    def _batch_word_hashes(self, batch: list[int]) -> list[Hashes]:
        """The word hashes of each record of the batch: those whose words fold to ASCII (nearly
        all) hashed all at once, the others word by word."""
        from briefgen import copy_arrays  # noqa: PLC0415 (imported already: a dictionary lookup)

        texts = [ascii_words(" ".join(self._records[index].paragraphs)) for index in batch]
        hashed = iter(copy_arrays.ascii_word_hashes([text for text in texts if text is not None]))
        return [
            self._word_hashes(index) if text is None else next(hashed)
            for index, text in zip(batch, texts, strict=True)
        ]

    def _word_hashes(self, index: int) -> Hashes:
        import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

        text = words(" ".join(self._records[index].paragraphs))
        return np.fromiter(map(self._hashes.__getitem__, text), np.int64, len(text))

    def _short(self, index: int) -> Hashes:
        """The shingle of a record under `SHINGLE_WORDS` words (none for an empty one)."""
        import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

        return np.array(sorted(shingles(self._records[index], self._hashes)), dtype=np.int64)


def _unpacked(packed: Iterator[Packed]) -> Iterator[Hashes]:
    """Each record's own array, in order, out of the batches' packed ones."""
    import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

    for values, lengths in packed:
        yield from np.split(values, np.cumsum(lengths)[:-1])


def _batches(indexes: list[int]) -> list[list[int]]:
    return [indexes[first : first + _BATCH] for first in range(0, len(indexes), _BATCH)]


def _first_needed(pairs: list[tuple[int, int]]) -> list[int]:
    """The records of the pairs, each once, in the order the pairs first need them."""
    return list(dict.fromkeys(chain.from_iterable(pairs)))


def _full_sets(pairs: list[tuple[int, int]], sets: Iterator[T]) -> Iterator[tuple[T, T]]:
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
    rare = _MAX_POSTINGS.__ge__
    usable = [sum(map(rare, map(len, map(index.__getitem__, sample)))) for sample in samples]
    pairs: list[tuple[int, int]] = []
    for left, sample in enumerate(samples):
        shared: Counter[int] = Counter()
        for shingle in sample:
            postings = index[shingle]
            if 1 < len(postings) <= _MAX_POSTINGS:
                shared.update(postings)
        pairs.extend(
            (left, right)
            for right, count in shared.items()
            if right > left and count >= threshold / 2 * min(usable[left], usable[right])
        )
    return sorted(pairs)


def _sample(shingle_set: frozenset[int]) -> list[int]:
    """A content-defined sample (about one shingle in eight): copies sample the same shingles."""
    residues = map(_SAMPLE_MODULUS.__rmod__, shingle_set)  # h % modulus, without a Python loop
    return list(compress(shingle_set, map(not_, residues))) or sorted(shingle_set)[:1]


def _completeness(record: Record) -> tuple[int, int, int, str]:
    """Larger is better: more body words, more metadata, less furniture; path breaks ties."""
    body_words = sum(len(text.split()) for text in record.paragraphs)
    metadata = sum(1 for name in _INHERITED if getattr(record, name)) + (not record.title_from_body)
    return (body_words, metadata, -len(record.removed), _reverse(record.path))


def _reverse(path: str) -> str:
    # Ties go to the earlier path: negate the string order by mapping each character.
    return "".join(chr(0x10FFFF - ord(ch)) for ch in path)


def _story(members: list[Record]) -> Story:
    if len(members) == 1:
        return Story(id=members[0].id, record=members[0])
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
