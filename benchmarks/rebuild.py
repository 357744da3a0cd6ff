"""Rebuild times with the build cache, against a full build, on a generated corpus.

    .venv/bin/python benchmarks/rebuild.py            (N=2,000, a quick run)
    .venv/bin/python benchmarks/rebuild.py --n 10000  (the figure the issue asks for)

Each build runs as a user runs it (`python -m briefgen build -q`, a new process each time):
1. first build with the cache (a full build that also fills the cache);
2. rebuild with nothing changed;
3. rebuild after one source file changed;
4. full build of the same sources without the cache (`--no-cache`, to another folder), whose
   output is then compared file by file with the cached build's.
Each figure is wall seconds, with the build process's CPU seconds (user + system) in brackets:
on a shared machine the CPU time is the steadier of the two.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAKE_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "make_corpus.py"


def main() -> None:
    """Generate the corpus, time the builds, print the figures."""
    options = _options()
    with tempfile.TemporaryDirectory(prefix="briefgen-rebuild-") as folder:
        site = options.keep or Path(folder)
        _make_site(site, options.n, options.make_corpus)
        print(f"corpus: {options.n} markdown articles in {site / 'sources'}")
        print(f"first build, filling cache:  {_timed_build(site)}")
        print(f"rebuild, nothing changed:    {_timed_build(site)}")
        change_one_file(site / "sources")
        print(f"rebuild, one file changed:   {_timed_build(site)}")
        full = _timed_build(site, "--no-cache", "--out", str(site / "fresh"))
        print(f"full build, no cache:        {full}")
        same = _same_tree(site / "build", site / "fresh")
        print(f"cached output identical to a --no-cache build: {'yes' if same else 'NO'}")


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles in the corpus")
    parser.add_argument("--make-corpus", type=Path, default=MAKE_CORPUS, help="make_corpus.py")
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it")
    return parser.parse_args()


def _make_site(site: Path, n: int, make_corpus: Path) -> None:
    command = [sys.executable, str(make_corpus), "--n", str(n), "--out", str(site / "sources")]
    subprocess.run([*command, "--seed", "1"], check=True, capture_output=True)
    (site / "briefgen.yaml").write_text("base_url: https://example.org/briefing/\n")


def _timed_build(site: Path, *options: str) -> str:
    """Run one build; its wall seconds and (CPU seconds of the build and its workers)."""
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "-q", *options],
        cwd=site,
        check=True,
    )
    wall = time.perf_counter() - started
    return f"{wall:7.2f} s  ({_children_cpu() - cpu:6.2f} s CPU)"


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def change_one_file(sources: Path) -> None:
    """Add a sentence to the middle markdown file of the folder (by name)."""
    path = sorted(sources.glob("*.md"))[len(list(sources.glob("*.md"))) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nThe council will publish its full report next week.\n")


def _same_tree(first: Path, second: Path) -> bool:
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    others = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    if names != others:
        return False
    _, mismatch, errors = filecmp.cmpfiles(first, second, [str(n) for n in names], shallow=False)
    return not mismatch and not errors


if __name__ == "__main__":
    main()
