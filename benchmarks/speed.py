"""Time briefgen's build per stage and whole, its peak memory, and Pelican on the same stories.

One command:
    .venv/bin/python benchmarks/speed.py            # N = 1,000 and 10,000
    .venv/bin/python benchmarks/speed.py --n 1000 --n 10000 --n 100000 --pelican-max 10000

For each N it generates (or reuses) a corpus with benchmarks/corpus.py, runs `briefgen build -v`
in a child process as a user would (wall time including start-up; CPU time and peak memory from
the child's rusage; per-stage times from the build's own stage clock), then builds the same N
stories with Pelican (installed into its own venv under benchmarks/out/, never into the project)
and divides the two. At N = 10,000 (`--rebuild-n`) the build runs on a copy of the sources and
fills the build cache; then come a rebuild with nothing changed and one after a sentence is added
to one file (as in benchmarks/rebuild.py). It ends with the median wall time of `briefgen build`
on the project's
sources/ and a table of every figure against its target. Results are also saved as JSON in
benchmarks/out/speed.json. The machine may be shared: CPU seconds are shown beside wall seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: find siblings

import corpus
from rebuild import change_one_file

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
PELICAN_VENV = OUT / "pelican-venv"
STAGES = ("load", "dedupe", "cluster", "brief", "render", "feeds", "write")
# Figures from the issue, measured on generated stories of about 600 words (not measured here).
KNOWN_PELICAN = {1_000: 3.1, 10_000: 29.1, 100_000: 680.0}
KNOWN_HUGO = {1_000: 0.54, 10_000: 4.7, 100_000: 74.0}
TARGET_RATIO, TARGET_SECONDS_10K, TARGET_MEMORY_MB = 0.5, 20, 1024
TARGET_GROWTH, TARGET_SEEDS = 12, 0.5
TARGET_REBUILD_NONE, TARGET_REBUILD_ONE = 2.0, 3.0
PELICAN_CONF = """\
AUTHOR = "Benchmark"
SITENAME = "Benchmark"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PATH = {content!r}
FEED_DOMAIN = "https://example.org"
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{{slug}}.rss.xml"
AUTHOR_FEED_ATOM = "feeds/{{slug}}.author.atom.xml"
AUTHOR_FEED_RSS = "feeds/{{slug}}.author.rss.xml"
TAG_FEED_ATOM = "feeds/{{slug}}.tag.atom.xml"
LOAD_CONTENT_CACHE = False
"""


@dataclass(frozen=True, slots=True)
class Run:
    """One measured child process."""

    wall: float
    """Seconds from start to exit, start-up included."""
    cpu: float
    """User plus system CPU seconds of the child."""
    peak_mb: float
    """The child's peak resident memory (ru_maxrss), in MiB."""
    returncode: int
    """Exit status."""
    output: str
    """What it printed (stdout then stderr)."""


@dataclass(slots=True)
class Row:
    """Every figure for one N."""

    n: int
    build: Run | None = None
    stages: dict[str, float] = field(default_factory=dict)
    summary: str = ""
    pelican: Run | None = None
    rebuild_none: Run | None = None
    """A rebuild with the cache and nothing changed (where rebuilds were measured)."""
    rebuild_one: Run | None = None
    """A rebuild with the cache after one file changed."""


