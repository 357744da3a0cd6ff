"""Feeds read with feedparser: RSS 0.9x/1.0/2.0 and Atom, broken ones as far as they are sound."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from briefgen.config import FeedSource
from briefgen.dates import parse_date
from briefgen.fetch_story import FetchedStory
from briefgen.records import Diagnostic

_EMAIL_AND_NAME = re.compile(r"^\S+@\S+\s+\((.+)\)$")


class FeedError(Exception):
    """The feed's content cannot be used at all."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry, before any page is fetched for it."""

    keys: tuple[str, ...]
    """What identifies it across runs and feeds: `guid:...` and/or `link:...`."""
    link: str | None
    """The article's absolute http(s) address."""
    story: FetchedStory
    """Its metadata (title, outlet, date, url, authors) and no body yet."""
    content_html: str
    """The full content the feed carries ('' where none)."""
    summary_html: str
    """The summary or description ('' where none)."""
    fingerprint: str
    """A hash of all the above, to tell an entry updated upstream."""


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed's entries, in feed order."""

    title: str | None
    """The feed's own title."""
    entries: tuple[Entry, ...]
    """Its entries."""


def parse_feed(
    data: bytes, base_url: str | None, content_type: str, spec: FeedSource
) -> tuple[Feed, list[Diagnostic]]:
    """Parse a feed's bytes; raises FeedError where nothing usable is in them."""
    import feedparser  # noqa: PLC0415  (only fetching needs it)

    headers = {"content-type": content_type or "application/xml"}
    if base_url:
        headers["content-location"] = base_url  # the base for relative links
    parsed = feedparser.parse(data, response_headers=headers)
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(f"not an RSS or Atom feed{f' ({_problem(error)})' if error else ''}")
    # A feed served with a loose media type or a wrong charset label still parsed soundly.
    loose = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
    problem = _problem(error) if error and not isinstance(error, loose) else None
    title = _text(parsed.feed.get("title"))
    outlet = spec.outlet or title
    entries = tuple(
        entry for item in parsed.entries if (entry := _entry(item, base_url, outlet)) is not None
    )
    problems = []
    if problem:
        count = f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'}"
        message = f"the feed is not well-formed ({problem}); read {count} as far as it was sound"
        problems.append(Diagnostic(spec.location, None, "warning", message))
    return Feed(title, entries), problems


def _entry(item: Any, base_url: str | None, outlet: str | None) -> Entry | None:
    link = _http_link(item.get("link"), base_url)
    guid = _text(item.get("id"))
    title = _text(item.get("title"))
    keys = tuple(key for key in (guid and f"guid:{guid}", link and f"link:{link}") if key)
    if not keys:
        if not title:
            return None  # nothing to identify it by, nor to show
        keys = (f"title:{title}",)
    content = "\n".join(str(part.get("value", "")) for part in item.get("content") or ())
    summary = str(item.get("summary") or "")
    story = FetchedStory(
        title=title,
        outlet=outlet,
        published=_date(item),
        url=link,
        authors=_authors(item),
        body=(),
    )
    fields = (*keys, title, outlet, story.published, *story.authors, content, summary)
    return Entry(keys, link, story, content, summary, _digest(fields))


def _http_link(value: Any, base_url: str | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    link = urljoin(base_url, value.strip()) if base_url else value.strip()
    parts = urlsplit(link)
    return link if parts.scheme in ("http", "https") and parts.hostname else None


def _date(item: Any) -> str | None:
    for raw, parsed in (("published", "published_parsed"), ("updated", "updated_parsed")):
        text = item.get(raw)
        if isinstance(text, str) and (iso := _rfc822(text) or parse_date(text)):
            return iso
        when = item.get(parsed)
        if when:
            year, month, day, hour, minute, second = when[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
    return None


def _rfc822(text: str) -> str | None:
    """RSS 2.0 dates with their time and offset (the general date finder keeps only the day)."""
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).isoformat()


def _authors(item: Any) -> tuple[str, ...]:
    # RSS 2.0 writes "email (Name)"; feedparser's own split of it fails on long domain names.
    raw = _EMAIL_AND_NAME.match(_text(item.get("author")) or "")
    if raw:
        return (raw[1].strip(),)
    names = [_text(author.get("name")) for author in item.get("authors") or ()]
    found = tuple(name for name in names if name)
    if found:
        return found
    single = _text((item.get("author_detail") or {}).get("name")) or _text(item.get("author"))
    return (single,) if single else ()


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _problem(error: object) -> str:
    text = " ".join(str(error).split())
    return text[:120] or type(error).__name__


def _digest(parts: tuple[str | None, ...]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update((part or "").encode("utf-8") + b"\x00")
    return hasher.hexdigest()[:16]
