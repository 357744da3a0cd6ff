"""Test helpers for the site: external tools, a local server like GitHub Pages, a link checker,
HTML parsing, and a hand-made brief that uses every part of the page templates."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from briefgen.build import build
from briefgen.compact import Packed
from briefgen.config import load_config
from briefgen.feeds import render_feeds
from briefgen.records import (
    Block,
    Body,
    Brief,
    Byline,
    Caption,
    Claim,
    Comment,
    Coverage,
    Disagreement,
    Entity,
    Event,
    Quote,
    Reaction,
    Record,
    Removed,
    SourceRef,
    Story,
    SummarySentence,
    TimelineEntry,
)
from briefgen.render import SiteInfo, render_site
from briefgen.write import write_site

REQUIRE_TOOLS = os.environ.get("BRIEFGEN_REQUIRE_TOOLS") == "1"


def need(tool: str | None, what: str) -> str:
    """The tool's path; without it, skip the test (or fail, where BRIEFGEN_REQUIRE_TOOLS=1)."""
    if tool:
        return tool
    message = f"{what} is not installed (apt-get install {what}); .ci/run installs it"
    if REQUIRE_TOOLS:
        pytest.fail(f"BRIEFGEN_REQUIRE_TOOLS=1 but {message}")
    pytest.skip(message)


def java() -> str:
    """The `java` command, or skip/fail."""
    return need(shutil.which("java"), "default-jre-headless")


# --- parsing pages -------------------------------------------------------------------------


@dataclass
class Page:
    """What the tests look at in one HTML page."""

    links: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    """(tag, attributes) of every element with an href or src."""
    ids: set[str] = field(default_factory=set)
    """Every id in the page."""
    tags: list[str] = field(default_factory=list)
    """Every start tag, in order."""
    text: str = ""
    """The visible text, whitespace collapsed."""
    lang: str | None = None
    """The `lang` of <html>."""
    h1: list[str] = field(default_factory=list)
    """The text of each h1."""


