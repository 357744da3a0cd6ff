"""Feeds of the briefing: RSS 2.0 and Atom 1.0 with feedgen, JSON Feed 1.1 by hand.

The only module that imports feedgen, and only when a feed is made: a rebuild whose newest
events did not change links the last build's feeds instead (see `feed_listings`). One item per
event, the newest events only (a feed is fetched again and again: readers keep what they saw);
its id is the event's id (stable as stories join); every date comes from the stories, never from
the clock, so builds reproduce.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time
from html import escape
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from briefgen.dates import to_date
from briefgen.records import Brief, SourceRef, Story
from briefgen.render import SiteInfo, event_path, outlet_name, story_path

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

FEED_FILES = ("feed.xml", "atom.xml", "feed.json")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def render_feeds(briefs: tuple[Brief, ...], site: SiteInfo) -> dict[str, bytes]:
    """RSS, Atom and JSON Feed files, by path, each with the newest `site.feed_items` events
    (the briefs arrive newest first, as the index lists them)."""
    zone = ZoneInfo(site.timezone)
    kept = _kept(briefs, site.feed_items)
    newest = max((_when(b.last_published, zone) for b in kept), default=_EPOCH)
    items = [_Item(b, summary_html(b, site)) for b in kept]  # made once for the three feeds
    return {
        "feed.xml": _generator(items, site, zone, newest, "feed.xml").rss_str(pretty=True),
        "atom.xml": _generator(items, site, zone, newest, "atom.xml").atom_str(pretty=True),
        "feed.json": _json_feed(items, site, zone, newest),
    }


def feed_listings(
    briefs: tuple[Brief, ...], feed_items: int
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each feed file as a listing page (see `render.listing_pages`): what it shows besides
    its events' briefs (the site's settings aside), and the ids of the events it carries."""
    ids = tuple(b.event.id for b in _kept(briefs, feed_items))
    return {path: (f"feed {path}", ids) for path in FEED_FILES}


def _kept(briefs: tuple[Brief, ...], feed_items: int) -> tuple[Brief, ...]:
    return briefs[:feed_items] if feed_items > 0 else briefs


@dataclass(frozen=True, slots=True)
class _Item:
    brief: Brief
    content_html: str


def _generator(
    items: list[_Item], site: SiteInfo, zone: ZoneInfo, newest: datetime, self_path: str
) -> FeedGenerator:
    # Imported here: lxml and dateutil come with it, a cost only builds that make a feed pay.
    from feedgen.feed import FeedGenerator  # noqa: PLC0415

    generator = FeedGenerator()
    generator.id(site.base_url)
    generator.title(site.title)
    generator.subtitle(site.description or site.title)
    # feedgen takes RSS's channel <link> from the last link given: the site, not the feed.
    generator.link(href=site.base_url + self_path, rel="self")
    generator.link(href=site.base_url, rel="alternate")
    generator.language(site.language)
    generator.generator("briefgen")
    generator.updated(newest)
    generator.lastBuildDate(newest)
    for item in items:
        b = item.brief
        url = site.base_url + event_path(b)
        entry = generator.add_entry(order="append")
        entry.id(item_id(b))
        entry.guid(item_id(b), permalink=False)
        entry.title(b.headline)
        entry.link(href=url)
        # Escaped HTML rather than CDATA: a source sentence may itself contain "]]>".
        entry.content(item.content_html, type="html")
        entry.summary(_summary_text(b))
        entry.published(_when(b.first_published, zone, newest))
        entry.updated(_when(b.last_published, zone, newest))
    return generator


def item_id(b: Brief) -> str:
    """A permanent id: the event's, so independent of the site's address and of later stories."""
    return f"urn:briefgen:event:{b.event.id}"


def summary_html(b: Brief, site: SiteInfo) -> str:
    """The summary as HTML: each sentence linked to the story paragraphs it comes from."""
    stories = {story.id: story for story in b.event.stories}
    items = "".join(
        f"<li>{escape(s.text)} <small>({_source_links(s.sources, stories, site)})</small></li>"
        for s in b.summary
    )
    url = escape(site.base_url + event_path(b))
    return f'<ul>{items}</ul><p><a href="{url}">Full briefing</a></p>'


def _source_links(refs: tuple[SourceRef, ...], stories: dict[str, Story], site: SiteInfo) -> str:
    links: list[str] = []
    for ref in dict.fromkeys(refs):
        story = stories.get(ref.story_id)
        if story is None:
            continue
        href = f"{site.base_url}{story_path(story)}#p{ref.paragraph + 1}"
        links.append(f'<a href="{escape(href)}">{escape(outlet_name(story))}</a>')
    return ", ".join(links) or "source not linked"


def _summary_text(b: Brief) -> str:
    return " ".join(s.text for s in b.summary) or b.headline


def _when(value: str | None, zone: ZoneInfo, fallback: datetime = _EPOCH) -> datetime:
    if not value:
        return fallback
    if len(value) > 10:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    day = to_date(value)
    return datetime.combine(day, time(), tzinfo=zone) if day else fallback


def json_feed(briefs: tuple[Brief, ...], site: SiteInfo, zone: ZoneInfo, newest: datetime) -> bytes:
    """JSON Feed 1.1."""
    return _json_feed([_Item(b, summary_html(b, site)) for b in briefs], site, zone, newest)


def _json_feed(items: list[_Item], site: SiteInfo, zone: ZoneInfo, newest: datetime) -> bytes:
    entries = [
        {
            "id": item_id(item.brief),
            "url": site.base_url + event_path(item.brief),
            "title": item.brief.headline,
            "content_html": item.content_html,
            "summary": _summary_text(item.brief),
            "date_published": _when(item.brief.first_published, zone, newest).isoformat(),
            "date_modified": _when(item.brief.last_published, zone, newest).isoformat(),
            "tags": list(item.brief.outlets),
        }
        for item in items
    ]
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.title,
        "home_page_url": site.base_url,
        "feed_url": site.base_url + "feed.json",
        "description": site.description or site.title,
        "language": site.language,
        "items": entries,
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    # The same JSON, but no raw markup in it for anything that sniffs the file as HTML.
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return (text + "\n").encode("utf-8")
