"""A polite HTTP client for `briefgen fetch`, on the standard library.

Conditional requests, a timeout over the whole response, bounded retries on 429/5xx that honour
Retry-After up to a cap, a size cap, a per-host concurrency limit, an identifying User-Agent, and
redirects followed by hand so that each hop is checked (http(s) only, loops and long chains
refused). urllib is enough for this; a third-party client would add a dependency for no gain.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A URL could not be fetched; the message says why in a user's words."""


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """How politely and how patiently to fetch."""

    user_agent: str
    """Sent with every request."""
    timeout: float
    """Seconds for a whole response, connecting and reading."""
    max_bytes: int
    """Largest response body accepted."""
    retries: int
    """Extra tries after a 429 or 5xx answer."""
    backoff: float
    """First wait before a retry, doubled each time; Retry-After wins."""
    max_wait: float
    """Longest wait before a retry."""
    per_host: int
    """Most requests open at once to one host."""


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said identifies its last answer, for a conditional request."""

    etag: str | None = None
    """The ETag header."""
    last_modified: str | None = None
    """The Last-Modified header."""


@dataclass(frozen=True, slots=True)
class Response:
    """A successful answer: 200 with a body, or 304 (unchanged) without one."""

    url: str
    """The address asked for."""
    final_url: str
    """The address after redirects (the base for relative links)."""
    status: int
    """200 or 304."""
    body: bytes
    """The body; empty on 304."""
    content_type: str
    """The media type, lowercased, without parameters ('' where none was sent)."""
    charset: str | None
    """The charset parameter of Content-Type, where given."""
    validators: Validators
    """ETag and Last-Modified to send next time."""


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: str


class _Retryable(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hands every redirect back to the caller, which checks each hop itself."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    """Fetches URLs politely; safe to share between threads."""

    def __init__(self, settings: HttpSettings) -> None:
        self.settings = settings
        self._opener = urllib.request.build_opener(_NoRedirect())
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()

    def get(
        self,
        url: str,
        validators: Validators | None = None,
        accepts: Callable[[str], bool] | None = None,
        *,
        public_only: bool = False,
    ) -> Response:
        """Fetch `url`, following redirects; raises FetchError with the reason.

        `public_only` refuses hosts on loopback, private or link-local addresses, at every hop:
        for links found in someone else's feed, which must not reach into the local network.
        """
        seen = {url}
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            _require_http(current)
            if public_only:
                _require_public(current)
            answer = self._with_retries(current, validators or Validators(), accepts)
            if isinstance(answer, Response):
                return Response(
                    url, current, answer.status, answer.body, answer.content_type,
                    answer.charset, answer.validators,
                )  # fmt: skip
            target = urljoin(current, answer.location)
            if target in seen:
                raise FetchError(f"redirect loop: {current} leads back to {target}")
            seen.add(target)
            current = target
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _with_retries(
        self, url: str, validators: Validators, accepts: Callable[[str], bool] | None
    ) -> Response | _Redirect:
        attempt = 0
        while True:
            try:
                return self._once(url, validators, accepts)
            except _Retryable as err:
                if attempt >= self.settings.retries:
                    tries = _plural(attempt + 1, "try", "tries")
                    raise FetchError(f"HTTP {err.status} after {tries}") from err
                time.sleep(self._wait(attempt, err.retry_after))
                attempt += 1

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        wanted = retry_after if retry_after is not None else self.settings.backoff * 2**attempt
        return max(0.0, min(wanted, self.settings.max_wait))

    def _once(
        self, url: str, validators: Validators, accepts: Callable[[str], bool] | None
    ) -> Response | _Redirect:
        request = urllib.request.Request(url, headers=self._headers(validators))
        deadline = time.monotonic() + self.settings.timeout
        with self._slot(urlsplit(url).hostname or ""):
            try:
                with self._opener.open(request, timeout=self.settings.timeout) as answer:
                    return self._read(url, answer, deadline=deadline, accepts=accepts)
            except urllib.error.HTTPError as err:
                with err:
                    return self._answer_without_body(url, err.code, err.headers, validators)
            except TimeoutError as err:
                raise FetchError(f"no answer within {self.settings.timeout:g} s") from err
            except urllib.error.URLError as err:
                if isinstance(err.reason, TimeoutError):
                    raise FetchError(f"no answer within {self.settings.timeout:g} s") from err
                raise FetchError(f"cannot connect: {err.reason}") from err
            except OSError as err:
                raise FetchError(f"connection failed: {err}") from err

    def _headers(self, validators: Validators) -> dict[str, str]:
        headers = {"User-Agent": self.settings.user_agent, "Accept-Encoding": "identity"}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        return headers

    def _answer_without_body(
        self, url: str, status: int, headers: Message, validators: Validators
    ) -> Response | _Redirect:
        if status == 304:
            return Response(url, url, 304, b"", "", None, _validators(headers, validators))
        if status in _REDIRECTS:
            location = headers.get("Location")
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location")
            return _Redirect(location.strip())
        if status == 429 or status >= 500:
            raise _Retryable(status, _retry_after(headers.get("Retry-After")))
        raise FetchError(f"HTTP {status}")

    def _read(
        self,
        url: str,
        answer: http.client.HTTPResponse,
        *,
        deadline: float,
        accepts: Callable[[str], bool] | None,
    ) -> Response:
        status, headers = answer.status, answer.headers
        content_type = headers.get_content_type() if headers.get("Content-Type") else ""
        if accepts is not None and not accepts(content_type):
            raise FetchError(f"unexpected content type '{content_type or 'none'}'")
        limit = self.settings.max_bytes
        declared = headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"{int(declared)} bytes is over the fetch.max_bytes limit ({limit})")
        chunks: list[bytes] = []
        size = 0
        while chunk := answer.read1(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise FetchError(f"more than {limit} bytes (the fetch.max_bytes limit)")
            if time.monotonic() > deadline:
                raise FetchError(f"no full answer within {self.settings.timeout:g} s")
            chunks.append(chunk)
        charset = headers.get_content_charset()
        return Response(
            url, url, status, b"".join(chunks), content_type, charset, _validators(headers, None)
        )

    @contextmanager
    def _slot(self, host: str) -> Iterator[None]:
        with self._slots_lock:
            slot = self._slots.setdefault(host, threading.BoundedSemaphore(self.settings.per_host))
        with slot:
            yield


def _require_http(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url[:120]}")


def is_public(url: str) -> bool:
    """Whether the URL is http(s) and its host resolves to public addresses only."""
    try:
        _require_http(url)
        _require_public(url)
    except FetchError:
        return False
    return True


def _require_public(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError) as err:
        raise FetchError(f"cannot resolve {host}: {err}") from err
    for address in sorted(addresses):
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            raise FetchError(f"refused: {host} is not a public address ({address})")


def _validators(headers: Message, previous: Validators | None) -> Validators:
    etag = headers.get("ETag") or (previous.etag if previous else None)
    modified = headers.get("Last-Modified") or (previous.last_modified if previous else None)
    return Validators(etag, modified)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"
