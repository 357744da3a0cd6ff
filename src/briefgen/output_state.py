"""What the build cache knows of the output folder: the files the last build left there, and
which pages a rebuild can take from it unchanged instead of rendering them again (see `cache`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

from briefgen.cache_store import digest
from briefgen.records import Brief

Manifest = dict[str, tuple[int, int, int]]  # relative path -> size, mtime_ns, inode
Listing = tuple[str, tuple[str, ...]]  # a listing page's shape, the ids of the events it lists


@dataclass(frozen=True, slots=True)
class OutputState:
    """What the last build wrote, to tell whether the output folder is still current."""

    key: str
    """Hash of the analysis, templates and configuration the output was rendered from."""
    manifest: Manifest
    """Every file of the output folder: relative path -> (size, mtime in ns, inode)."""
    render_key: str
    """Hash of the templates, settings and code the pages were rendered with."""
    page_keys: dict[str, str]
    """The key each page it may reuse was rendered from, by path (see `PagePlan`)."""
    files_written: int
    """How many files the build wrote."""


@dataclass(frozen=True, slots=True)
class PagePlan:
    """Which pages this build must render, and which it can link unchanged."""

    render_key: str
    """Hash of the templates, settings and code this build renders with."""
    page_keys: dict[str, str]
    """What each page shows, as a key, by path, where the cache knows it: an event's and its
    stories' pages have its brief key; a listing page (see `keys_of_pages`) a hash of its shape
    and of its events' brief keys."""
    reusable: frozenset[str]
    """Pages the output folder already holds, rendered from the same key."""
    inodes: dict[str, int] = field(default_factory=dict)
    """The inode of each file of the output folder, as planned (where some page is reusable)."""


def keys_of_pages(
    briefs: Iterable[Brief], brief_keys: Mapping[str, str], listings: Mapping[str, Listing]
) -> dict[str, str]:
    """What each page shows, as a key, by path, where every brief it shows has a key.

    `listings`: pages that list events (the index pages, an outlet's page, the feeds), each with
    its shape (what it shows besides its events: its page number, its outlet) and the ids of
    the events it lists, in order."""
    page_keys: dict[str, str] = {}
    for b in briefs:
        brief_key = brief_keys.get(b.event.id)
        if brief_key is not None:
            page_keys.update(dict.fromkeys(_pages_of(b), brief_key))
    for path, (shape, event_ids) in listings.items():
        keys = [brief_keys.get(event_id) for event_id in event_ids]
        if None not in keys:
            page_keys[path] = digest(shape, *cast("list[str]", keys))
    return page_keys


def reusable_pages(
    old: OutputState, render_key: str, page_keys: dict[str, str], present: Manifest
) -> PagePlan:
    """The plan where the output folder holds `present` and the last build left `old`: a page
    is reused where it was rendered from the same key and is still the file that build wrote."""
    reusable = frozenset(
        path
        for path, page_key in page_keys.items()
        if old.page_keys.get(path) == page_key
        and path in present
        and present[path] == old.manifest.get(path)
    )
    inodes = {path: found[2] for path, found in present.items()}
    return PagePlan(render_key, page_keys, reusable, inodes)


def scan_output(output_dir: os.PathLike[str] | str) -> Manifest:
    """Every file below the folder with its size, modification time and inode."""
    manifest: Manifest = {}
    pending = [os.fspath(output_dir)]
    root = len(os.fspath(output_dir)) + 1
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            else:
                found = entry.stat(follow_symlinks=False)
                name = entry.path[root:].replace(os.sep, "/")
                manifest[name] = (found.st_size, found.st_mtime_ns, found.st_ino)
    return manifest


def _pages_of(b: Brief) -> list[str]:
    # The same paths as render.event_path and render.story_path (render imports Jinja: not here).
    return [f"events/{b.event.slug}.html", *(f"stories/{s.id}.html" for s in b.event.stories)]
