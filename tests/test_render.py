"""The render stage: what a reader finds on each page, and how templates are looked up."""

from __future__ import annotations

import gc
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from briefgen.pagination import paginate
from briefgen.render import (
    RenderError,
    SiteInfo,
    citations,
    default_templates_dir,
    render_site,
    safe_url,
)
from briefgen.source_pages import outlet_paths
from sitekit import Page, dated_briefs, parse_page, rich_briefs

SITE = SiteInfo("Riverton Briefing", "Local news.", "en-GB", "https://ex.org/briefing/", "UTC")
EVENT = "events/old-river-bridge-reopens-e-bridge.html"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return render_site(rich_briefs(), SITE, None)


def html_pages(files: dict[str, bytes]) -> dict[str, str]:
    return {path: data.decode() for path, data in files.items() if path.endswith(".html")}


def test_the_site_has_every_page_and_file(files: dict[str, bytes]) -> None:
    assert sorted(files) == [
        ".nojekyll",
        "404.html",
        "assets/favicon.svg",
        "assets/style.css",
        "events/ferry-timetable-changes-e-ferry.html",
        EVENT,
        "index.html",
        "robots.txt",
        "sitemap.xml",
        "sources.html",
        "sources/harbour-gazette.html",
        "sources/riverton-daily.html",
        "sources/unknown-outlet.html",
        "sources/valley-wire.html",
        "stories/aa11.html",
        "stories/bb22.html",
        "stories/cc33.html",
    ]


def test_every_page_has_one_h1_a_lang_landmarks_and_feed_autodiscovery(
    files: dict[str, bytes],
) -> None:
    for path, html in html_pages(files).items():
        page = parse_page(html)
        assert len(page.h1) == 1, path
        assert page.lang == "en-GB", path
        for landmark in ("header", "nav", "main", "footer"):
            assert page.tags.count(landmark) >= 1, (path, landmark)
        alternates = {
            attrs["type"]: attrs["href"]
            for tag, attrs in page.links
            if tag == "link" and attrs.get("rel") == "alternate"
        }
        assert alternates == {
            "application/rss+xml": "https://ex.org/briefing/feed.xml",
            "application/atom+xml": "https://ex.org/briefing/atom.xml",
            "application/feed+json": "https://ex.org/briefing/feed.json",
        }, path
        assert "script" not in page.tags, path


def test_index_lists_events_newest_first_with_dates_outlets_and_badge(
    files: dict[str, bytes],
) -> None:
    page = parse_page(files["index.html"])
    assert page.h1 == ["Riverton Briefing"]
    text = page.text
    assert text.index("Old river bridge reopens") < text.index("Ferry timetable changes")
    assert "2031-03-04 to 2031-03-05 · 3 outlets, 2 stories · Sources disagree" in text
    assert "2031-03-01 · Outlet unknown, 1 story" in text
    event_links = [a["href"] for tag, a in page.links if tag == "a" and "events/" in a["href"]]
    assert EVENT in event_links


def test_event_page_cites_story_paragraphs_that_exist(files: dict[str, bytes]) -> None:
    page = parse_page(files[EVENT])
    cited = [a["href"] for tag, a in page.links if tag == "a" and "#p" in a.get("href", "")]
    assert "../stories/aa11.html#p1" in cited
    assert "../stories/bb22.html#p2" in cited
    for href in cited:
        target, anchor = urldefrag(urljoin(EVENT, href))
        assert anchor in parse_page(files[target]).ids, href


def test_event_page_shows_every_section_of_the_brief(files: dict[str, bytes]) -> None:
    text = parse_page(files[EVENT]).text
    for expected in (
        "What happened",
        "2 of 3 outlets",
        "Who said what It is a great day for the town Lena Brandt Harbour Gazette, ¶2",
        "Timeline 2029-03-01 Work began in March 2029",
        "Where sources disagree cost of the repairs 12000000: Harbour Gazette.",
        "Coverage",
        "merged from 2 files",
        "Only here: Work began in March 2029",
        "Lena Brandt (person)",
        "Readers' comments",
        "A reader at Harbour Gazette · score 4",
    ):
        assert expected in text


