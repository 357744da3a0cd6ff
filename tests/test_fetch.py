"""briefgen fetch: feeds and pages from a local server, into the cache, through the pipeline."""

from __future__ import annotations

import pytest

from briefgen.build import analyse
from briefgen.cli import main
from briefgen.config import Config
from briefgen.fetch import fetch
from briefgen.records import Record
from conftest import MakeSite
from fetch_server import FIXTURES, Answer, LocalServer

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml"
RDF = "application/rdf+xml"
HTML = "text/html; charset=utf-8"
USER_AGENT = "briefgen-tests/1 (+mailto:tests@example.org)"


def site_config(make_site: MakeSite, feeds: list[str], urls: tuple[str, ...] = ()) -> Config:
    lines = ["base_url: https://example.org/briefing/", "feeds:"]
    lines += [f"  - {feed}" for feed in feeds] or ["  []"]
    lines += ["urls:", *(f"  - {url}" for url in urls)]
    lines += [
        "fetch:",
        f"  user_agent: {USER_AGENT}",
        "  timeout_seconds: 0.5",
        "  retries: 1",
        "  backoff_seconds: 0.01",
        "  max_wait_seconds: 0.2",
        "  max_bytes: 200000",
    ]
    return make_site({}, config="\n".join(lines) + "\n")


def publish_articles(server: LocalServer, prefix: str = "/articles/") -> None:
    for page in sorted((FIXTURES / "articles").iterdir()):
        server.routes[prefix + page.name] = server.fixture(
            f"articles/{page.name}", HTML, etag=f'"{page.stem}-1"'
        )


def publish_feeds(server: LocalServer) -> list[str]:
    server.routes["/feeds/rss2.xml"] = server.fixture("rss2.xml", RSS, etag='"rss2-1"')
    server.routes["/feeds/atom.xml"] = server.fixture("atom.xml", ATOM, etag='"atom-1"')
    server.routes["/feeds/rss1.rdf"] = server.fixture("rss1.rdf", RDF, etag='"rss1-1"')
    server.routes["/feeds/relative.xml"] = server.fixture("relative.xml", RSS, etag='"rel-1"')
    publish_articles(server)
    publish_articles(server, "/feeds/articles/")
    return [
        server.url("/feeds/rss2.xml"),
        f"{{url: '{server.url('/feeds/atom.xml')}', outlet: North Wire Daily}}",
        server.url("/feeds/rss1.rdf"),
        server.url("/feeds/relative.xml"),
    ]


def by_title(config: Config) -> dict[str, Record]:
    analysis = analyse(config)
    return {story.record.title: story.record for story in analysis.stories}


def cache_files(config: Config) -> dict[str, bytes]:
    root = config.fetched_dir
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.relative_to(root).as_posix().startswith(".")
    }


def test_feed_entries_become_stories_with_the_entries_metadata(
    server: LocalServer, make_site: MakeSite
) -> None:
    config = site_config(make_site, publish_feeds(server))
    result = fetch(config)
    assert result.diagnostics == ()
    assert result.stories == {"new": 5, "updated": 0, "unchanged": 0}
    assert result.feeds == 4
    records = by_title(config)
    assert sorted(records) == [
        "Council approves water main plan",
        "Island ferry sails again after storm",
        "Library to stay open until nine",
        "Market square reopens after resurfacing",
        "Storm closes mountain pass",
    ]
    water = records["Council approves water main plan"]  # summary only: the page is fetched
    assert water.paragraphs[0].startswith("The town council voted seven to two on Tuesday")
    assert len(water.paragraphs) == 4
    assert water.outlet == "The Valley Ledger"  # the feed's title, not the page's site name
    assert water.byline.people == ("Mara Quinn",)  # the entry's author, not the page's
    assert water.published == "2026-03-02T08:00:00+01:00"
    assert water.url == server.url("/articles/water.html")
    assert water.path.startswith("fetched/127.0.0.1/")
    assert not any("Copyright" in text or "Home" in text for text in water.paragraphs)

    storm = records["Storm closes mountain pass"]  # full content in the feed: no page request
    assert server.hits("/articles/pass.html") == 0
    assert storm.paragraphs[2].endswith("volunteers were handing out hot drinks & blankets.")
    assert [block.text for block in storm.body if block.kind == "heading"] == [
        "Drivers told to wait"
    ]
    assert storm.byline.people == ("Ivo Brandt",)

    library = records["Library to stay open until nine"]  # Atom, outlet named in the config
    assert library.outlet == "North Wire Daily"
    assert library.byline.people == ("Lena Ortiz",)
    assert library.published == "2026-03-04T09:15:00+01:00"
    assert library.paragraphs[0].startswith("The regional library will open until nine")

    ferry = records["Island ferry sails again after storm"]  # RSS 1.0
    assert (ferry.outlet, ferry.byline.people) == ("Coastal Times", ("Tom Hale",))
    assert ferry.published == "2026-03-06T07:10:00+00:00"

    market = records["Market square reopens after resurfacing"]  # relative link in the feed
    assert market.url == server.url("/feeds/articles/market.html")
    assert market.paragraphs[0].startswith("The market square reopened to stallholders")

    assert {seen.headers["User-Agent"] for seen in server.requests} == {USER_AGENT}


