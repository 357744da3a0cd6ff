"""The build cache: only changed files are parsed again; the output is as without it."""

from __future__ import annotations

import filecmp
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
import pytest

import briefgen.build
import briefgen.cache
import briefgen.feeds
from briefgen.build import build
from briefgen.cache import STATE_FILE, BuildCache
from briefgen.cache_data import ANALYSIS_FILE, BRIEFS_DIR, RECORDS_DIR
from briefgen.cli import main
from briefgen.config import Config
from briefgen.load import load_sources
from briefgen.records import Brief, Event
from conftest import MakeSite


def story(title: str, outlet: str, day: int, body: str) -> str:
    return f"---\ntitle: {title}\noutlet: {outlet}\ndate: 2026-04-{day:02d}\n---\n{body}\n"


BODY_OF_DAM = (
    "The Kessel dam opened a second spillway on Friday, engineers said.\n\n"
    "The spillway can release 900 cubic metres of water a second during floods.\n"
)
SOURCES: dict[str, str | bytes] = {
    "dam.md": story(
        "Valley dam opens its new spillway",
        "River Post",
        3,
        "The Kessel dam opened a second spillway on Friday, engineers said.\n\n"
        "The spillway can release 900 cubic metres of water a second during floods.",
    ),
    "dam-copy.md": story(
        "Valley dam opens new spillway",
        "Hill Times",
        3,
        "The Kessel dam opened a second spillway on Friday, engineers said.\n\n"
        "The spillway can release 900 cubic metres of water a second during floods.",
    ),
    "library.md": story(
        "City library extends its opening hours",
        "River Post",
        5,
        "The central library will open until 10pm on weekdays from May, the council said.\n\n"
        "The change costs 40,000 euros a year and adds two evening staff.",
    ),
    "page.txt": "Market square gets new benches\n\nThe council installed twelve oak benches"
    " in the market square on Monday after residents asked for more seating.\n",
    "notes.docx": b"PK\x03\x04binary",
    "empty.md": "",
}


