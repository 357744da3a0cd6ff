"""The write stage: the site appears all at once, failures leave the old one, stale files go."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefgen import write
from briefgen.write import WriteError, write_site

OLD = {"index.html": b"old index", "events/gone.html": b"stale", "assets/style.css": b"old"}
NEW = {"index.html": b"new index", "events/kept.html": b"new event", "assets/style.css": b"new"}


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_new_site_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert write_site(NEW, out) == 3
    assert tree(out) == NEW
    assert oct(out.stat().st_mode & 0o777) == "0o755"


def test_rebuilding_replaces_the_site_and_removes_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(OLD, out)
    write_site(NEW, out)
    assert tree(out) == NEW
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]  # no staging left behind


@pytest.mark.parametrize("link_at", [True, False], ids=["linkat", "plain-link"])
def test_reused_files_are_linked_from_the_old_site_without_being_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, link_at: bool
) -> None:
    monkeypatch.setattr(write, "_LINK_AT", link_at and write._LINK_AT)
    out = tmp_path / "build"
    write_site(OLD, out)
    kept = (out / "events" / "gone.html").stat()
    assert write_site(NEW, out, reuse=["events/gone.html"]) == 4
    assert tree(out) == {**NEW, "events/gone.html": b"stale"}
    now = (out / "events" / "gone.html").stat()
    assert (now.st_ino, now.st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)


def test_a_reused_file_that_is_gone_fails_and_keeps_the_old_site(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(OLD, out)
    with pytest.raises(WriteError):
        write_site(NEW, out, reuse=["events/missing.html"])
    assert tree(out) == OLD


def test_renameat2_exchange_works_on_this_file_system(tmp_path: Path) -> None:
    if write._renameat2() is None:
        pytest.skip("this C library has no renameat2; the two-rename fallback is used")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "from-a").touch()
    (tmp_path / "b").mkdir()
    assert write._exchange(tmp_path / "a", tmp_path / "b")
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["from-a"]
    assert list((tmp_path / "a").iterdir()) == []


def test_without_renameat2_the_fallback_swaps_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exchanges: list[tuple[Path, Path]] = []

    def refuse(first: Path, second: Path) -> bool:
        exchanges.append((first, second))
        return False

    monkeypatch.setattr(write, "_exchange", refuse)
    out = tmp_path / "build"
    write_site(OLD, out)
    write_site(NEW, out)
    assert len(exchanges) == 1  # the second write tried the exchange, then fell back
    assert tree(out) == NEW
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_a_write_that_fails_midway_leaves_the_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "build"
    write_site(OLD, out)
    real_write = os.write
    written: list[int] = []

    def fail_on_second(descriptor: int, data: bytes | memoryview) -> int:
        if written:
            raise OSError(28, "No space left on device")
        written.append(descriptor)
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", fail_on_second)
    with pytest.raises(WriteError, match="cannot write the site: No space left on device"):
        write_site(NEW, out)
    monkeypatch.undo()
    assert written  # it did get partway
    assert tree(out) == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_a_crash_between_the_fallback_renames_is_repaired_next_time(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(OLD, out)
    out.rename(tmp_path / ".build.old")  # the old site moved aside, the new one never arrived
    (tmp_path / ".build.new-abc").mkdir()  # and a staging folder was left over
    write_site(NEW, out)
    assert tree(out) == NEW
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


@pytest.mark.parametrize("name", ["../escape.html", "/etc/passwd", "a/../../b", ""])
def test_paths_outside_the_output_folder_are_refused(tmp_path: Path, name: str) -> None:
    out = tmp_path / "build"
    write_site(OLD, out)
    with pytest.raises(WriteError, match="refusing to write outside the output folder"):
        write_site({**NEW, name: b"x"}, out)
    assert tree(out) == OLD
    assert not (tmp_path / "escape.html").exists()


def test_an_output_path_that_is_a_file_is_an_error_and_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.write_text("not a folder", encoding="utf-8")
    with pytest.raises(WriteError, match="exists and is not a folder"):
        write_site(NEW, out)
    assert out.read_text(encoding="utf-8") == "not a folder"


def test_the_old_site_is_kept_as_the_spare_and_the_next_write_starts_from_it(
    tmp_path: Path,
) -> None:
    out, spare = tmp_path / "build", tmp_path / "cache" / "spare"
    write_site(OLD, out, keep_unchanged=True, spare=spare)
    write_site(NEW, out, keep_unchanged=True, reuse=["events/gone.html"], spare=spare)
    assert tree(spare) == OLD  # the replaced site
    kept = (out / "events" / "gone.html").stat().st_ino
    third = {"index.html": b"third index", "assets/style.css": b"new"}
    written = write_site(third, out, keep_unchanged=True, reuse=["events/gone.html"], spare=spare)
    assert written == 3
    assert tree(out) == {**third, "events/gone.html": b"stale"}
    assert (out / "events" / "gone.html").stat().st_ino == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "cache"]
    assert tree(spare) == {**NEW, "events/gone.html": b"stale"}


def test_a_spare_file_that_is_no_longer_the_outputs_own_is_never_shipped(tmp_path: Path) -> None:
    out, spare = tmp_path / "build", tmp_path / "spare"
    write_site(OLD, out, keep_unchanged=True, spare=spare)
    write_site(NEW, out, keep_unchanged=True, reuse=["events/gone.html"], spare=spare)
    # The spare's copy of a reused page replaced (another inode), a stray file added to it.
    (spare / "events" / "gone.html").unlink()
    (spare / "events" / "gone.html").write_bytes(b"tampered")
    (spare / "stray" / "deep").mkdir(parents=True)
    (spare / "stray" / "deep" / "x.html").write_bytes(b"stray")
    write_site(NEW, out, keep_unchanged=True, reuse=["events/gone.html"], spare=spare)
    assert tree(out) == {**NEW, "events/gone.html": b"stale"}
    assert not (out / "stray").exists()  # folders left empty go too


def test_a_write_that_reuses_nothing_deletes_the_old_site_even_with_a_spare(
    tmp_path: Path,
) -> None:
    out, spare = tmp_path / "build", tmp_path / "cache" / "spare"
    write_site(OLD, out, keep_unchanged=True, spare=spare)
    write_site(NEW, out, keep_unchanged=True, spare=spare)  # a cold build: nothing reused
    assert tree(out) == NEW
    assert not spare.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_without_a_spare_the_old_site_is_deleted(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(OLD, out, keep_unchanged=True)
    write_site(NEW, out, keep_unchanged=True, reuse=["events/gone.html"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]
