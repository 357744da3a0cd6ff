"""The fetch cache: stable story files, honest write outcomes, and how the build loads it."""

from __future__ import annotations

from pathlib import Path

from briefgen.fetch_cache import Cache, load_fetched, story_name
from briefgen.fetch_http import Response, Validators

STORY = "---\ntitle: Quay wall repaired\noutlet: Port News\n---\n\nMasons rebuilt the quay wall.\n"


def test_story_names_are_stable_and_keyed_by_guid_then_link() -> None:
    keys = ("guid:port-1", "link:https://www.port.example/quay")
    assert story_name(keys) == story_name(keys)
    assert story_name(keys).startswith("port.example/")
    assert story_name(keys) != story_name(("guid:port-2", "link:https://www.port.example/quay"))
    assert story_name(("title:No link",)).startswith("local/")


def test_writing_reports_new_unchanged_and_updated(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    keys = ("guid:port-1", "link:https://port.example/quay")
    assert cache.write_story(keys, STORY, "f1") == "new"
    assert cache.write_story(keys, STORY, "f1") == "unchanged"
    assert cache.write_story(keys, STORY.replace("rebuilt", "repaired"), "f2") == "updated"
    assert sorted(p.name for p in tmp_path.rglob("*.md")) == [story_name(keys).split("/")[1]]


def test_an_entry_seen_before_by_its_link_keeps_its_file(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    first = cache.write_story(("link:https://port.example/quay",), STORY, "f1")
    again = cache.write_story(("guid:new-guid", "link:https://port.example/quay"), STORY, "f1")
    assert (first, again) == ("new", "unchanged")
    assert len(list(tmp_path.rglob("*.md"))) == 1


def test_state_survives_a_save_and_a_damaged_state_starts_afresh(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    keys = ("guid:port-1",)
    cache.write_story(keys, STORY, "f1")
    cache.remember(
        Response("https://port.example/feed", "https://port.example/feed", 200, b"<rss/>",
                 "application/rss+xml", None, Validators('"e1"', None))
    )  # fmt: skip
    cache.save()
    reopened = Cache(tmp_path)
    assert reopened.fingerprint(keys) == "f1"
    assert reopened.validators("https://port.example/feed") == Validators('"e1"', None)
    stored = reopened.last_body("https://port.example/feed")
    assert stored is not None
    assert stored.body == b"<rss/>"
    (tmp_path / ".state.json").write_text("{not json", encoding="utf-8")
    damaged = Cache(tmp_path)
    assert damaged.fingerprint(keys) is None
    assert damaged.write_story(keys, STORY, "f1") == "unchanged"  # same file name again


def test_the_build_loads_stories_under_fetched(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.write_story(("guid:port-1",), STORY, "f1")
    cache.write_story(("guid:port-2",), "---\ntitle: x\nsection: [\n---\n\nBody text here.\n", None)
    cache.save()
    loaded = load_fetched(tmp_path, 1_000_000)
    assert loaded.files_seen == 2  # the state file and kept bodies are hidden from the loader
    assert [record.title for record in loaded.records if record.outlet] == ["Quay wall repaired"]
    assert all(record.path.startswith("fetched/local/") for record in loaded.records)
    assert loaded.diagnostics
    assert all(d.path.startswith("fetched/local/") for d in loaded.diagnostics)
