"""The build cache's data: parsed records, briefs and the last analysis, in files a one-file
change rewrites only a few of.

Records and briefs are kept in shards by the first two characters of their key (256 files at
most each): a changed source file changes one record key, so a rebuild rewrites the shards of
its old and new key and leaves the others as they are. Briefs refer to their records, and the
analysis to its records, briefs, events and stories, by name (see `cache_store.save`), so nothing
is stored twice and the objects read back are shared as they were when saved. The analysis is
read only when a build can use it (its key is the state's), not by a rebuild that makes a new one.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from briefgen import cache_store
from briefgen.records import Analysis, Brief, Diagnostic, Record

RECORDS_DIR = "records"
BRIEFS_DIR = "briefs"
MEMOS_DIR = "memos"
ANALYSIS_FILE = "analysis.pickle"

Loaded = tuple[Record | None, list[Diagnostic]]
_RECORD, _BRIEF, _EVENT, _STORY = "r", "b", "e", "s"
_SavedAnalysis = tuple[str, Analysis, dict[str, str]]


@dataclass(slots=True)
class CacheData:
    """What a build parsed and understood, by key."""

    records: dict[str, Loaded] = field(default_factory=dict)
    """Each cacheable source file's parse, by file key."""
    briefs: dict[str, Brief] = field(default_factory=dict)
    """Each event's brief, by brief key."""
    analysis_key: str | None = None
    """The key of `analysis`."""
    analysis: Analysis | None = None
    """The last analysis."""
    brief_keys: dict[str, str] = field(default_factory=dict)
    """The brief key of each event of `analysis`, by event id."""


def read_data(folder: Path) -> CacheData:
    """The records and briefs saved in the folder (the analysis: see `read_analysis`);
    whatever is missing or damaged is left out."""
    records: dict[str, Loaded] = {}
    for shard in _shards(folder / RECORDS_DIR):
        records.update(_read_shard(shard, None))
    by_key: dict[str, object] = {_RECORD + k: loaded[0] for k, loaded in records.items()}
    briefs: dict[str, Brief] = {}
    for shard in _shards(folder / BRIEFS_DIR):
        briefs.update(_read_shard(shard, by_key.__getitem__))
    return CacheData(records, briefs)


def read_analysis(folder: Path, data: CacheData, key: str) -> None:
    """Fill `data` (as `read_data` read it) with the saved analysis, if its key is `key`."""

    def resolve(name: str) -> object:
        kind, rest = name[0], name[1:]
        if kind == _RECORD:
            return data.records[rest][0]
        if kind == _BRIEF:
            return data.briefs[rest]
        if kind == _EVENT:
            return data.briefs[rest].event
        if kind == _STORY:
            index, brief_key = rest.split(":")
            return data.briefs[brief_key].event.stories[int(index)]
        raise KeyError(name)

    saved = cache_store.load(folder / ANALYSIS_FILE, resolve)
    valid = isinstance(saved, tuple) and len(saved) == 3 and isinstance(saved[1], Analysis)
    if valid and saved[0] == key:  # type: ignore[index]
        data.analysis_key, data.analysis, data.brief_keys = cast("_SavedAnalysis", saved)


def write_data(folder: Path, new: CacheData, old: CacheData, old_analysis_key: str | None) -> None:
    """Save `new` over `old` (what the folder holds, with the analysis of `old_analysis_key`),
    writing only the files that differ."""
    record_names: dict[int, str] = {}
    for key, (record, _) in new.records.items():
        if record is not None:
            record_names[id(record)] = _RECORD + key
    _write_shards(folder / RECORDS_DIR, new.records, old.records, None)
    _write_shards(folder / BRIEFS_DIR, new.briefs, old.briefs, record_names)
    if new.analysis_key != old_analysis_key or not (folder / ANALYSIS_FILE).is_file():
        names = {**record_names, **_analysis_names(new)}
        saved = (new.analysis_key, new.analysis, new.brief_keys)
        cache_store.save(folder / ANALYSIS_FILE, saved, lambda obj: names.get(id(obj)))


def _analysis_names(data: CacheData) -> dict[int, str]:
    """Names for the briefs, and for the analysis's events and stories that a saved brief
    holds (equal ones: a brief taken from the cache holds the last build's equal event)."""
    names = {id(brief): _BRIEF + key for key, brief in data.briefs.items()}
    if data.analysis is None:
        return names
    for event in data.analysis.events:
        key = data.brief_keys.get(event.id)
        brief = data.briefs.get(key) if key is not None else None
        if key is None or brief is None or brief.event != event:
            continue
        names[id(event)] = _EVENT + key
        for index, story in enumerate(event.stories):
            names[id(story)] = f"{_STORY}{index}:{key}"
    return names


def read_memos(folder: Path) -> dict[str, dict[str, object]]:
    """The stages' memos saved in the folder (see `memo`), by name."""
    try:
        tables = sorted(path for path in (folder / MEMOS_DIR).iterdir() if path.is_dir())
    except OSError:
        return {}
    memos: dict[str, dict[str, object]] = {}
    for table in tables:
        entries = memos[table.name] = {}
        for shard in _shards(table):
            entries.update(_read_shard(shard, None))
    return memos


def write_memos(
    folder: Path, new: Mapping[str, Mapping[str, object]], old: Mapping[str, Mapping[str, object]]
) -> None:
    """Save the memos `new` over `old` (what the folder holds); a memo this build did not use
    is removed, as are its entries no file needs any more."""
    for name in sorted(new.keys() | old.keys()):
        _write_shards(folder / MEMOS_DIR / name, new.get(name, {}), old.get(name, {}), None)
        if name not in new:
            with contextlib.suppress(OSError):
                (folder / MEMOS_DIR / name).rmdir()


def _write_shards(
    folder: Path, new: Mapping[str, object], old: Mapping[str, object], names: dict[int, str] | None
) -> None:
    """Rewrite each shard whose set of keys changed; remove shards left empty. A key names its
    value, so the same keys are the same values."""
    new_shards, old_shards = _by_shard(new), _by_shard(old)
    reference = None if names is None else (lambda obj: names.get(id(obj)))
    for shard in sorted(new_shards.keys() | old_shards.keys()):
        keys = new_shards.get(shard, [])
        path = folder / f"{shard}.pickle"
        if set(keys) == set(old_shards.get(shard, ())) and path.is_file() == bool(keys):
            continue
        if not keys:
            path.unlink(missing_ok=True)
            continue
        entries = {key: new[key] for key in keys}
        cache_store.save(path, entries, reference)


def _by_shard(entries: Mapping[str, object]) -> dict[str, list[str]]:
    shards: dict[str, list[str]] = defaultdict(list)
    for key in entries:
        shards[key[:2]].append(key)
    return shards


def _shards(folder: Path) -> list[Path]:
    try:
        return sorted(folder.glob("*.pickle"))
    except OSError:
        return []


def _read_shard(path: Path, resolve: cache_store.Resolve | None) -> dict[str, Any]:
    entries = cache_store.load(path, resolve)
    return entries if isinstance(entries, dict) else {}