def counting_loader(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the files the cache hands to the real loader."""
    parsed: list[str] = []
    real = briefgen.cache.load_files

    def load_files(files: list[Path], sources_dir: Path, max_bytes: int):  # type: ignore[no-untyped-def]
        parsed.extend(path.name for path in files)
        return real(files, sources_dir, max_bytes)

    monkeypatch.setattr(briefgen.cache, "load_files", load_files)
    return parsed


def load_cached(config: Config) -> briefgen.cache.LoadResult:
    cache = BuildCache(config.cache_dir)
    loaded = cache.load_sources(config.sources_dir, 20_000_000)
    assert cache.save() is None
    return loaded


def same_tree(first: Path, second: Path) -> bool:
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    others = sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    assert names == others
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    return not mismatch and not errors


def settle(config: Config) -> None:
    """Date every source an hour back: files written moments before a build are hashed again
    at the next one (a coarse clock could hide a second change), settled ones are not."""
    an_hour_ago = time.time() - 3600
    for path in config.sources_dir.iterdir():
        os.utime(path, (an_hour_ago, an_hour_ago))


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the source files the cache reads to hash them."""
    read: list[str] = []
    real = briefgen.cache._file_key

    def file_key(path: str, name: str) -> str | None:
        read.append(name)
        return real(path, name)

    monkeypatch.setattr(briefgen.cache, "_file_key", file_key)
    return read


def test_cached_load_equals_the_load_stage(make_site: MakeSite) -> None:
    config = make_site(SOURCES)
    expected = load_sources(config.sources_dir, 20_000_000)
    assert load_cached(config) == expected  # filling the cache
    assert load_cached(config) == expected  # reading it back


def test_a_rebuild_parses_only_changed_and_new_files(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_site(SOURCES)
    parsed = counting_loader(monkeypatch)
    load_cached(config)
    assert "dam.md" in parsed and "library.md" in parsed
    parsed.clear()
    load_cached(config)
    assert parsed == [] or set(parsed) <= {"notes.docx"}  # unreadable formats are never cached
    library = config.sources_dir / "library.md"
    library.write_text(library.read_text() + "\nThe mayor opened the first late evening.\n")
    (config.sources_dir / "new.md").write_text(story("Ferry fares rise", "Hill Times", 6, "Up."))
    parsed.clear()
    loaded = load_cached(config)
    assert sorted(set(parsed) - {"notes.docx"}) == ["library.md", "new.md"]
    library_record = next(r for r in loaded.records if r.path == "library.md")
    assert library_record.paragraphs[-1] == "The mayor opened the first late evening."


def test_cached_builds_write_byte_identical_sites(make_site: MakeSite, tmp_path: Path) -> None:
    config = make_site(SOURCES)
    build(config, cache=BuildCache(config.cache_dir))
    library = config.sources_dir / "library.md"
    library.write_text(library.read_text().replace("40,000 euros", "45,000 euros"))
    result = build(config, cache=BuildCache(config.cache_dir))
    assert not result.output_reused
    fresh = replace(config, output=str(tmp_path / "fresh"))
    build(fresh)
    assert same_tree(config.output_dir, fresh.output_dir)
    pages = [page.read_text() for page in config.output_dir.glob("stories/*.html")]
    assert any("45,000 euros" in page for page in pages)
    assert not any("40,000 euros" in page for page in pages)


def test_metadata_a_copy_lends_its_story_reaches_the_rebuilt_pages(
    make_site: MakeSite, tmp_path: Path
) -> None:
    config = make_site({**SOURCES, "dam-copy.md": "---\nlayout: post\n---\n" + BODY_OF_DAM})
    build(config, cache=BuildCache(config.cache_dir))
    copy = config.sources_dir / "dam-copy.md"
    copy.write_text("---\nlayout: post\nurl: https://example.org/kessel-dam\n---\n" + BODY_OF_DAM)
    build(config, cache=BuildCache(config.cache_dir))
    fresh = replace(config, output=str(tmp_path / "fresh"))
    build(fresh)
    assert same_tree(config.output_dir, fresh.output_dir)
    dam_pages = [p for p in config.output_dir.glob("stories/*.html") if "Kessel" in p.read_text()]
    assert len(dam_pages) == 1
    assert 'href="https://example.org/kessel-dam"' in dam_pages[0].read_text()


def test_an_unchanged_rebuild_reuses_the_output_until_it_is_touched(make_site: MakeSite) -> None:
    config = make_site(SOURCES)
    first = build(config, cache=BuildCache(config.cache_dir))
    again = build(config, cache=BuildCache(config.cache_dir))
    assert again.output_reused
    assert again.files_written == first.files_written
    (config.output_dir / "sources.html").unlink()
    repaired = build(config, cache=BuildCache(config.cache_dir))
    assert not repaired.output_reused
    assert (config.output_dir / "sources.html").is_file()


def test_unchanged_pages_keep_their_files_when_one_source_changes(make_site: MakeSite) -> None:
    config = make_site(SOURCES)
    build(config, cache=BuildCache(config.cache_dir))
    before = {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*.html")}
    library = config.sources_dir / "library.md"
    library.write_text(library.read_text().replace("two evening staff", "three evening staff"))
    build(config, cache=BuildCache(config.cache_dir))
    after = {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*.html")}
    rewritten = {p for p, mtime in after.items() if before.get(p) != mtime}
    kept = set(after) - rewritten
    assert any("three evening staff" in p.read_text() for p in rewritten)
    assert any("spillway" in p.read_text() for p in kept if "stories" in p.parts)


@pytest.mark.parametrize("name", [STATE_FILE, ANALYSIS_FILE, RECORDS_DIR, BRIEFS_DIR])
@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_a_damaged_cache_is_a_miss_not_a_failure(
    make_site: MakeSite, name: str, damage: bytes
) -> None:
    config = make_site(SOURCES)
    build(config, cache=BuildCache(config.cache_dir))
    damaged = config.cache_dir / name
    for path in sorted(damaged.glob("*.pickle")) if damaged.is_dir() else [damaged]:
        path.write_bytes(damage)  # a cache the last build wrote, then damaged
    library = config.sources_dir / "library.md"
    library.write_text(library.read_text().replace("10pm", "9pm"))
    result = build(config, cache=BuildCache(config.cache_dir))
    assert result.analysis.loaded.files_seen == len(SOURCES)
    assert "Valley dam opens" in (config.output_dir / "index.html").read_text()
    fresh = replace(config, output=str(config.root / "fresh"))
    build(fresh)
    assert same_tree(config.output_dir, fresh.output_dir)


def test_cli_uses_the_configured_cache_folder_and_no_cache_skips_it(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = make_site(SOURCES, config="base_url: https://x.org/\ncache: work/cache\n")
    assert main(["build", "--no-cache", "--config", str(config.path)]) == 0
    assert not (config.root / "work").exists()
    assert main(["build", "--config", str(config.path)]) == 0
    assert (config.root / "work" / "cache" / STATE_FILE).is_file()
    capsys.readouterr()
    assert main(["build", "--config", str(config.path)]) == 0
    assert "nothing changed: " in capsys.readouterr().out


def count_briefs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record, in order, the first story path of every event the build briefs."""
    briefed: list[str] = []
    real = briefgen.build.brief

    def brief(event: Event) -> Brief:
        briefed.append(event.stories[0].record.path)
        return real(event)

    monkeypatch.setattr(briefgen.build, "brief", brief)
    return briefed


def test_a_one_file_change_re_briefs_only_its_event(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_site(SOURCES)
    briefed = count_briefs(monkeypatch)
    first = build(config, cache=BuildCache(config.cache_dir))
    assert len(briefed) == len(first.analysis.events) >= 3
    briefed.clear()
    library = config.sources_dir / "library.md"
    library.write_text(library.read_text().replace("10pm", "11pm"))
    second = build(config, cache=BuildCache(config.cache_dir))
    assert briefed == ["library.md"]
    assert len(second.analysis.briefs) == len(first.analysis.briefs)


def test_a_rebuild_reads_only_the_files_whose_stat_changed(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_site(SOURCES)
    settle(config)
    build(config, cache=BuildCache(config.cache_dir))
    read = counting_reads(monkeypatch)
    assert build(config, cache=BuildCache(config.cache_dir)).output_reused
    assert read == []
    library = config.sources_dir / "library.md"
    before = library.stat()
    # Same size, and the old modification time put back: only the change time tells.
    library.write_text(library.read_text().replace("10pm", "11pm"))
    os.utime(library, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert library.stat().st_size == before.st_size
    result = build(config, cache=BuildCache(config.cache_dir))
    assert set(read) == {"library.md"}  # hashed, and hashed again after its parse
    assert not result.output_reused
    assert "until 11pm" in (config.output_dir / "sources.html").read_text() or any(
        "until 11pm" in page.read_text() for page in config.output_dir.glob("stories/*.html")
    )


def test_a_no_change_rebuild_reads_the_small_state_only(make_site: MakeSite) -> None:
    config = make_site(SOURCES)
    settle(config)
    first = build(config, cache=BuildCache(config.cache_dir))
    for data in (RECORDS_DIR, BRIEFS_DIR, ANALYSIS_FILE):  # records, briefs, analysis: not needed
        shutil.move(config.cache_dir / data, config.root / data)
    again = build(config, cache=BuildCache(config.cache_dir))
    assert again.output_reused
    assert again.summary == first.summary
    assert again.summary.stories == len(first.analysis.stories) == 3
    assert again.summary.copies_merged == 1
    assert again.summary.diagnostics == first.analysis.diagnostics
    # Asked for, the analysis is still there: here made again, as its cache file is gone.
    assert again.analysis.events == first.analysis.events


def test_a_one_file_change_renders_only_its_events_pages(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_site(SOURCES)
    build(config, cache=BuildCache(config.cache_dir))
    rendered: list[str] = []
    real = jinja2.Template.new_context  # each page rendered starts one

    def new_context(self: jinja2.Template, *args: Any, **kwargs: Any) -> jinja2.runtime.Context:
        rendered.append(str(self.name))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "new_context", new_context)
    library = config.sources_dir / "library.md"
    library.write_text(library.read_text().replace("two evening staff", "three evening staff"))
    result = build(config, cache=BuildCache(config.cache_dir))
    assert rendered.count("event.html") == 1
    assert rendered.count("story.html") == 1
    assert {"index.html", "sources.html", "sitemap.xml"} <= set(rendered)
    pages = list(config.output_dir.rglob("*.html"))
    outlets = {r.outlet or "?" for r in result.analysis.loaded.records}
    # index, sources, 404, and a Sources page for each outlet
    assert len(pages) == len(result.analysis.events) + len(result.analysis.stories) + 3 + len(
        outlets
    )
    assert any("three evening staff" in page.read_text() for page in pages)


def test_listing_pages_are_rendered_again_only_where_their_events_changed(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = make_site(SOURCES, config="events_per_page: 1")
    first = build(config, cache=BuildCache(config.cache_dir))
    index_pages = sorted(p.name for p in (config.output_dir / "page").glob("*.html"))
    assert len(index_pages) == len(first.analysis.events) - 1 >= 2
    rendered: list[str] = []
    real = jinja2.Template.new_context

    def new_context(self: jinja2.Template, *args: Any, **kwargs: Any) -> jinja2.runtime.Context:
        variables = args[0] if args else None
        if variables and "page_path" in variables:
            rendered.append(f"{self.name} {variables['page_path']}")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "new_context", new_context)
    library = config.sources_dir / "library.md"
    library.write_text(library.read_text().replace("two evening staff", "three evening staff"))
    build(config, cache=BuildCache(config.cache_dir))
    listings = [page for page in rendered if page.startswith(("index.html", "outlet.html"))]
    # The library story is the newest event (page 1) and the River Post's; no other listing.
    assert sorted(listings) == ["index.html index.html", "outlet.html sources/river-post.html"]
    assert "three evening staff" in (config.output_dir / "index.html").read_text()
    fresh = replace(config, output=str(tmp_path / "fresh"))
    build(fresh)
    assert same_tree(config.output_dir, fresh.output_dir)


def test_a_one_file_change_rewrites_few_cache_files(make_site: MakeSite) -> None:
    config = make_site(SOURCES)
    build(config, cache=BuildCache(config.cache_dir))
    shards = config.cache_dir / RECORDS_DIR
    before = {path.name: path.stat().st_mtime_ns for path in shards.iterdir()}
    library = config.sources_dir / "library.md"
    library.write_text(library.read_text().replace("two evening staff", "six evening staff"))
    build(config, cache=BuildCache(config.cache_dir))
    after = {path.name: path.stat().st_mtime_ns for path in shards.iterdir()}
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert 1 <= len(changed) <= 2  # the shards of the file's old key and of its new key
    assert len(before) >= 4


def test_events_with_merged_copies_are_briefed_once(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_site(SOURCES)
    briefed = count_briefs(monkeypatch)
    first = build(config, cache=BuildCache(config.cache_dir))
    assert any(story.copies for story in first.analysis.stories)  # the dam story and its copy
    briefed.clear()
    page = config.sources_dir / "page.txt"
    page.write_text(page.read_text() + "\nThe benches are oak.\n")
    build(config, cache=BuildCache(config.cache_dir))
    assert briefed == ["page.txt"]


def test_compiled_templates_are_shared_through_the_user_cache(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_cache = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    config = make_site(SOURCES, config="base_url: https://x.org/\n")
    assert main(["build", "--no-cache", "--config", str(config.path)]) == 0
    assert not user_cache.exists()
    assert main(["build", "--config", str(config.path)]) == 0
    compiled = sorted((user_cache / "briefgen" / "templates").iterdir())
    assert compiled, "the first build compiles the templates into the user cache"
    stamps = [entry.stat().st_mtime_ns for entry in compiled]
    other = replace(config, root=tmp_path / "other-site", cache=".cache/other")
    shutil.copytree(config.sources_dir, other.sources_dir)
    build(other, cache=BuildCache(other.cache_dir))
    assert sorted((user_cache / "briefgen" / "templates").iterdir()) == compiled
    assert [entry.stat().st_mtime_ns for entry in compiled] == stamps, "reused, not rewritten"
    assert same_tree(config.output_dir, other.output_dir)


def test_a_saved_analysis_reads_back_equal_with_its_briefs_events_shared(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_site(SOURCES)
    build(config, cache=BuildCache(config.cache_dir))
    library = config.sources_dir / "library.md"
    library.write_text(library.read_text().replace("10pm", "11pm"))
    reads: list[str] = []
    real_read = briefgen.cache.read_analysis

    def read_analysis(folder: Path, data: Any, key: str) -> None:
        reads.append(key)
        real_read(folder, data, key)

    monkeypatch.setattr(briefgen.cache, "read_analysis", read_analysis)
    made = build(config, cache=BuildCache(config.cache_dir)).analysis
    assert reads == []  # a new analysis was made: the saved one is not read
    shutil.rmtree(config.output_dir)  # the output gone, the analysis is read from the cache

    def no_dedupe(*args: object) -> None:
        raise AssertionError("the analysis should come from the cache")

    monkeypatch.setattr("briefgen.dedupe.dedupe", no_dedupe)
    read = build(config, cache=BuildCache(config.cache_dir)).analysis
    assert len(reads) == 1
    assert read == made
    assert [id(b.event) for b in read.briefs] == [id(event) for event in read.events]
    in_events = {id(story) for event in read.events for story in event.stories}
    assert {id(story) for story in read.stories} <= in_events
    assert "until 11pm" in "".join(p.read_text() for p in config.output_dir.rglob("*.html"))


def test_feeds_are_made_again_only_when_the_events_they_carry_change(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = make_site(SOURCES, config="feed_items: 1")
    build(config, cache=BuildCache(config.cache_dir))
    made: list[int] = []
    real = briefgen.feeds.render_feeds

    def render_feeds(*args: Any) -> dict[str, bytes]:
        made.append(1)
        return real(*args)

    monkeypatch.setattr(briefgen.feeds, "render_feeds", render_feeds)
    feed = config.output_dir / "feed.xml"
    before = feed.stat().st_ino
    dam = config.sources_dir / "dam.md"  # an older event than the one feed item (the library's)
    dam.write_text(dam.read_text().replace("900 cubic metres", "950 cubic metres"))
    build(config, cache=BuildCache(config.cache_dir))
    assert made == []
    assert feed.stat().st_ino == before  # linked from the last build
    library = config.sources_dir / "library.md"
    library.write_text(library.read_text().replace("two evening staff", "three evening staff"))
    build(config, cache=BuildCache(config.cache_dir))
    assert made == [1]
    assert "three evening staff" in feed.read_text()
    fresh = replace(config, output=str(tmp_path / "fresh"))
    build(fresh)
    assert same_tree(config.output_dir, fresh.output_dir)


def test_successive_rebuilds_from_the_spare_site_equal_full_builds(
    make_site: MakeSite, tmp_path: Path
) -> None:
    config = make_site(SOURCES)
    build(config, cache=BuildCache(config.cache_dir))
    library = config.sources_dir / "library.md"
    edits = [
        lambda: library.write_text(library.read_text().replace("10pm", "9pm")),
        (config.sources_dir / "page.txt").unlink,  # an event and its pages go
        lambda: library.write_text(library.read_text().replace("9pm", "8pm")),
    ]
    for number, edit in enumerate(edits):
        edit()
        result = build(config, cache=BuildCache(config.cache_dir))
        assert not result.output_reused
        fresh = replace(config, output=str(tmp_path / f"fresh-{number}"))
        build(fresh)
        assert same_tree(config.output_dir, fresh.output_dir), f"after edit {number}"
    assert (config.cache_dir / briefgen.cache.SPARE_SITE / "index.html").is_file()
    assert "until 8pm" in "".join(p.read_text() for p in config.output_dir.rglob("*.html"))
