"""The load stage: bad inputs become warnings naming the file, never a stopped build."""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from tests.conftest import CORPORA, MakeSite

import briefgen.load
from briefgen.compact import Packed
from briefgen.config import Config
from briefgen.load import load_sources
from briefgen.records import (
    Block,
    Body,
    Byline,
    Caption,
    Comment,
    Diagnostic,
    LoadResult,
    Record,
    Removed,
)

ARTICLE = (
    "Council approves new city budget\n\n"
    "The city council approved the new budget on Tuesday after a long debate.\n\n"
    "Council members said the plan would fund three new schools and a library.\n"
)


def load_site(config: Config) -> LoadResult:
    return load_sources(config.sources_dir, int(config.max_file_size_mb * 1_000_000))


def messages(result: LoadResult) -> list[str]:
    return [str(diagnostic) for diagnostic in result.diagnostics]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", "", "empty.txt: warning: skipped: the file is empty"),
        ("blank.md", "\n  \n", "blank.md: warning: skipped: the file is empty"),
        (
            "photo.txt",
            b"\x89PNG\r\n\x1a\n" + bytes(64),
            "photo.txt: warning: skipped: binary file (a PNG image)",
        ),
        (
            "nul.txt",
            b"\x00\x01\x02\x00" * 512,
            "nul.txt: warning: skipped: binary file (many NUL bytes)",
        ),
        (
            "notes.docx",
            "text",
            "notes.docx: warning: skipped: '.docx' is not a source format (.txt, .md, .html)",
        ),
        (
            "README",
            "text",
            "README: warning: skipped: 'README' is not a source format (.txt, .md, .html)",
        ),
    ],
)
def test_unusable_files_are_skipped_with_a_warning(
    make_site: MakeSite, name: str, content: str | bytes, expected: str
) -> None:
    result = load_site(make_site({name: content, "good.txt": ARTICLE}))
    assert messages(result) == [expected]
    assert [record.path for record in result.records] == ["good.txt"]
    assert result.files_seen == 2


def test_file_over_the_size_limit_is_skipped(make_site: MakeSite) -> None:
    config = make_site(config="base_url: https://example.org/\nmax_file_size_mb: 50\n")
    with (config.sources_dir / "big.txt").open("wb") as big:
        big.truncate(52_500_000)  # sparse: the size is checked before anything is read
    result = load_site(config)
    assert messages(result) == ["big.txt: warning: skipped: 52.5 MB is over the 50 MB limit"]
    assert result.records == ()


def test_latin1_file_is_read_with_a_warning_naming_the_line(make_site: MakeSite) -> None:
    text = ARTICLE + "\nThe café owner said the budget was fair to everyone in town.\n"
    result = load_site(make_site({"latin.txt": text.encode("latin-1")}))
    assert messages(result) == [
        "latin.txt:7: warning: not valid UTF-8; read as Windows-1252 (Latin-1)"
    ]
    assert "The café owner said" in " ".join(result.records[0].paragraphs)


def test_utf16_file_with_bom_is_read_without_warning(make_site: MakeSite) -> None:
    result = load_site(make_site({"wide.txt": ARTICLE.encode("utf-16")}))
    assert messages(result) == []
    assert result.records[0].title == "Council approves new city budget"


def test_file_without_paragraphs_is_skipped_with_a_warning(make_site: MakeSite) -> None:
    result = load_site(make_site({"bare.md": "---\ntitle: Only a title\n---\n"}))
    assert messages(result) == [
        "bare.md:4: warning: no paragraphs in the body",
        "bare.md: warning: skipped: no article text found",
    ]
    assert result.records == ()


def test_content_wins_where_the_extension_lies(make_site: MakeSite) -> None:
    html = (
        "<!DOCTYPE html><html><head><title>Budget</title></head><body><article>"
        "<p>The city council approved the new budget on Tuesday after a long debate that "
        "lasted late into the night, members said.</p></article></body></html>"
    )
    markdown = "---\ntitle: From front matter\n---\nThe council met on Tuesday.\n"
    result = load_site(make_site({"page.txt": html, "story.txt": markdown, "plain.html": ARTICLE}))
    formats = {record.path: record.format for record in result.records}
    assert formats == {"page.txt": "html", "story.txt": "markdown", "plain.html": "text"}
    assert result.records[2].title == "From front matter"