def test_text_is_escaped_and_only_http_links_reach_a_page(files: dict[str, bytes]) -> None:
    story = files["stories/aa11.html"].decode()
    assert "&lt;two&gt; years &amp; a delay" in story
    assert "]]&gt; &lt;script&gt;" in story
    assert "<script" not in story
    assert "javascript:" not in story
    assert "Original article" not in story  # its only URL was not http(s)
    wire = files["stories/bb22.html"].decode()
    assert '<a href="https://news.example.com/bb22" rel="noopener noreferrer">' in wire


def test_story_page_shows_the_article_its_copies_and_what_was_stripped(
    files: dict[str, bytes],
) -> None:
    page = parse_page(files["stories/aa11.html"])
    assert page.h1 == ["Old river bridge reopens after <two> years & a delay"]
    text = page.text
    assert "Harbour Gazette, Riverton Daily · 2031-03-04 · By Ana Ortiz · RIVERTON" in text
    assert {"p1", "p2", "p3"} <= page.ids and "p4" not in page.ids  # the heading is no paragraph
    assert "aa12.md (Riverton Daily), original" in text
    assert "What was stripped from the source (1 line) promo, line 3: Subscribe" in text
    assert "The bridge at dawn. (Photo: J. Smit)" in text


def test_404_links_work_at_any_depth(files: dict[str, bytes]) -> None:
    page = parse_page(files["404.html"])
    for _, attrs in page.links:
        href = attrs.get("href") or attrs.get("src") or ""
        assert href.startswith(("/briefing/", "https://ex.org/briefing/", "#")), href
    deep = "https://ex.org/briefing/a/b/c/missing.html"
    stylesheet = next(a["href"] for t, a in page.links if a.get("rel") == "stylesheet")
    assert urljoin(deep, stylesheet) == "https://ex.org/briefing/assets/style.css"


def test_links_of_other_pages_are_relative_so_the_site_works_under_any_path(
    files: dict[str, bytes],
) -> None:
    for path, html in html_pages(files).items():
        if path == "404.html":
            continue
        for tag, attrs in parse_page(html).links:
            href = attrs.get("href") or attrs.get("src") or ""
            if tag == "a" and urlsplit(href).scheme == "https" and "ex.org" not in href:
                continue  # the original article, on its outlet's site
            if attrs.get("rel") in ("canonical", "alternate"):
                assert href.startswith("https://ex.org/briefing/"), href
                continue
            assert not href.startswith("/") and "://" not in href, (path, href)


def test_sitemap_robots_and_canonical_use_the_base_url(files: dict[str, bytes]) -> None:
    sitemap = files["sitemap.xml"].decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert "https://ex.org/briefing/" in locations
    assert f"https://ex.org/briefing/{EVENT}" in locations
    assert not any("404" in loc for loc in locations)
    assert files["robots.txt"].decode().endswith("Sitemap: https://ex.org/briefing/sitemap.xml\n")
    index = parse_page(files["index.html"])
    assert ("link", {"rel": "canonical", "href": "https://ex.org/briefing/"}) in index.links
    assert files[".nojekyll"] == b""


def test_a_user_template_overrides_one_page_and_can_extend_the_default(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '{% extends "default:index.html" %}{% block title %}My own title{% endblock %}',
        encoding="utf-8",
    )
    files = render_site(rich_briefs(), SITE, tmp_path)
    assert b"<title>My own title</title>" in files["index.html"]
    assert b"Old river bridge reopens" in files["index.html"]
    assert b"<title>Sources" in files["sources.html"]  # other pages keep the defaults


