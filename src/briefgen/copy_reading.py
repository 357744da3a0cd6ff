"""Reading records' shingles for `dedupe` on big sites: in worker processes, with numpy.

Records are read a batch at a time (see `parallel`): first for their sampled shingles, kept as
the workers' packed arrays (a few hundred records each) until the candidate pairs are made, and
their word hashes, kept until the containments are known; then the candidate pairs are compared
in workers too, a chunk of pairs at a time, from the full shingle sets of the chunk's records,
made from those word hashes (not from the text again: that saves more than half the work). The
pairs are taken in an order that keeps a record's pairs near, so a chunk needs few records (a
record in two chunks has its set made in both). On a rebuild the memos (by body digest) give each
unchanged body's sample and each unchanged pair's containment without reading them.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING, cast

import numpy as np

from briefgen import copy_arrays, word_crc
from briefgen.dedupe import (
    MAX_POSTINGS,
    SAMPLE_MODULUS,
    SHINGLE_WORDS,
    WordHashes,
    first_needed,
    shingles,
)
from briefgen.memo import Memo, Memos
from briefgen.normalize import ascii_words, words
from briefgen.parallel import ordered_map
from briefgen.records import Record

if TYPE_CHECKING:
    import numpy.typing as npt

    from briefgen.copy_arrays import Hashes

_BATCH = 500
"""Records whose shingles numpy hashes at once."""

Packed = tuple["Hashes", "Hashes"]
"""Some records' shingle arrays end to end, and the length of each: quick to send back."""


def array_copy_pairs(
    records: tuple[Record, ...], threshold: float, memos: Memos | None
) -> Iterator[tuple[int, int]]:
    """`dedupe`'s pairs of copies: the same shingles, candidates and copies as its plain-Python
    steps, many times faster. `memos`: the last build's samples and containments (none: keep
    nothing)."""

    reader = ShingleReader(records)
    keys = None if memos is None else [record.body.digest for record in records]
    sample_memo = None if memos is None else memos.table("copy-samples")
    samples = _read_samples(reader, keys, sample_memo)
    pairs = copy_arrays.candidate_pairs(samples, threshold, MAX_POSTINGS)
    del samples  # not needed for the containments: give the memory to them
    share_memo = None if memos is None else memos.table("copy-containment")
    shares = _memo_containments(reader, pairs, keys, share_memo)
    yield from (pair for pair, share in zip(pairs, shares, strict=True) if share >= threshold)


def _read_samples(
    reader: ShingleReader, keys: list[str] | None, memo: Memo[bytes] | None
) -> list[Packed]:
    """The records' sampled shingles, in chunks of records in order: from the memo, else read
    (in workers where many)."""
    everything = list(range(len(reader)))
    if keys is None or memo is None:
        return list(_sampled(reader, _batches(everything)))
    found = [memo.get(key) for key in keys]
    missing = [index for index, value in enumerate(found) if value is None]
    read = _unpacked(_sampled(reader, _batches(missing)))
    chunks: list[Packed] = []
    for batch in _batches(everything):
        arrays = []
        for index in batch:
            value = found[index]
            if value is None:
                sample = next(read)
                memo.put(keys[index], sample.tobytes())
                arrays.append(sample)
            else:
                arrays.append(np.frombuffer(value, np.int64))
        chunks.append((np.concatenate(arrays), np.fromiter(map(len, arrays), np.int64)))
    return chunks


def _sampled(reader: ShingleReader, batches: list[list[int]]) -> Iterator[Packed]:
    """Each batch's sampled shingles, read in workers where many; the reader keeps the batches'
    word hashes."""
    for batch, (sampled, word_hashes) in zip(
        batches, ordered_map(reader.samples, batches, min_items=2, chunk_size=1), strict=True
    ):
        reader.keep_words(batch, word_hashes)
        yield sampled


def _memo_containments(
    reader: ShingleReader,
    pairs: list[tuple[int, int]],
    keys: list[str] | None,
    memo: Memo[float] | None,
) -> list[float]:
    """The shingle containment of each candidate pair: from the memo, else computed (see
    `_containments`)."""
    if keys is None or memo is None:
        return _containments(reader, pairs)
    pair_keys = [keys[left] + keys[right] for left, right in pairs]
    shares = [memo.get(key) for key in pair_keys]
    todo = [index for index, share in enumerate(shares) if share is None]
    for index, share in zip(todo, _containments(reader, [pairs[i] for i in todo]), strict=True):
        shares[index] = share
        memo.put(pair_keys[index], share)
    return cast("list[float]", shares)


def _containments(reader: ShingleReader, pairs: list[tuple[int, int]]) -> list[float]:
    """The containment of each pair, from the records' full shingle sets, in workers where
    many: the pairs taken in an order that keeps a record's pairs near, cut into chunks of
    about `_BATCH` records (a record in two chunks is read in both)."""
    order = _holding_few_order(pairs)
    chunks = _pair_chunks([pairs[index] for index in order])
    found = ordered_map(reader.containments, chunks, min_items=2, chunk_size=1)
    shares = [0.0] * len(pairs)
    for index, share in zip(order, chain.from_iterable(found), strict=True):
        shares[index] = share
    return shares


