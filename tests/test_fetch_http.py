"""The polite HTTP client, against a local 127.0.0.1 server."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from briefgen.fetch_http import (
    Client,
    FetchError,
    HttpSettings,
    Validators,
    _retry_after,
    is_public,
)
from fetch_server import Answer, LocalServer

SETTINGS = HttpSettings(
    user_agent="briefgen-tests/1",
    timeout=0.5,
    max_bytes=1000,
    retries=2,
    backoff=0.01,
    max_wait=0.2,
    per_host=2,
)


def test_a_page_is_fetched_with_its_validators(server: LocalServer) -> None:
    server.routes["/a"] = Answer(
        body=b"<p>hello</p>",
        etag='"v1"',
        headers={"Last-Modified": "Mon, 02 Mar 2026 08:00:00 GMT"},
    )
    response = Client(SETTINGS).get(server.url("/a"))
    assert (response.status, response.body) == (200, b"<p>hello</p>")
    assert (response.content_type, response.charset) == ("text/html", "utf-8")
    assert response.validators == Validators('"v1"', "Mon, 02 Mar 2026 08:00:00 GMT")
    assert server.requests[0].headers["User-Agent"] == "briefgen-tests/1"


def test_a_conditional_request_gets_304_without_a_body(server: LocalServer) -> None:
    server.routes["/a"] = Answer(body=b"<p>hello</p>", etag='"v1"')
    validators = Validators('"v1"', "Mon, 02 Mar 2026 08:00:00 GMT")
    response = Client(SETTINGS).get(server.url("/a"), validators)
    assert (response.status, response.body) == (304, b"")
    assert response.validators.etag == '"v1"'
    assert server.requests[0].headers["If-None-Match"] == '"v1"'
    assert server.requests[0].headers["If-Modified-Since"] == "Mon, 02 Mar 2026 08:00:00 GMT"


def test_redirects_are_followed_to_the_final_address(server: LocalServer) -> None:
    server.routes["/old"] = Answer(status=301, headers={"Location": "/mid"})
    server.routes["/mid"] = Answer(status=307, headers={"Location": server.url("/new")})
    server.routes["/new"] = Answer(body=b"here")
    response = Client(SETTINGS).get(server.url("/old"))
    assert (response.url, response.final_url) == (server.url("/old"), server.url("/new"))
    assert response.body == b"here"


def test_a_long_redirect_chain_is_refused(server: LocalServer) -> None:
    for number in range(10):
        server.routes[f"/r{number}"] = Answer(status=302, headers={"Location": f"/r{number + 1}"})
    with pytest.raises(FetchError, match=r"^more than 5 redirects$"):
        Client(SETTINGS).get(server.url("/r0"))
    assert server.hits("/r6") == 0


def test_429_waits_as_long_as_retry_after_says_up_to_the_cap(server: LocalServer) -> None:
    server.routes["/busy"] = [
        Answer(status=429, headers={"Retry-After": "3600"}),
        Answer(body=b"done"),
    ]
    started = time.monotonic()
    response = Client(SETTINGS).get(server.url("/busy"))
    waited = time.monotonic() - started
    assert response.body == b"done"
    assert server.statuses("/busy") == [429, 200]
    assert 0.2 <= waited < 2  # the cap (max_wait 0.2 s), not the hour the server asked for


def test_retry_after_shorter_than_the_back_off_is_honoured(server: LocalServer) -> None:
    slow_backoff = replace(SETTINGS, backoff=5.0, max_wait=10.0)
    server.routes["/busy"] = [Answer(status=503, headers={"Retry-After": "0"}), Answer(body=b"ok")]
    started = time.monotonic()
    assert Client(slow_backoff).get(server.url("/busy")).body == b"ok"
    assert time.monotonic() - started < 1


def test_retries_are_bounded(server: LocalServer) -> None:
    server.routes["/down"] = Answer(status=503)
    with pytest.raises(FetchError, match=r"^HTTP 503 after 3 tries$"):
        Client(SETTINGS).get(server.url("/down"))
    assert server.hits("/down") == 3


def test_a_client_error_is_not_retried(server: LocalServer) -> None:
    server.routes["/gone"] = Answer(status=410)
    with pytest.raises(FetchError, match=r"^HTTP 410$"):
        Client(SETTINGS).get(server.url("/gone"))
    assert server.hits("/gone") == 1


def test_a_slow_server_is_given_up_after_the_timeout(server: LocalServer) -> None:
    server.routes["/slow"] = Answer(body=b"late", delay=3)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^no answer within 0.5 s$"):
        Client(SETTINGS).get(server.url("/slow"))
    assert time.monotonic() - started < 2


def test_requests_to_one_host_are_limited(server: LocalServer) -> None:
    # Long enough that a second request is surely in flight on a loaded machine (0.15 s was not).
    for number in range(6):
        server.routes[f"/p{number}"] = Answer(body=b"ok", delay=0.4)
    client = Client(replace(SETTINGS, timeout=5.0))
    with ThreadPoolExecutor(max_workers=6) as pool:
        bodies = list(pool.map(lambda n: client.get(server.url(f"/p{n}")).body, range(6)))
    assert bodies == [b"ok"] * 6
    assert server.most_in_flight == 2


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "not an http(s) URL: file:///etc/passwd"),
        ("ftp://127.0.0.1/feed.xml", "not an http(s) URL: ftp://127.0.0.1/feed.xml"),
        ("http:///no-host", "not an http(s) URL: http:///no-host"),
    ],
)
def test_only_http_urls_are_fetched(url: str, message: str) -> None:
    with pytest.raises(FetchError) as caught:
        Client(SETTINGS).get(url)
    assert str(caught.value) == message


def test_the_content_type_is_checked_before_the_body_is_read(server: LocalServer) -> None:
    server.routes["/pic"] = Answer(body=b"\x89PNG" * 10_000, content_type="image/png")
    with pytest.raises(FetchError, match=r"^unexpected content type 'image/png'$"):
        Client(SETTINGS).get(server.url("/pic"), accepts=lambda kind: kind == "text/html")


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        ("soon", None),
        (format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True), 0.0),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date(
    header: str | None, seconds: float | None
) -> None:
    assert _retry_after(header) == seconds


def test_retry_after_as_a_future_date() -> None:
    header = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    wait = _retry_after(header)
    assert wait is not None
    assert 85 <= wait <= 90


def test_links_from_public_feeds_cannot_reach_local_addresses(server: LocalServer) -> None:
    server.routes["/admin"] = Answer(body=b"secret")
    with pytest.raises(FetchError) as caught:
        Client(SETTINGS).get(server.url("/admin"), public_only=True)
    assert str(caught.value) == "refused: 127.0.0.1 is not a public address (127.0.0.1)"
    assert server.hits("/admin") == 0


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("http://127.0.0.1:8080/", False),
        ("http://10.1.2.3/", False),
        ("http://192.168.0.7/", False),
        ("http://169.254.169.254/latest/meta-data/", False),
        ("http://[::1]/", False),
        ("file:///etc/passwd", False),
        ("https://93.184.216.34/", True),  # a numeric address: resolving it needs no network
    ],
)
def test_public_addresses_are_told_apart(url: str, public: bool) -> None:
    assert is_public(url) is public
