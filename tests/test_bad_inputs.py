"""Hostile and broken sources: the build finishes, names the file, and emits nothing executable."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest

from briefgen.build import build
from briefgen.config import load_config
from conftest import MakeSite

GOOD_STORY = """---
title: Council approves the new river crossing
outlet: Valley Times
date: 2026-02-10
---
The city council approved the new river crossing on Tuesday by nine votes to two.

Construction of the bridge is expected to start in the spring and take two years.
"""
PROSE = (
    "The regional water board said on Friday that reservoir levels had risen for the third "
    "week in a row after heavy rain across the catchment area."
)


def png_bytes() -> bytes:
    header = b"\x89PNG\r\n\x1a\n"
    chunk = struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return header + chunk + struct.pack(">I", zlib.crc32(chunk[4:]))


BILLION_LAUGHS = (
    "---\n"
    + "\n".join(
        [
            'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
            *[
                f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]"
                for i in range(8)
            ],
            "title: laughs",
        ]
    )
    + "\n---\n"
    + PROSE
    + "\n"
)

# name -> (content, what the warning about that file must say, or None where none is due)
BAD_INPUTS: dict[str, tuple[bytes, str | None]] = {
    "empty.txt": (b"", "empty"),
    "whitespace.md": (b"  \n\n\t\n", "empty"),
    "image.txt": (png_bytes(), "binary file (a PNG image)"),
    "archive.md": (b"PK\x03\x04" + b"\x00" * 64, "binary file (a ZIP archive)"),
    "invalid-utf8.txt": (PROSE.encode() + b"\n\nCaf\xe9 \xff\xfe ends here.\n", "not valid UTF-8"),
    "latin1.txt": (("Caf\u00e9 na\u00efve. " + PROSE).encode("latin-1"), "not valid UTF-8"),
    "cp1252.txt": (b"\x93Quoted\x94 " + PROSE.encode(), "not valid UTF-8"),
    "utf16.txt": (("\ufeff" + PROSE).encode("utf-16-le"), None),
    "crlf.txt": ((PROSE + "\r\n\r\n" + PROSE).encode(), None),
    "lone-cr.txt": ((PROSE + "\r\r" + PROSE).encode(), None),
    "nul.txt": (PROSE.encode()[:40] + b"\x00" + PROSE.encode()[40:], "NUL bytes removed"),
    "truncated.md": (
        b"---\ntitle: Half a header\ndate: 2026-01-01\n" + PROSE.encode(),
        "no closing",
    ),
    "not-mapping.md": (b"---\n- a\n- b\n---\n" + PROSE.encode(), "expected a mapping"),
    "wrong-type.md": (b"---\ntitle:\n  nested: map\n---\n" + PROSE.encode(), "title"),
    "bad-date.md": (b"---\ntitle: T\ndate: not a date\n---\n" + PROSE.encode(), "is not a date"),
    "future-date.md": (b"---\ntitle: T\ndate: 2999-01-01\n---\n" + PROSE.encode(), "future"),
    "duplicate-keys.md": (
        b"---\ntitle: One\ntitle: Two\n---\n" + PROSE.encode(),
        "key 'title' is given twice",
    ),
    "yaml-object.md": (
        b"---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n" + PROSE.encode(),
        "front matter",
    ),
    "billion-laughs.md": (BILLION_LAUGHS.encode(), None),
    "script.md": (
        b"---\ntitle: Script <script>alert(1)</script>\n---\n"
        b"<script>alert('body')</script>\n\n<iframe src='https://evil.example'></iframe>\n\n"
        b"<img src=x onerror=alert(1)> " + PROSE.encode() + b"\n\n"
        b"[click](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)\n",
        None,
    ),
    "hostile.html": (
        b"<!DOCTYPE html><html><head><base href='https://evil.example/'>"
        b"<meta http-equiv='refresh' content='0;url=https://evil.example'>"
        b"<title>Hostile page</title></head><body onload='alert(1)'><article>"
        b"<h1 onclick='alert(1)'>Hostile page</h1><p style='x' onmouseover='alert(1)'>"
        + PROSE.encode()
        + b"</p><p>"
        + PROSE.encode()
        + b"</p></article></body></html>",
        None,
    ),
    "long-title.md": (
        b"---\ntitle: " + b"Very long title " * 640 + b"\n---\n" + PROSE.encode(),
        None,
    ),
    "title-breakout.md": (
        b"---\ntitle: \"</title><script>alert('t')</script>\"\n---\n" + PROSE.encode(),
        None,
    ),
    "dotdot.md": (b"---\ntitle: ../../../etc/passwd\n---\n" + PROSE.encode(), None),
    "punctuation.md": (b"---\ntitle: '?!.../\\\\'\n---\n" + PROSE.encode(), None),
    "nul-title.md": (b'---\ntitle: "a\\0b/c"\n---\n' + PROSE.encode(), None),
    "notes.docx": (b"PK\x03\x04", "not a source format"),
}
EXECUTABLE = re.compile(
    r"<script|<iframe|<object|<embed|<base\b|http-equiv|javascript:|data:text|\son\w+\s*=",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("hostile")
    sources = root / "sources"
    sources.mkdir()
    (sources / "good.md").write_text(GOOD_STORY, encoding="utf-8")
    for name, (content, _) in BAD_INPUTS.items():
        (sources / name).write_bytes(content)
    (root / "outside.md").write_text(GOOD_STORY.replace("Valley", "Outside"), encoding="utf-8")
    (sources / "link-outside.md").symlink_to(root / "outside.md")
    (root / "briefgen.yaml").write_text("base_url: https://example.org/b/\n", encoding="utf-8")
    before = set(root.iterdir())
    result = build(load_config(root / "briefgen.yaml"))
    after = set(root.iterdir())
    assert after - before == {root / "build"}, "the build wrote outside its output folder"
    return root / "build", [str(d) for d in result.analysis.diagnostics]


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_each_bad_input_is_reported_by_name(
    hostile_site: tuple[Path, list[str]], name: str
) -> None:
    _, diagnostics = hostile_site
    expected = BAD_INPUTS[name][1]
    about_it = [d for d in diagnostics if d.startswith(f"{name}:")]
    if expected is None:
        assert not [d for d in about_it if "error" in d], about_it
    else:
        assert any(expected in d for d in about_it), (name, about_it)


def test_a_link_outside_the_sources_is_skipped(hostile_site: tuple[Path, list[str]]) -> None:
    _, diagnostics = hostile_site
    assert any(d.startswith("link-outside.md:") and "outside" in d for d in diagnostics)


def test_the_good_story_is_still_built(hostile_site: tuple[Path, list[str]]) -> None:
    out, _ = hostile_site
    assert "Council approves the new river crossing" in (out / "index.html").read_text("utf-8")


def test_no_page_or_feed_contains_executable_markup(hostile_site: tuple[Path, list[str]]) -> None:
    out, _ = hostile_site
    offenders = {}
    for path in out.rglob("*"):
        if path.suffix in (".html", ".xml", ".json"):
            found = EXECUTABLE.findall(path.read_text("utf-8"))
            if found:
                offenders[str(path.relative_to(out))] = sorted(set(found))
    assert not offenders


def test_every_written_file_stays_inside_the_output(hostile_site: tuple[Path, list[str]]) -> None:
    out, _ = hostile_site
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
        assert re.fullmatch(r"[\w./-]+", path.relative_to(out).as_posix()), path


def test_stories_that_would_share_a_page_name_get_two_pages(make_site: MakeSite) -> None:
    first = GOOD_STORY
    second = (
        GOOD_STORY.replace("nine votes to two", "a narrow margin after a long debate")
        .replace("Construction of the bridge", "Work on the new crossing")
        .replace("date: 2026-02-10", "date: 2026-06-10")
    )
    config = make_site({"a.md": first, "b.md": second})
    result = build(config)
    pages = sorted(p.name for p in (config.output_dir / "events").glob("*.html"))
    assert len(result.analysis.events) == 2
    assert len(pages) == 2 and pages[0] != pages[1]


def test_a_huge_file_is_skipped_by_the_size_limit(make_site: MakeSite) -> None:
    config = make_site(
        {"good.md": GOOD_STORY, "huge.txt": b"x" * (50 * 1024 * 1024)},
        config="max_file_size_mb: 20\n",
    )
    result = build(config)
    (warning,) = [str(d) for d in result.analysis.diagnostics if d.path == "huge.txt"]
    assert "over the 20 MB limit" in warning
    assert len(result.analysis.stories) == 1


def test_one_line_of_five_megabytes_loads(make_site: MakeSite) -> None:
    line = (PROSE + " ") * (5 * 1024 * 1024 // (len(PROSE) + 1))
    config = make_site({"good.md": GOOD_STORY, "one-line.txt": line})
    result = build(config)
    assert len(result.analysis.loaded.records) == 2
