"""`briefgen fetch`: download the configured feeds and pages into the fetch cache.

Each feed entry becomes one markdown story in the cache (see briefgen.fetch_cache), which `build`
then loads beside the sources, offline. Where an entry carries only a summary, the linked page is
fetched and its text extracted by the HTML loader; the entry's own metadata wins over the page's.
A feed that cannot be fetched or parsed is reported, and its last good copy is used.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from briefgen.config import Config, FeedSource
from briefgen.fetch_cache import Cache, WriteOutcome
from briefgen.fetch_feed import Entry, Feed, FeedError, parse_feed
from briefgen.fetch_http import Client, FetchError, HttpSettings, Response, is_public
from briefgen.fetch_story import FetchedStory, fragment_blocks
from briefgen.load import decode
from briefgen.loaders import SourceText, same_text
from briefgen.records import Block, Diagnostic

MAX_WORKERS = 8
FULL_TEXT_MIN_WORDS = 80
"""Entry content shorter than this is taken for a teaser, and the linked page is fetched."""
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", ""})


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetch did."""

    feeds: int
    """Feeds read, fresh or from their last good copy."""
    pages: int
    """Article pages listed under `urls:`."""
    stories: dict[str, int]
    """Stories by outcome: `new`, `updated`, `unchanged`."""
    diagnostics: tuple[Diagnostic, ...]
    """Warnings and errors; their paths are feed or page URLs (or feed files)."""
    seconds: float
    """Wall time."""


@dataclass(frozen=True, slots=True)
class _Page:
    """An article page to fetch, with what is already known of its story."""

    keys: tuple[str, ...]
    url: str
    known: FetchedStory
    fingerprint: str | None
    fallback: tuple[Block, ...]  # the feed's own text, kept where the page cannot be used
    public_only: bool = False  # a link from a feed on a public host stays on public hosts


def http_settings(config: Config) -> HttpSettings:
    """The client settings from the configuration."""
    return HttpSettings(
        user_agent=config.user_agent,
        timeout=config.fetch_timeout,
        max_bytes=config.fetch_max_bytes,
        retries=config.fetch_retries,
        backoff=config.fetch_backoff,
        max_wait=config.fetch_max_wait,
        per_host=config.fetch_per_host,
    )


def fetch(config: Config) -> FetchResult:
    """Fetch every configured feed and page into the cache; problems become diagnostics."""
    started = time.perf_counter()
    client = Client(http_settings(config))
    cache = Cache(config.fetched_dir)
    diagnostics: list[Diagnostic] = []
    stories: Counter[str] = Counter({"new": 0, "updated": 0, "unchanged": 0})
    with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
        read = list(
            pool.map(lambda spec: _read_feed(spec, config.root, client, cache), config.feeds)
        )
        pages: list[_Page] = []
        seen: set[str] = set()
        for spec, (feed, problems) in zip(config.feeds, read, strict=True):
            diagnostics.extend(problems)
            public_only = bool(feed and feed.entries) and is_public(spec.location)
            for entry in feed.entries if feed else ():
                if seen.isdisjoint(entry.keys):  # the same entry in two feeds is one story
                    seen.update(entry.keys)
                    outcome, page = _store_entry(entry, cache, public_only=public_only)
                    stories.update([outcome] if outcome else [])
                    pages.extend([page] if page else [])
        pages.extend(
            _Page((key,), url, FetchedStory(None, None, None, url, (), ()), None, ())
            for url in dict.fromkeys(config.urls)  # listed twice is fetched once
            if (key := f"link:{url}") not in seen
        )
        for outcome, problems in pool.map(lambda page: _store_page(page, client, cache), pages):
            stories[outcome] += 1
            diagnostics.extend(problems)
    cache.save()
    feeds_read = sum(1 for feed, _ in read if feed is not None)
    seconds = time.perf_counter() - started
    return FetchResult(feeds_read, len(config.urls), dict(stories), tuple(diagnostics), seconds)


def _read_feed(
    spec: FeedSource, root: Path, client: Client, cache: Cache
) -> tuple[Feed | None, list[Diagnostic]]:
    """The feed's entries: fresh where possible, else from the last good copy."""
    where = spec.location
    try:
        if urlsplit(where).scheme not in ("http", "https"):
            return parse_feed(_read_file(root / where), None, "", spec)
        response = client.get(where, cache.validators(where), _feed_like)
        if response.status == 304:
            stored = cache.last_body(where)
            if stored is not None:
                return parse_feed(stored.body, stored.final_url, stored.content_type, spec)
            response = client.get(where, None, _feed_like)  # the kept copy is gone: ask afresh
        feed, problems = parse_feed(response.body, response.final_url, response.content_type, spec)
        cache.remember(response)
    except (FetchError, FeedError) as err:
        return _last_good(spec, cache, str(err))
    return feed, problems


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise FeedError(f"cannot read the feed file: {err.strerror or err}") from err


