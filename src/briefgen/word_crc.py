"""Word hashes for the dedupe stage on big sites: zlib's CRC-32 of every word, with numpy.

The same numbers as `zlib.crc32` of each word (what `dedupe.WordHashes` gives), so shingles
made from them are the plain-Python stage's. zlib's table-driven CRC takes a byte a step; here
a step takes four (slicing-by-4, with two 16-bit tables), for all the words of many texts at
once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from briefgen.copy_arrays import Hashes


def ascii_word_hashes(texts: Sequence[bytes]) -> list[Hashes]:
    """Each text's word hashes, `zlib.crc32` of each word (texts of `normalize.ascii_words`:
    words apart by spaces), every word of all the texts hashed at once."""
    import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

    if not texts:
        return []
    # Spaces around the texts: the four bytes before and after any word are in the data.
    data = np.frombuffer(_PADDING + b" ".join(texts) + _PADDING, np.uint8)
    is_word = data != _SPACE
    bounds = np.flatnonzero(is_word[1:] != is_word[:-1])
    bounds += 1
    starts, ends = bounds[0::2], bounds[1::2]
    hashes = _word_crcs(data, starts, ends - starts)
    text_ends = len(_PADDING) + np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)) + 1)
    return np.split(hashes, np.searchsorted(ends, text_ends[:-1]))


_SPACE = ord(" ")
_ALL_ONES_32 = 2**32 - 1
_CRC_POLYNOMIAL = 0xEDB88320  # zlib's CRC-32, bits reflected
_STEP_SHIFT = 2  # shifts, not divisions: quicker
_STEP_BYTES = 1 << _STEP_SHIFT
_PADDING = b" " * _STEP_BYTES
_LOW_16 = 2**16 - 1


def _word_crcs(data: npt.NDArray[np.uint8], starts: Hashes, lengths: Hashes) -> Hashes:
    """zlib's CRC-32 of each word, four bytes a step (slicing-by-4) for all words together.

    A word of 4k - n bytes takes k steps, as if it began with n zero bytes (from a register
    that those take to zlib's first one): every word takes the first step, in the order of
    the data; those taking more are sorted by how many. Registers and indexes are int64:
    numpy gathers by them quickest."""
    tables = _CrcTables.make()
    windows = _Windows(data)
    zeros = -lengths & (_STEP_BYTES - 1)
    places = windows.places(starts - zeros)
    mixed = windows.words[places] & tables.kept[zeros]
    mixed ^= tables.start[zeros]
    crc: Hashes = tables.low[mixed & _LOW_16]
    mixed >>= 16
    crc ^= tables.high[mixed]
    more, going = _by_steps((lengths + zeros) >> _STEP_SHIFT)
    crc[more] = _later_steps(tables, windows.words, crc[more], places[more] + 1, going)
    crc ^= _ALL_ONES_32
    return crc


class _Windows:
    """The four bytes at every place of some data, little-endian, as aligned words: those at
    place p are at (p % 4) * size + p // 4, so the four bytes after them are at the next index."""

    def __init__(self, data: npt.NDArray[np.uint8]) -> None:
        import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

        self._size = (len(data) - _STEP_BYTES + 1) // _STEP_BYTES
        offsets = range(_STEP_BYTES)
        self.words = np.concatenate(
            [np.frombuffer(data, "<u4", self._size, offset) for offset in offsets]
        ).astype(np.uint32, copy=False)

    def places(self, starts: Hashes) -> Hashes:
        """The index of the four bytes at each place."""
        return (starts & (_STEP_BYTES - 1)) * self._size + (starts >> _STEP_SHIFT)


def _by_steps(steps: Hashes) -> tuple[Hashes, list[int]]:
    """The words taking more than one step, by how many, most first (the order of equals is
    free), and how many of them take more than each number of steps from one on."""
    import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

    more = np.flatnonzero(steps > 1)
    steps = steps[more]
    most = int(steps.max(initial=1))
    # 8-bit keys (words up to 1020 bytes) get numpy's radix sort: one pass.
    keys = ~steps.astype(np.uint8) if most <= _LOW_8 else -steps
    order = np.argsort(keys, kind="stable")
    going = np.searchsorted(-steps[order], -np.arange(1, most), "left")
    return more[order], going.tolist()


_LOW_8 = 2**8 - 1


def _later_steps(
    tables: _CrcTables,
    words: npt.NDArray[np.uint32],
    crc: Hashes,
    places: Hashes,
    going: list[int],
) -> Hashes:
    """The CRC registers after the words' steps from the second on (`places`: the `_Windows`
    index of each word's second step; `going[k]`: how many words, the first ones, take step
    k + 2)."""
    import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

    mixed, half = np.empty_like(crc), np.empty_like(crc)
    for count in going:  # zlib's step: XOR four bytes in, then look the register up
        register, mine = crc[:count], mixed[:count]
        np.bitwise_xor(register, words[places[:count]], out=mine)
        np.bitwise_and(mine, _LOW_16, out=half[:count])
        np.take(tables.low, half[:count], out=register)
        mine >>= 16
        register ^= tables.high[mine]
        places[:count] += 1
    return crc


class _CrcTables(NamedTuple):
    """zlib's CRC-32 step of four bytes as two lookups: `low` and `high` by the low and high 16
    bits of the CRC register XOR the bytes; `start[n]` the register that n zero bytes take to
    zlib's first one, and `kept[n]` the mask that makes a step's first n bytes zeros."""

    low: Hashes
    high: Hashes
    start: Hashes
    kept: Hashes

    @classmethod
    def make(cls) -> _CrcTables:
        import numpy as np  # noqa: PLC0415 (imported already: a dictionary lookup)

        byte = np.arange(256, dtype=np.uint32)
        for _ in range(8):
            byte = np.where(byte & 1, (byte >> 1) ^ np.uint32(_CRC_POLYNOMIAL), byte >> 1)
        byte = byte.astype(np.uint32)  # zlib's table: the step of one byte
        # shifted[k]: the step of a byte followed by k zero bytes (the slicing-by-4 tables).
        shifted = [byte]
        for _ in range(_STEP_BYTES - 1):
            shifted.append((shifted[-1] >> 8) ^ byte[shifted[-1] & 0xFF])
        # Indexes: the second byte times 256 plus the first.
        low = (shifted[2][:, None] ^ shifted[3][None, :]).ravel().astype(np.int64)
        high = (shifted[0][:, None] ^ shifted[1][None, :]).ravel().astype(np.int64)
        start = [_ALL_ONES_32]
        for _ in range(_STEP_BYTES - 1):
            start.append(_before_zero_byte(start[-1], byte.tolist()))
        kept = [(_ALL_ONES_32 << 8 * zeros) & _ALL_ONES_32 for zeros in range(_STEP_BYTES)]
        return cls(low, high, np.array(start, np.int64), np.array(kept, np.int64))


def _before_zero_byte(register: int, byte_table: list[int]) -> int:
    """The CRC register that a zero byte's step takes to `register` (the step is invertible:
    the table's values differ in their top bytes)."""
    low = next(value for value, step in enumerate(byte_table) if step >> 24 == register >> 24)
    return ((register ^ byte_table[low]) << 8 | low) & _ALL_ONES_32
