"""Results of a pure per-item computation, kept from one build for the next.

A stage that does the same costly work for every item (reading a story's terms, say) can look
each item up by a digest of exactly the input the work reads; the build cache fills the memo from
the last build and saves what this build used or added. The stage then recomputes only new or
changed items, and its result is the same as without a memo, since each value is a function of
its key's input alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
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


def text_key(*parts: str) -> str:
    """A digest of some texts (each length-prefixed, so no two sequences of parts collide)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


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
