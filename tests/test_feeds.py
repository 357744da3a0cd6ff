"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 parse, carry what a reader needs, and reproduce."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import feedparser
import pytest

from briefgen.build import build
from briefgen.feeds import render_feeds
from briefgen.render import SiteInfo
from conftest import MakeSite
from sitekit import TOPICS, dated_briefs, rich_briefs, unrelated_articles

SITE = SiteInfo("Riverton Briefing", "Local news.", "en", "https://ex.org/briefing/", "UTC")
ATOM = "{http://www.w3.org/2005/Atom}"
EVENT_URL = "https://ex.org/briefing/events/old-river-bridge-reopens-e-bridge.html"


@pytest.fixture(scope="module")
def feeds() -> dict[str, bytes]:
    return render_feeds(rich_briefs(), SITE)


# feedparser 6.0 reads RSS and Atom only; JSON Feed is checked against its spec below.
@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_each_feed_parses_without_errors_and_has_one_item_per_event(
    feeds: dict[str, bytes], name: str
) -> None:
    parsed = feedparser.parse(feeds[name])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Riverton Briefing"
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["Old river bridge reopens after two years", "Ferry timetable changes"]
    first = parsed.entries[0]
    assert first.link == EVENT_URL
    assert first.id == "urn:briefgen:event:e-bridge"
    content = first.content[0].value if "content" in first else first.summary
    assert "The old river bridge reopened on Tuesday" in content
    assert 'href="https://ex.org/briefing/stories/aa11.html#p1"' in content
    assert f'href="{EVENT_URL}"' in content


def test_rss_has_the_elements_its_spec_requires(feeds: dict[str, bytes]) -> None:
    root = ET.fromstring(feeds["feed.xml"])
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Riverton Briefing"
    assert channel.findtext("link") == "https://ex.org/briefing/"
    assert channel.findtext("description") == "Local news."
    assert channel.findtext("lastBuildDate") == "Wed, 05 Mar 2031 09:30:00 +0100"
    items = channel.findall("item")
    assert len(items) == 2
    for item in items:
        assert item.findtext("title") and item.findtext("link") and item.findtext("description")
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false"
    assert items[0].findtext("pubDate") == "Tue, 04 Mar 2031 00:00:00 +0000"
    assert items[1].findtext("pubDate") == "Sat, 01 Mar 2031 00:00:00 +0000"


def test_atom_has_the_elements_its_spec_requires(feeds: dict[str, bytes]) -> None:
    root = ET.fromstring(feeds["atom.xml"])
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == "https://ex.org/briefing/"
    assert root.findtext(f"{ATOM}title") == "Riverton Briefing"
    assert root.findtext(f"{ATOM}updated") == "2031-03-05T09:30:00+01:00"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {
        "self": "https://ex.org/briefing/atom.xml",
        "alternate": "https://ex.org/briefing/",
    }
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}"), required
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
    assert entries[0].findtext(f"{ATOM}published") == "2031-03-04T00:00:00+00:00"
    assert entries[0].findtext(f"{ATOM}updated") == "2031-03-05T09:30:00+01:00"


def test_json_feed_follows_version_1_1(feeds: dict[str, bytes]) -> None:
    document = json.loads(feeds["feed.json"])
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == "https://ex.org/briefing/feed.json"
    assert document["home_page_url"] == "https://ex.org/briefing/"
    first = document["items"][0]
    assert first["id"] == "urn:briefgen:event:e-bridge"
    assert first["url"] == EVENT_URL
    assert first["date_published"] == "2031-03-04T00:00:00+00:00"
    assert first["date_modified"] == "2031-03-05T09:30:00+01:00"
    assert "stories/bb22.html#p2" in first["content_html"]


def test_a_sentence_with_cdata_end_does_not_break_the_xml() -> None:
    bridge = rich_briefs()[0]
    tricky = replace(bridge.summary[0], text="Odd ]]> text & <b>tags</b>")
    brief = replace(bridge, summary=(tricky,))
    feeds = render_feeds((brief,), SITE)
    for name in ("feed.xml", "atom.xml"):
        ET.fromstring(feeds[name])
        assert not feedparser.parse(feeds[name]).bozo
    item = json.loads(feeds["feed.json"])["items"][0]
    assert "Odd ]]&gt; text &amp; &lt;b&gt;tags" in item["content_html"]


def test_json_feed_carries_text_with_angle_brackets_without_raw_markup() -> None:
    bridge = replace(rich_briefs()[0], headline="<script>alert(1)</script> & more")
    raw = render_feeds((bridge,), SITE)["feed.json"]
    assert b"<" not in raw and b">" not in raw and b"&" not in raw
    assert json.loads(raw)["items"][0]["title"] == "<script>alert(1)</script> & more"


