"""CPU cost of the loaders per file and per format, in one process (no worker pool).

One command:
    .venv/bin/python benchmarks/loaders.py --n 1000

Loads every file of the generated corpus of benchmarks/speed.py (made once, then reused) with
`briefgen.load.load_file`, the code path of `briefgen build`, and prints the CPU milliseconds per
file of each format (`time.process_time`, so other processes on the machine do not count). The
first file of each format is loaded once beforehand, so that imports are not counted; the cyclic
garbage collector is off, as in `briefgen build`.
`--profile K` also prints the K functions with the most own time per format (cProfile: read
shares, not absolute times).
`--stage` instead times the whole load stage (`briefgen.load.load_sources`, worker pool included)
in a fresh child process, start-up and imports included, bytecode cache on as on a user's
machine: wall seconds, the parent's CPU seconds and its workers' CPU seconds, best of `--rounds`.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: find siblings

import speed
from briefgen.load import EXTENSIONS, discover, load_file

MAX_BYTES = 50_000_000
# Run in the child of `--stage`: prints wall, own CPU and workers' CPU seconds.
_STAGE_SCRIPT = """
import gc, resource, sys, time
started = time.perf_counter()
from briefgen.load import load_sources
gc.disable()
loaded = load_sources(__import__("pathlib").Path(sys.argv[1]), 50_000_000)
wall = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF)
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime, len(loaded.records))
"""


def by_format(sources: Path) -> dict[str, list[Path]]:
    """The corpus's files grouped by the format their extension names."""
    groups: dict[str, list[Path]] = {}
    for path in discover(sources):
        groups.setdefault(EXTENSIONS.get(path.suffix.lower(), "other"), []).append(path)
    return groups


def cpu_ms_per_file(files: list[Path], sources: Path, rounds: int) -> float:
    """The best of `rounds` timings of loading all the files, per file."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for path in files:
            load_file(path, sources, MAX_BYTES)
        best = min(best, time.process_time() - started)
    return 1000 * best / len(files)


def hot_spots(files: list[Path], sources: Path, top: int) -> str:
    """The functions with the most own time while loading the files."""
    profile = cProfile.Profile()
    for path in files:
        profile.runcall(load_file, path, sources, MAX_BYTES)
    stream = io.StringIO()
    pstats.Stats(profile, stream=stream).sort_stats("tottime").print_stats(top)
    lines = stream.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return "\n".join(line for line in lines[start:] if line.strip())


def stage_seconds(sources: Path) -> tuple[float, float, float, int]:
    """Wall, parent CPU and workers' CPU seconds of one load stage in a fresh process."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        [sys.executable, "-c", _STAGE_SCRIPT, str(sources)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    wall, parent, workers, records = result.stdout.split()
    return float(wall), float(parent), float(workers), int(records)


def print_stage(sources: Path, rounds: int) -> None:
    """The load stage's best-of-`rounds` figures (by total CPU)."""
    runs = [stage_seconds(sources) for _ in range(rounds)]
    wall, parent, workers, records = min(runs, key=lambda run: run[1] + run[2])
    print(f"load stage, {records} records: wall {wall:.2f} s, parent CPU {parent:.2f} s, ", end="")
    print(f"workers CPU {workers:.2f} s, total CPU {parent + workers:.2f} s")


def main(argv: Sequence[str] | None = None) -> int:
    """Time (and optionally profile) each format's loader on the generated corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="stories in the corpus")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--rounds", type=int, default=3, help="timings per format (best kept)")
    parser.add_argument("--profile", type=int, default=0, metavar="K", help="top K functions")
    parser.add_argument("--stage", action="store_true", help="time the whole load stage instead")
    args = parser.parse_args(argv)
    sources = speed.ensure_corpus(args.n, args.seed, pelican=False) / "sources"
    if args.stage:
        print_stage(sources, args.rounds)
        return 0
    groups = by_format(sources)
    gc.disable()  # as briefgen.build does while its stages run
    for files in groups.values():
        load_file(files[0], sources, MAX_BYTES)  # imports and caches, not counted
    total_ms = 0.0
    print(f"{'format':<10} {'files':>6} {'CPU ms/file':>12}")
    for name, files in sorted(groups.items()):
        per_file = cpu_ms_per_file(files, sources, args.rounds)
        total_ms += per_file * len(files)
        print(f"{name:<10} {len(files):>6} {per_file:>12.3f}")
    files_seen = sum(len(files) for files in groups.values())
    print(f"{'all':<10} {files_seen:>6} {total_ms / files_seen:>12.3f}")
    for name, files in sorted(groups.items()) if args.profile else ():
        print(f"\n== {name}: most own time ==")
        print(hot_spots(files, sources, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
