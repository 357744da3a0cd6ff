"""The incremental-build cache: what a rebuild can take from the last build instead of redoing.

Each layer is keyed so that a stale entry can never be used:
- each source file's key is a hash of its name and bytes; a file whose size, modification time,
  inode and change time are those of the last build keeps its key without being read again
  (unless it was modified within two seconds of being hashed: a coarse clock could hide a change);
- parsed records, by file key (a rebuild re-parses changed files only);
- the analysis (stories, events, briefs), by the keys of every file and the whole configuration;
- each event's brief, by the keys of the event's records (a one-file change re-briefs one event);
- what dedupe and clustering read from each text (see `memo`), by a digest of that text, so they
  read only new or changed texts;
- each event and story page, by its event's brief key, the templates and the site settings: an
  unchanged page is hard-linked from the last build's output instead of rendered again;
- the output folder, by the analysis key, the templates and the site settings, reused when the
  folder still holds exactly the files the last build wrote there.
Every key also holds a fingerprint of briefgen's own code, so a new version (or an edited
checkout) starts clean. A small state file (file keys, output manifest, counts) is all that a
no-change rebuild reads; the data (records, briefs, analysis: see cache_data.py) is read only
when needed. Any error reading a file counts as a miss.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, field
from pathlib import Path

from briefgen import cache_store
from briefgen.cache_data import (
    CacheData,
    Loaded,
    read_analysis,
    read_data,
    read_memos,
    write_data,
    write_memos,
)
from briefgen.cache_store import code_fingerprint, digest
from briefgen.config import Config
from briefgen.load import EXTENSIONS, discover_names, load_files
from briefgen.memo import Memos
from briefgen.output_state import (
    Listing,
    Manifest,
    OutputState,
    PagePlan,
    keys_of_pages,
    reusable_pages,
    scan_output,
)
from briefgen.progress import Progress, no_progress
from briefgen.records import Analysis, AnalysisSummary, Brief, Diagnostic, Event, LoadResult, Record

STATE_FILE = "build-state.pickle"
SPARE_SITE = "spare-site"
"""The last build's replaced output, for the next build to start its new output from (see
`write.write_site`)."""
# A file modified this close to the moment it was hashed is hashed again next time: on a file
# system with a coarse clock, a second change within the same tick would keep the same stat.
RACY_NS = 2_000_000_000

FileStat = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns


@dataclass(slots=True)
class _State:
    sources: dict[str, tuple[FileStat, str]] = field(default_factory=dict)
    analysis_key: str | None = None
    summary: AnalysisSummary | None = None
    output: OutputState | None = None


@dataclass(slots=True)
class _Scan:
    sources_dir: Path
    max_bytes: int
    files: list[tuple[str, str, str | None]]  # path, name, key (None: not cacheable)
    uncached: dict[str, Loaded]


class BuildCache:
    """A cache folder opened for one build: look things up, remember new ones, then save."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        old = cache_store.load(folder / STATE_FILE)
        self._old_state = old if isinstance(old, _State) else _State()
        self._state = _State(output=self._old_state.output)
        self._old_data: CacheData | None = None  # read on first use
        # The key of the analysis the cache folder holds: the state's, until read.
        self._saved_analysis_key = self._old_state.analysis_key
        self._data = CacheData()
        self._state_changed = False
        self._data_changed = False
        self._scan: _Scan | None = None
        self._extra_keys: list[str] = []
        self._key_of: dict[int, str] = {}  # id() of a loaded record -> its key
        self._key_by_path: dict[str, str | None] = {}  # None: more than one record has the path
        self._output_scan: tuple[Path, Manifest] | None = None
        self._old_memos: dict[str, dict[str, object]] = {}
        self._memos: Memos | None = None  # read on first use
        self._analysis_key: tuple[tuple[_Scan, str, int], str] | None = None

    @property
    def spare_site(self) -> Path:
        """Where the build keeps the output it replaced (see `write.write_site`)."""
        return self.folder / SPARE_SITE

    def scan_sources(self, sources_dir: Path, max_bytes: int) -> None:
        """Find the source files and their keys, reading only files whose stat changed."""
        started = time.time_ns()
        files: list[tuple[str, str, str | None]] = []
        old = self._old_state.sources
        for path, name in discover_names(sources_dir):
            before = _cacheable_stat(path, max_bytes)
            remembered = old.get(name)
            if before is not None and remembered is not None and remembered[0] == before:
                key: str | None = remembered[1]
                self._state.sources[name] = remembered
            else:
                key = None if before is None else _file_key(path, name)
                # Trusted next time only if it did not change while read, nor just before.
                settled = before is not None and before[1] < started - RACY_NS
                if key is not None and settled and _cacheable_stat(path, max_bytes) == before:
                    self._state.sources[name] = (before, key)  # type: ignore[assignment]
            files.append((path, name, key))
        if self._state.sources != old:
            self._state_changed = True
        uncached = [path for path, _, key in files if key is None]
        loaded = load_files([Path(path) for path in uncached], sources_dir, max_bytes)
        parsed = dict(zip(uncached, loaded, strict=True))
        self._scan = _Scan(sources_dir, max_bytes, files, parsed)

    def load_sources(
        self, sources_dir: Path, max_bytes: int, progress: Progress = no_progress
    ) -> LoadResult:
        """The load stage, re-parsing only files whose name or bytes changed since last time."""
        scan = self._scanned(sources_dir, max_bytes)
        old = self._old().records
        misses = [path for path, _, key in scan.files if key is not None and key not in old]
        # In order, in parallel where many.
        parsed = load_files([Path(path) for path in misses], sources_dir, max_bytes)
        records: list[Record] = []
        diagnostics: list[Diagnostic] = []
        self._key_of, self._key_by_path = {}, {}
        for done, (path, name, key) in enumerate(scan.files, start=1):
            loaded = scan.uncached[path] if key is None else old.get(key) or next(parsed)
            if key is not None and key not in old and _file_key(path, name) != key:
                self._state.sources.pop(name, None)  # changed while parsed: do not remember
            elif key is not None:
                self._data.records[key] = loaded
            record, problems = loaded
            diagnostics.extend(problems)
            if record is not None:
                records.append(record)
                diagnostics.extend(record.warnings)
                self._remember_key(record, key or _loaded_key(loaded))
            progress("load", done, len(scan.files))
        if self._data.records.keys() != old.keys():
            self._data_changed = True  # files were added, changed or removed: keep the live ones
        return LoadResult(tuple(records), tuple(diagnostics), len(scan.files))

    def add_records(self, records: Iterable[Record]) -> None:
        """Count records loaded elsewhere (not parsed through the cache) in the analysis key."""
        for record in records:
            self._extra_keys.append(digest(repr(record)))
            self._remember_key(record, self._extra_keys[-1])

    def _remember_key(self, record: Record, key: str) -> None:
        self._key_of[id(record)] = key
        known = self._key_by_path.get(record.path, key)
        self._key_by_path[record.path] = key if known == key else None

    def analysis_key(self, config: Config) -> str:
        """The key of the analysis of the sources just scanned under this configuration."""
        scan = self._scanned(config.sources_dir, int(config.max_file_size_mb * 1_000_000))
        settings = repr(astuple(config))
        asked = (scan, settings, len(self._extra_keys))
        if self._analysis_key is not None and self._analysis_key[0] == asked:
            return self._analysis_key[1]  # a build asks several times: hash 20,000 keys once
        parts: list[str] = []
        for path, name, key in scan.files:
            parts += [name, key or _loaded_key(scan.uncached[path])]
        found = digest(code_fingerprint(), settings, *parts, *self._extra_keys)
        self._analysis_key = (asked, found)
        return found

    def summary(self, key: str) -> AnalysisSummary | None:
        """The counts and diagnostics of the analysis with this key, from the state alone."""
        old = self._old_state
        return old.summary if old.analysis_key == key else None

    def analysis(self, key: str) -> Analysis | None:
        """The cached analysis for this key, if the last build computed it."""
        data = self._old()
        if self._saved_analysis_key == key and data.analysis is None:
            read_analysis(self.folder, data, key)
            self._saved_analysis_key = data.analysis_key
        if data.analysis_key != key or data.analysis is None:
            return None
        self._data.briefs, self._data.brief_keys = dict(data.briefs), dict(data.brief_keys)
        self.remember_analysis(key, data.analysis)
        return data.analysis

    def remember_analysis(self, key: str, analysis: Analysis) -> None:
        """Keep this analysis for the next build."""
        if self._saved_analysis_key != key:
            self._data_changed = True
        self._data.analysis_key, self._data.analysis = key, analysis
        self._state.analysis_key, self._state.summary = key, analysis.summary
        self._state_changed = True

    def brief_key(self, event: Event) -> str:
        """The key of the event's brief: its id, slug, stories and their records' keys."""
        parts = [event.id, event.slug]
        for story in event.stories:
            for record in (story.record, *story.copies):
                # Dedupe completes a merged story's records from its copies: such a record is
                # a function of the story's loaded records, all keyed here, so its loaded one's
                # key stands for it (and where there is none, its whole content).
                key = (
                    self._key_of.get(id(record))
                    or self._key_by_path.get(record.path)
                    or digest(repr(record))
                )
                parts += [story.id, key]
        return digest(*parts)

    def brief(self, key: str) -> Brief | None:
        """The last build's brief with this key (see `brief_key`), kept for the next build."""
        cached = self._old().briefs.get(key)
        if cached is not None:
            self.keep_brief(key, cached)
        return cached

    def keep_brief(self, key: str, made: Brief) -> None:
        """Keep a brief this build made, for the next build."""
        self._data.briefs[key] = made
        self._data.brief_keys[made.event.id] = key

    def memos(self) -> Memos:
        """The stages' memos (see `memo`), filled from the last build's."""
        if self._memos is None:
            self._old_memos = read_memos(self.folder)
            self._memos = Memos(self._old_memos)
        return self._memos

    def output(self, key: str, output_dir: Path) -> OutputState | None:
        """The last build's output state, if it was rendered from this key and is untouched."""
        state = self._old_state.output
        if state is None or state.key != key:
            return None
        return state if self._scan_output(output_dir) == state.manifest else None

    def page_plan(
        self,
        render_key: str,
        briefs: Iterable[Brief],
        output_dir: Path,
        listings: Mapping[str, Listing] | None = None,
    ) -> PagePlan:
        """The pages' inputs, and the pages the output folder holds already rendered from them
        (`listings`: see `output_state.keys_of_pages`)."""
        page_keys = keys_of_pages(briefs, self._data.brief_keys, listings or {})
        old = self._old_state.output
        if old is None or old.render_key != render_key:
            return PagePlan(render_key, page_keys, frozenset())
        return reusable_pages(old, render_key, page_keys, self._scan_output(output_dir))

    def remember_output(
        self, key: str, output_dir: Path, plan: PagePlan, written: Iterable[str]
    ) -> None:
        """Record what the build just wrote: the files `written` and the plan's reused pages."""
        before = self._output_scan[1] if self._output_scan is not None else {}
        manifest = {path: before[path] for path in plan.reusable if path in before}
        if len(manifest) < len(plan.reusable):
            manifest = {}  # not scanned before the write: scan all
            written = scan_output(output_dir)
        for path in written:
            found = os.lstat(os.path.join(output_dir, path))  # noqa: PTH118
            manifest[path] = (found.st_size, found.st_mtime_ns, found.st_ino)
        self._output_scan = None
        files = len(manifest)
        self._state.output = OutputState(key, manifest, plan.render_key, plan.page_keys, files)
        self._state_changed = True

    def save(self) -> str | None:
        """Write what changed; returns a problem description where it could not."""
        try:
            if self._data_changed:
                write_data(self.folder, self._data, self._old(), self._saved_analysis_key)
            if self._memos is not None:
                write_memos(self.folder, self._memos.kept(), self._old_memos)
            if self._state_changed:
                if self._state.analysis_key is None:  # this build did not analyse: still current
                    self._state.analysis_key = self._old_state.analysis_key
                    self._state.summary = self._old_state.summary
                cache_store.save(self.folder / STATE_FILE, self._state)
        except OSError as err:
            return f"{self.folder}: cannot save the build cache: {err.strerror or err}"
        return None

    def _scanned(self, sources_dir: Path, max_bytes: int) -> _Scan:
        scan = self._scan
        if scan is None or scan.sources_dir != sources_dir or scan.max_bytes != max_bytes:
            self.scan_sources(sources_dir, max_bytes)
            scan = self._scan
        assert scan is not None
        return scan

    def _old(self) -> CacheData:
        if self._old_data is None:
            self._old_data = read_data(self.folder)
        return self._old_data

    def _scan_output(self, output_dir: Path) -> Manifest:
        if self._output_scan is None or self._output_scan[0] != output_dir:
            self._output_scan = (output_dir, scan_output(output_dir))
        return self._output_scan[1]


def output_key(analysis_key: str, config: Config, template_dirs: Iterable[Path]) -> str:
    """The key of a site rendered from this analysis with these templates and settings."""
    return digest(analysis_key, render_key(config, template_dirs))


def render_key(config: Config, template_dirs: Iterable[Path]) -> str:
    """The key of everything a page depends on besides its brief: templates, settings, code."""
    folders = cache_store.folder_fingerprints(template_dirs)
    return digest(code_fingerprint(), repr(astuple(config)), *folders)


def _cacheable_stat(path: str, max_bytes: int) -> FileStat | None:
    """The file's stat where its parse depends on its bytes alone; None sends it to the loader."""
    if os.path.splitext(path)[1].lower() not in EXTENSIONS:  # noqa: PTH122  (hot loop)
        return None
    try:
        found = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode) or found.st_size > max_bytes:
        return None
    return found.st_size, found.st_mtime_ns, found.st_ino, found.st_ctime_ns


def _file_key(path: str, name: str) -> str | None:
    try:
        with open(path, "rb") as stream:  # noqa: PTH123  (str paths, as in scan_sources)
            return digest(name, stream.read())
    except OSError:
        return None


def _loaded_key(loaded: Loaded) -> str:
    return digest(repr(loaded))