def test_a_second_fetch_asks_conditionally_and_rewrites_nothing(
    server: LocalServer, make_site: MakeSite
) -> None:
    feeds = publish_feeds(server)
    server.routes["/pages/ferry.html"] = server.fixture(
        "articles/ferry.html", HTML, etag='"page-1"'
    )
    config = site_config(make_site, feeds, (server.url("/pages/ferry.html"),))
    fetch(config)
    before = cache_files(config)
    page_hits = server.hits("/articles/water.html")
    result = fetch(config)
    assert result.stories == {"new": 0, "updated": 0, "unchanged": 6}
    assert result.diagnostics == ()
    assert cache_files(config) == before
    for path in ("/feeds/rss2.xml", "/feeds/atom.xml", "/feeds/rss1.rdf", "/pages/ferry.html"):
        assert server.statuses(path) == [200, 304], path
    second = [seen for seen in server.requests if seen.path == "/feeds/rss2.xml"][1]
    assert second.headers["If-None-Match"] == '"rss2-1"'
    assert server.hits("/articles/water.html") == page_hits  # unchanged entries: no page asked
    analysis = analyse(config)
    assert len(analysis.loaded.records) == 6
    assert analysis.copies_merged == 1  # the listed page is the ferry entry's article again


def test_an_entry_updated_upstream_replaces_its_story(
    server: LocalServer, make_site: MakeSite
) -> None:
    config = site_config(make_site, publish_feeds(server))
    fetch(config)
    files = set(cache_files(config))
    updated = server.fixture("rss2.xml", RSS, etag='"rss2-2"')
    updated.body = updated.body.replace(
        b"Storm closes mountain pass", b"Snow keeps mountain pass shut for a second day"
    )
    server.routes["/feeds/rss2.xml"] = updated
    result = fetch(config)
    assert result.stories == {"new": 0, "updated": 1, "unchanged": 4}
    assert set(cache_files(config)) == files
    titles = set(by_title(config))
    assert "Snow keeps mountain pass shut for a second day" in titles
    assert "Storm closes mountain pass" not in titles


def test_the_same_entry_in_two_feeds_is_one_story(server: LocalServer, make_site: MakeSite) -> None:
    publish_articles(server)
    server.routes["/a.xml"] = server.fixture("rss2.xml", RSS)
    server.routes["/b.xml"] = server.fixture("rss2.xml", RSS)
    config = site_config(make_site, [server.url("/a.xml"), server.url("/b.xml")])
    result = fetch(config)
    assert result.stories == {"new": 2, "updated": 0, "unchanged": 0}
    assert len(cache_files(config)) == 2


def test_a_malformed_feed_is_read_as_far_as_it_is_sound(
    server: LocalServer, make_site: MakeSite
) -> None:
    server.routes["/bad.xml"] = server.fixture("malformed.xml", RSS)
    config = site_config(make_site, [server.url("/bad.xml")])
    result = fetch(config)
    [warning] = result.diagnostics
    assert (warning.path, warning.level) == (server.url("/bad.xml"), "warning")
    assert warning.message.startswith("the feed is not well-formed (")
    assert warning.message.endswith("read 1 entry as far as it was sound")
    record = by_title(config)["Bridge inspection finds loose bolts & rust"]
    assert record.paragraphs == ("Inspectors found loose bolts on the river bridge.",)
    assert record.outlet == "Broken Bugle"


def test_a_dead_feed_is_reported_and_its_last_good_copy_used(
    server: LocalServer, make_site: MakeSite
) -> None:
    publish_articles(server)
    server.routes["/rss2.xml"] = server.fixture("rss2.xml", RSS)
    config = site_config(make_site, [server.url("/rss2.xml"), server.url("/gone.xml")])
    first = fetch(config)
    assert [(d.path, d.level) for d in first.diagnostics] == [(server.url("/gone.xml"), "error")]
    assert first.diagnostics[0].message == "HTTP 404; no earlier copy to use"

    server.routes["/rss2.xml"] = Answer(status=500, body=b"down")
    second = fetch(config)
    messages = {d.path: (d.level, d.message) for d in second.diagnostics}
    assert messages[server.url("/rss2.xml")] == (
        "warning",
        "HTTP 500 after 2 tries; used the last good copy",
    )
    assert server.statuses("/rss2.xml") == [200, 500, 500]
    assert (second.feeds, second.stories["unchanged"]) == (1, 2)
    assert len(by_title(config)) == 2


