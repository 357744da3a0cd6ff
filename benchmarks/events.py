"""Event clustering quality (B-cubed) on the labelled dev corpus, and a scale check.

    .venv/bin/python benchmarks/events.py [--corpus PATH] [--scale N [--scale-text PATH ...]]
        [--truth DIR ...] [--no-quality]

Each line of the corpus becomes a markdown source with front matter (title, outlet, date, url
where present); the real pipeline then runs through `briefgen.build.analyse`, the code path of
`briefgen build`. Sites: the whole corpus as one site, and each dataset as its own site.
Beside it, a plain TF-IDF cosine single-link baseline, computed in the same run, with its
threshold chosen as the best on this same data (which flatters the baseline, not briefgen).
`--scale N` times dedupe + cluster on N synthetic stories from shared/bench/make_corpus.py, with
CPU time and peak memory (the process's, records included, and its growth during the two
stages; the cyclic garbage collector paused as in `briefgen build`; CPU time includes the
worker processes the stages fork), and scores the events against the generator's own event
labels (pass `--scale-text shared/seeds --scale-text gensim-*.whl` for varied text; with the
seeds alone the stories are five texts recombined, far more alike than real news).
`--truth DIR` does the same on a corpus folder of benchmarks/corpus.py (DIR/sources, scored
against DIR/truth.tsv), e.g. `--no-quality --truth benchmarks/out/corpus-briefgen-n10000-seed1`.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from briefgen.build import analyse
from briefgen.cluster import ClusterSettings, cluster
from briefgen.config import Config
from briefgen.dedupe import dedupe
from briefgen.load import load_sources
from briefgen.records import Record
from briefgen.stopwords import STOPWORDS

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpora" / "events" / "dev.jsonl"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
_WORD = re.compile(r"\w+")

Row = Mapping[str, str | None]


def read_rows(path: Path) -> list[dict[str, str | None]]:
    """The corpus lines as dictionaries."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def write_sources(rows: Iterable[Row], folder: Path) -> dict[str, str]:
    """Write one markdown file per row; return {source path: gold cluster}."""
    gold: dict[str, str] = {}
    folder.mkdir(parents=True, exist_ok=True)
    for row in rows:
        name = re.sub(r"[^\w.-]+", "_", f"{row['set']}_{row['id']}") + ".md"
        meta = {
            key: row[field]
            for key, field in (("title", "title"), ("outlet", "source"), ("date", "date"))
            if row.get(field)
        }
        if row.get("url"):
            meta["url"] = row["url"]
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) if meta else ""
        text = f"---\n{front}---\n\n{row['text']}\n" if front else f"{row['text']}\n"
        (folder / name).write_text(text, encoding="utf-8")
        gold[name] = str(row["cluster"])
    return gold


def briefgen_clusters(sources: Path) -> dict[str, str]:
    """Run the pipeline on a folder of sources; return {source path: event id}."""
    config = Config(root=sources.parent, path=None, sources=str(sources))
    analysis = analyse(config)
    predicted: dict[str, str] = {}
    for event in analysis.events:
        for story in event.stories:
            for record in (story.record, *story.copies):
                predicted[record.path] = event.id
    return predicted