def measure(command: Sequence[str | Path], cwd: Path) -> Run:
    """Run a command to its end; its wall time, CPU time and peak memory from its own rusage.

    The child keeps Python's bytecode cache on, as a user's machine does: with
    PYTHONDONTWRITEBYTECODE inherited, every run would compile the programs' modules afresh."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [str(part) for part in command], cwd=cwd, stdout=out, stderr=err, env=env
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace") + err.read().decode(errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss / 1024, child.returncode, text)


def prose_sources() -> list[Path]:
    """The gensim wheel's Lee corpus (downloaded once with pip), else the project's sources."""
    if not sorted(corpus.DOWNLOADS.glob("gensim-*.whl")):
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "gensim"]
        subprocess.run([*pip, "-d", str(corpus.DOWNLOADS)], check=False, capture_output=True)
    return corpus.default_text()


def ensure_corpus(n: int, seed: int, pelican: bool) -> Path:
    """A generated corpus for N (reused while the generator and prose are unchanged)."""
    prose = prose_sources()
    stamp = hashlib.sha256()
    for path in (HERE / "corpus.py", HERE / "corpus_pages.py"):
        stamp.update(path.read_bytes())
    stamp.update(" ".join(p.name for p in prose).encode())
    kind = "pelican" if pelican else "briefgen"
    folder = OUT / f"corpus-{kind}-n{n}-seed{seed}"
    stamp_file = folder / "stamp"
    if stamp_file.is_file() and stamp_file.read_text() == stamp.hexdigest():
        return folder
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    started = time.perf_counter()
    stories = corpus.generate(n, seed, corpus.read_prose(prose))
    if pelican:
        corpus.write_pelican(stories, folder / "content")
    else:
        corpus.write_corpus(stories, folder, seed)
    stamp_file.write_text(stamp.hexdigest())
    print(f"  generated {kind} corpus of {n:,} in {time.perf_counter() - started:.1f} s")
    return folder


def run_briefgen(sources: Path, work: Path, verbose: bool = True) -> Run:
    """`briefgen build` on a sources folder, as a user runs it."""
    config = work / "briefgen.yaml"
    config.write_text(
        f"base_url: https://example.org/\nsources: {sources}\noutput: {work / 'site'}\n",
        encoding="utf-8",
    )
    briefgen = Path(sys.executable).parent / "briefgen"
    return measure([briefgen, "build", "--config", config, "-v" if verbose else "-q"], work)


def parse_stages(output: str) -> dict[str, float]:
    """Per-stage seconds from the `stages:` line that `briefgen build -v` prints."""
    line = next((ln for ln in output.splitlines() if ln.startswith("stages: ")), "")
    return {name: float(seconds) for name, seconds in re.findall(r"(\w+) ([\d.]+) s", line)}


def ensure_pelican() -> Path:
    """Pelican in its own venv under benchmarks/out/ (never a project dependency)."""
    pelican = PELICAN_VENV / "bin" / "pelican"
    if not pelican.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PELICAN_VENV)], check=True)
        pip = [str(PELICAN_VENV / "bin" / "pip"), "install", "-q", "pelican", "markdown"]
        subprocess.run(pip, check=True)
    return pelican


def run_pelican(content: Path, work: Path) -> Run:
    """Pelican on the same stories as markdown, every feed on, no cache."""
    conf = work / "pelicanconf.py"
    conf.write_text(PELICAN_CONF.format(content=str(content)), encoding="utf-8")
    command: list[str | Path] = [ensure_pelican(), content, "-o", work / "output", "-s", conf, "-q"]
    return measure(command, work)


def measure_n(n: int, seed: int, pelican_max: int, rebuilds: bool) -> Row:
    """Every figure for one N (with `rebuilds`, the cached rebuilds too)."""
    row = Row(n)
    print(f"N = {n:,}")
    sources = ensure_corpus(n, seed, pelican=False) / "sources"
    with tempfile.TemporaryDirectory(dir=OUT) as work:
        if rebuilds:  # on a copy (modification times kept), as one file of it will change
            sources = Path(shutil.copytree(sources, Path(work) / "sources"))
        row.build = run_briefgen(sources, Path(work))
        if rebuilds:
            row.rebuild_none = run_briefgen(sources, Path(work), verbose=False)
            change_one_file(sources)
            row.rebuild_one = run_briefgen(sources, Path(work), verbose=False)
            print(
                f"  rebuilds: nothing changed {row.rebuild_none.wall:.2f} s, "
                f"one file changed {row.rebuild_one.wall:.2f} s"
            )
    row.stages = parse_stages(row.build.output)
    row.summary = next((ln for ln in row.build.output.splitlines() if " sources -> " in ln), "")
    print(f"  briefgen: {row.build.wall:.2f} s wall, {row.build.peak_mb:.0f} MiB; {row.summary}")
    if row.build.returncode != 0:
        print(f"  briefgen exited {row.build.returncode}:\n{row.build.output[-2000:]}")
    if n <= pelican_max:
        content = ensure_corpus(n, seed, pelican=True) / "content"
        with tempfile.TemporaryDirectory(dir=OUT) as work:
            row.pelican = run_pelican(content, Path(work))
        print(f"  pelican: {row.pelican.wall:.2f} s wall, {row.pelican.peak_mb:.0f} MiB")
        if row.pelican.returncode != 0:
            print(f"  pelican exited {row.pelican.returncode}:\n{row.pelican.output[-2000:]}")
    return row


def seeds_wall(runs: int) -> list[float]:
    """Wall seconds of `briefgen build -q` on the project's sources/, several times."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=OUT) as work:
            times.append(run_briefgen(REPO / "sources", Path(work), verbose=False).wall)
    return times


