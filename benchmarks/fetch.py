"""How long `briefgen fetch` takes, and how many requests a second (conditional) run makes.

Serves generated feeds and article pages from 127.0.0.1 (no other address is touched) with a
fixed delay per request, fetches them into a temporary site twice, and prints the figures.

    .venv/bin/python benchmarks/fetch.py
"""

from __future__ import annotations

import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from briefgen.build import analyse
from briefgen.config import load_config
from briefgen.fetch import fetch

FEEDS = 6
ENTRIES = 15
DELAY = 0.02  # seconds the server takes per answer, like a nearby host
WORDS = "harbour council budget ferry school bridge market storm road water library".split()


def page(feed: int, entry: int) -> bytes:
    """An article page with four distinct paragraphs."""
    paragraphs = "".join(
        "<p>"
        + " ".join(WORDS[(feed * 7 + entry * 3 + n + k) % len(WORDS)] for k in range(40))
        + f" Report {feed}-{entry}-{n}.</p>"
        for n in range(4)
    )
    return (
        f"<html><head><title>Story {feed}-{entry}</title></head><body><article>"
        f"<h1>Story {feed}-{entry}</h1>{paragraphs}</article></body></html>"
    ).encode()


def feed(base: str, number: int) -> bytes:
    """An RSS 2.0 feed whose entries carry summaries only."""
    items = "".join(
        f"<item><title>Story {number}-{entry}</title><guid>g-{number}-{entry}</guid>"
        f"<link>{base}/a/{number}/{entry}.html</link>"
        f"<pubDate>Mon, 02 Mar 2026 0{entry % 10}:00:00 GMT</pubDate>"
        f"<description>Summary {number}-{entry}.</description></item>"
        for entry in range(ENTRIES)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {number}</title>'
        f"{items}</channel></rss>"
    ).encode()


def serve() -> tuple[ThreadingHTTPServer, dict[str, int]]:
    """A server that answers 304 to a matching If-None-Match, and counts answers by status."""
    counts = {"200": 0, "304": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(DELAY)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            parts = self.path.strip("/").split("/")
            if parts[0] == "f":
                body, kind = feed(base, int(parts[1])), "application/rss+xml"
            else:
                body, kind = page(int(parts[1]), int(parts[2].split(".")[0])), "text/html"
            etag = f'"{hash(body)}"'
            status = 304 if self.headers.get("If-None-Match") == etag else 200
            with lock:
                counts[str(status)] += 1
            self.send_response(status)
            self.send_header("ETag", etag)
            if status == 200:
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status == 200:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}).start()
    return server, counts


def main() -> None:
    """Fetch twice and build once; print the figures."""
    server, counts = serve()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            feeds = "".join(f"  - {base}/f/{n}\n" for n in range(FEEDS))
            (root / "briefgen.yaml").write_text(f"feeds:\n{feeds}", encoding="utf-8")
            config = load_config(root / "briefgen.yaml")
            for run in ("first", "second"):
                before = dict(counts)
                result = fetch(config)
                answered = {key: counts[key] - before[key] for key in counts}
                print(
                    f"{run} fetch: {result.seconds:.2f} s, {answered['200']} x 200 and"
                    f" {answered['304']} x 304, stories {result.stories},"
                    f" {len(result.diagnostics)} diagnostics"
                )
            started = time.perf_counter()
            analysis = analyse(config)
            print(
                f"analyse from the cache: {time.perf_counter() - started:.2f} s,"
                f" {len(analysis.loaded.records)} records, {len(analysis.stories)} stories"
            )
    finally:
        server.shutdown()
        server.server_close()
    print(f"({FEEDS} feeds x {ENTRIES} summary-only entries, {DELAY * 1000:.0f} ms per answer)")


if __name__ == "__main__":
    main()
