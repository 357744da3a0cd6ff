"""The incremental-build cache: what a rebuild can take from the last build instead of redoing.

Three layers, each keyed so that a stale entry can never be used:
- parsed records, by a hash of the file's name and bytes (a rebuild re-parses changed files only);
- the analysis (stories, events, briefs), by the keys of every record and the whole configuration;
- each event's brief, by the keys of the event's records (a one-file change re-briefs one event);
- the output folder, by the analysis key, the templates and the site settings, reused when the
  folder still holds exactly the files the last build wrote there.
Every key also holds a fingerprint of briefgen's own code, so a new version (or an edited
checkout) starts clean. The cache is one pickle file: fine for a local, git-ignored folder, and any
error reading it counts as a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import astuple, dataclass, field
from functools import cache
from pathlib import Path

from briefgen import __version__
from briefgen.atomic_file import write_atomically
from briefgen.config import Config
from briefgen.load import EXTENSIONS, discover, load_files, relative_name
from briefgen.progress import Progress, no_progress
from briefgen.records import Brief, Diagnostic, Event, LoadResult, Record, Story

CACHE_FORMAT = 1
CACHE_FILE = "build-cache.pickle"

Loaded = tuple[Record | None, list[Diagnostic]]
Manifest = dict[str, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class CachedAnalysis:
    """The stages after load, as the last build computed them."""

    key: str
    """Hash of the records and configuration they were computed from."""
    stories: tuple[Story, ...]
    """Articles after copies were merged."""
    events: tuple[Event, ...]
    """Stories grouped by happening."""
    briefs: tuple[Brief, ...]
    """One brief per event."""


@dataclass(frozen=True, slots=True)
class OutputState:
    """What the last build wrote, to tell whether the output folder is still current."""

    key: str
    """Hash of the analysis, templates and configuration the output was rendered from."""
    manifest: Manifest
    """Every file of the output folder: relative path -> (size, mtime in ns)."""
    files_written: int
    """How many files the build wrote."""


@dataclass(slots=True)
class _Contents:
    records: dict[str, Loaded] = field(default_factory=dict)
    briefs: dict[str, Brief] = field(default_factory=dict)
    analysis: CachedAnalysis | None = None
    output: OutputState | None = None


class BuildCache:
    """A cache folder opened for one build: look things up, remember new ones, then save."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._old = _read(folder / CACHE_FILE)
        self._new = _Contents(analysis=self._old.analysis, output=self._old.output)
        self._changed = False
        self._record_keys: list[str] = []
        self._key_of: dict[int, str] = {}  # id() of a loaded record -> its key

    def load_sources(
        self, sources_dir: Path, max_bytes: int, progress: Progress = no_progress
    ) -> LoadResult:
        """The load stage, re-parsing only files whose name or bytes changed since last time."""
        records: list[Record] = []
        diagnostics: list[Diagnostic] = []
        files = discover(sources_dir)
        self._record_keys = []
        self._key_of = {}
        keys = [self._key(path, sources_dir, max_bytes) for path in files]
        old = self._old.records
        misses = [path for path, key in zip(files, keys, strict=True) if key not in old]
        parsed = load_files(misses, sources_dir, max_bytes)  # in order, in parallel where large
        for done, (path, key) in enumerate(zip(files, keys, strict=True), start=1):
            record, problems = self._remember(path, key, sources_dir, max_bytes, parsed)
            diagnostics.extend(problems)
            if record is not None:
                records.append(record)
                diagnostics.extend(record.warnings)
                self._record_keys.append(key or _uncacheable_key(record))
                self._key_of[id(record)] = self._record_keys[-1]
            progress("load", done, len(files))
        if set(self._new.records) != set(self._old.records):
            self._changed = True  # files were added, changed or removed: keep only the live ones
        return LoadResult(tuple(records), tuple(diagnostics), len(files))

    def add_records(self, records: Iterable[Record]) -> None:
        """Count records loaded elsewhere (not parsed through the cache) in the analysis key."""
        for record in records:
            self._record_keys.append(_uncacheable_key(record))
            self._key_of[id(record)] = self._record_keys[-1]

    def analysis_key(self, config: Config) -> str:
        """The key of the analysis of the records just loaded under this configuration."""
        return _digest(_code_fingerprint(), repr(astuple(config)), *self._record_keys)

    def analysis(self, key: str) -> CachedAnalysis | None:
        """The cached analysis for this key, if the last build computed it."""
        cached = self._old.analysis
        return cached if cached is not None and cached.key == key else None

    def remember_analysis(self, analysis: CachedAnalysis) -> None:
        """Keep this analysis for the next build."""
        self._new.analysis = analysis
        self._changed = True

    def brief(self, event: Event, make: Callable[[Event], Brief]) -> Brief:
        """The event's brief: the last build's where the event's records are unchanged."""
        parts = [event.id, event.slug]
        for story in event.stories:
            for record in (story.record, *story.copies):
                key = self._key_of.get(id(record))
                if key is None:
                    return make(event)  # a record this cache did not load: nothing to key it by
                parts += [story.id, key]
        key = _digest(*parts)
        cached = self._old.briefs.get(key)
        made = cached if cached is not None else make(event)
        self._new.briefs[key] = made
        return made

    def output(self, key: str, output_dir: Path) -> OutputState | None:
        """The last build's output state, if it was rendered from this key and is untouched."""
        state = self._old.output
        if state is None or state.key != key:
            return None
        return state if scan_output(output_dir) == state.manifest else None

    def remember_output(self, key: str, output_dir: Path, files_written: int) -> None:
        """Record what the build just wrote to the output folder."""
        self._new.output = OutputState(key, scan_output(output_dir), files_written)
        self._changed = True

    def save(self) -> str | None:
        """Write the cache if anything changed; returns a problem description where it could not."""
        if not self._changed:
            return None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / CACHE_FILE, _serialise(self._new))
        except OSError as err:
            return f"{self.folder}: cannot save the build cache: {err.strerror or err}"
        return None

    @staticmethod
    def _key(path: Path, sources_dir: Path, max_bytes: int) -> str | None:
        """The file's cache key (its name and bytes), or None where it cannot be cached."""
        data = _cacheable_bytes(path, max_bytes)
        return None if data is None else _digest(relative_name(path, sources_dir), data)

    def _remember(
        self,
        path: Path,
        key: str | None,
        sources_dir: Path,
        max_bytes: int,
        parsed: Iterator[Loaded],
    ) -> Loaded:
        """The file's parse: the cached one, else the next of `parsed`, remembered unless the
        file changed while it was parsed."""
        cached = self._old.records.get(key) if key is not None else None
        loaded = cached if cached is not None else next(parsed)
        if key is None:
            return loaded
        if cached is None and self._key(path, sources_dir, max_bytes) != key:
            return loaded  # the file changed while it was parsed: do not remember
        self._new.records[key] = loaded
        return loaded


