"""A small headless-Chromium driver over the DevTools protocol's pipe transport (test helper).

Chromium reads protocol commands from fd 3 and writes replies to fd 4, each message a JSON text
ended by a NUL byte, so no websocket client (and no third-party package) is needed.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
TIMEOUT = 30.0


class BrowserError(Exception):
    """Chromium did not answer, or answered with a protocol error."""


@dataclass
class PageLoad:
    """What happened while one page loaded."""

    url: str
    requests: list[str] = field(default_factory=list)
    """Every URL the page requested."""
    problems: list[str] = field(default_factory=list)
    """Console errors, uncaught exceptions, failed loads and error log entries."""
    screenshot: bytes = b""
    """PNG of the whole page."""
    overflow_px: int = 0
    """How far the page is wider than the window (0 when it fits)."""
    probe: Any = None
    """The value of the `probe` expression evaluated after the load, where one was given."""


def find_chromium() -> str | None:
    """The Chromium executable, where one is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _high_fd(fd: int) -> int:
    """Move a pipe end above fd 4, so that the shell can place it at 3 or 4 safely."""
    moved: int = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Browser:
    """One Chromium process, driven over its DevTools pipe."""

    def __init__(self, executable: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="briefgen-chromium-")
        to_chrome_r, to_chrome_w = (_high_fd(fd) for fd in os.pipe())
        from_chrome_r, from_chrome_w = (_high_fd(fd) for fd in os.pipe())
        # The shell puts the pipe ends at the fds Chromium expects, then becomes Chromium.
        script = f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w}'
        self._process = subprocess.Popen(
            ["bash", "-c", script, executable, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile}"],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._out = to_chrome_w
        self._in = from_chrome_r
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def close(self) -> None:
        """Close the browser and remove its profile."""
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for fd in (self._out, self._in):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its result, keeping events that arrive meanwhile."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._events.append(reply)

    def wait_for(self, method: str, session: str, seconds: float = TIMEOUT) -> None:
        """Wait until an event of this kind has arrived for the session."""
        deadline = time.monotonic() + seconds
        while not any(
            e.get("method") == method and e.get("sessionId") == session for e in self._events
        ):
            self._events.append(self._receive(deadline))

    def settle(self, seconds: float) -> None:
        """Collect the events that arrive within a short while."""
        deadline = time.monotonic() + seconds
        with contextlib.suppress(TimeoutError):
            while True:
                self._events.append(self._receive(deadline))

    def take_events(self, session: str) -> list[dict[str, Any]]:
        """The events seen so far for a session (and forget them)."""
        mine = [e for e in self._events if e.get("sessionId") == session]
        self._events = [e for e in self._events if e.get("sessionId") != session]
        return mine

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._in], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def load(
        self,
        url: str,
        width: int,
        height: int = 800,
        *,
        dark: bool = False,
        init_script: str | None = None,
        probe: str | None = None,
    ) -> PageLoad:
        """Open a URL in a fresh tab at a window size; record requests, problems, screenshot.

        `init_script` runs in the page before any of its own scripts; `probe` is evaluated after
        the load and its value kept in `PageLoad.probe`.
        """
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        try:
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.send(f"{domain}.enable", session)
            self.send(
                "Emulation.setDeviceMetricsOverride",
                session,
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=width < 600,
            )
            scheme = "dark" if dark else "light"
            features = [{"name": "prefers-color-scheme", "value": scheme}]
            self.send("Emulation.setEmulatedMedia", session, features=features)
            if init_script:
                self.send("Page.addScriptToEvaluateOnNewDocument", session, source=init_script)
            self.send("Page.navigate", session, url=url)
            self.wait_for("Page.loadEventFired", session)
            self.settle(0.3)
            result = PageLoad(url)
            _read_events(self.take_events(session), result)
            result.overflow_px = self._overflow(session)
            if probe:
                value = self.send("Runtime.evaluate", session, expression=probe, returnByValue=True)
                result.probe = value["result"].get("value")
            result.screenshot = self._screenshot(session, width)
            return result
        finally:
            self.send("Target.closeTarget", targetId=target)

    def _overflow(self, session: str) -> int:
        script = "document.documentElement.scrollWidth - window.innerWidth"
        value = self.send("Runtime.evaluate", session, expression=script, returnByValue=True)
        return int(value["result"]["value"])

    def _screenshot(self, session: str, width: int) -> bytes:
        metrics = self.send("Page.getLayoutMetrics", session)
        height = min(int(metrics["cssContentSize"]["height"]), 6000)
        clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        shot = self.send(
            "Page.captureScreenshot", session, format="png", captureBeyondViewport=True, clip=clip
        )
        return base64.b64decode(shot["data"])


def _read_events(events: list[dict[str, Any]], result: PageLoad) -> None:
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            result.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed":
            result.problems.append(f"failed to load: {params.get('errorText')}")
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
            result.problems.append(
                f"HTTP {params['response']['status']}: {params['response']['url']}"
            )
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            result.problems.append(f"console.{params['type']}: {params.get('args')}")
        elif method == "Runtime.exceptionThrown":
            result.problems.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Page.javascriptDialogOpening":
            result.problems.append(f"dialog: {params.get('message')}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            result.problems.append(f"log: {params['entry'].get('text')}")


@contextlib.contextmanager
def browser(executable: str) -> Iterator[Browser]:
    """A Chromium for the length of a `with` block."""
    instance = Browser(executable)
    try:
        yield instance
    finally:
        instance.close()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def save(path: Path, data: bytes) -> Path:
    """Write a screenshot, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
