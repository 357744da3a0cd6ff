"""Profile one briefgen build stage by stage with cProfile, and print each stage's hot spots.

One command:
    .venv/bin/python benchmarks/profile_build.py --n 10000

Builds the generated corpus of benchmarks/speed.py in-process, with one profiler per stage (the
stage clock of briefgen.build is wrapped, so the stages are whatever the build runs), prints the
functions with the most own time and the briefgen functions with the most cumulative time in
each stage, and saves benchmarks/out/profile-nN/STAGE.pstats for `python -m pstats` or snakeviz.
cProfile adds overhead to every Python call (often 1.5-2x): read shares, not absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: find siblings

import speed
from briefgen import build as build_module
from briefgen.config import load_config

T = TypeVar("T")


def profiled_build(sources: Path, work: Path, out: Path) -> dict[str, pstats.Stats]:
    """Build once with a profiler around each stage; returns the stats by stage."""
    profiles: dict[str, cProfile.Profile] = {}
    original_run = build_module._Clock.run

    def run(self: Any, stage: str, work_fn: Callable[[], T], **options: Any) -> T:
        profile = profiles.setdefault(stage, cProfile.Profile())
        result: T = profile.runcall(lambda: original_run(self, stage, work_fn, **options))
        return result

    config_file = work / "briefgen.yaml"
    config_file.write_text(
        f"base_url: https://example.org/\nsources: {sources}\noutput: {work / 'site'}\n",
        encoding="utf-8",
    )
    build_module._Clock.run = run  # type: ignore[method-assign,assignment]
    try:
        started = time.perf_counter()
        result = build_module.build(load_config(config_file))
        print(f"profiled build: {time.perf_counter() - started:.1f} s; stages (with overhead):")
        print("  " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()))
    finally:
        build_module._Clock.run = original_run  # type: ignore[method-assign]
    out.mkdir(parents=True, exist_ok=True)
    stats = {}
    for stage, profile in profiles.items():
        profile.dump_stats(out / f"{stage}.pstats")
        stats[stage] = pstats.Stats(profile)
    return stats


def hot_spots(stats: pstats.Stats, key: str, top: int, only: str | None = None) -> str:
    """The top functions by `key` ('tottime' or 'cumulative'), optionally only matching files."""
    stream = io.StringIO()
    stats.stream = stream  # type: ignore[attr-defined]
    stats.sort_stats(key)
    if only:
        stats.print_stats(only, top)
    else:
        stats.print_stats(top)
    lines = stream.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return "\n".join(line for line in lines[start:] if line.strip())


def main(argv: Sequence[str] | None = None) -> int:
    """Profile a build of the generated corpus of size N."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="stories (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--top", type=int, default=12, help="functions shown per stage and list")
    args = parser.parse_args(argv)
    sources = speed.ensure_corpus(args.n, args.seed, pelican=False) / "sources"
    out = speed.OUT / f"profile-n{args.n}"
    with tempfile.TemporaryDirectory(dir=speed.OUT) as work:
        stats = profiled_build(sources, Path(work), out)
    for stage, stage_stats in stats.items():
        total = stage_stats.total_tt  # type: ignore[attr-defined]
        print(f"\n=== {stage}: {total:.2f} s profiled ===")
        print("own time:")
        print(hot_spots(stage_stats, "tottime", args.top))
        print("briefgen functions, cumulative:")
        print(hot_spots(stage_stats, "cumulative", args.top, only="briefgen"))
    print(f"\nstats saved in {out}/ (python -m pstats {out}/load.pstats)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
