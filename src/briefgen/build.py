"""Run the pipeline: load -> dedupe -> cluster -> brief -> render -> write."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from briefgen.brief import brief, brief_events
from briefgen.cache import BuildCache, CachedAnalysis, output_key
from briefgen.cluster import ClusterSettings, cluster
from briefgen.config import Config
from briefgen.dedupe import dedupe
from briefgen.feeds import render_feeds
from briefgen.load import load_sources
from briefgen.progress import Progress, no_progress
from briefgen.records import Brief, Diagnostic, Event, LoadResult, Story
from briefgen.render import SiteInfo, default_templates_dir, render_site
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
    output_reused: bool = False
    """True where the cache showed the output folder already held this very site."""
    cache_problem: str | None = None
    """Why the build cache could not be saved, where it could not."""


def analyse(
    config: Config,
    timings: dict[str, float] | None = None,
    *,
    cache: BuildCache | None = None,
    progress: Progress = no_progress,
) -> Analysis:
    """Load, dedupe, cluster and brief the sources (no output written).

    With a cache, only changed files are parsed, and unchanged sources reuse the last analysis.
    """
    clock = _Clock(timings if timings is not None else {}, progress)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the stages allocate many small objects and free none of them early
    try:
        loaded = clock.run(
            "load", lambda: load_all(config, cache, progress), itemised=cache is not None
        )
        if cache is not None:
            cached = cache.analysis(cache.analysis_key(config))
            if cached is not None:
                return Analysis(loaded, cached.stories, cached.events, cached.briefs)
        stories = clock.run("dedupe", lambda: dedupe(loaded.records, config.copy_threshold))
        settings = ClusterSettings.from_config(config)
        events = clock.run("cluster", lambda: cluster(stories, settings))
        briefs = clock.run("brief", lambda: _brief_all(events, progress, cache), itemised=True)
    finally:
        if gc_was_enabled:
            gc.enable()
    if cache is not None:
        key = cache.analysis_key(config)
        cache.remember_analysis(CachedAnalysis(key, stories, events, briefs))
    return Analysis(loaded, stories, events, briefs)


def build(
    config: Config, *, cache: BuildCache | None = None, progress: Progress = no_progress
) -> BuildResult:
    """Build the site into the configured output folder (with a cache: only what changed)."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    analysis = analyse(config, timings, cache=cache, progress=progress)
    if cache is not None:
        template_dirs = (config.templates_dir, default_templates_dir())
        key = output_key(cache.analysis_key(config), config, template_dirs)
        state = cache.output(key, config.output_dir)
        if state is not None:
            seconds = time.perf_counter() - started
            return BuildResult(analysis, state.files_written, seconds, timings, True, cache.save())
    written = _render_and_write(config, analysis, _Clock(timings, progress), cache is not None)
    problem = None
    if cache is not None:
        cache.remember_output(key, config.output_dir, written)
        problem = cache.save()
    return BuildResult(analysis, written, time.perf_counter() - started, timings, False, problem)


def _render_and_write(config: Config, analysis: Analysis, clock: _Clock, keep: bool) -> int:
    site = site_info(config)
    code_cache = config.cache_dir / "templates" if keep else None  # keep: the cache is on
    files = clock.run(
        "render",
        lambda: render_site(analysis.briefs, site, config.templates_dir, code_cache=code_cache),
    )
    files.update(clock.run("feeds", lambda: render_feeds(analysis.briefs, site)))
    return clock.run("write", lambda: write_site(files, config.output_dir, keep_unchanged=keep))


def _brief_all(
    events: tuple[Event, ...], progress: Progress, cache: BuildCache | None
) -> tuple[Brief, ...]:
    briefs: list[Brief | None] = [None] * len(events)
    if cache is not None:  # the last build's briefs first: only the others are made anew
        for index, event in enumerate(events):
            briefs[index] = _cached_brief(cache, event)
    todo = [index for index, found in enumerate(briefs) if found is None]
    done = len(events) - len(todo)
    for index, made in zip(todo, brief_events([events[i] for i in todo], brief), strict=True):
        briefs[index] = made if cache is None else cache.brief(events[index], _made(made))
        done += 1
        progress("brief", done, len(events))
    return tuple(found for found in briefs if found is not None)


def _made(made: Brief) -> Callable[[Event], Brief]:
    """For the cache to keep a brief already made."""
    return lambda _: made


class _NotCached(Exception):
    """The build cache holds no brief for an event."""


def _cached_brief(cache: BuildCache, event: Event) -> Brief | None:
    def not_cached(_: Event) -> Brief:
        raise _NotCached

    try:
        return cache.brief(event, not_cached)
    except _NotCached:
        return None


def site_info(config: Config) -> SiteInfo:
    """The site-wide facts pages and feeds need."""
    base = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
    return SiteInfo(config.title, config.description, config.language, base, config.timezone)


def load_all(
    config: Config, cache: BuildCache | None = None, progress: Progress = no_progress
) -> LoadResult:
    """The sources, and the fetch cache's stories where `briefgen fetch` has filled it."""
    if cache is None:
        loaded = load_sources(config.sources_dir, _max_bytes(config))
    else:
        loaded = cache.load_sources(config.sources_dir, _max_bytes(config), progress)
    if not config.fetched_dir.is_dir():
        return loaded
    # Only sites that use `briefgen fetch` pay for importing its HTTP machinery.
    from briefgen.fetch_cache import load_fetched, merge_loads  # noqa: PLC0415

    fetched = load_fetched(config.fetched_dir, _max_bytes(config))
    if cache is not None:
        cache.add_records(fetched.records)
    return merge_loads(loaded, fetched)


def _max_bytes(config: Config) -> int:
    return int(config.max_file_size_mb * 1_000_000)


class _Clock:
    def __init__(self, timings: dict[str, float], progress: Progress = no_progress) -> None:
        self.timings = timings
        self.progress = progress

    def run(self, stage: str, work: Callable[[], T], *, itemised: bool = False) -> T:
        """Time one stage; stages that are not `itemised` report their progress as 0/1, 1/1."""
        started = time.perf_counter()
        if not itemised:
            self.progress(stage, 0, 1)
        result = work()
        if not itemised:
            self.progress(stage, 1, 1)
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started
        return result
