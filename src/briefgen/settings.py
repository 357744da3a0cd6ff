"""The table of `briefgen.yaml` settings: one source for defaults, validation and documentation.

Each Setting names its key, the Config field it sets, its type, default and help line;
`briefgen init` writes its commented config from this table, and a test checks that the README
documents every key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefgen import __version__

CONFIG_NAME = "briefgen.yaml"
DEFAULT_USER_AGENT = f"briefgen/{__version__} (static news briefing generator)"
# Bounds a reader expects of a big site (Pelican keeps 100 feed items, Docusaurus 20, Hugo pages
# by 10): a feed reader fetches the newest items again and again, and a page of thousands of
# events is megabytes no one scrolls.
DEFAULT_FEED_ITEMS = 50
DEFAULT_EVENTS_PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class Setting:
    """One documented configuration key."""

    key: str
    """Dotted key as written in YAML (`clustering.window_days`)."""
    attr: str
    """Field of `Config` it sets."""
    kind: type
    """Expected Python type after YAML parsing."""
    default: Any
    """Value when absent."""
    help: str
    """One line for the README and error messages."""
    check: Callable[[Any], str | None] | None = None
    """Extra validation: returns a problem description or None."""
    item: Callable[[Any], Any] | None = None
    """For list settings: converts one item, raising ValueError with the problem."""


@dataclass(frozen=True, slots=True)
class FeedSource:
    """One entry of `feeds:`: where the feed is and, optionally, whose it is."""

    location: str
    """An http(s) URL, or a file path relative to the configuration file."""
    outlet: str | None = None
    """The outlet name its stories get; by default the feed's own title."""


def check_http_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an absolute http(s) URL such as https://user.github.io/repo/"
    return None


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "is not an IANA time zone name such as UTC or Europe/Paris"
    return None


def _check_positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _check_unit_interval(value: float) -> str | None:
    return None if 0 < value <= 1 else "must be between 0 and 1"


def _check_not_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _feed_item(value: Any) -> FeedSource:
    if isinstance(value, str):
        return FeedSource(_feed_location(value))
    if not isinstance(value, dict):
        raise ValueError(
            f"must be a URL, a file path or a mapping with 'url', not {kind_name(value)}"
        )
    unknown = sorted(str(key) for key in value if key not in ("url", "outlet"))
    if unknown:
        raise ValueError(f"unknown field '{unknown[0]}' (a feed has 'url' and 'outlet')")
    location, outlet = value.get("url"), value.get("outlet")
    if not isinstance(location, str):
        raise ValueError("needs 'url': the feed's URL or file path")
    if outlet is not None and not (isinstance(outlet, str) and outlet.strip()):
        raise ValueError("'outlet' must be a name")
    return FeedSource(_feed_location(location), outlet.strip() if outlet else None)


