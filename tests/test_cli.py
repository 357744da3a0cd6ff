"""The command line, driven through its real entry points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefgen.cli import main
from conftest import MakeSite, run_cli

MARKDOWN_STORY = """---
title: Harbour bridge reopens after repairs
outlet: The Coast Courier
date: 2026-03-02
url: https://courier.example/bridge
---
The harbour bridge reopened to traffic on Monday after six months of repairs, the city said.

Engineers replaced 40 steel cables and resurfaced the whole deck, the works department said.
"""


def test_build_from_another_directory_with_config(make_site: MakeSite, tmp_path: Path) -> None:
    config = make_site({"bridge.md": MARKDOWN_STORY})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli("build", "--config", str(config.path), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "1 sources -> 1 story (0 copies merged) -> 1 event;" in result.stdout
    index = (config.output_dir / "index.html").read_text(encoding="utf-8")
    assert "Harbour bridge reopens after repairs" in index
    assert not (elsewhere / "build").exists()


def test_out_and_base_url_flags_override_the_config(make_site: MakeSite, tmp_path: Path) -> None:
    config = make_site({"bridge.md": MARKDOWN_STORY})
    out = tmp_path / "public"
    status = main(
        ["build", "--config", str(config.path), "--out", str(out), "--base-url", "https://a.b/c/"]
    )
    assert status == 0
    assert "<link>https://a.b/c/</link>" in (out / "feed.xml").read_text(encoding="utf-8")


def test_strict_turns_warnings_into_failure(make_site: MakeSite) -> None:
    config = make_site({"bridge.md": MARKDOWN_STORY, "notes.docx": b"PK\x03\x04binary"})
    relaxed = run_cli("build", "--config", str(config.path), cwd=config.root)
    assert relaxed.returncode == 0
    assert "notes.docx: warning: skipped: '.docx' is not a source format" in relaxed.stderr
    strict = run_cli("build", "--strict", "--config", str(config.path), cwd=config.root)
    assert strict.returncode == 1
    assert "--strict: 1 warning" in strict.stderr


def test_a_bad_config_is_a_usage_error_naming_line_and_key(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "briefgen.yaml").write_text("title: X\nbase_url: https://x.org/\noutptu: site\n")
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "briefgen.yaml:3: unknown key 'outptu' (did you mean 'output'?)" in result.stderr


def test_missing_sources_folder_fails_clearly(tmp_path: Path) -> None:
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "sources folder not found" in result.stderr


def test_no_command_prints_help_and_exits_2(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2
    assert "build" in result.stdout and "inspect" in result.stdout


def test_check_lists_warnings_as_path_line_message(make_site: MakeSite) -> None:
    broken = "---\ntitle: [unclosed\n---\nBody text of the story goes here, long enough to count.\n"
    config = make_site({"bridge.md": MARKDOWN_STORY, "broken.md": broken})
    result = run_cli("check", "--config", str(config.path), cwd=config.root)
    assert result.returncode == 0
    assert "broken.md:3: warning: front matter:" in result.stderr
    assert "2 sources -> 2 stories (0 copies merged)" in result.stdout
    assert not config.output_dir.exists()


def test_inspect_json_lists_records_stories_and_events(make_site: MakeSite) -> None:
    config = make_site({"b.md": MARKDOWN_STORY, "a.md": MARKDOWN_STORY.replace("Coast", "Bay")})
    result = run_cli("inspect", "--format", "json", "--config", str(config.path), cwd=config.root)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [r["path"] for r in document["records"]] == ["a.md", "b.md"]
    record = document["records"][1]
    assert record["outlet"] == "The Coast Courier"
    assert record["published"] == "2026-03-02"
    assert record["url"] == "https://courier.example/bridge"
    assert record["paragraphs"][1].startswith("Engineers replaced 40 steel cables")
    (story,) = document["stories"]
    assert {story["path"], *(c["path"] for c in story["copies"])} == {"a.md", "b.md"}
    (event,) = document["events"]
    assert event["stories"] == [story["id"]]


@pytest.mark.parametrize("command", ["build", "check", "inspect"])
def test_every_command_documents_its_options(command: str, tmp_path: Path) -> None:
    result = run_cli(command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "--config" in result.stdout and "--strict" in result.stdout


def test_check_counts_problems_by_file_and_strict_fails(make_site: MakeSite) -> None:
    broken = "---\ntitle: [unclosed\n---\nBody text of the story goes here, long enough to count.\n"
    config = make_site(
        {"bridge.md": MARKDOWN_STORY, "broken.md": broken, "notes.docx": b"PK\x03\x04binary"}
    )
    result = run_cli("check", "--config", str(config.path), cwd=config.root)
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert lines[0].startswith("broken.md:3: warning: front matter:")
    assert lines[1].startswith("notes.docx: warning: skipped:")
    assert result.stdout.rstrip().endswith("; 2 warnings in 2 files")
    strict = run_cli("check", "--strict", "--config", str(config.path), cwd=config.root)
    assert strict.returncode == 1
    assert not config.output_dir.exists()


def test_inspect_json_places_each_subheading_after_the_paragraphs_before_it(
    make_site: MakeSite,
) -> None:
    source = (
        "---\ntitle: Port reopens\n---\n\nThe port reopened on Monday.\n\n"
        "## What comes next\n\nShips return this week.\n\nTolls stay the same.\n\n"
        "## Costs\n\nRepairs cost 3 million.\n"
    )
    config = make_site({"port.md": source})
    result = run_cli("inspect", "--format", "json", "--config", str(config.path), cwd=config.root)
    assert result.returncode == 0, result.stderr
    (record,) = json.loads(result.stdout)["records"]
    assert record["headings"] == [
        {"before_paragraph": 1, "text": "What comes next"},
        {"before_paragraph": 3, "text": "Costs"},
    ]
    assert record["paragraphs"][3] == "Repairs cost 3 million."