def test_an_empty_site_still_has_valid_feeds() -> None:
    feeds = render_feeds((), SITE)
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse(feeds[name])
        assert not parsed.bozo and parsed.entries == []
    assert json.loads(feeds["feed.json"])["items"] == []


FIRST = """---
title: Port Wexley lock gates closed after cracks found
outlet: Canal Times
date: 2031-05-02
---
The harbour authority of Port Wexley closed the northern lock gates on Friday after engineers
found cracks in the hinges of the gates, stopping all barge traffic on the canal.

Barge operators in Port Wexley said the lock gates closure would delay grain shipments for weeks.
"""
LATER = """---
title: Cracked hinges keep Port Wexley lock gates shut, barges stuck
outlet: Barge Weekly
date: 2031-05-03
---
Dozens of barges were stuck on Saturday at Port Wexley, where the northern lock gates have stayed
shut since engineers found cracked hinges, the harbour authority said.

Grain traders warned that the lock gates closure in Port Wexley could last a month, as new hinges
must be cast before the canal reopens to barge traffic.
"""


def test_an_item_keeps_its_id_when_a_later_story_joins_the_event(make_site: MakeSite) -> None:
    config = make_site({"a.md": FIRST})
    build(config)
    before = feedparser.parse((config.output_dir / "feed.xml").read_bytes()).entries
    (config.sources_dir / "b.md").write_text(LATER, encoding="utf-8")
    build(config)
    after = feedparser.parse((config.output_dir / "feed.xml").read_bytes()).entries
    assert len(before) == len(after) == 1
    assert after[0].id == before[0].id
    assert after[0].published == before[0].published == "Fri, 02 May 2031 00:00:00 +0000"
    json_after = json.loads((config.output_dir / "feed.json").read_bytes())
    assert json_after["items"][0]["date_modified"] == "2031-05-03T00:00:00+00:00"
    assert "Barge Weekly" in json_after["items"][0]["tags"]


def test_feeds_are_identical_across_builds(make_site: MakeSite) -> None:
    config = make_site(seeds=True)
    build(config)
    first = {name: (config.output_dir / name).read_bytes() for name in ("feed.xml", "atom.xml")}
    build(config)
    second = {name: (config.output_dir / name).read_bytes() for name in ("feed.xml", "atom.xml")}
    assert first == second


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", "feed.json"])
def test_each_feed_holds_exactly_the_newest_events_newest_first(name: str) -> None:
    feeds = render_feeds(dated_briefs(30), replace(SITE, feed_items=4))
    if name == "feed.json":
        items = json.loads(feeds[name])["items"]
        titles = [item["title"] for item in items]
        dates = [item["date_modified"] for item in items]
    else:
        entries = feedparser.parse(feeds[name]).entries
        titles = [entry.title for entry in entries]
        dates = [entry.published for entry in entries]
    assert titles == ["Event 30", "Event 29", "Event 28", "Event 27"]
    assert dates[0].startswith(("2031-01-31", "Fri, 31 Jan 2031"))


def test_the_feed_date_is_that_of_its_newest_event() -> None:
    feeds = render_feeds(dated_briefs(30), replace(SITE, feed_items=4))
    channel = ET.fromstring(feeds["feed.xml"]).find("channel")
    assert channel is not None
    assert channel.findtext("lastBuildDate") == "Fri, 31 Jan 2031 00:00:00 +0000"


def test_feed_items_0_puts_every_event_in() -> None:
    feeds = render_feeds(dated_briefs(60), replace(SITE, feed_items=0))
    assert len(json.loads(feeds["feed.json"])["items"]) == 60
    assert len(feedparser.parse(feeds["atom.xml"]).entries) == 60


def test_a_built_site_keeps_the_configured_number_of_feed_items(make_site: MakeSite) -> None:
    config = make_site(unrelated_articles(), config="base_url: https://ex.org/\nfeed_items: 2\n")
    assert build(config).summary.events == 4
    items = json.loads((config.output_dir / "feed.json").read_bytes())["items"]
    assert [item["title"] for item in items] == [TOPICS[3][0], TOPICS[2][0]]
    # The feed's two items are the index's first two events.
    index = (config.output_dir / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'<h2 id="event-\d+"><a href="([^"]+)">', index)
    assert len(listed) == 4
    assert [f"https://ex.org/{href}" for href in listed[:2]] == [item["url"] for item in items]
