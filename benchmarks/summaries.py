"""ROUGE of briefgen's headline + summary against human roundups, next to same-run baselines.

Run: .venv/bin/python benchmarks/summaries.py [--limit N] [--half even|odd]

Each event of /work/shared/corpora/summaries/dev.jsonl (three outlets' article openings and an
editor's roundup) becomes a small site of three markdown sources (front matter: title, outlet)
that goes through the real pipeline (`briefgen.build.analyse`: load, dedupe, cluster, brief).
Clustering is not forced: the script reports how many events came out as one event, and scores
the brief of the event holding the most stories (ties: the first). Baselines on the same events:
the first sentence of each article, and TextRank and LexRank (sumy, 3 sentences; sentences split
by briefgen's splitter since NLTK's punkt data is not installed). Also prints the median time to
brief one event, and to brief 20 full articles (from ../events/dev.jsonl) put into one event,
each time with the brief stage's caches of sentence readings emptied (a first reading: real news
rarely repeats a sentence). Briefs are timed as the build runs them: with the garbage collector
off (`briefgen.build.analyse` turns it off for its stages).
`--half even` (or `odd`) scores only the events on even (odd) 0-based lines of the corpus: tune
on one half, confirm on the other.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer  # type: ignore[import-untyped]
from sumy.parsers.plaintext import PlaintextParser  # type: ignore[import-untyped]
from sumy.summarizers.lex_rank import LexRankSummarizer  # type: ignore[import-untyped]
from sumy.summarizers.text_rank import TextRankSummarizer  # type: ignore[import-untyped]

from briefgen import dates
from briefgen.brief import brief
from briefgen.build import analyse
from briefgen.collector import collector_paused
from briefgen.config import load_config
from briefgen.disagreements import count_mentions
from briefgen.passages import read_paragraph, read_sentence
from briefgen.records import Brief
from briefgen.sentences import split_sentences
from briefgen.summary import personal_voice

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "summaries" / "dev.jsonl"
EVENTS_CORPUS = CORPUS.parents[1] / "events" / "dev.jsonl"
METRICS = ("rouge1", "rouge2", "rougeL")
Event = dict[str, Any]


def main() -> None:
    """Score every event and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="score only the first N events")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--half", choices=("even", "odd"), help="score only the events on even (odd) lines"
    )
    args = parser.parse_args()
    events = _read(args.corpus, args.limit, args.half)
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    systems: dict[str, Callable[[Event], str]] = {
        "first sentences": _first_sentences,
        "TextRank (sumy, 3)": _sumy(TextRankSummarizer()),
        "LexRank (sumy, 3)": _sumy(LexRankSummarizer()),
    }
    totals: dict[str, list[dict[str, float]]] = {name: [] for name in ("briefgen", *systems)}
    together: list[bool] = []
    brief_ms: list[float] = []
    for event in events:
        reference = _reference(event)
        result, milliseconds = _briefgen(event)
        brief_ms.append(milliseconds)
        together.append(result.event_count == 1)
        totals["briefgen"].append(_score(scorer, reference, result.text))
        for name, system in systems.items():
            totals[name].append(_score(scorer, reference, system(event)))
    print(f"events: {len(events)}; clustered into one event: {sum(together)} of {len(events)}")
    print("briefgen scored on the brief of the event holding most stories (headline + summary)")
    _table("all events", totals, [True] * len(events))
    _table("events clustered into one", totals, together)
    _table("events split by clustering", totals, [not t for t in together])
    print(f"median time to brief one event: {statistics.median(brief_ms):.2f} ms")
    wall, cpu = _twenty_story_ms(EVENTS_CORPUS)
    print(f"brief time for 20 full articles: {wall:.1f} ms wall, {cpu:.1f} ms CPU (median of 20)")


def _table(title: str, totals: dict[str, list[dict[str, float]]], chosen: list[bool]) -> None:
    count = sum(chosen)
    if not count:
        return
    print(f"\n{title} ({count})")
    print(f"{'system':<22}" + "".join(f"{m:>9}" for m in ("ROUGE-1", "ROUGE-2", "ROUGE-L")))
    for name, scores in totals.items():
        kept = [score for score, keep in zip(scores, chosen, strict=True) if keep]
        means = [100 * statistics.fmean(s[m] for s in kept) for m in METRICS]
        print(f"{name:<22}" + "".join(f"{v:>9.2f}" for v in means))


