"""The output folder as the build cache sees it: its files, and the pages a rebuild may reuse."""

from __future__ import annotations

from pathlib import Path

from briefgen.output_state import OutputState, keys_of_pages, reusable_pages, scan_output


def test_scan_output_lists_every_file_below_the_folder_with_its_size(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "a.html").write_bytes(b"12345")
    (tmp_path / "index.html").write_bytes(b"1")
    manifest = scan_output(tmp_path)
    assert sorted(manifest) == ["events/a.html", "index.html"]
    assert manifest["events/a.html"][0] == 5
    assert manifest["index.html"][2] == (tmp_path / "index.html").stat().st_ino


def test_a_listing_has_a_key_only_where_every_event_it_lists_has_one() -> None:
    brief_keys = {"e1": "k1", "e2": "k2"}
    listings = {
        "index.html": ("page 1 of 2", ("e1", "e2")),
        "index-2.html": ("page 2 of 2", ("e3",)),  # e3 was not briefed from the cache
    }
    keys = keys_of_pages((), brief_keys, listings)
    assert list(keys) == ["index.html"]
    # The same events on another page, or in another order, are another page.
    moved = keys_of_pages((), brief_keys, {"index.html": ("page 1 of 3", ("e1", "e2"))})
    reordered = keys_of_pages((), brief_keys, {"index.html": ("page 1 of 2", ("e2", "e1"))})
    assert moved["index.html"] != keys["index.html"]
    assert reordered["index.html"] != keys["index.html"]


def test_a_page_is_reused_only_with_the_same_key_and_untouched_since_the_last_build(
    tmp_path: Path,
) -> None:
    for name in ("same.html", "new-key.html", "touched.html"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    written = scan_output(tmp_path)
    old = OutputState("site", written, "render", dict.fromkeys(written, "k"), len(written))
    (tmp_path / "touched.html").write_text("edited by hand", encoding="utf-8")
    page_keys = {"same.html": "k", "new-key.html": "k2", "touched.html": "k", "gone.html": "k"}
    plan = reusable_pages(old, "render", page_keys, scan_output(tmp_path))
    assert plan.reusable == {"same.html"}
    assert set(plan.inodes) == {"same.html", "new-key.html", "touched.html"}
