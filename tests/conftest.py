"""Shared fixtures: a factory that makes a small site in a temporary folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from briefgen.config import Config, load_config

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "sources"
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"

MakeSite = Callable[..., Config]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Make a site: `make_site({"a.md": "..."}, config="title: X")` returns its Config."""

    def make(
        sources: Mapping[str, str | bytes] | None = None,
        *,
        config: str = "",
        seeds: bool = False,
    ) -> Config:
        root = tmp_path / "site"
        source_dir = root / "sources"
        source_dir.mkdir(parents=True, exist_ok=True)
        if seeds:
            for seed in sorted(SEEDS.iterdir()):
                shutil.copy(seed, source_dir / seed.name)
        for name, content in (sources or {}).items():
            target = source_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        config_text = config or "base_url: https://example.org/briefing/\n"
        (root / "briefgen.yaml").write_text(config_text, encoding="utf-8")
        return load_config(root / "briefgen.yaml")

    return make
