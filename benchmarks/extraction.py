"""Article-extraction quality of the loaders on real pages (the Zyte benchmark's own measure).

Runs `briefgen.load.load_file` (the code path of `briefgen build`) on each page of
/work/shared/corpora/extraction/ as copied text (`page.txt`) and as saved HTML (`page.html`), and
prints precision, recall and F1 beside two references measured in the same run: trafilatura's
default extraction of the HTML, and keeping every line of the copied text.

Command: `.venv/bin/python benchmarks/extraction.py [--pages N] [--worst K]`
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from briefgen.load import load_file

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "extraction"
MAX_BYTES = 50_000_000
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Match:
    """One page's shingle counts, each normalised by their sum (as the benchmark does)."""

    tp: float
    fp: float
    fn: float


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of `size`-token shingles of a text (tokens are `\\w+` runs)."""
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + size]) for i in range(max(0, len(tokens) - size + 1)))


def match(expected: str, predicted: str) -> Match:
    """True/false positives and false negatives of one page, normalised by their sum."""
    truth, guess = shingles(expected), shingles(predicted)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    total = tp + fp + fn
    return Match(tp / total, fp / total, fn / total) if total else Match(0.0, 0.0, 0.0)


def scores(matches: Iterable[Match]) -> tuple[float, float, float]:
    """Precision and recall from the page-averaged counts, and F1 from the two."""
    items = list(matches)
    tp = sum(m.tp for m in items) / len(items)
    fp = sum(m.fp for m in items) / len(items)
    fn = sum(m.fn for m in items) / len(items)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def loader_text(page: Path, name: str, workdir: Path) -> str:
    """The body the loader finds in one file, as `briefgen build` would load it."""
    target = workdir / f"{page.parent.name}{Path(name).suffix}"
    shutil.copyfile(page.parent / name, target)
    record, _ = load_file(target, workdir, MAX_BYTES)
    target.unlink()
    return "\n\n".join(block.text for block in record.body) if record else ""


def trafilatura_default(page: Path) -> str:
    """trafilatura's own default extraction of the saved page."""
    import trafilatura  # noqa: PLC0415

    html = (page.parent / "page.html").read_text(encoding="utf-8", errors="replace")
    return trafilatura.extract(html) or ""


def keep_everything(page: Path) -> str:
    """The copied text as it is: the baseline a line classifier must beat."""
    return (page.parent / "page.txt").read_text(encoding="utf-8", errors="replace")


def main() -> None:
    """Measure every method on the corpus and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages")
    parser.add_argument("--worst", type=int, default=0, help="list the K worst pages per method")
    parser.add_argument("--only", default="", help="comma-separated method names to run")
    args = parser.parse_args()
    pages = sorted(CORPUS.glob("*/expected.json"))
    if args.pages:
        pages = pages[: args.pages]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        methods: dict[str, Callable[[Path], str]] = {
            "briefgen txt": lambda page: loader_text(page, "page.txt", workdir),
            "keep everything (txt)": keep_everything,
            "briefgen html": lambda page: loader_text(page, "page.html", workdir),
            "trafilatura default (html)": trafilatura_default,
        }
        chosen = [name.strip() for name in args.only.split(",") if name.strip()]
        print(f"{len(pages)} pages from {CORPUS}")
        print(f"{'method':<28} {'precision':>9} {'recall':>7} {'F1':>6}")
        for name, method in methods.items():
            if chosen and not any(choice in name for choice in chosen):
                continue
            results = {}
            for page in pages:
                expected = json.loads(page.read_text(encoding="utf-8"))["body"] or ""
                results[page.parent.name] = match(expected, method(page))
            precision, recall, f1 = scores(results.values())
            print(f"{name:<28} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f}")
            worst = sorted(results.items(), key=lambda item: item[1].tp)[: args.worst]
            for page_id, result in worst:
                counts = f"tp={result.tp:.2f} fp={result.fp:.2f} fn={result.fn:.2f}"
                print(f"    {page_id[:12]} {counts}")


if __name__ == "__main__":
    main()
