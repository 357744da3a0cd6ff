"""A build killed at any moment leaves the old site or the new one, never a mix."""

from __future__ import annotations

import errno
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen import write as write_module
from briefgen.cli import main
from test_determinism import site_digest

STORY = """---
title: Story {n} about the {topic} in district {n}
outlet: Outlet {outlet}
date: 2026-03-{day:02d}
---
Officials in district {n} said on Monday that the {topic} would be reviewed next month.

Residents of district {n} told reporters that the {topic} had been a concern for {n} years.
"""
TOPICS = ("harbour", "railway", "school", "library", "hospital", "market", "stadium", "airport")


def write_sources(root: Path, count: int, edition: str) -> None:
    sources = root / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = STORY.format(n=n, topic=TOPICS[n % len(TOPICS)], outlet=n % 5, day=1 + n % 27)
        (sources / f"{n:04d}.md").write_text(text + f"\nEdition {edition}.\n", encoding="utf-8")


@pytest.mark.slow
def test_kill_9_during_builds_never_leaves_a_mixed_site(tmp_path: Path) -> None:
    (tmp_path / "briefgen.yaml").write_text("base_url: https://example.org/\n", encoding="utf-8")
    command = [sys.executable, "-m", "briefgen", "build", "-q"]
    write_sources(tmp_path, 300, "old")
    subprocess.run(command, cwd=tmp_path, check=True)
    old = site_digest(tmp_path / "build")
    write_sources(tmp_path, 300, "new")
    started = time.perf_counter()
    subprocess.run(command, cwd=tmp_path, check=True)
    full_build = time.perf_counter() - started
    new = site_digest(tmp_path / "build")
    assert old != new

    chooser = random.Random(20261120)
    kills = 0
    for attempt in range(8):
        write_sources(tmp_path, 300, "old" if attempt % 2 else "new")
        before = site_digest(tmp_path / "build")
        process = subprocess.Popen(command, cwd=tmp_path)
        time.sleep(chooser.uniform(0.05, full_build * 1.1))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        after = site_digest(tmp_path / "build")
        assert after in (before, old, new), f"attempt {attempt}: a mixed site"
    assert kills >= 4, "the build finished before most kills: not a real test"
    # The next build cleans up what the killed ones left behind.
    subprocess.run(command, cwd=tmp_path, check=True)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".build")]
    assert not leftovers


def test_a_read_only_output_parent_fails_clearly_and_keeps_the_old_site(tmp_path: Path) -> None:
    (tmp_path / "briefgen.yaml").write_text("base_url: https://example.org/\noutput: out/site\n")
    write_sources(tmp_path, 5, "old")
    command = [sys.executable, "-m", "briefgen", "build", "-q"]
    subprocess.run(command, cwd=tmp_path, check=True)
    old = site_digest(tmp_path / "out" / "site")
    write_sources(tmp_path, 5, "new")
    (tmp_path / "out").chmod(0o555)
    try:
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    finally:
        (tmp_path / "out").chmod(0o755)
    if result.returncode == 0:
        pytest.skip("running as a user who can write to read-only folders (root)")
    assert result.returncode == 1
    assert "cannot write the site" in result.stderr
    assert site_digest(tmp_path / "out" / "site") == old


def test_a_full_disk_midway_fails_clearly_and_keeps_the_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "briefgen.yaml").write_text("base_url: https://example.org/\n")
    write_sources(tmp_path, 20, "old")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "-q"]) == 0
    old = site_digest(tmp_path / "build")
    write_sources(tmp_path, 20, "new")
    written = 0
    real_write_file = write_module._write_file

    def fill_up(target: str, data: bytes) -> None:
        nonlocal written
        written += 1
        if written > 10:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write_file(target, data)

    monkeypatch.setattr(write_module, "_write_file", fill_up)
    assert main(["build", "-q"]) == 1
    assert "cannot write the site: No space left on device" in capsys.readouterr().err
    monkeypatch.undo()
    assert site_digest(tmp_path / "build") == old
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build")]
