"""Results of a pure per-item computation, kept from one build for the next.

A stage that does the same costly work for every item (reading a story's terms, say) can look
each item up by a digest of exactly the input the work reads; the build cache fills the memo from
the last build and saves what this build used or added. The stage then recomputes only new or
changed items, and its result is the same as without a memo, since each value is a function of
its key's input alone.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    """Values by key: the last build's to look up, and this build's (used or new) to keep."""

    def __init__(self, earlier: Mapping[str, V] | None = None) -> None:
        self._earlier: Mapping[str, V] = earlier if earlier is not None else {}
        self.kept: dict[str, V] = {}
        """What this build looked up successfully or added: all the next build needs."""

    def get(self, key: str) -> V | None:
        """The value remembered for this key, if any (and keep it for the next build)."""
        found = self.kept.get(key)
        if found is None:
            found = self._earlier.get(key)
            if found is not None:
                self.kept[key] = found
        return found

    def put(self, key: str, value: V) -> None:
        """Remember a value computed by this build."""
        self.kept[key] = value

    def earlier(self) -> Mapping[str, V]:
        """Everything the last build kept (for a memo read as a whole, such as `Vocabulary`)."""
        return self._earlier

    def clear(self) -> None:
        """Keep nothing of this memo for the next build."""
        self.kept.clear()


def text_key(*parts: str) -> str:
    """A digest of some texts (each length-prefixed, so no two sequences of parts collide)."""
    return TextKeys()(*parts)


class TextKeys:
    """`text_key` of texts that all start with the same parts, those hashed once."""

    def __init__(self, *first: str) -> None:
        self._start = hashlib.blake2b(digest_size=16)
        _feed(self._start, first)

    def __call__(self, *rest: str) -> str:
        """`text_key(*first, *rest)`."""
        hasher = self._start.copy()
        _feed(hasher, rest)
        return hasher.hexdigest()


def _feed(hasher: hashlib.blake2b, parts: tuple[str, ...]) -> None:
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)


class Memos:
    """A build's memos by name (each stage names its own), filled from the last build's."""

    def __init__(self, earlier: Mapping[str, Mapping[str, object]] | None = None) -> None:
        self._earlier = earlier if earlier is not None else {}
        self._tables: dict[str, Memo[Any]] = {}

    def table(self, name: str) -> Memo[Any]:
        """The memo called `name`."""
        if name not in self._tables:
            self._tables[name] = Memo(self._earlier.get(name))
        return self._tables[name]

    def kept(self) -> dict[str, dict[str, object]]:
        """What each memo that was used keeps for the next build."""
        return {name: memo.kept for name, memo in self._tables.items()}


class Numbering(dict[str, int]):
    """Numbers for strings, in order of first use (a missing string gets the next number)."""

    def __missing__(self, text: str) -> int:
        value = self[text] = len(self)
        return value


_MAX_BLOCKS = 16
"""A vocabulary saved in more blocks than this is saved again as one."""


class Vocabulary:
    """A `Numbering` kept from build to build in a memo, only ever extended, so that other memos
    can hold numbers instead of strings (far quicker to read back).

    The memo holds blocks of strings, each under the key `LINEAGE-START-COUNT`; a build that
    numbers new strings adds a block. A lineage names one numbering: memos whose values hold
    its numbers put it in their keys, so a new numbering (see `restart`) never meets them.
    """

    def __init__(self, memo: Memo[tuple[str, ...]]) -> None:
        self._memo = memo
        self.lineage, self._blocks = _saved_blocks(memo.earlier())
        self.numbers = Numbering()
        for block in self._blocks.values():
            start = len(self.numbers)
            self.numbers.update(zip(block, range(start, start + len(block)), strict=True))
        self.known = len(self.numbers)
        """How many strings the last build numbered (a memo value needing more is not valid)."""
        if self.known != sum(map(len, self._blocks.values())):  # a string saved twice: damaged
            self.restart()

    def restart(self) -> None:
        """Start a new numbering, with a new lineage: nothing numbered before is valid."""
        self.lineage, self._blocks = _new_lineage(), {}
        self.numbers = Numbering()
        self.known = 0

    def keep(self) -> None:
        """Keep the numbering for the next build: the saved blocks, and the new strings."""
        if len(self.numbers) > self.known:
            added = tuple(self.numbers)[self.known :]
            self._blocks[f"{self.lineage}-{self.known}-{len(added)}"] = added
        if len(self._blocks) > _MAX_BLOCKS:
            self._blocks = {f"{self.lineage}-0-{len(self.numbers)}": tuple(self.numbers)}
        for key, block in self._blocks.items():
            self._memo.put(key, block)


def _saved_blocks(
    earlier: Mapping[str, tuple[str, ...]],
) -> tuple[str, dict[str, tuple[str, ...]]]:
    """The lineage and blocks (in order) of the saved numbering; a new lineage if none is whole."""
    lineages: dict[str, list[tuple[int, int, str]]] = {}
    for key in earlier:
        lineage, start, count = key.rsplit("-", 2)
        lineages.setdefault(lineage, []).append((int(start), int(count), key))
    for lineage, spans in sorted(lineages.items()):
        spans.sort()
        if _contiguous((start, count) for start, count, _ in spans):
            return lineage, {key: earlier[key] for _, _, key in spans}
    return _new_lineage(), {}


def _contiguous(spans: Iterable[tuple[int, int]]) -> bool:
    end = 0
    for start, count in spans:
        if start != end:
            return False
        end += count
    return True


def _new_lineage() -> str:
    # Random, not derived from content: a numbering made again after its memo was lost must not
    # take the name of the lost one, whose numbers other memos may still hold.
    return secrets.token_hex(8)
