"""Run the pipeline: load -> dedupe -> cluster -> brief -> render -> write."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from briefgen.cache import BuildCache, output_key, render_key
from briefgen.collector import collector_frozen, collector_paused
from briefgen.config import Config, user_cache_dir
from briefgen.load import load_sources
from briefgen.progress import Progress, no_progress
from briefgen.records import Analysis, AnalysisSummary, Brief, Event, LoadResult
from briefgen.theme import default_templates_dir

if TYPE_CHECKING:
    from briefgen.output_state import PagePlan
    from briefgen.render import SiteInfo

__all__ = ["Analysis", "BuildResult", "analyse", "build", "load_all", "site_info"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did."""

    summary: AnalysisSummary
    """Counts and diagnostics of the analysis."""
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
    analysed: Analysis | Callable[[], Analysis] | None = None
    """The analysis, or how to read it from the cache (a no-change rebuild does not need it)."""

    @property
    def analysis(self) -> Analysis:
        """The pipeline's understanding of the sources."""
        analysed = self.analysed
        if isinstance(analysed, Analysis):
            return analysed
        if analysed is None:
            raise ValueError("this build result holds no analysis")
        return analysed()


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
    # Imported here: a rebuild that finds nothing changed needs none of these stages.
    from briefgen.cluster import ClusterSettings, cluster  # noqa: PLC0415
    from briefgen.dedupe import dedupe  # noqa: PLC0415

    clock = _Clock(timings if timings is not None else {}, progress)
    with collector_paused():
        loaded = clock.run(
            "load", lambda: load_all(config, cache, progress), itemised=cache is not None
        )
        if cache is not None:
            cached = cache.analysis(cache.analysis_key(config))
            if cached is not None:
                return Analysis(loaded, cached.stories, cached.events, cached.briefs)
        memos = cache.memos() if cache is not None else None
        stories = clock.run("dedupe", lambda: dedupe(loaded.records, config.copy_threshold, memos))
        settings = ClusterSettings.from_config(config)
        events = clock.run("cluster", lambda: cluster(stories, settings, memos))
        briefs = clock.run("brief", lambda: _brief_all(events, progress, cache), itemised=True)
    analysis = Analysis(loaded, stories, events, briefs)
    if cache is not None:
        cache.remember_analysis(cache.analysis_key(config), analysis)
    return analysis


def build(
    config: Config, *, cache: BuildCache | None = None, progress: Progress = no_progress
) -> BuildResult:
    """Build the site into the configured output folder (with a cache: only what changed)."""
    # What the build reads and makes lives until it ends: no collection walks it, and nothing
    # is left frozen after it (see collector_paused).
    with collector_frozen():
        return _build(config, cache, progress)


def _build(config: Config, cache: BuildCache | None, progress: Progress) -> BuildResult:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    if cache is not None:
        unchanged = _unchanged_site(config, cache, started)
        if unchanged is not None:
            return unchanged
    with collector_paused(then_frozen=True):
        analysis = analyse(config, timings, cache=cache, progress=progress)
    clock = _Clock(timings, progress)
    if cache is None:
        written = _render_and_write(config, analysis, clock)
        seconds = time.perf_counter() - started
        return BuildResult(analysis.summary, len(written), seconds, timings, analysed=analysis)
    rendering = render_key(config, _template_dirs(config))
    key = output_key(cache.analysis_key(config), config, _template_dirs(config))
    state = cache.output(key, config.output_dir)
    if state is not None:
        seconds = time.perf_counter() - started
        count = state.files_written
        return BuildResult(analysis.summary, count, seconds, timings, True, cache.save(), analysis)
    from briefgen.feeds import feed_listings  # noqa: PLC0415  (Jinja: only builds that render)
    from briefgen.render import listing_pages  # noqa: PLC0415

    listings = listing_pages(analysis.briefs, config.events_per_page)
    listings.update(feed_listings(analysis.briefs, config.feed_items))
    plan = cache.page_plan(rendering, analysis.briefs, config.output_dir, listings)
    written = _render_and_write(config, analysis, clock, plan=plan, spare=cache.spare_site)
    cache.remember_output(key, config.output_dir, plan, written)
    problem = cache.save()
    seconds = time.perf_counter() - started
    files = len(written) + len(plan.reusable)
    return BuildResult(analysis.summary, files, seconds, timings, False, problem, analysis)