def _last_good(spec: FeedSource, cache: Cache, reason: str) -> tuple[Feed | None, list[Diagnostic]]:
    where = spec.location
    stored = cache.last_body(where)
    if stored is None:
        return None, [Diagnostic(where, None, "error", f"{reason}; no earlier copy to use")]
    # only good copies are kept, so this parses
    feed, _ = parse_feed(stored.body, stored.final_url, stored.content_type, spec)
    return feed, [Diagnostic(where, None, "warning", f"{reason}; used the last good copy")]


def _feed_like(content_type: str) -> bool:
    return not content_type or content_type.startswith("text/") or content_type.endswith("xml")


def _store_entry(
    entry: Entry, cache: Cache, *, public_only: bool
) -> tuple[WriteOutcome | None, _Page | None]:
    """Write an entry whose text the feed carries; return the page to fetch where it does not."""
    if cache.fingerprint(entry.keys) == entry.fingerprint and cache.has_story(entry.keys):
        return "unchanged", None
    content = fragment_blocks(entry.content_html) if entry.content_html else ()
    own_text = content or fragment_blocks(entry.summary_html)
    if entry.link and sum(len(block.text.split()) for block in content) < FULL_TEXT_MIN_WORDS:
        page = _Page(entry.keys, entry.link, entry.story, entry.fingerprint, own_text, public_only)
        return None, page
    story = replace(entry.story, body=own_text)
    return cache.write_story(entry.keys, story.to_markdown(), entry.fingerprint), None


def _store_page(page: _Page, client: Client, cache: Cache) -> tuple[WriteOutcome, list[Diagnostic]]:
    """Fetch an article page, extract its text, and write the story."""
    try:
        story = _page_story(page, client, cache)
    except FetchError as err:
        if page.fallback:
            story = replace(page.known, body=page.fallback)
            message = f"{err}; used the feed's own text instead"
            # no fingerprint: the page is tried again next time
            outcome = cache.write_story(page.keys, story.to_markdown(), None)
            return outcome, [Diagnostic(page.url, None, "warning", message)]
        if cache.has_story(page.keys):
            message = f"{err}; kept the story fetched before"
            return "unchanged", [Diagnostic(page.url, None, "warning", message)]
        return "unchanged", [Diagnostic(page.url, None, "error", str(err))]
    return cache.write_story(page.keys, story.to_markdown(), page.fingerprint), []


def _page_story(page: _Page, client: Client, cache: Cache) -> FetchedStory:
    accepts = _HTML_TYPES.__contains__
    response = client.get(
        page.url, cache.validators(page.url), accepts, public_only=page.public_only
    )
    stored = cache.last_body(page.url) if response.status == 304 else None
    if stored is not None:
        response = replace(
            response, final_url=stored.final_url, body=stored.body, charset=stored.charset
        )
    elif response.status == 304:
        response = client.get(page.url, None, accepts, public_only=page.public_only)
    extracted = _extract(response)
    if not extracted.body:
        raise FetchError("no article text found in the page")
    if response.status == 200:
        cache.remember(response)
    return _merged(page.known, extracted)


def _extract(response: Response) -> FetchedStory:
    """The page's story as the HTML loader reads it (the same extraction as .html sources)."""
    from briefgen.loaders.html import load  # noqa: PLC0415  (trafilatura is slow to import)

    record = load(_decoded(response))
    return FetchedStory(
        title=None if record.title_from_body else record.title,
        outlet=record.outlet,
        published=record.published,
        url=urljoin(response.final_url, record.url) if record.url else response.final_url,
        authors=record.byline.people,
        body=tuple(record.body),
    )


def _decoded(response: Response) -> SourceText:
    if response.charset:
        try:
            return SourceText(response.url, response.body.decode(response.charset))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: fall back to the loader's own guess
    source, problem = decode(response.url, response.body)
    if source is None:
        raise FetchError(f"not a text page: {problem}")
    return source


def _merged(entry: FetchedStory, page: FetchedStory) -> FetchedStory:
    """The entry's metadata where it has it, the page's guesses for the rest, the page's text."""
    body = page.body
    headlines = [title for title in (entry.title, page.title) if title]
    if body and any(same_text(body[0].text, title) for title in headlines):
        body = body[1:]  # the page's headline, extracted as its first line
    return FetchedStory(
        title=entry.title or page.title,
        outlet=entry.outlet or page.outlet,
        published=entry.published or page.published,
        url=entry.url or page.url,
        authors=entry.authors or page.authors,
        body=body,
    )