def test_a_user_template_can_still_import_the_cite_links_macro(
    tmp_path: Path, files: dict[str, bytes]
) -> None:
    (tmp_path / "event.html").write_text(
        '{% extends "default:event.html" %}{% from "macros.html" import cite_links %}'
        "{% block title %}{{ cite_links(cite(brief.summary[0].sources), root) }}{% endblock %}",
        encoding="utf-8",
    )
    mine = render_site(rich_briefs(), SITE, tmp_path)[EVENT].decode()
    title = mine.split("<title>")[1].split("</title>")[0]
    # The macro gives the very links that the default page shows after its first line.
    default = files[EVENT].decode()
    assert title.startswith('<span class="cite"><a href="../stories/')
    assert f"{title}</span>" in default


def test_pages_in_skip_are_left_out_but_stay_in_the_sitemap() -> None:
    skipped = render_site(rich_briefs(), SITE, None, skip={EVENT, "stories/aa11.html"})
    assert EVENT not in skipped and "stories/aa11.html" not in skipped
    assert "stories/bb22.html" in skipped
    sitemap = skipped["sitemap.xml"].decode()
    assert f"https://ex.org/briefing/{EVENT}" in sitemap
    assert "https://ex.org/briefing/stories/aa11.html" in sitemap


def test_a_user_stylesheet_replaces_the_default(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "style.css").write_text("body { color: red; }\n", encoding="utf-8")
    files = render_site(rich_briefs(), SITE, tmp_path)
    assert files["assets/style.css"] == b"body { color: red; }\n"