def _feed_location(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("is empty")
    if "://" in value and urlsplit(value).scheme not in ("http", "https"):
        raise ValueError(f"'{value[:60]}' is neither an http(s) URL nor a file path")
    return value


def _url_item(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a URL, not {kind_name(value)}")
    problem = check_http_url(value.strip())
    if problem:
        raise ValueError(problem)
    return value.strip()


def kind_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    return "a list" if isinstance(value, list) else type(value).__name__


SETTINGS: tuple[Setting, ...] = (
    Setting("title", "title", str, "Briefing", "Site title shown in every page and feed."),
    Setting("description", "description", str, "", "One-line description for the index and feeds."),
    Setting(
        "language", "language", str, "en", "Language tag of the site (`lang` of pages, feeds)."
    ),
    Setting(
        "base_url",
        "base_url",
        str,
        "http://localhost:8000/",
        "Absolute URL the site is published at; feeds and sitemap use it.",
        check_http_url,
    ),
    Setting(
        "timezone",
        "timezone",
        str,
        "UTC",
        "IANA zone for dates that carry no offset.",
        _check_timezone,
    ),
    Setting(
        "feed_items",
        "feed_items",
        int,
        DEFAULT_FEED_ITEMS,
        "Newest events in each feed (RSS, Atom, JSON Feed); 0 puts every event in.",
        _check_not_negative,
    ),
    Setting(
        "events_per_page",
        "events_per_page",
        int,
        DEFAULT_EVENTS_PER_PAGE,
        "Events on each page of the briefing: index.html holds the newest, page/2.html the next "
        "and so on; 0 lists every event on index.html.",
        _check_not_negative,
    ),
    Setting("sources", "sources", str, "sources", "Folder of source files, relative to this file."),
    Setting(
        "output", "output", str, "build", "Folder the site is written to, relative to this file."
    ),
    Setting(
        "templates",
        "templates",
        str,
        "templates",
        "Folder of your own templates; each file there overrides the default of the same name.",
    ),
    Setting(
        "cache",
        "cache",
        str,
        ".cache/briefgen",
        "Folder for the incremental-build cache, relative to this file; delete it to start clean.",
    ),
    Setting(
        "max_file_size_mb",
        "max_file_size_mb",
        float,
        20.0,
        "Source files larger than this are skipped with a warning.",
        _check_positive,
    ),
    Setting(
        "clustering.window_days",
        "window_days",
        float,
        4.0,
        "Stories published more than this many days apart are never put in one event "
        "(undated stories are not kept apart; a date in their text only lowers their similarity).",
        _check_positive,
    ),
    Setting(
        "clustering.threshold",
        "cluster_threshold",
        float,
        0.14,
        "Mean similarity (0-1) at which two groups of stories are taken to report one event; "
        "lower joins more.",
        _check_unit_interval,
    ),
    Setting(
        "clustering.copy_threshold",
        "copy_threshold",
        float,
        0.7,
        "Share (0-1) of shared word sequences at which two files count as copies of one article.",
        _check_unit_interval,
    ),
    Setting(
        "feeds",
        "feeds",
        tuple,
        (),
        "RSS/Atom feeds for `briefgen fetch`: each a URL, a file path, or {url, outlet}.",
        item=_feed_item,
    ),
    Setting(
        "urls",
        "urls",
        tuple,
        (),
        "Article pages for `briefgen fetch` to download, each an http(s) URL.",
        item=_url_item,
    ),
    Setting(
        "fetch.cache",
        "fetch_cache",
        str,
        "fetched",
        "Folder `briefgen fetch` writes to and `build` reads besides the sources (git-ignorable).",
    ),
    Setting(
        "fetch.user_agent",
        "user_agent",
        str,
        DEFAULT_USER_AGENT,
        "User-Agent sent with every request; add a contact address or URL.",
    ),
    Setting(
        "fetch.timeout_seconds",
        "fetch_timeout",
        float,
        20.0,
        "Seconds a request may take, connecting and reading, before it is given up.",
        _check_positive,
    ),
    Setting(
        "fetch.max_bytes",
        "fetch_max_bytes",
        int,
        5_000_000,
        "Responses larger than this many bytes are refused.",
        _check_positive,
    ),
    Setting(
        "fetch.retries",
        "fetch_retries",
        int,
        2,
        "How often a request answered 429 or 5xx is tried again.",
        _check_not_negative,
    ),
    Setting(
        "fetch.backoff_seconds",
        "fetch_backoff",
        float,
        1.0,
        "First wait before a retry; it doubles each time (a Retry-After header wins).",
        _check_not_negative,
    ),
    Setting(
        "fetch.max_wait_seconds",
        "fetch_max_wait",
        float,
        60.0,
        "Longest wait before a retry, whatever Retry-After asks.",
        _check_not_negative,
    ),
    Setting(
        "fetch.per_host",
        "fetch_per_host",
        int,
        2,
        "Most requests open at once to one host.",
        _check_positive,
    ),
)
