"""Feeds of the briefing: RSS 2.0 and Atom 1.0 with feedgen, JSON Feed 1.1 by hand.

The only module that imports feedgen. One item per event; its id is the event's id (stable as
stories join); every date comes from the stories, never from the clock, so builds reproduce.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, time
from html import escape
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator

from briefgen.dates import to_date
from briefgen.records import Brief

if TYPE_CHECKING:
    from briefgen.render import SiteInfo

FEED_FILES = ("feed.xml", "atom.xml", "feed.json")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def render_feeds(
    briefs: tuple[Brief, ...], site: SiteInfo, page_of: Callable[[Brief], str]
) -> dict[str, bytes]:
    """RSS, Atom and JSON Feed files, by path."""
    zone = ZoneInfo(site.timezone)
    newest = max((_when(b.last_published, zone) for b in briefs), default=_EPOCH)
    return {
        "feed.xml": _generator(briefs, site, page_of, zone, newest, "feed.xml").rss_str(pretty=True),
        "atom.xml": _generator(briefs, site, page_of, zone, newest, "atom.xml").atom_str(pretty=True),
        "feed.json": json_feed(briefs, site, page_of, zone, newest),
    }


def _generator(
    briefs: tuple[Brief, ...],
    site: SiteInfo,
    page_of: Callable[[Brief], str],
    zone: ZoneInfo,
    newest: datetime,
    self_path: str,
) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(item_id(site, "feed"))
    generator.title(site.title)
    generator.subtitle(site.description or site.title)
    generator.link(href=site.base_url, rel="alternate")
    generator.link(href=site.base_url + self_path, rel="self")
    generator.language(site.language)
    generator.generator("briefgen")
    generator.updated(newest)
    generator.lastBuildDate(newest)
    for b in briefs:
        url = site.base_url + page_of(b)
        entry = generator.add_entry(order="append")
        entry.id(item_id(site, b.event.id))
        entry.guid(item_id(site, b.event.id), permalink=False)
        entry.title(b.headline)
        entry.link(href=url)
        entry.content(summary_html(b, url), type="CDATA")
        entry.description(_summary_text(b))
        entry.published(_when(b.first_published, zone, newest))
        entry.updated(_when(b.last_published, zone, newest))
    return generator


def item_id(site: SiteInfo, event_id: str) -> str:
    """A permanent id, independent of the site's address (which may move)."""
    return f"urn:briefgen:{event_id}"


def summary_html(b: Brief, url: str) -> str:
    """The summary as HTML: each sentence with how many outlets report it, and a link."""
    items = "".join(
        f"<li>{escape(s.text)} <small>({escape(', '.join(s.outlets) or 'one source')})</small></li>"
        for s in b.summary
    )
    return f'<ul>{items}</ul><p><a href="{escape(url)}">Full briefing</a></p>'


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


def json_feed(
    briefs: tuple[Brief, ...],
    site: SiteInfo,
    page_of: Callable[[Brief], str],
    zone: ZoneInfo,
    newest: datetime,
) -> bytes:
    """JSON Feed 1.1."""
    items = []
    for b in briefs:
        url = site.base_url + page_of(b)
        items.append(
            {
                "id": item_id(site, b.event.id),
                "url": url,
                "title": b.headline,
                "content_html": summary_html(b, url),
                "summary": _summary_text(b),
                "date_published": _when(b.first_published, zone, newest).isoformat(),
                "date_modified": _when(b.last_published, zone, newest).isoformat(),
                "tags": list(b.outlets),
            }
        )
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.title,
        "home_page_url": site.base_url,
        "feed_url": site.base_url + "feed.json",
        "description": site.description or site.title,
        "language": site.language,
        "items": items,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
