"""The benchmark corpus generator (benchmarks/corpus.py): deterministic, labelled, buildable."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from briefgen.build import build
from briefgen.config import load_config
from briefgen.load import load_sources

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
# The project's own sources are the prose here: always present, unlike a downloaded wheel.
PROSE = Path(__file__).resolve().parents[1] / "sources"


def _corpus_module() -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("bench_corpus", BENCHMARKS / "corpus.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while being made
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


corpus = _corpus_module()


def _write(out: Path, n: int, seed: int) -> Path:
    assert (
        corpus.main(["--n", str(n), "--out", str(out), "--seed", str(seed), "--text", str(PROSE)])
        == 0
    )
    return out


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _truth(out: Path) -> list[dict[str, str]]:
    with (out / "truth.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("corpus"), 60, seed=7)


def test_same_seed_gives_identical_files_and_another_seed_does_not(
    generated: Path, tmp_path: Path
) -> None:
    again = _write(tmp_path / "again", 60, seed=7)
    other = _write(tmp_path / "other", 60, seed=8)
    assert _tree(again) == _tree(generated)
    assert _tree(other) != _tree(generated)


def test_writes_all_three_formats_that_briefgen_loads(generated: Path) -> None:
    loaded = load_sources(generated / "sources", 20_000_000)
    assert loaded.files_seen == 60
    assert len(loaded.records) == 60
    assert Counter(record.format for record in loaded.records).keys() == {
        "text",
        "markdown",
        "html",
    }
    for record in loaded.records:
        assert record.title, record.path
        assert sum(len(p.split()) for p in record.paragraphs) >= 200, record.path
    markdown = [r for r in loaded.records if r.format == "markdown"]
    assert all(r.outlet and r.published and r.url for r in markdown)
    assert not [d for d in loaded.diagnostics if d.path.endswith(".md")]


def test_labels_are_kept_beside_the_sources_not_inside(generated: Path) -> None:
    rows = _truth(generated)
    names = sorted(p.name for p in (generated / "sources").iterdir())
    assert sorted(row["path"] for row in rows) == names
    events = Counter(row["event"] for row in rows)
    assert 1 < len(events) < 60
    originals = Counter(row["event"] for row in rows if not row["copy_of"])
    assert max(originals.values()) <= 20
    copies = [row for row in rows if row["copy_of"]]
    assert len(copies) == 6  # 10% of 60
    paths_by_stem = {Path(row["path"]).stem: row for row in rows}
    assert all(paths_by_stem[row["copy_of"]]["event"] == row["event"] for row in copies)
    for path in (generated / "sources").iterdir():
        text = path.read_text(encoding="utf-8")
        assert not any(label in text for label in events), path.name


def test_briefgen_builds_a_generated_corpus(generated: Path, tmp_path: Path) -> None:
    config_file = tmp_path / "briefgen.yaml"
    config_file.write_text(
        f"base_url: https://example.org/\nsources: {generated / 'sources'}\n"
        f"output: {tmp_path / 'site'}\n",
        encoding="utf-8",
    )
    result = build(load_config(config_file))
    truth_events = len({row["event"] for row in _truth(generated)})
    assert len(result.analysis.stories) < 60  # copies were merged
    assert 1 < len(result.analysis.events) <= len(result.analysis.stories)
    assert abs(len(result.analysis.events) - truth_events) <= truth_events
    assert (tmp_path / "site" / "index.html").is_file()
    assert result.files_written > len(result.analysis.events)
    assert set(result.timings) >= {"load", "dedupe", "cluster", "brief", "render", "write"}


def test_pelican_twin_holds_the_same_stories(tmp_path: Path) -> None:
    prose = corpus.read_prose([PROSE])
    written = corpus.write_pelican(corpus.generate(12, 3, prose), tmp_path)
    stories = list(corpus.generate(12, 3, prose))
    assert written == 12
    first = (tmp_path / f"{stories[0].name}.md").read_text(encoding="utf-8")
    assert first.startswith(f"Title: {stories[0].title}\nDate: ")
    assert "Category: " in first and stories[0].paragraphs[-1] in first