def _unchanged_site(config: Config, cache: BuildCache, started: float) -> BuildResult | None:
    """The result of a rebuild whose sources, settings, templates and output are all as the
    last build left them, found from file stats without reading the records."""
    if config.fetched_dir.is_dir():
        return None  # fetched stories are keyed by their parse: the full path handles them
    analysis_key = cache.analysis_key(config)
    summary = cache.summary(analysis_key)
    if summary is None:
        return None
    key = output_key(analysis_key, config, _template_dirs(config))
    state = cache.output(key, config.output_dir)
    if state is None:
        return None

    def read_analysis() -> Analysis:
        return cache.analysis(analysis_key) or analyse(config)

    seconds = time.perf_counter() - started
    problem = cache.save()
    return BuildResult(summary, state.files_written, seconds, {}, True, problem, read_analysis)


def _template_dirs(config: Config) -> tuple[Path, Path]:
    return config.templates_dir, default_templates_dir()


def _render_and_write(
    config: Config,
    analysis: Analysis,
    clock: _Clock,
    *,
    plan: PagePlan | None = None,
    spare: Path | None = None,
) -> list[str]:
    """Render and write the site; with the build cache's `plan`, its reusable pages are linked
    from the current output (see `write_site` for `spare`). Returns the paths written (the
    reused ones aside)."""
    from briefgen.feeds import FEED_FILES, render_feeds  # noqa: PLC0415
    from briefgen.render import render_site  # noqa: PLC0415
    from briefgen.write import write_site  # noqa: PLC0415

    cache = plan is not None
    reuse = plan.reusable if plan is not None else frozenset()
    site = site_info(config)
    # Compiled templates are keyed by their source, so every site can share them: a new site
    # folder then starts without compiling the default templates again.
    shared = user_cache_dir() if cache else None
    code_cache = shared / "templates" if shared is not None else None
    files = clock.run(
        "render",
        lambda: render_site(
            analysis.briefs, site, config.templates_dir, code_cache=code_cache, skip=reuse
        ),
    )
    if not reuse.issuperset(FEED_FILES):  # else the last build's feeds are linked
        feeds = clock.run("feeds", lambda: render_feeds(analysis.briefs, site))
        files.update((path, data) for path, data in feeds.items() if path not in reuse)
    clock.run(
        "write",
        lambda: write_site(
            files,
            config.output_dir,
            keep_unchanged=cache,
            reuse=reuse,
            spare=spare,
            inodes=plan.inodes if plan is not None else None,
        ),
    )
    return list(files)


def brief(event: Event) -> Brief:
    """The brief stage for one event (imported on first use: a no-change rebuild needs none of
    it)."""
    from briefgen.brief import brief as make_brief  # noqa: PLC0415

    return make_brief(event)


def brief_events(events: Sequence[Event], make: Callable[[Event], Brief]) -> Iterator[Brief]:
    """briefgen.brief.brief_events, imported on first use (see `brief`)."""
    from briefgen.brief import brief_events as run  # noqa: PLC0415

    return run(events, make)


def _brief_all(
    events: tuple[Event, ...], progress: Progress, cache: BuildCache | None
) -> tuple[Brief, ...]:
    keys = [cache.brief_key(event) for event in events] if cache is not None else []
    briefs: list[Brief | None] = [None] * len(events)
    if cache is not None:  # the last build's briefs first: only the others are made anew
        briefs = [cache.brief(key) for key in keys]
    todo = [index for index, found in enumerate(briefs) if found is None]
    done = len(events) - len(todo)
    for index, made in zip(todo, brief_events([events[i] for i in todo], brief), strict=True):
        briefs[index] = made
        if cache is not None:
            cache.keep_brief(keys[index], made)
        done += 1
        progress("brief", done, len(events))
    return tuple(found for found in briefs if found is not None)


def site_info(config: Config) -> SiteInfo:
    """The site-wide facts pages and feeds need."""
    from briefgen.render import SiteInfo  # noqa: PLC0415  (Jinja: only builds that render)

    base = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
    return SiteInfo(
        config.title,
        config.description,
        config.language,
        base,
        config.timezone,
        config.feed_items,
        config.events_per_page,
    )


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
