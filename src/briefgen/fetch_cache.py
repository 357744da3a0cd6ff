"""The fetch cache on disk, and how the build reads it.

Layout of the cache folder (`fetch.cache`, default `fetched/`):
  HOST/ID.md     one story per feed entry or page: markdown with front matter (what `build` reads);
                 ID is a hash of the entry's GUID (or link), so an updated entry replaces its file
  .http/ID       the last good body of each feed and page (hidden: the loader skips it)
  .state.json    per URL: ETag, Last-Modified, final URL; per entry key: its file and fingerprint
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from briefgen.atomic_file import write_atomically
from briefgen.fetch_http import Response, Validators
from briefgen.load import load_sources
from briefgen.records import Diagnostic, LoadResult

PREFIX = "fetched"
"""Records loaded from the cache have paths `fetched/HOST/ID.md`, apart from the sources'."""
_STATE = ".state.json"
_BODIES = ".http"
_STATE_VERSION = 1

WriteOutcome = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class StoredBody:
    """The last good body fetched from a URL."""

    body: bytes
    """The bytes as served."""
    final_url: str
    """The address after redirects."""
    content_type: str
    """The media type served."""
    charset: str | None
    """The declared charset."""


class Cache:
    """The cache folder: read at start, changed by the fetch, saved once at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._state = _read_state(root / _STATE)

    def validators(self, url: str) -> Validators:
        """ETag and Last-Modified from the last good answer for `url`."""
        with self._lock:
            entry = self._state["http"].get(url, {})
        return Validators(entry.get("etag"), entry.get("last_modified"))

    def last_body(self, url: str) -> StoredBody | None:
        """The last good body for `url`, where one is kept."""
        with self._lock:
            entry = self._state["http"].get(url)
        if not entry:
            return None
        try:
            body = (self.root / _BODIES / entry["body"]).read_bytes()
        except OSError:
            return None
        return StoredBody(body, entry["final_url"], entry["content_type"], entry.get("charset"))

    def remember(self, response: Response) -> None:
        """Keep a good 200 answer as the last good copy, with its validators."""
        name = _digest(response.url)
        write_atomically(self.root / _BODIES / name, response.body)
        with self._lock:
            self._state["http"][response.url] = {
                "etag": response.validators.etag,
                "last_modified": response.validators.last_modified,
                "final_url": response.final_url,
                "content_type": response.content_type,
                "charset": response.charset,
                "body": name,
            }

    def story_file(self, keys: tuple[str, ...]) -> str | None:
        """The file an entry was written to before, found by any of its keys (GUID, link)."""
        with self._lock:
            for key in keys:
                known = self._state["entries"].get(key)
                if known:
                    return str(known["file"])
        return None

    def fingerprint(self, keys: tuple[str, ...]) -> str | None:
        """What the entry looked like when its story was last written in full."""
        with self._lock:
            for key in keys:
                known = self._state["entries"].get(key)
                if known:
                    fingerprint = known.get("fingerprint")
                    return str(fingerprint) if fingerprint else None
        return None

    def write_story(
        self, keys: tuple[str, ...], text: str, fingerprint: str | None
    ) -> WriteOutcome:
        """Write an entry's story to its stable file; `fingerprint` None means: retry next time."""
        name = self.story_file(keys) or story_name(keys)
        path = self.root / name
        try:
            old = path.read_text(encoding="utf-8")
        except OSError:
            old = None
        if old != text:
            write_atomically(path, text.encode("utf-8"))
        with self._lock:
            for key in keys:
                self._state["entries"][key] = {"file": name, "fingerprint": fingerprint}
        if old is None:
            return "new"
        return "unchanged" if old == text else "updated"

    def has_story(self, keys: tuple[str, ...]) -> bool:
        """Whether the entry's story file is on disk."""
        name = self.story_file(keys)
        return name is not None and (self.root / name).is_file()

    def save(self) -> None:
        """Write the state file (sorted, so that unchanged state gives identical bytes)."""
        with self._lock:
            text = json.dumps(self._state, indent=1, sort_keys=True, ensure_ascii=False)
        write_atomically(self.root / _STATE, (text + "\n").encode("utf-8"))


def story_name(keys: tuple[str, ...]) -> str:
    """`HOST/ID.md` for an entry: ID from its first key, HOST from its link where it has one."""
    link = next((key[5:] for key in keys if key.startswith("link:")), "")
    host = (urlsplit(link).hostname or "local").removeprefix("www.")
    return f"{host}/{_digest(keys[0])}.md"


def load_fetched(cache_dir: Path, max_bytes: int) -> LoadResult:
    """Load the cache's stories like sources, with paths under `fetched/`."""
    loaded = load_sources(cache_dir, max_bytes)
    return LoadResult(
        tuple(
            replace(
                record,
                path=f"{PREFIX}/{record.path}",
                warnings=tuple(_prefixed(d) for d in record.warnings),
            )
            for record in loaded.records
        ),
        tuple(_prefixed(diagnostic) for diagnostic in loaded.diagnostics),
        loaded.files_seen,
    )


def merge_loads(first: LoadResult, second: LoadResult) -> LoadResult:
    """Two load results as one: records and diagnostics of the first, then the second."""
    return LoadResult(
        first.records + second.records,
        first.diagnostics + second.diagnostics,
        first.files_seen + second.files_seen,
    )


def _prefixed(diagnostic: Diagnostic) -> Diagnostic:
    return replace(diagnostic, path=f"{PREFIX}/{diagnostic.path}")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _read_state(path: Path) -> dict[str, Any]:
    empty: dict[str, Any] = {"version": _STATE_VERSION, "http": {}, "entries": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty  # no cache yet, or a damaged one: start afresh (stories are rewritten)
    if not isinstance(state, dict) or state.get("version") != _STATE_VERSION:
        return empty
    return state