def _wall(run: Run | None) -> float | None:
    return run.wall if run else None


def _peak(run: Run | None) -> float | None:
    return run.peak_mb if run else None


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("ok" if ok else "MISSED")


def table(rows: list[Row], seeds: list[float]) -> list[str]:
    """The report: one column per N, then the growth ratio and the seeds' wall time."""
    head = f"{'figure':<28}" + "".join(f"{f'N={row.n:,}':>14}" for row in rows)
    lines = [head, "-" * len(head)]

    def add(label: str, cells: list[str]) -> None:
        lines.append(f"{label:<28}" + "".join(f"{cell:>14}" for cell in cells))

    stage_names = [s for s in STAGES if any(s in r.stages for r in rows)]
    stage_names += sorted({s for r in rows for s in r.stages} - set(stage_names))
    for stage in stage_names:
        add(f"stage {stage} (s)", [_num(row.stages.get(stage)) for row in rows])
    add("briefgen build wall (s)", [_num(row.build.wall if row.build else None) for row in rows])
    add("briefgen build CPU (s)", [_num(row.build.cpu if row.build else None) for row in rows])
    add("briefgen peak memory (MiB)", [_num(_peak(row.build), 0) for row in rows])
    add("pelican wall (s)", [_pelican_cell(row) for row in rows])
    add("pelican CPU (s)", [_num(row.pelican.cpu if row.pelican else None) for row in rows])
    add("pelican peak memory (MiB)", [_num(_peak(row.pelican), 0) for row in rows])
    add("briefgen / pelican (wall)", [_ratio(row) for row in rows])
    add("briefgen / pelican (CPU)", [_cpu_ratio(row) for row in rows])
    add("hugo, known (s, not run)", [_num(KNOWN_HUGO.get(row.n)) for row in rows])
    add("rebuild, no change (s)", [_num(_wall(row.rebuild_none)) for row in rows])
    add("rebuild, one file (s)", [_num(_wall(row.rebuild_one)) for row in rows])
    lines.append("")
    lines += _targets(rows, seeds)
    return lines


