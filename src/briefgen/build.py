"""Run the pipeline: load -> dedupe -> cluster -> brief -> render -> write."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from briefgen.brief import brief
from briefgen.cluster import ClusterSettings, cluster
from briefgen.config import Config
from briefgen.dedupe import dedupe
from briefgen.feeds import render_feeds
from briefgen.load import load_sources
from briefgen.records import Brief, Diagnostic, Event, LoadResult, Story
from briefgen.render import SiteInfo, event_path, render_site
from briefgen.write import write_site

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the pipeline understood, before anything is rendered."""

    loaded: LoadResult
    """Records and load diagnostics."""
    stories: tuple[Story, ...]
    """Articles after copies were merged."""
    events: tuple[Event, ...]
    """Stories grouped by happening, newest first."""
    briefs: tuple[Brief, ...]
    """One brief per event, in the same order."""

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every warning and error met."""
        return self.loaded.diagnostics

    @property
    def copies_merged(self) -> int:
        """How many files were merged into another's story."""
        return sum(len(story.copies) for story in self.stories)


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did."""

    analysis: Analysis
    """The pipeline's understanding of the sources."""
    files_written: int
    """Files in the output folder."""
    seconds: float
    """Wall time of the build."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage."""


def analyse(config: Config, timings: dict[str, float] | None = None) -> Analysis:
    """Load, dedupe, cluster and brief the sources (no output written)."""
    clock = _Clock(timings if timings is not None else {})
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the stages allocate many small objects and free none of them early
    try:
        loaded = clock.run("load", lambda: load_sources(config.sources_dir, _max_bytes(config)))
        stories = clock.run("dedupe", lambda: dedupe(loaded.records, config.copy_threshold))
        settings = ClusterSettings.from_config(config)
        events = clock.run("cluster", lambda: cluster(stories, settings))
        briefs = clock.run("brief", lambda: tuple(brief(event) for event in events))
    finally:
        if gc_was_enabled:
            gc.enable()
    return Analysis(loaded, stories, events, briefs)


def build(config: Config) -> BuildResult:
    """Build the site into the configured output folder."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    analysis = analyse(config, timings)
    clock = _Clock(timings)
    site = site_info(config)
    files = clock.run("render", lambda: render_site(analysis.briefs, site, config.templates_dir))
    files.update(clock.run("feeds", lambda: render_feeds(analysis.briefs, site, event_path)))
    written = clock.run("write", lambda: write_site(files, config.output_dir))
    return BuildResult(analysis, written, time.perf_counter() - started, timings)


def site_info(config: Config) -> SiteInfo:
    """The site-wide facts pages and feeds need."""
    base = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
    return SiteInfo(config.title, config.description, config.language, base, config.timezone)


def _max_bytes(config: Config) -> int:
    return int(config.max_file_size_mb * 1_000_000)


class _Clock:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    def run(self, stage: str, work: Callable[[], T]) -> T:
        started = time.perf_counter()
        result = work()
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started
        return result
