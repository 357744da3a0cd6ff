"""Shared fixtures: a factory that makes a small site in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from briefgen.config import Config, load_config
from fetch_server import LocalServer, serve

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "sources"
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"

MakeSite = Callable[..., Config]


@pytest.fixture(autouse=True, scope="session")
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user cache (compiled templates) of every build in the tests, kept out of ~/.cache;
    child processes inherit it."""
    folder = tmp_path_factory.mktemp("user-cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


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


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m briefgen ARGS` in a folder, as a user would; colour off, output buffered
    as a user's is (whatever this environment says)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**env, "NO_COLOR": "1"},
    )


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """A local HTTP server on 127.0.0.1 for fetch tests, with proxies out of the way."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    yield from serve()
