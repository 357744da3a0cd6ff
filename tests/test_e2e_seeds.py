"""End to end: build the five seed articles and read the site and feed a user would open."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from briefgen.build import BuildResult, build
from briefgen.config import load_config
from conftest import SEEDS


class TextAndLinks(HTMLParser):
    """Visible text and link targets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.headings: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.extend(value for name, value in attrs if name == "href" and value)
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_h1:
            self.headings.append(data.strip())


def read_page(path: Path) -> TextAndLinks:
    parser = TextAndLinks()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def visible(page: TextAndLinks) -> str:
    return re.sub(r"\s+", " ", " ".join(page.text))


@dataclass(frozen=True)
class Site:
    result: BuildResult
    out: Path


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("seeds")
    (root / "briefgen.yaml").write_text(
        f"title: Seed briefing\nbase_url: https://example.org/briefing/\nsources: {SEEDS}\n",
        encoding="utf-8",
    )
    config = load_config(root / "briefgen.yaml")
    return Site(build(config), config.output_dir)


def test_five_files_make_four_stories_and_one_event(seeds: Site) -> None:
    analysis = seeds.result.analysis
    assert analysis.loaded.files_seen == 5
    assert len(analysis.stories) == 4
    assert analysis.copies_merged == 1
    assert len(analysis.events) == 1


def test_the_two_scrapes_of_one_page_are_one_story(seeds: Site) -> None:
    (merged,) = [story for story in seeds.result.analysis.stories if story.copies]
    assert merged.record.title == "Hegseth Hosts Japanese Counterpart at Pentagon"
    assert merged.record.outlet == "U.S. Department of War"
    assert merged.copies[0].outlet == "U.S. Department of War"
    text = visible(read_page(seeds.out / "stories" / f"{merged.id}.html"))
    assert "Copies merged into this story" in text
    for record in (merged.record, *merged.copies):
        assert record.path in text


def test_index_links_the_event_and_names_every_outlet(seeds: Site) -> None:
    index = read_page(seeds.out / "index.html")
    event_links = [link for link in index.links if link.startswith("events/")]
    assert len(set(event_links)) == 1
    event = read_page(seeds.out / event_links[0])
    text = visible(event)
    for outlet in ("Japan Today", "WION", "U.S. Department of War"):
        assert outlet in text
    story_pages = {link.split("#")[0] for link in event.links if link.startswith("../stories/")}
    assert len(story_pages) == 4
    assert len(list((seeds.out / "stories").glob("*.html"))) == 4


def test_comments_never_reach_a_story_body(seeds: Site) -> None:
    for page in (seeds.out / "stories").glob("*.html"):
        article = page.read_text(encoding="utf-8").split("<details>")[0]
        assert "lays it on thick" not in article


def test_rss_feed_parses_and_links_the_event(seeds: Site) -> None:
    feed = feedparser.parse((seeds.out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    (item,) = feed.entries
    assert item.link.startswith("https://example.org/briefing/events/")
    assert item.title == seeds.result.analysis.briefs[0].headline
    assert tuple(item.published_parsed[:3]) == (2026, 1, 15)