_INLINE = frozenset({"a", "abbr", "b", "code", "em", "i", "q", "small", "span", "strong", "time"})


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._chunks: list[str] = []
        self._in_h1 = False
        self._h1: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.page.tags.append(tag)
        if tag not in _INLINE:
            self._chunks.append(" ")
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "html":
            self.page.lang = values.get("lang")
        if "href" in values or "src" in values:
            self.page.links.append((tag, values))
        if tag == "h1":
            self._in_h1, self._h1 = True, []
        if tag in ("head", "script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in _INLINE:
            self._chunks.append(" ")
        if tag == "h1" and self._in_h1:
            self._in_h1 = False
            self.page.h1.append(" ".join("".join(self._h1).split()))
        if tag in ("head", "script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self._h1.append(data)
        if not self._skip:
            self._chunks.append(data)

    def close(self) -> None:
        super().close()
        self.page.text = " ".join("".join(self._chunks).split())


def parse_page(html: str | bytes) -> Page:
    """Parse a page's links, ids, text and headings."""
    parser = _PageParser()
    parser.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    parser.close()
    return parser.page


# --- a local server that behaves like GitHub Pages -------------------------------------------


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        site = self.path.strip("/").split("/", 1)[0]
        not_found = Path(self.directory) / site / "404.html"
        if code == 404 and site and not_found.is_file():
            body = not_found.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests report what matters."""


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1; a missing page in `root/SITE/` gets that 404.html, like Pages."""
    root.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_PagesHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def served_sites(root: Path, seeds: Path) -> Iterator[str]:
    """Serve two sites built for this server: `briefing/` from the seeds, `rich/` from
    `rich_briefs()` one event a page (an index of two pages); yields the origin (`http://127.0.0.1:PORT`)."""
    project = root / "project"
    shutil.copytree(seeds, project / "sources")
    with serve(root / "www") as origin:
        settings = f"base_url: {origin}/briefing/\noutput: {root / 'www' / 'briefing'}\n"
        (project / "briefgen.yaml").write_text(settings, encoding="utf-8")
        build(load_config(project / "briefgen.yaml"))
        site = SiteInfo("Riverton Briefing", "Local news.", "en", f"{origin}/rich/", "UTC", 50, 1)
        files = render_site(rich_briefs(), site, None)
        files.update(render_feeds(rich_briefs(), site))
        write_site(files, root / "www" / "rich")
        yield origin


def fetch(url: str) -> tuple[int, bytes, str]:
    """Status, body and content type of a local URL."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers.get_content_type()


@dataclass
class CrawlReport:
    """What the link checker found."""

    pages: dict[str, Page] = field(default_factory=dict)
    """Every internal HTML page reached, by URL."""
    fetched: set[str] = field(default_factory=set)
    """Every internal URL fetched."""
    broken: list[str] = field(default_factory=list)
    """`page -> link: why` for each broken internal link, asset or anchor."""
    foreign_assets: list[str] = field(default_factory=list)
    """Assets (stylesheets, scripts, images) a page would load from another host."""


def crawl(start: str, *, extra: tuple[str, ...] = ()) -> CrawlReport:
    """Follow every internal link from `start` (and `extra` URLs); check pages, assets, anchors."""
    host = urlsplit(start).netloc
    report = CrawlReport()
    queue = [start, *extra]
    anchors: list[tuple[str, str, str]] = []
    while queue:
        url = queue.pop()
        if url in report.fetched:
            continue
        report.fetched.add(url)
        status, body, kind = fetch(url)
        if status != 200 and url not in extra:
            report.broken.append(f"{url}: HTTP {status}")
            continue
        if kind != "text/html":
            continue
        page = parse_page(body)
        report.pages[url] = page
        for tag, attrs in page.links:
            target = urljoin(url, attrs.get("href") or attrs.get("src") or "")
            address, fragment = urldefrag(target)
            if urlsplit(address).scheme not in ("http", "https"):
                continue
            if urlsplit(address).netloc != host:
                if tag != "a":
                    report.foreign_assets.append(f"{url} -> {target}")
                continue
            queue.append(address)
            if fragment:
                anchors.append((url, address, fragment))
    for source, address, fragment in anchors:
        target_page = report.pages.get(address)
        if target_page is not None and fragment not in target_page.ids:
            report.broken.append(f"{source} -> {address}#{fragment}: no such anchor")
    return report


# --- a brief that uses every part of the templates -------------------------------------------


def _record(
    rid: str, outlet: str | None, title: str, published: str, paragraphs: list[str], **extra: object
) -> Record:
    body = Body(Block("paragraph", text) for text in paragraphs)
    values: dict[str, object] = {
        "id": rid,
        "path": f"{rid}.md",
        "format": "markdown",
        "title": title,
        "outlet": outlet,
        "url": f"https://news.example.com/{rid}",
        "published": published,
        "byline": Byline(("Ana Ortiz",), None),
        "dateline": "RIVERTON",
        "section": "local",
        "lang": "en",
        "tags": (),
        "body": body,
    }
    values.update(extra)
    return Record(**values)  # type: ignore[arg-type]


def rich_briefs() -> tuple[Brief, ...]:
    """Two events; the first uses quotes, timeline, disagreements, reactions, copies, captions."""
    gazette = _record(
        "aa11",
        "Harbour Gazette",
        "Old river bridge reopens after <two> years & a delay",
        "2031-03-04",
        [],
        body=Body(
            (
                Block(
                    "paragraph", "The old river bridge reopened on Tuesday after two years of work."
                ),
                Block("heading", "What it cost"),
                Block("paragraph", "“It is a great day for the town,” said Mayor Lena Brandt."),
                Block(
                    "paragraph", "The repairs cost 12 million euros, the council said. ]]> <script>"
                ),
            )
        ),
        captions=Packed((Caption("The bridge at dawn.", "Photo: J. Smit"),)),
        comments=Packed((Comment("About time!", 4),)),
        removed=Packed((Removed("promo", "Subscribe for more local news", 3),)),
        url="javascript:alert(1)",
    )
    gazette_copy = _record(
        "aa12", "Riverton Daily", "Old river bridge reopens", "2031-03-04", ["Copy text."]
    )
    wire = _record(
        "bb22",
        "Valley Wire",
        "Bridge open again, council says cost was 14 million",
        "2031-03-05T09:30:00+01:00",
        [
            "The council said on Wednesday the bridge repairs cost 14 million euros.",
            "Work began in March 2029, engineers said.",
        ],
    )
    story_a = Story("aa11", gazette, (gazette_copy,))
    story_b = Story("bb22", wire)
    event = Event("e-bridge", "old-river-bridge-reopens-e-bridge", (story_a, story_b))
    a0, a1, a2 = (SourceRef("aa11", n) for n in range(3))
    b0, b1 = (SourceRef("bb22", n) for n in range(2))
    bridge = Brief(
        event=event,
        headline="Old river bridge reopens after two years",
        summary=(
            SummarySentence(gazette.paragraphs[0], (a0, b0), ("Harbour Gazette", "Valley Wire")),
            SummarySentence(wire.paragraphs[1], (b1,), ("Valley Wire",)),
        ),
        quotes=(
            Quote("It is a great day for the town", "Lena Brandt", (a1,), ("Harbour Gazette",)),
        ),
        timeline=(TimelineEntry("2029-03-01", wire.paragraphs[1], b1, "Valley Wire"),),
        coverage=(
            Coverage("Harbour Gazette", "aa11", gazette.title, "2031-03-04", ()),
            Coverage("Valley Wire", "bb22", wire.title, "2031-03-05", (wire.paragraphs[1],)),
        ),
        disagreements=(
            Disagreement(
                "cost of the repairs",
                (
                    Claim("12000000", gazette.paragraphs[2], ("Harbour Gazette",), (a2,)),
                    Claim("14000000", wire.paragraphs[0], ("Valley Wire",), (b0,)),
                ),
            ),
        ),
        entities=(Entity("Lena Brandt", "person", (), 2), Entity("Riverton", "place", (), 3)),
        reactions=(Reaction("About time!", 4, "aa11", "Harbour Gazette"),),
        outlets=("Harbour Gazette", "Riverton Daily", "Valley Wire"),
        first_published="2031-03-04",
        last_published="2031-03-05T09:30:00+01:00",
    )
    lone = _record("cc33", None, "Ferry timetable changes", "2031-03-01", ["Ferries run later."])
    lone_story = Story("cc33", lone)
    ferry = Brief(
        event=Event("e-ferry", "ferry-timetable-changes-e-ferry", (lone_story,)),
        headline="Ferry timetable changes",
        summary=(SummarySentence("Ferries run later.", (SourceRef("cc33", 0),), ()),),
        first_published="2031-03-01",
        last_published="2031-03-01",
    )
    return bridge, ferry


def dated_briefs(count: int) -> tuple[Brief, ...]:
    """`count` one-story events a day apart, newest first (as the build orders them): event k
    (1 = the oldest) is headlined "Event k" and dated 2031 plus k days."""
    ferry = rich_briefs()[1]
    story = ferry.event.stories[0]
    made = []
    for k in range(count, 0, -1):
        day = (date(2031, 1, 1) + timedelta(days=k)).isoformat()
        record = replace(story.record, id=f"s{k:05d}", title=f"Story {k}", published=day)
        event = Event(f"e{k:05d}", f"event-{k}-e{k:05d}", (Story(record.id, record),))
        sentence = SummarySentence(f"Sentence of event {k}.", (SourceRef(record.id, 0),), ())
        made.append(
            replace(
                ferry,
                event=event,
                headline=f"Event {k}",
                summary=(sentence,),
                first_published=day,
                last_published=day,
            )
        )
    return tuple(made)


TOPICS = (
    ("Frost ruins apple orchards in Kellin valley", "Growers in Kellin counted frozen blossoms."),
    (
        "Marathon through Dunmore moves to the seafront",
        "Runners will pass the pier and lighthouse.",
    ),
    ("Ash cloud from Mount Teral grounds flights", "Airlines cancelled routes over the volcano."),
    ("Library of Ostby reopens with a rooftop garden", "Readers toured the new reading rooms."),
)


def unrelated_articles() -> dict[str, str]:
    """Four articles on unrelated topics, a month apart: four events."""
    return {
        f"topic{number}.md": f"---\ntitle: {title}\noutlet: Outlet {number}\n"
        f"date: 2031-{number:02d}-10\n---\n{text}\n"
        for number, (title, text) in enumerate(TOPICS, start=1)
    }