def test_one_bad_file_does_not_stop_the_others(make_site: MakeSite) -> None:
    result = load_site(
        make_site({"a.txt": ARTICLE, "b.txt": b"\x7fELF" + bytes(32), "c.md": ARTICLE})
    )
    assert [record.path for record in result.records] == ["a.txt", "c.md"]
    assert messages(result) == ["b.txt: warning: skipped: binary file (an executable)"]


def test_a_large_site_loaded_in_worker_processes_gives_the_same_result(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources: dict[str, str | bytes] = {
        f"story{number:02d}.{extension}": ARTICLE.replace("Tuesday", f"day {number}")
        for number, extension in zip(range(24), ["txt", "md", "html"] * 8, strict=True)
    }
    sources["broken.txt"] = b"\x7fELF" + bytes(32)
    config = make_site(sources)
    one_by_one = load_site(config)
    monkeypatch.setattr(briefgen.load, "PARALLEL_MIN_FILES", 4)
    assert briefgen.load.worker_count(25) > 1 or os.cpu_count() == 1
    in_workers = load_site(config)
    assert in_workers == one_by_one
    assert [record.path for record in in_workers.records][:3] == [
        "story00.txt",
        "story01.md",
        "story02.html",
    ]
    assert "Tuesday" not in in_workers.records[5].paragraphs[0]
    assert messages(in_workers) == ["broken.txt: warning: skipped: binary file (an executable)"]


def test_text_sources_do_not_import_the_html_extractor(make_site: MakeSite) -> None:
    config = make_site({"a.txt": ARTICLE, "b.md": ARTICLE})
    script = (
        "import sys; from pathlib import Path; from briefgen.load import load_sources; "
        f"result = load_sources(Path({str(config.sources_dir)!r}), 10**6); "
        "print(len(result.records), 'trafilatura' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["2", "False"]


EXTRACTION = CORPORA / "extraction"
BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "extraction.py"


def benchmark_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/extraction.py, whose measure the test shares (benchmarks is not a package)."""
    spec = importlib.util.spec_from_file_location("extraction_benchmark", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not EXTRACTION.is_dir(), reason="the extraction corpus is not on this machine")
def test_extraction_quality_floor_on_a_few_corpus_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    benchmark = benchmark_module(monkeypatch)
    pages = sorted(EXTRACTION.glob("*/expected.json"))[:8]
    for form, floor in (("page.txt", 0.75), ("page.html", 0.9)):
        matches = []
        for page in pages:
            expected = json.loads(page.read_text(encoding="utf-8"))["body"] or ""
            found = benchmark.loader_text(page, form, tmp_path)
            matches.append(benchmark.match(expected, found))
        assert benchmark.scores(matches)[2] >= floor, form


def test_discovery_sorts_by_relative_path_and_skips_hidden_files(make_site: MakeSite) -> None:
    config = make_site(
        {
            "b/z.md": "z",
            "b/a.md": "a",
            "a b/c.txt": "c",
            ".hidden/x.md": "x",
            "b/.secret.md": "s",
            "b.md": "b",
        }
    )
    names = [name for _, name in briefgen.load.discover_names(config.sources_dir)]
    assert names == ["a b/c.txt", "b.md", "b/a.md", "b/z.md"]
    paths = briefgen.load.discover(config.sources_dir)
    assert [path.relative_to(config.sources_dir).as_posix() for path in paths] == names


def test_records_sent_back_by_workers_arrive_whole() -> None:
    record = Record(
        id="abc123",
        path="a/story.txt",
        format="text",
        title="Council approves budget",
        outlet="Example News",
        url=None,
        published="2026-01-15",
        byline=Byline(("Jane Doe", "John Roe"), "Kyodo"),
        dateline="TOKYO",
        section="politics",
        lang="en",
        tags=("budget",),
        body=Body((Block("heading", "Vote"), Block("paragraph", "The council voted."))),
        captions=Packed((Caption("The hall", "REUTERS/Jane Doe"),)),
        comments=Packed((Comment("Good news.", -2),)),
        removed=Packed((Removed("banner", "Menu", 1),)),
        warnings=(Diagnostic("a/story.txt", 3, "warning", "NUL bytes removed"),),
        title_from_body=True,
    )
    copy = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == record
    assert repr(copy) == repr(record)
