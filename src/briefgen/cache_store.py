"""The build cache's files: keys, and pickles that are fast to read back.

A cache file is a pickle of (header, payload); the header holds the format and a fingerprint of
briefgen's own code, so a file written by other code (or damaged in any way) reads as a miss.
Records and briefs are tens of thousands of small frozen dataclasses: pickled by the dataclass
default they are rebuilt through a Python `__setstate__` that looks up the fields of every object,
so they are pickled as (class, field values) instead, and read with the garbage collector paused
(the objects are all live; collecting while they are made is pure cost). An object stored in
another file is pickled as a call of `_stored` with its name, which reading turns into the object
itself: unlike pickle's persistent ids, whose hook runs for every string and number, this asks
only about the dataclass objects.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
import sys
from collections.abc import Callable, Iterable
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.atomic_file import write_atomically
from briefgen.collector import collector_paused

CACHE_FORMAT = 3
Reference = Callable[[object], str | None]
"""The name under which an object is stored in another file, or None to store it here."""
Resolve = Callable[[str], object]
"""The object of a stored name (KeyError where unknown)."""


def digest(*parts: str | bytes) -> str:
    """A hash of the parts, each length-prefixed so that no two sequences of parts collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


@cache
def code_fingerprint() -> str:
    """briefgen's version and source code, and the Python running it (memos hold values whose
    hashing and pickling belong to one Python): a cache written by other code is never used."""
    package = Path(__file__).resolve().parent
    sources = sorted(package.rglob("*.py"))
    return digest(
        __version__,
        sys.version,
        *(p.relative_to(package).as_posix() for p in sources),
        *(p.read_bytes() for p in sources),
    )


def folder_fingerprints(folders: Iterable[Path]) -> list[str]:
    """A hash of each file below the folders (names and bytes); missing folders count as empty."""
    parts: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        files = sorted(path for path in folder.rglob("*") if path.is_file())
        parts.extend(digest(str(path), path.read_bytes()) for path in files)
    return parts


def save(path: Path, payload: object, reference: Reference | None = None) -> None:
    """Write the payload under the current header, atomically (OSError where it cannot).
    Objects for which `reference` gives a name are stored as that name (see `load`)."""
    stream = io.BytesIO()
    pickler = _FastPickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.reference = reference
    with collector_paused():
        pickler.dump((_header(), payload))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, stream.getvalue())


def load(path: Path, resolve: Resolve | None = None) -> object | None:
    """The payload saved at `path` by this very code, with each stored name turned back into its
    object by `resolve`; None for a missing, foreign or damaged file, or an unknown name."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    unpickler = _Unpickler(io.BytesIO(data))
    unpickler.resolve = resolve
    try:
        with collector_paused():
            header, payload = unpickler.load()
    # Unpickling a damaged or foreign file can raise almost anything; every failure is a miss.
    except Exception:
        return None
    return payload if header == _header() else None


def _header() -> tuple[int, str]:
    return CACHE_FORMAT, code_fingerprint()


def _stored(name: str) -> object:
    """Stands for an object stored elsewhere: `load` reads a call of it as `resolve(name)`."""
    raise KeyError(name)  # never called: a cache file read without `resolve` is a miss


class _FastPickler(pickle.Pickler):
    """Frozen dataclasses as a call of their class with their field values; objects that
    `reference` names as a call of `_stored` with their name."""

    reference: Reference | None = None

    def reducer_override(self, obj: object) -> Any:
        # Called for objects other than None, numbers, strings, bytes and built-in containers.
        if self.reference is not None:
            name = self.reference(obj)
            if name is not None:
                return _stored, (name,)
        cls: Any = type(obj)
        getter = _field_getter(cls)
        if getter is None:
            return NotImplemented
        return cls, getter(obj)


class _Unpickler(pickle.Unpickler):
    """Reads `_stored(name)` as `resolve(name)`."""

    resolve: Resolve | None = None

    def find_class(self, module: str, name: str) -> Any:
        # Called once per distinct class or function in a file, not per object.
        if module == __name__ and name == _stored.__name__ and self.resolve is not None:
            return self.resolve
        return super().find_class(module, name)


@cache
def _field_getter(cls: Any) -> Callable[[object], tuple[object, ...]] | None:
    """The field values of a plain frozen dataclass, in `__init__` order; None for other types."""
    params = vars(cls).get("__dataclass_params__")
    if params is None or not params.frozen:
        return None
    fields = dataclasses.fields(cls)
    if not fields or any(not f.init for f in fields) or hasattr(cls, "__post_init__"):
        return None
    names = [f.name for f in fields]
    if len(names) == 1:
        single = attrgetter(names[0])
        return lambda obj: (single(obj),)
    return attrgetter(*names)
