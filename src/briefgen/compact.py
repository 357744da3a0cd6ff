"""Compact immutable sequences for the record fields a big site holds by the hundred thousand.

A site's records stay in memory from loading to rendering, and at 100,000 stories one Python
object per paragraph or per stripped line is most of the memory the whole build needs. These
sequences keep their items in one buffer each and rebuild them when read: the stages read a
record's body a few times in a build and its furniture once, so the small cost of rebuilding
buys hundreds of megabytes.
"""

from __future__ import annotations

import hashlib
import pickle
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from itertools import accumulate, pairwise
from typing import TYPE_CHECKING, Generic, TypeVar, cast, overload

if TYPE_CHECKING:
    from zstandard import ZstdCompressor, ZstdDecompressor

T = TypeVar("T")
_LEVEL = 1
"""Zstandard's fastest level: on news text it packs as tightly as the default one."""


class Texts(Sequence[str]):
    """Strings kept end to end, as compressed UTF-8, with where each ends.

    The 100,000 bodies of the scale benchmark take 186 MB so, against 509 MB as one object
    per paragraph (UTF-8 alone: 362 MB; a `str` holding one curly quote takes two bytes for
    each of its characters). Reading all of them back takes about a second.
    """

    __slots__ = ("_digest", "_ends", "_packed")

    def __init__(self, texts: Iterable[str] = ()) -> None:
        texts = list(texts)
        utf8 = "".join(texts).encode("utf-8", "surrogatepass")
        # A copy: `compress` keeps the whole worst-case buffer behind the shorter result.
        self._packed = bytes(memoryview(_zstd()[0].compress(utf8))) if utf8 else b""
        self._ends = array("I", accumulate(map(len, texts)))
        digest = hashlib.blake2b(utf8, digest_size=16)
        digest.update(",".join(map(str, self._ends)).encode())
        self._digest = digest.digest()

    @property
    def digest(self) -> str:
        """A digest of the strings and their bounds, made when they were packed: stages key
        what they read from a text by it (see `memo`) without reading the text back."""
        return self._digest.hex()

    def strings(self) -> list[str]:
        """Every string, decoded at once."""
        utf8 = _zstd()[1].decompress(self._packed) if self._packed else b""
        whole = utf8.decode("utf-8", "surrogatepass")
        return [whole[start:end] for start, end in pairwise((0, *self._ends))]

    def __len__(self) -> int:
        return len(self._ends)

    def __iter__(self) -> Iterator[str]:
        return iter(self.strings())

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self.strings()[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Texts):
            return NotImplemented
        return self._digest == other._digest

    def __hash__(self) -> int:
        return hash(self._digest)

    def __repr__(self) -> str:
        return f"Texts({self.strings()!r})"

    def __reduce__(self) -> tuple[Callable[..., Texts], tuple[bytes, bytes, bytes]]:
        return _texts, (self._packed, self._ends.tobytes(), self._digest)


def _texts(packed: bytes, ends: bytes, digest: bytes) -> Texts:
    """Unpickled `Texts`, left compressed."""
    texts = Texts.__new__(Texts)
    texts._packed, texts._ends, texts._digest = packed, array("I", ends), digest
    return texts


@cache
def _zstd() -> tuple[ZstdCompressor, ZstdDecompressor]:
    """One compressor and one decompressor for the process (each call to zstandard's plain
    functions makes new ones: three times the cost on a body's few kilobytes)."""
    import zstandard  # noqa: PLC0415 (20 ms: not for commands that load no sources)

    return zstandard.ZstdCompressor(level=_LEVEL), zstandard.ZstdDecompressor()


class Packed(Sequence[T], Generic[T]):
    """A tuple of small picklable records, kept pickled until read.

    For the fields that are read once a build (a story page shows them, `inspect` lists them)
    but are held all along: at 100,000 stories the stripped lines alone were 860,000 objects.
    Equal contents compare and hash equal, however they were pickled.
    """

    __slots__ = ("_count", "_pickled")

    def __init__(self, items: Iterable[T] = ()) -> None:
        items = tuple(items)
        self._count = len(items)
        self._pickled = pickle.dumps(items, pickle.HIGHEST_PROTOCOL) if items else b""

    def items(self) -> tuple[T, ...]:
        """Every item, unpickled at once."""
        return cast("tuple[T, ...]", pickle.loads(self._pickled)) if self._pickled else ()

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[T]:
        return iter(self.items())

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self.items()[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Packed):
            return NotImplemented
        return self._pickled == other._pickled or self.items() == other.items()

    def __hash__(self) -> int:
        return hash(self.items())

    def __repr__(self) -> str:
        return f"Packed({self.items()!r})"

    def __reduce__(self) -> tuple[Callable[[int, bytes], Packed[T]], tuple[int, bytes]]:
        return _packed, (self._count, self._pickled)


def _packed(count: int, pickled: bytes) -> Packed[T]:
    """An unpickled `Packed`, its items left pickled."""
    packed: Packed[T] = Packed.__new__(Packed)
    packed._count, packed._pickled = count, pickled
    return packed
