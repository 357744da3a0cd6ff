"""A local HTTP server for the fetch tests: 127.0.0.1 only, scripted answers, counted requests."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"


@dataclass
class Answer:
    """What the server sends for one request."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    """Answer 304 when the request's If-None-Match equals it."""
    declare_length: bool = True
    """Send Content-Length (else the body ends when the connection closes)."""


@dataclass
class Seen:
    """One request as the server received it."""

    path: str
    headers: dict[str, str]
    status: int


class LocalServer:
    """Routes paths to answers; a list of answers is served in turn, the last one repeating."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer | list[Answer]] = {}
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return self.base + path

    def hits(self, path: str) -> int:
        """How many requests a path got."""
        return sum(1 for seen in self.requests if seen.path == path)

    def statuses(self, path: str) -> list[int]:
        """The statuses sent for a path, in order."""
        return [seen.status for seen in self.requests if seen.path == path]

    def fixture(self, name: str, content_type: str, etag: str | None = None) -> Answer:
        """A fixture file, with `{BASE}` replaced by this server's address."""
        body = (FIXTURES / name).read_bytes().replace(b"{BASE}", self.base.encode())
        return Answer(body=body, content_type=content_type, etag=etag)

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and wake any delayed handler."""
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _answer_for(self, path: str) -> Answer:
        with self._lock:
            route = self.routes.get(path)
            if isinstance(route, list):
                return route.pop(0) if len(route) > 1 else route[0]
            return route or Answer(status=404, body=b"not found", content_type="text/plain")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                answer = server._answer_for(self.path)
                with server._lock:
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                try:
                    self._send(answer)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _send(self, answer: Answer) -> None:
                status = answer.status
                if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                    status = 304
                with server._lock:
                    server.requests.append(Seen(self.path, dict(self.headers.items()), status))
                if answer.delay and server._stopping.wait(answer.delay):
                    return
                self.send_response(status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.etag:
                    self.send_header("ETag", answer.etag)
                if status == 304:
                    self.end_headers()
                    return
                self.send_header("Content-Type", answer.content_type)
                if answer.declare_length:
                    self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                # the client may have given up (size cap, timeout): that is what is tested
                with contextlib.suppress(ConnectionError):
                    self.wfile.write(answer.body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the tests read `requests` instead."""

        return Handler


def serve() -> Iterator[LocalServer]:
    """Start a server, yield it, stop it."""
    server = LocalServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