def _targets(rows: list[Row], seeds: list[float]) -> list[str]:
    by_n = {row.n: row for row in rows}
    lines = [f"{'target':<40}{'measured':>16}   verdict"]

    def add(label: str, measured: str, ok: bool | None) -> None:
        lines.append(f"{label:<40}{measured:>16}   {_verdict(ok)}")

    ten = by_n.get(10_000)
    if ten and ten.build:
        ratio = ten.build.wall / ten.pelican.wall if ten.pelican else None
        add(
            f"N=10,000 build <= {TARGET_RATIO} x pelican",
            _num(ratio),
            _at_most(ratio, TARGET_RATIO),
        )
        add(
            f"N=10,000 build < {TARGET_SECONDS_10K} s",
            f"{ten.build.wall:.2f} s",
            ten.build.wall < TARGET_SECONDS_10K,
        )
        add(
            "N=10,000 peak memory < 1 GiB",
            f"{ten.build.peak_mb:.0f} MiB",
            ten.build.peak_mb < TARGET_MEMORY_MB,
        )
    hundred = by_n.get(100_000)
    growth = None
    if ten and hundred and ten.build and hundred.build:
        growth = hundred.build.wall / ten.build.wall
    add(
        f"growth t(100k)/t(10k) <= {TARGET_GROWTH}",
        _num(growth, none="not measured"),
        _at_most(growth, TARGET_GROWTH),
    )
    if seeds:
        median = statistics.median(seeds)
        add(
            f"seeds build, median of {len(seeds)}, < {TARGET_SEEDS} s",
            f"{median:.3f} s",
            median < TARGET_SEEDS,
        )
    for label, limit, run in (
        ("no change", TARGET_REBUILD_NONE, ten.rebuild_none if ten else None),
        ("one file changed", TARGET_REBUILD_ONE, ten.rebuild_one if ten else None),
    ):
        wall = _wall(run)
        measured = _num(wall, none="not measured") + (" s" if wall is not None else "")
        add(f"N=10,000 rebuild, {label} < {limit:g} s", measured, _at_most(wall, limit))
    lines.append("floors (known): read 10,000 files 0.17 s, write 10,000 small files 0.43 s,")
    lines.append("                start-up with jinja2/markdown/yaml/frontmatter/feedgen 0.1 s")
    return lines


def _at_most(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def _num(value: float | None, digits: int = 2, none: str = "-") -> str:
    return none if value is None else f"{value:,.{digits}f}"


def _pelican_cell(row: Row) -> str:
    if row.pelican:
        return _num(row.pelican.wall)
    known = KNOWN_PELICAN.get(row.n)
    return f"{known} (known)" if known else "not run"


def _ratio(row: Row) -> str:
    if not row.build:
        return "-"
    if row.pelican:
        return f"{row.build.wall / row.pelican.wall:.2f}"
    known = KNOWN_PELICAN.get(row.n)
    return f"{row.build.wall / known:.2f} (known)" if known else "-"


def _cpu_ratio(row: Row) -> str:
    if not (row.build and row.pelican and row.pelican.cpu):
        return "-"
    return f"{row.build.cpu / row.pelican.cpu:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every N asked for, then the seeds, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, action="append", help="stories (repeatable; default: 1000 and 10000)"
    )
    parser.add_argument("--pelican-max", type=int, default=10_000, help="skip Pelican above this N")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--seed-runs", type=int, default=7, help="runs of the seeds build (median)")
    parser.add_argument(
        "--rebuild-n", type=int, default=10_000, help="time cached rebuilds at this N (0: none)"
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = sorted(args.n or [1_000, 10_000])
    rows = [measure_n(n, args.seed, args.pelican_max, n == args.rebuild_n) for n in sizes]
    seeds = seeds_wall(args.seed_runs) if args.seed_runs else []
    print()
    print("\n".join(table(rows, seeds)))
    results = {"rows": [_row_json(row) for row in rows], "seeds_wall": seeds}
    (OUT / "speed.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0 if all(row.build and row.build.returncode == 0 for row in rows) else 1


def _row_json(row: Row) -> dict[str, object]:
    def run(value: Run | None) -> dict[str, object] | None:
        return None if value is None else {k: v for k, v in asdict(value).items() if k != "output"}

    return {
        "n": row.n,
        "build": run(row.build),
        "stages": row.stages,
        "summary": row.summary,
        "pelican": run(row.pelican),
        "rebuild_none": run(row.rebuild_none),
        "rebuild_one": run(row.rebuild_one),
    }


if __name__ == "__main__":
    sys.exit(main())
