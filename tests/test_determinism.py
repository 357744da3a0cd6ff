"""Two builds of the same sources are byte-identical, whatever the file order or working folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SEEDS


def site_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def build_in(root: Path, cwd: Path, *, reverse: bool) -> dict[str, str]:
    sources = root / "sources"
    sources.mkdir(parents=True)
    for seed in sorted(SEEDS.iterdir(), reverse=reverse):
        shutil.copy(seed, sources / seed.name)
    (root / "briefgen.yaml").write_text("base_url: https://example.org/b/\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "-q", "--config", str(root / "briefgen.yaml")],
        cwd=cwd,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "random"},
    )
    return site_digest(root / "build")


def test_order_of_copying_and_working_folder_do_not_change_a_byte(tmp_path: Path) -> None:
    first = build_in(tmp_path / "a", tmp_path, reverse=False)
    (tmp_path / "elsewhere").mkdir()
    second = build_in(tmp_path / "b", tmp_path / "elsewhere", reverse=True)
    assert first == second
    assert "index.html" in first and "feed.xml" in first


def test_rebuilding_in_place_changes_nothing(tmp_path: Path) -> None:
    first = build_in(tmp_path / "a", tmp_path, reverse=False)
    subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "-q"], cwd=tmp_path / "a", check=True
    )
    assert site_digest(tmp_path / "a" / "build") == first
