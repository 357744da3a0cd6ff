"""`briefgen serve`: build, serve the site on loopback, rebuild on change, reload open pages.

The site is built into a temporary folder (removed on exit) with `base_url` set to the local
address, so serving never touches the configured output folder and feeds link to the local
server. The watcher polls modification times and sizes (os.scandir): dependency-free, and
editors' atomic saves and network folders are seen alike. The reload script is added to HTML
responses as they are served, never to files on disk; it polls a status URL and reloads the page
when a new build is in place, and lists the build's problems over the page.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from briefgen.build import BuildResult, build
from briefgen.cache import BuildCache
from briefgen.config import Config

STATUS_PATH = "/__briefgen/status"
_MAX_PROBLEMS_SHOWN = 50
_POLL_SECONDS = 0.3
_SETTLE_SECONDS = 0.1  # let an editor finish writing a burst of files before building

RELOAD_SCRIPT = """<script>/* briefgen serve: live reload */
(() => {
  let seen = null;
  const show = (status) => {
    let box = document.getElementById("briefgen-problems");
    const lines = status.error ? [status.error] : status.problems;
    if (!lines.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "briefgen-problems";
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;"
        + "margin:0;padding:.8em;background:#300;color:#fdd;font:13px/1.4 monospace;z-index:99999";
      box.title = "click to hide";
      box.onclick = () => box.remove();
      document.body.appendChild(box);
    }
    const hidden = status.count - lines.length;
    const more = hidden > 0 ? `\\n... and ${hidden} more` : "";
    box.textContent = `briefgen: ${status.headline}\\n` + lines.join("\\n") + more;
  };
  const poll = async () => {
    try {
      const response = await fetch("__STATUS_PATH__", {cache: "no-store"});
      const status = await response.json();
      if (seen !== null && status.generation !== seen) { location.reload(); return; }
      seen = status.generation;
      show(status);
    } catch (error) { /* the server is restarting or stopped: try again */ }
    setTimeout(poll, 1000);
  };
  poll();
})();
</script>
""".replace("__STATUS_PATH__", STATUS_PATH)


@dataclass(frozen=True, slots=True)
class Rebuild:
    """The outcome of one build by the dev server."""

    generation: int
    """Counts builds since the server started; pages reload when it changes."""
    result: BuildResult | None
    """The build, where it ran to the end."""
    error: str | None
    """Why the build failed, where it did (the previous site stays served)."""

    def status(self) -> dict[str, object]:
        """What the reload script polls: the generation and the problems to show over the page."""
        diagnostics = self.result.summary.diagnostics if self.result else ()
        problems = [str(d) for d in diagnostics]
        problems.sort(key=lambda text: ": error: " not in text)  # errors first
        if self.error:
            headline = "the build failed; the previous site is shown"
        else:
            headline = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the sources"
        return {
            "generation": self.generation,
            "error": self.error,
            "headline": headline,
            "problems": problems[:_MAX_PROBLEMS_SHOWN],
            "count": len(problems),
        }


class DevServer:
    """An HTTP server for a temporary build of the site, and the watcher that rebuilds it."""

    def __init__(
        self,
        read_config: Callable[[], Config],
        *,
        host: str,
        port: int,
        use_cache: bool,
        on_build: Callable[[Rebuild], None],
    ) -> None:
        self._read_config = read_config
        self._use_cache = use_cache
        self._on_build = on_build
        self._config = read_config()
        self._workdir = Path(tempfile.mkdtemp(prefix="briefgen-serve-"))
        self.site_dir = self._workdir / "site"
        self.latest = Rebuild(0, None, None)
        handler = partial(_Handler, self, directory=str(self.site_dir))
        try:
            self._http = ThreadingHTTPServer((host, port), handler)
        except OSError:
            shutil.rmtree(self._workdir, ignore_errors=True)
            raise
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The address the site is served at."""
        host, port = self._http.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"

    def start(self) -> None:
        """Start answering requests (in a background thread)."""
        self._thread.start()

    def rebuild(self) -> Rebuild:
        """Re-read the configuration and build; a failure is reported, never raised."""
        generation = self.latest.generation + 1
        try:
            self._config = self._read_config()
            result = build(self._served_config(), cache=self._cache())
            outcome = Rebuild(generation, result, None)
        # The server must outlive any failure of a build (a bad config, template or source,
        # or a bug in a stage): the message goes to the page and the terminal instead.
        except Exception as err:
            outcome = Rebuild(generation, None, f"{type(err).__name__}: {err}")
        self.latest = outcome
        self._on_build(outcome)
        return outcome

    def watch(self, stop: threading.Event, poll_seconds: float = _POLL_SECONDS) -> None:
        """Rebuild whenever a source, template or the configuration changes, until `stop` is set."""
        seen = self._snapshot()
        while not stop.wait(poll_seconds):
            current = self._snapshot()
            if current == seen:
                continue
            while not stop.wait(_SETTLE_SECONDS) and (settled := self._snapshot()) != current:
                current = settled
            seen = current
            self.rebuild()

    def close(self) -> None:
        """Stop serving and remove the temporary site."""
        if self._thread.is_alive():
            self._http.shutdown()
        self._http.server_close()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> DevServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _served_config(self) -> Config:
        return replace(self._config, output=str(self.site_dir), base_url=self.url)

    def _cache(self) -> BuildCache | None:
        return BuildCache(self._config.cache_dir) if self._use_cache else None

    def _snapshot(self) -> dict[str, tuple[int, int]]:
        config = self._config
        watched = [config.sources_dir, config.templates_dir, config.fetched_dir]
        if config.path is not None:
            watched.append(config.path)
        return snapshot(watched)


def snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """(mtime in ns, size) of every file at or below the paths; hidden names are skipped."""
    state: dict[str, tuple[int, int]] = {}
    pending = [str(path) for path in paths]
    while pending:
        path = pending.pop()
        try:
            if os.path.isdir(path):  # noqa: PTH112  (os.scandir works on str paths throughout)
                with os.scandir(path) as entries:
                    pending.extend(e.path for e in entries if not e.name.startswith("."))
                continue
            stat = os.stat(path)  # noqa: PTH116
        except OSError:
            continue  # vanished between listing and reading: the next poll sees the change
        state[path] = (stat.st_mtime_ns, stat.st_size)
    return state


class _Handler(SimpleHTTPRequestHandler):
    """Serves the built site; adds the reload script to HTML; answers the status URL."""

    def __init__(self, server_state: DevServer, *args: object, **kwargs: object) -> None:
        self.dev = server_state
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        """Answer the status URL, HTML pages (with the script) or any other file."""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == STATUS_PATH:
            self._send(HTTPStatus.OK, "application/json", json.dumps(self.dev.latest.status()))
            return
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            if not path.endswith("/"):
                super().do_GET()  # the stdlib redirects to the address with a slash
                return
            local = local / "index.html"
        if local.is_file() and local.suffix == ".html":
            self._send_page(HTTPStatus.OK, local.read_text(encoding="utf-8", errors="replace"))
        elif local.exists():
            super().do_GET()
        else:
            self._send_page(HTTPStatus.NOT_FOUND, self._not_found_page())

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the CLI reports builds; a line per request would bury them."""

    def _not_found_page(self) -> str:
        page = self.dev.site_dir / "404.html"
        if page.is_file():
            return page.read_text(encoding="utf-8", errors="replace")
        return f"<!DOCTYPE html><title>Not found</title><p>{html.escape(self.path)} not found</p>"

    def _send_page(self, status: HTTPStatus, page: str) -> None:
        marker = page.lower().rfind("</body>")
        injected = (
            page + RELOAD_SCRIPT if marker < 0 else page[:marker] + RELOAD_SCRIPT + page[marker:]
        )
        self._send(status, "text/html; charset=utf-8", injected)

    def _send(self, status: HTTPStatus, content_type: str, body: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)