def _pair_chunks(pairs: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The pairs in runs of consecutive ones with about `_BATCH` records each."""
    chunks: list[list[tuple[int, int]]] = [[]]
    records: set[int] = set()
    for pair in pairs:
        if len(records) >= _BATCH:
            chunks.append([])
            records.clear()
        chunks[-1].append(pair)
        records.update(pair)
    return chunks if pairs else []


def _containment(left: Hashes, right: Hashes) -> float:
    """`dedupe.containment` of two records' full shingle sets."""
    if not len(left) or not len(right):
        return 0.0
    return copy_arrays.shared_count(left, right) / min(len(left), len(right))


def _holding_few_order(pairs: list[tuple[int, int]]) -> list[int]:
    """The pairs' numbers in the order of their later record, the records visited breadth first
    through the graph the pairs make: a record's first and last pairs are near, so a chunk of
    consecutive pairs needs few records' sets (in the order of the pairs themselves, one
    record's first and last pairs may be thousands of records apart)."""
    neighbours: dict[int, list[int]] = defaultdict(list)
    for left, right in pairs:
        neighbours[left].append(right)
        neighbours[right].append(left)
    place: dict[int, int] = {}
    for start in neighbours:
        if start in place:
            continue
        place[start] = len(place)
        queue = deque([start])
        while queue:
            for other in neighbours[queue.popleft()]:
                if other not in place:
                    place[other] = len(place)
                    queue.append(other)
    ends = [sorted((place[left], place[right])) for left, right in pairs]
    return sorted(range(len(pairs)), key=lambda index: ends[index][::-1])


class ShingleReader:
    """The shingle arrays of batches of records (a pure function of the batch: run in workers)."""

    def __init__(self, records: tuple[Record, ...]) -> None:
        self._records = records
        self._hashes = WordHashes()
        self._words: dict[int, npt.NDArray[np.uint32]] = {}

    def __len__(self) -> int:
        return len(self._records)

    def samples(self, batch: list[int]) -> tuple[Packed, Packed]:
        """The sampled shingles of each record of the batch, and its word hashes (CRC-32s: 32
        bits each, half the memory of the 64-bit shingles they make)."""
        texts = self._batch_word_hashes(batch)
        sample = partial(copy_arrays.batch_samples, modulus=SAMPLE_MODULUS)
        return self._shingled(batch, texts, sample), _packed(
            [text.astype(np.uint32) for text in texts]
        )

    def keep_words(self, batch: list[int], words: Packed) -> None:
        """Keep a batch's word hashes (from `samples`) for `full_sets`."""
        values, lengths = words
        for index, text in zip(batch, np.split(values, np.cumsum(lengths)[:-1]), strict=True):
            self._words[index] = text.astype(np.uint32, copy=False)

    def containments(self, pairs: list[tuple[int, int]]) -> list[float]:
        """The containment of each pair, from its records' full shingle sets (each made once)."""
        needed = first_needed(pairs)
        values, lengths = self.full_sets(needed)
        sets = dict(zip(needed, np.split(values, np.cumsum(lengths)[:-1]), strict=True))
        return [_containment(sets[left], sets[right]) for left, right in pairs]

    def full_sets(self, batch: list[int]) -> Packed:
        """The sorted distinct shingles of each record of the batch."""
        return self._shingled(batch, self._batch_word_hashes(batch), copy_arrays.batch_shingles)

    def _shingled(
        self,
        batch: list[int],
        texts: list[Hashes],
        hash_texts: Callable[[list[Hashes], int], list[Hashes]],
    ) -> Packed:
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
        return _packed(arrays)

    def _batch_word_hashes(self, batch: list[int]) -> list[Hashes]:
        """The word hashes of each record of the batch: those kept (see `keep_words`), else read
        from the texts."""
        kept = [self._words.get(index) for index in batch]
        unread = [index for index, known in zip(batch, kept, strict=True) if known is None]
        read = iter(self._read_word_hashes(unread))
        return [next(read) if known is None else known.astype(np.int64) for known in kept]

    def _read_word_hashes(self, batch: list[int]) -> list[Hashes]:
        """The word hashes of each record of the batch, from its text: those whose words fold
        to ASCII (nearly all) hashed all at once, the others word by word."""
        texts = [ascii_words(self._records[index].body.text) for index in batch]
        hashed = iter(word_crc.ascii_word_hashes([text for text in texts if text is not None]))
        return [
            self._word_hashes(index) if text is None else next(hashed)
            for index, text in zip(batch, texts, strict=True)
        ]

    def _word_hashes(self, index: int) -> Hashes:
        text = words(self._records[index].body.text)
        return np.fromiter(map(self._hashes.__getitem__, text), np.int64, len(text))

    def _short(self, index: int) -> Hashes:
        """The shingle of a record under `SHINGLE_WORDS` words (none for an empty one)."""
        return np.array(sorted(shingles(self._records[index], self._hashes)), dtype=np.int64)


def _packed(arrays: list[npt.NDArray[np.int64]] | list[npt.NDArray[np.uint32]]) -> Packed:
    """Arrays end to end, with the length of each."""
    lengths = np.fromiter(map(len, arrays), np.int64, len(arrays))
    return np.concatenate(arrays) if arrays else np.zeros(0, np.int64), lengths


def _unpacked(packed: Iterator[Packed]) -> Iterator[Hashes]:
    """Each record's own array (a copy: none keeps its whole batch's array alive), in order, out
    of the batches' packed ones."""
    for values, lengths in packed:
        yield from map(np.copy, np.split(values, np.cumsum(lengths)[:-1]))


def _batches(indexes: list[int]) -> list[list[int]]:
    return [indexes[first : first + _BATCH] for first in range(0, len(indexes), _BATCH)]