class _Result:
    def __init__(self, text: str, event_count: int) -> None:
        self.text = text
        self.event_count = event_count


def _briefgen(event: Event) -> tuple[_Result, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write_site(root, event["articles"])
        analysis = analyse(load_config(root / "briefgen.yaml"))
    main_event = max(analysis.events, key=lambda e: len(e.stories))
    with collector_paused():
        started = time.perf_counter()
        result = brief(main_event)
        milliseconds = 1000 * (time.perf_counter() - started)
    return _Result(_brief_text(result), len(analysis.events)), milliseconds


def _brief_text(result: Brief) -> str:
    return "\n".join([result.headline, *(sentence.text for sentence in result.summary)])


def _write_site(root: Path, articles: list[dict[str, str]]) -> None:
    sources = root / "sources"
    sources.mkdir()
    (root / "briefgen.yaml").write_text("base_url: https://example.org/\n", encoding="utf-8")
    for index, article in enumerate(articles):
        front = {"title": article["title"], "outlet": f"Outlet {index + 1}"}
        text = "---\n" + "".join(f"{k}: {json.dumps(v)}\n" for k, v in front.items()) + "---\n\n"
        (sources / f"article-{index}.md").write_text(
            text + article["text"] + "\n", encoding="utf-8"
        )


def _twenty_story_ms(path: Path) -> tuple[float, float]:
    """Median wall and CPU milliseconds to brief 20 full articles (the largest labelled events
    of the events corpus, taken whole and put into one event: this times the brief stage only).
    """
    articles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    sizes = Counter(article["cluster"] for article in articles)
    ranked = sorted(articles, key=lambda a: (-sizes[a["cluster"]], a["cluster"], a["id"]))[:20]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write_site(root, [{"title": a["title"] or "", "text": a["text"]} for a in ranked])
        analysis = analyse(load_config(root / "briefgen.yaml"))
    stories = tuple(story for event in analysis.events for story in event.stories)
    event = replace(analysis.events[0], stories=stories)
    wall, cpu = [], []
    for _ in range(20):
        _forget_readings()  # time a first reading of these articles, not a cached one
        with collector_paused():
            started, started_cpu = time.perf_counter(), time.process_time()
            brief(event)
            wall.append(1000 * (time.perf_counter() - started))
            cpu.append(1000 * (time.process_time() - started_cpu))
    return statistics.median(wall), statistics.median(cpu)


def _forget_readings() -> None:
    """Empty the brief stage's caches of what each distinct sentence or paragraph says."""
    for cached in (read_paragraph, read_sentence, dates.scan_dates, count_mentions, personal_voice):
        cached.cache_clear()


def _first_sentences(event: Event) -> str:
    firsts = (split_sentences(a["text"])[:1] for a in event["articles"])
    return "\n".join(s for first in firsts for s in first)


class _Tokenizer:
    """sumy's tokenizer interface on briefgen's sentence splitter (no NLTK data needed)."""

    language = "english"

    def to_sentences(self, paragraph: str) -> list[str]:
        return split_sentences(paragraph)

    def to_words(self, sentence: str) -> list[str]:
        return re.findall(r"\w+", sentence)


def _sumy(summarizer: Any) -> Callable[[Event], str]:
    tokenizer = _Tokenizer()

    def summarize(event: Event) -> str:
        text = "\n\n".join(a["text"] for a in event["articles"])
        document = PlaintextParser.from_string(text, tokenizer).document
        return "\n".join(str(s) for s in summarizer(document, 3))

    return summarize


def _reference(event: Event) -> str:
    return f"{event['reference']['title']}\n{event['reference']['text']}"


def _score(scorer: Any, reference: str, candidate: str) -> dict[str, float]:
    scores = scorer.score(reference, candidate)
    return {metric: scores[metric].fmeasure for metric in METRICS}


def _read(path: Path, limit: int, half: str | None = None) -> list[Event]:
    events = list(_lines(path, limit))
    if half is None:
        return events
    return events[half == "odd" :: 2]


def _lines(path: Path, limit: int) -> Iterator[Event]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if limit and number >= limit:
                return
            yield json.loads(line)


if __name__ == "__main__":
    main()