def test_a_feed_answered_with_the_wrong_content_is_refused(
    server: LocalServer, make_site: MakeSite
) -> None:
    server.routes["/picture.xml"] = Answer(body=b"\x89PNG\r\n", content_type="image/png")
    server.routes["/page.xml"] = server.fixture("articles/water.html", HTML)
    config = site_config(make_site, [server.url("/picture.xml"), server.url("/page.xml")])
    result = fetch(config)
    picture, page = (d.message for d in result.diagnostics)
    assert picture == "unexpected content type 'image/png'; no earlier copy to use"
    assert page.startswith("not an RSS or Atom feed (")
    assert page.endswith("; no earlier copy to use")
    assert result.feeds == 0
    assert not config.fetched_dir.joinpath(".http").exists()  # nothing kept as a good copy


def test_broken_article_pages_fall_back_to_the_feeds_summary(
    server: LocalServer, make_site: MakeSite
) -> None:
    page = (FIXTURES / "articles" / "water.html").read_bytes()
    server.routes.update(
        {
            "/summaries.xml": server.fixture("summaries.xml", RSS),
            "/broken/slow": Answer(body=page, delay=3),
            "/broken/500": Answer(status=500),
            "/broken/oversize": Answer(body=b"<p>" + b"x" * 300_000),
            "/broken/streamed": Answer(body=b"<p>" + b"x" * 300_000, declare_length=False),
            "/broken/loop-a": Answer(status=302, headers={"Location": "/broken/loop-b"}),
            "/broken/loop-b": Answer(status=302, headers={"Location": "/broken/loop-a"}),
            "/broken/image": Answer(body=b"\x89PNG\r\n", content_type="image/png"),
            "/broken/to-file": Answer(status=302, headers={"Location": "file:///etc/passwd"}),
        }
    )
    config = site_config(make_site, [server.url("/summaries.xml")])
    result = fetch(config)
    problems = {d.path.removeprefix(server.base): d.message for d in result.diagnostics}
    suffix = "; used the feed's own text instead"
    assert problems == {
        "/broken/slow": "no answer within 0.5 s" + suffix,
        "/broken/500": "HTTP 500 after 2 tries" + suffix,
        "/broken/oversize": "300003 bytes is over the fetch.max_bytes limit (200000)" + suffix,
        "/broken/streamed": "more than 200000 bytes (the fetch.max_bytes limit)" + suffix,
        "/broken/loop-a": (
            f"redirect loop: {server.url('/broken/loop-b')} leads back to"
            f" {server.url('/broken/loop-a')}" + suffix
        ),
        "/broken/image": "unexpected content type 'image/png'" + suffix,
        "/broken/to-file": "not an http(s) URL: file:///etc/passwd" + suffix,
    }
    assert {d.level for d in result.diagnostics} == {"warning"}
    records = by_title(config)
    assert records["Server error story"].paragraphs == ("Summary of the server error story.",)
    assert len(records) == 7
    assert all(seen.path.startswith(("/summaries", "/broken/")) for seen in server.requests)


def test_a_local_feed_file_is_read_from_the_config_folder(
    server: LocalServer, make_site: MakeSite
) -> None:
    publish_articles(server)
    config = site_config(make_site, ["feeds/valley.xml", "feeds/missing.xml"])
    local = config.root / "feeds" / "valley.xml"
    local.parent.mkdir()
    local.write_bytes(server.fixture("rss2.xml", RSS).body)
    result = fetch(config)
    assert [(d.path, d.message) for d in result.diagnostics] == [
        ("feeds/missing.xml", "cannot read the feed file: No such file or directory;"
         " no earlier copy to use"),
    ]  # fmt: skip
    assert by_title(config)["Council approves water main plan"].byline.people == ("Mara Quinn",)


def test_build_with_fetch_on_the_command_line(
    server: LocalServer, make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = site_config(make_site, publish_feeds(server))
    assert config.path is not None
    assert main(["build", "--fetch", "--config", str(config.path)]) == 0
    out = capsys.readouterr().out
    assert "4 feeds, 0 pages -> 5 stories (5 new, 0 updated, 0 unchanged)" in out
    index = (config.output_dir / "index.html").read_text(encoding="utf-8")
    assert "Council approves water main plan" in index
    assert main(["fetch", "--config", str(config.path)]) == 0
    assert "5 stories (0 new, 0 updated, 5 unchanged)" in capsys.readouterr().out
