"""Time the site stages (render, feeds, write) alone, on the analysis of a generated corpus.

One command:
    .venv/bin/python benchmarks/site_stages.py --n 10000

The analysis (load, dedupe, cluster, brief) of the corpus of benchmarks/speed.py is made once and
kept in benchmarks/out/ (keyed by the corpus and the code of the stages before render), so each run
times only the stages after it: render, feeds and write, `--runs` times each into a fresh output
folder, with the best CPU seconds (this process and its render workers) and wall seconds.
Also prints the size of the largest outputs (feeds, index). `--profile STAGE` prints that stage's
hot spots (cProfile) instead.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pickle
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: find siblings

import speed
from briefgen import build as build_module
from briefgen.config import Config, load_config
from briefgen.feeds import render_feeds
from briefgen.records import Analysis
from briefgen.render import render_site
from briefgen.write import write_site

T = TypeVar("T")
SRC = Path(__file__).resolve().parents[1] / "src" / "briefgen"
# The site stages: editing them does not change the analysis.
SITE_MODULES = {
    "render.py",
    "page_html.py",
    "brief_html.py",
    "feeds.py",
    "write.py",
    "theme.py",
    "pagination.py",
    "source_pages.py",
    "settings.py",
    "config.py",
}


def analysis_of(sources: Path, work: Path, config: Config) -> Analysis:
    """The corpus's analysis, from benchmarks/out/ where the code before render is unchanged."""
    stamp = hashlib.sha256(str(sources).encode())
    for path in sorted(SRC.rglob("*.py")):
        if path.name not in SITE_MODULES:
            stamp.update(path.read_bytes())
    kept = speed.OUT / f"analysis-{sources.parent.name}-{stamp.hexdigest()[:12]}.pickle"
    if kept.is_file():
        with kept.open("rb") as stream:
            found: Analysis = pickle.load(stream)  # our own file, made above
        return found
    started = time.perf_counter()
    analysis = build_module.analyse(config)
    print(f"  analysed {sources} in {time.perf_counter() - started:.1f} s (kept in {kept.name})")
    with kept.open("wb") as stream:
        pickle.dump(analysis, stream, protocol=pickle.HIGHEST_PROTOCOL)
    return analysis


def cpu_seconds() -> float:
    """User and system seconds of this process and of its finished children (render workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """The result, CPU seconds (workers included) and wall seconds of one call."""
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = work()
    return result, cpu_seconds() - cpu, time.perf_counter() - wall


def main(argv: Sequence[str] | None = None) -> int:
    """Time (or profile) render, feeds and write on the analysis of the corpus of size N."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="stories (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--runs", type=int, default=3, help="runs of each stage (best shown)")
    parser.add_argument("--profile", choices=("render", "feeds", "write"), help="profile a stage")
    parser.add_argument("--top", type=int, default=25, help="functions shown with --profile")
    args = parser.parse_args(argv)
    sources = speed.ensure_corpus(args.n, args.seed, pelican=False) / "sources"
    with tempfile.TemporaryDirectory(dir=speed.OUT) as folder:
        work = Path(folder)
        (work / "briefgen.yaml").write_text(
            f"base_url: https://example.org/\nsources: {sources}\noutput: {work / 'site'}\n",
            encoding="utf-8",
        )
        config = load_config(work / "briefgen.yaml")
        analysis = analysis_of(sources, work, config)
        site = build_module.site_info(config)
        stages: dict[str, Callable[[], object]] = {
            "render": lambda: render_site(analysis.briefs, site, config.templates_dir),
            "feeds": lambda: render_feeds(analysis.briefs, site),
        }
        files = {**render_site(analysis.briefs, site, config.templates_dir)}
        files.update(render_feeds(analysis.briefs, site))
        outputs = iter(range(1_000_000))
        # A new folder each run, as a first build writes (no earlier site to compare or remove).
        stages["write"] = lambda: write_site(files, work / f"site{next(outputs)}")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(stages[args.profile])
            pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
            return 0
        print(f"N={args.n:,}: {len(analysis.briefs):,} events, {len(files):,} files")
        for stage, work_fn in stages.items():
            runs = [timed(work_fn)[1:] for _ in range(args.runs)]
            cpu, wall = min(r[0] for r in runs), min(r[1] for r in runs)
            print(f"  {stage:7s} CPU {cpu:6.2f} s  wall {wall:6.2f} s  (best of {args.runs})")
        biggest = sorted(files, key=lambda name: len(files[name]), reverse=True)[:5]
        for name in biggest:
            print(f"  {name}: {len(files[name]) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