def test_citations_group_paragraphs_by_story_in_first_cited_order() -> None:
    bridge = rich_briefs()[0]
    stories = {story.id: story for story in bridge.event.stories}
    refs = [*bridge.summary[0].sources, *bridge.disagreements[0].claims[0].sources]
    grouped = citations(refs + refs, stories)
    assert [(c.story.id, c.paragraphs) for c in grouped] == [("aa11", (1, 3)), ("bb22", (1,))]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x", "https://a.example/x"),
        (" http://a.example/ ", "http://a.example/"),
        ("javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("//a.example/x", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_stylesheet_colours_meet_wcag_aa_in_light_and_dark() -> None:
    css = (default_templates_dir() / "assets" / "style.css").read_text(encoding="utf-8")
    schemes = re.findall(r":root\s*\{([^}]*)\}", css)
    assert len(schemes) == 2  # light, then dark
    text_on = (
        ("--fg", "--bg"),
        ("--muted", "--bg"),
        ("--muted", "--card"),
        ("--accent", "--bg"),
        ("--accent", "--card"),
        ("--badge-fg", "--badge-bg"),
        ("--fg", "--mark"),
        ("--accent", "--mark"),
    )
    for scheme in schemes:
        colours = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", scheme))
        for fore, back in text_on:
            assert _contrast(colours[fore], colours[back]) >= 4.5, (fore, back, scheme)
    assert "@media (prefers-color-scheme: dark)" in css
    assert "@media print" in css
    assert "url(" not in css and "@import" not in css  # nothing loaded from anywhere


def test_compiled_templates_kept_between_builds_give_the_same_pages(tmp_path: Path) -> None:
    user = tmp_path / "templates"
    user.mkdir()
    (user / "index.html").write_text(
        '{% extends "default:index.html" %}{% block title %}First title{% endblock %}',
        encoding="utf-8",
    )
    code = tmp_path / "cache"
    fresh = render_site(rich_briefs(), SITE, user)
    first = render_site(rich_briefs(), SITE, user, code_cache=code)
    entries = sorted(code.iterdir())
    assert len(entries) >= 5  # the pages' templates and what they extend
    assert all(entry.suffix == ".cache" for entry in entries)
    again = render_site(rich_briefs(), SITE, user, code_cache=code)
    assert first == fresh
    assert again == fresh
    # A template edited since is compiled again, never taken from the cache.
    (user / "index.html").write_text(
        '{% extends "default:index.html" %}{% block title %}Second title{% endblock %}',
        encoding="utf-8",
    )
    edited = render_site(rich_briefs(), SITE, user, code_cache=code)
    assert b"<title>Second title</title>" in edited["index.html"]
    # A damaged cache entry only means compiling again.
    for entry in code.iterdir():
        entry.write_bytes(entry.read_bytes()[:40])
    assert render_site(rich_briefs(), SITE, user, code_cache=code) == edited


def index_pages(files: dict[str, bytes]) -> dict[str, Page]:
    return {
        path: parse_page(data)
        for path, data in files.items()
        if path == "index.html" or path.startswith("page/")
    }


def headlines(page: Page) -> list[str]:
    return re.findall(r"Event \d+(?= \d{4}-)", page.text)


def test_the_index_is_split_into_pages_newest_first_with_stable_addresses() -> None:
    files = render_site(dated_briefs(12), replace(SITE, events_per_page=5), None)
    pages = index_pages(files)
    assert sorted(pages) == ["index.html", "page/2.html", "page/3.html"]
    assert headlines(pages["index.html"]) == [f"Event {k}" for k in (12, 11, 10, 9, 8)]
    assert headlines(pages["page/2.html"]) == [f"Event {k}" for k in (7, 6, 5, 4, 3)]
    assert headlines(pages["page/3.html"]) == ["Event 2", "Event 1"]
    assert "Events 6 to 10 of 12, newest first." in pages["page/2.html"].text
    assert "Page 2 of 3" in pages["page/2.html"].text
    second = files["page/2.html"].decode()
    assert "<title>Page 2 of 3 · Riverton Briefing</title>" in second
    assert '<link rel="canonical" href="https://ex.org/briefing/page/2.html">' in second
    # Every event page is linked from the page that lists it, relative to that page.
    assert ("a", {"href": "../events/event-7-e00007.html"}) in pages["page/2.html"].links


def page_links(files: dict[str, bytes], path: str) -> dict[str, str]:
    """What each link of the page's pagination says, by the page it leads to."""
    nav = files[path].decode().split('<nav class="pages"')[1].split("</nav>")[0]
    base = "https://ex.org/briefing/" + path
    return {
        urljoin(base, href).removeprefix("https://ex.org/briefing/"): text
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    }


def test_each_index_page_links_to_its_neighbours_and_both_ends() -> None:
    files = render_site(dated_briefs(12), replace(SITE, events_per_page=3), None)
    assert page_links(files, "index.html") == {
        "page/2.html": "Older events",
        "page/4.html": "Oldest",
    }
    assert page_links(files, "page/2.html") == {
        "index.html": "Newer events",
        "page/3.html": "Older events",
        "page/4.html": "Oldest",
    }
    assert page_links(files, "page/3.html") == {
        "index.html": "Newest",
        "page/2.html": "Newer events",
        "page/4.html": "Older events",
    }
    assert page_links(files, "page/4.html") == {
        "index.html": "Newest",
        "page/3.html": "Newer events",
    }
    head = files["page/2.html"].decode().split("</head>")[0]
    assert '<link rel="prev" href="../index.html">' in head
    assert '<link rel="next" href="../page/3.html">' in head
    assert '<span aria-current="page">Page 2 of 4</span>' in files["page/2.html"].decode()


def test_the_sitemap_lists_every_index_page() -> None:
    files = render_site(dated_briefs(7), replace(SITE, events_per_page=3), None)
    locations = re.findall(r"<loc>([^<]+)</loc>", files["sitemap.xml"].decode())
    for path in ("", "page/2.html", "page/3.html", "events/event-1-e00001.html"):
        assert f"https://ex.org/briefing/{path}" in locations
    assert "https://ex.org/briefing/page/4.html" not in locations


@pytest.mark.parametrize(("events", "per_page"), [(12, 0), (5, 5), (0, 5)])
def test_an_index_that_fits_one_page_has_no_page_links(events: int, per_page: int) -> None:
    files = render_site(dated_briefs(events), replace(SITE, events_per_page=per_page), None)
    assert list(index_pages(files)) == ["index.html"]
    html = files["index.html"].decode()
    assert 'class="pages"' not in html and 'rel="next"' not in html
    assert len(headlines(parse_page(html))) == events
    if not events:
        assert "No stories yet" in parse_page(html).text


@pytest.mark.parametrize(
    ("count", "per_page", "sizes"),
    [(0, 25, [0]), (1, 25, [1]), (25, 25, [25]), (26, 25, [25, 1]), (7, 3, [3, 3, 1]), (9, 0, [9])],
)
def test_paginate_splits_in_order(count: int, per_page: int, sizes: list[int]) -> None:
    pagers = paginate(list(range(count)), per_page)
    assert [len(p.items) for p in pagers] == sizes
    assert [item for p in pagers for item in p.items] == list(range(count))
    assert [p.path for p in pagers][:2] == ["index.html", "page/2.html"][: len(sizes)]
    assert pagers[0].newer is None and pagers[-1].older is None


def test_citation_links_escape_an_outlet_name_once_on_every_line() -> None:
    bridge, ferry = rich_briefs()
    story = bridge.event.stories[1]
    odd = replace(story, record=replace(story.record, outlet='Wire & "Co" <Valley>'))
    event = replace(bridge.event, stories=(bridge.event.stories[0], odd))
    html = render_site((replace(bridge, event=event), ferry), SITE, None)[EVENT].decode()
    link = '<a href="../stories/bb22.html#p1">Wire &amp; &#34;Co&#34; &lt;Valley&gt;, ¶1</a>'
    assert html.count(link) >= 2  # cited from the summary and from a disagreement
    assert "&amp;amp;" not in html


def test_sources_lists_each_outlet_with_its_count_and_page(files: dict[str, bytes]) -> None:
    sources = parse_page(files["sources.html"])
    assert "Harbour Gazette · 1 article" in sources.text
    outlet_links = [a["href"] for tag, a in sources.links if tag == "a" and "sources/" in a["href"]]
    assert outlet_links == [
        "sources/harbour-gazette.html",
        "sources/riverton-daily.html",
        "sources/valley-wire.html",
        "sources/unknown-outlet.html",  # files without an outlet come last
    ]
    daily = parse_page(files["sources/riverton-daily.html"])
    assert daily.h1 == ["Riverton Daily"]
    assert "Old river bridge reopens · 2031-03-04 (copy of the story from Harbour Gazette)" in (
        daily.text
    )
    assert ("a", {"href": "../stories/aa11.html"}) in daily.links
    assert ("a", {"href": "../sources.html"}) in daily.links


@pytest.mark.parametrize(
    ("names", "patterns"),
    [
        (["Le Monde", "Daily Post"], [r"sources/le-monde\.html", r"sources/daily-post\.html"]),
        (["Café Noir"], [r"sources/cafe-noir\.html"]),
        # two names with one stem both get a hash of the name; so does a name without ASCII
        (["Le-Monde", "Le Monde"], [r"sources/le-monde-[0-9a-f]{6}\.html"] * 2),
        (["東京新聞"], [r"sources/outlet-[0-9a-f]{6}\.html"]),
    ],
)
def test_outlet_paths_are_readable_and_unique(names: list[str], patterns: list[str]) -> None:
    paths = outlet_paths(names)
    for name, pattern in zip(names, patterns, strict=True):
        assert re.fullmatch(pattern, paths[name]), paths[name]
    assert len(set(paths.values())) == len(names)
    assert outlet_paths(reversed(names)) == paths


def test_a_big_site_rendered_in_worker_processes_is_the_same_site() -> None:
    briefs = dated_briefs(40)
    here = render_site(briefs, SITE, None)  # fewer pages than PARALLEL_MIN_PAGES
    in_workers = render_site(briefs, SITE, None, workers_from=1)
    assert len(here) > 80
    assert list(in_workers) == list(here)  # the same pages, in the same order
    assert in_workers == here
    assert gc.get_freeze_count() == 0  # the analysis is collectable again afterwards


def test_a_template_error_on_a_page_rendered_in_a_worker_names_template_and_page(
    tmp_path: Path,
) -> None:
    (tmp_path / "story.html").write_text("{{ story.no_such_field }}", encoding="utf-8")
    with pytest.raises(RenderError, match=r"story\.html \(rendering stories/"):
        render_site(dated_briefs(40), SITE, tmp_path, workers_from=1)