def output_key(analysis_key: str, config: Config, template_dirs: Iterable[Path]) -> str:
    """The key of a site rendered from this analysis with these templates and settings."""
    return _digest(analysis_key, repr(astuple(config)), *_folder_fingerprints(template_dirs))


def scan_output(output_dir: Path) -> Manifest:
    """Every file below the folder with its size and modification time."""
    manifest: Manifest = {}
    pending = [output_dir]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            else:
                stat = entry.stat(follow_symlinks=False)
                name = Path(entry.path).relative_to(output_dir).as_posix()
                manifest[name] = (stat.st_size, stat.st_mtime_ns)
    return manifest


def _cacheable_bytes(path: Path, max_bytes: int) -> bytes | None:
    """The file's bytes where its parse depends on nothing else; None sends it to the loader."""
    if path.suffix.lower() not in EXTENSIONS or path.is_symlink():
        return None
    try:
        if path.stat().st_size > max_bytes:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _uncacheable_key(record: Record) -> str:
    return _digest(repr(record))


def _digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


@cache
def _code_fingerprint() -> str:
    """briefgen's version and source code: a cache written by other code is never used."""
    package = Path(__file__).resolve().parent
    sources = sorted(package.rglob("*.py"))
    return _digest(
        __version__,
        *(p.relative_to(package).as_posix() for p in sources),
        *(p.read_bytes() for p in sources),
    )


def _folder_fingerprints(folders: Iterable[Path]) -> list[str]:
    parts: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        files = sorted(path for path in folder.rglob("*") if path.is_file())
        parts.extend(_digest(str(path), path.read_bytes()) for path in files)
    return parts


def _header() -> tuple[int, str]:
    return CACHE_FORMAT, _code_fingerprint()


def _serialise(contents: _Contents) -> bytes:
    payload = (contents.records, contents.briefs, contents.analysis, contents.output)
    return pickle.dumps((_header(), payload), protocol=pickle.HIGHEST_PROTOCOL)


def _read(path: Path) -> _Contents:
    try:
        data = path.read_bytes()
    except OSError:
        return _Contents()
    try:
        header, (records, briefs, analysis, output) = pickle.loads(data)
    # Unpickling a damaged or foreign file can raise almost anything; every failure is a miss.
    except Exception:
        return _Contents()
    if header != _header() or not isinstance(records, dict) or not isinstance(briefs, dict):
        return _Contents()
    if not isinstance(analysis, CachedAnalysis | None):
        return _Contents()
    if not isinstance(output, OutputState | None):
        return _Contents()
    return _Contents(records, briefs, analysis, output)