def b_cubed(gold: Mapping[str, str], predicted: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over the items of `gold`."""
    gold_members: dict[str, set[str]] = defaultdict(set)
    predicted_members: dict[str, set[str]] = defaultdict(set)
    for item, label in gold.items():
        gold_members[label].add(item)
        predicted_members[predicted.get(item, "missing:" + item)].add(item)
    precision = recall = 0.0
    for item, label in gold.items():
        mine = predicted_members[predicted.get(item, "missing:" + item)]
        theirs = gold_members[label]
        overlap = len(mine & theirs)
        precision += overlap / len(mine)
        recall += overlap / len(theirs)
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def tfidf_vectors(texts: list[str]) -> list[dict[int, float]]:
    """Plain TF-IDF unit vectors: lower-cased words, stopwords out, sublinear tf, smoothed idf."""
    counts = [
        Counter(w for w in _WORD.findall(text.lower()) if w not in STOPWORDS) for text in texts
    ]
    frequency: Counter[str] = Counter(term for c in counts for term in c)
    ids = {term: index for index, term in enumerate(sorted(frequency))}
    total = len(texts)
    vectors = []
    for c in counts:
        weights = {
            ids[t]: (1 + math.log(n)) * (1 + math.log((1 + total) / (1 + frequency[t])))
            for t, n in c.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})
    return vectors


def single_link(size: int, pairs: list[tuple[float, int, int]], threshold: float) -> list[int]:
    """Connected components of the pairs at or above the threshold."""
    parent = list(range(size))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for score, left, right in pairs:
        if score < threshold:
            break
        parent[find(left)] = find(right)
    return [find(i) for i in range(size)]


def baseline(rows: list[dict[str, str | None]]) -> dict[str, tuple[float, float, float, float]]:
    """TF-IDF single-link B-cubed per dataset and overall, at the best overall threshold."""
    texts = [" ".join(filter(None, (row.get("title"), row["text"]))) for row in rows]
    vectors = tfidf_vectors(texts)
    pairs = []
    for i, left in enumerate(vectors):
        for j in range(i + 1, len(vectors)):
            right = vectors[j]
            score = sum(w * right.get(t, 0.0) for t, w in left.items())
            if score > 0.05:
                pairs.append((score, i, j))
    pairs.sort(reverse=True)
    gold = {str(i): str(row["cluster"]) for i, row in enumerate(rows)}
    best: dict[str, tuple[float, float, float, float]] = {}
    for step in range(5, 96):
        threshold = step / 100
        labels = single_link(len(rows), pairs, threshold)
        predicted = {str(i): str(label) for i, label in enumerate(labels)}
        scores = _per_dataset(rows, gold, predicted)
        if not best or scores["overall"][2] > best["overall"][2]:
            best = {name: (*figures, threshold) for name, figures in scores.items()}
    return best


def _per_dataset(
    rows: list[dict[str, str | None]], gold: Mapping[str, str], predicted: Mapping[str, str]
) -> dict[str, tuple[float, float, float]]:
    scores = {"overall": b_cubed(gold, predicted)}
    for dataset in sorted({str(row["set"]) for row in rows}):
        keys = [key for key, row in zip(gold, rows, strict=True) if row["set"] == dataset]
        scores[dataset] = b_cubed({k: gold[k] for k in keys}, {k: predicted[k] for k in keys})
    return scores


def quality(corpus: Path) -> None:
    """Print the B-cubed table: briefgen on one site and per-dataset sites, and the baseline."""
    rows = read_rows(corpus)
    datasets = sorted({str(row["set"]) for row in rows})
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        started = time.perf_counter()
        gold = write_sources(rows, folder / "all" / "sources")
        union = briefgen_clusters(folder / "all" / "sources")
        separate: dict[str, str] = {}
        for dataset in datasets:
            subset = [row for row in rows if row["set"] == dataset]
            sources = folder / dataset / "sources"
            write_sources(subset, sources)
            separate.update(briefgen_clusters(sources))
        seconds = time.perf_counter() - started
    rows_by_name = dict(zip(gold, rows, strict=True))
    base = baseline(rows)
    print(f"B-cubed on {corpus.name}: {len(rows)} articles, {len(set(gold.values()))} events")
    print(f"{'dataset':<10} {'system':<26} {'P':>6} {'R':>6} {'F1':>6}")
    for dataset in [*datasets, "overall"]:
        keys = [k for k in gold if dataset == "overall" or rows_by_name[k]["set"] == dataset]
        subset_gold = {k: gold[k] for k in keys}
        for label, predicted in (
            ("briefgen, one site", union),
            ("briefgen, site per set", separate),
        ):
            p, r, f = b_cubed(subset_gold, {k: predicted[k] for k in keys})
            print(f"{dataset:<10} {label:<26} {p:6.3f} {r:6.3f} {f:6.3f}")
        p, r, f, threshold = base[dataset]
        print(
            f"{dataset:<10} {f'TF-IDF single-link @{threshold:.2f}':<26} {p:6.3f} {r:6.3f} {f:6.3f}"
        )
    print(
        f"(briefgen runs, all sites: {seconds:.1f} s; baseline threshold is the best on this data)"
    )


def scale(size: int, texts: list[Path]) -> None:
    """Time dedupe + cluster on `size` synthetic stories; score the events against their labels."""
    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp) / "sources"
        command = [sys.executable, str(MAKE_CORPUS), "--n", str(size), "--out", str(out)]
        for text in texts:
            command += ["--text", str(text)]
        subprocess.run([*command, "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        loaded = load_sources(out, 20_000_000)
        gold = synthetic_labels(out)
    time_and_score(loaded.records, gold, "scale")


def truth(folder: Path) -> None:
    """Time dedupe + cluster on a generated corpus folder; score against its truth.tsv."""
    started = time.perf_counter()
    loaded = load_sources(folder / "sources", 20_000_000)
    print(f"{folder.name}: loaded in {time.perf_counter() - started:.1f} s")
    time_and_score(loaded.records, truth_labels(folder / "truth.tsv"), folder.name)


def time_and_score(records: tuple[Record, ...], gold: Mapping[str, str], label: str) -> None:
    """Run dedupe + cluster as `briefgen build` does, timed; print the figures and B-cubed."""
    defaults = Config(root=Path(), path=None)
    loaded_memory = _peak_mib()
    gc.disable()  # as `briefgen build` runs its stages (see build.analyse)
    started, started_cpu = time.perf_counter(), _cpu_seconds()
    stories = dedupe(records, defaults.copy_threshold)
    deduped, deduped_cpu = time.perf_counter(), _cpu_seconds()
    deduped_memory = _peak_mib()
    events = cluster(stories, ClusterSettings.from_config(defaults))
    finished, finished_cpu = time.perf_counter(), _cpu_seconds()
    gc.enable()
    predicted = {
        record.path: event.id
        for event in events
        for story in event.stories
        for record in (story.record, *story.copies)
    }
    p, r, f = b_cubed(gold, predicted)
    print(
        f"{label}: {len(records)} files -> {len(stories)} stories -> {len(events)} events "
        f"({len(set(gold.values()))} true); dedupe {deduped - started:.1f} s "
        f"({deduped_cpu - started_cpu:.1f} s CPU), cluster {finished - deduped:.1f} s "
        f"({finished_cpu - deduped_cpu:.1f} s CPU), total {finished - started:.1f} s "
        f"({finished_cpu - started_cpu:.1f} s CPU); peak memory {loaded_memory:.0f} MiB after "
        f"loading, {deduped_memory:.0f} after dedupe, {_peak_mib():.0f} after clustering "
        f"(+{_peak_mib() - loaded_memory:.0f} MiB)"
    )
    print(f"{label}: B-cubed against the true event labels P {p:.3f} R {r:.3f} F1 {f:.3f}")


def truth_labels(path: Path) -> dict[str, str]:
    """{source path: event} from a truth.tsv of benchmarks/corpus.py (copies carry their event)."""
    with path.open(encoding="utf-8") as lines:
        rows = csv.DictReader(lines, delimiter="\t")
        return {row["path"]: row["event"] for row in rows}


def synthetic_labels(folder: Path) -> dict[str, str]:
    """{source path: event label} from the `event:` line make_corpus.py writes in front matter."""
    labels = {}
    for path in sorted(folder.glob("*.md")):
        head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
        label = re.search(r"^event: *['\"]?([^'\"\n]+)", head, re.MULTILINE)
        if label:
            labels[path.name] = label.group(1)
    return labels


def _cpu_seconds() -> float:
    """CPU time of this process and of its ended worker processes (the stages fork some)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="labelled JSON-lines corpus")
    parser.add_argument(
        "--scale", type=int, help="also time dedupe + cluster on N synthetic stories"
    )
    parser.add_argument(
        "--scale-text",
        type=Path,
        action="append",
        default=[],
        help="source text for the synthetic stories (make_corpus.py --text), e.g. a gensim wheel",
    )
    parser.add_argument(
        "--truth",
        type=Path,
        action="append",
        default=[],
        help="also time and score a benchmarks/corpus.py folder (sources/ and truth.tsv)",
    )
    parser.add_argument("--no-quality", action="store_true", help="skip the B-cubed table")
    args = parser.parse_args()
    if not args.no_quality:
        quality(args.corpus)
    if args.scale:
        scale(args.scale, args.scale_text)
    for folder in args.truth:
        truth(folder)


if __name__ == "__main__":
    main()
