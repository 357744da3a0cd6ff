"""Build progress for a terminal: a bar that redraws in place, or plain lines for logs.

The stages report `(stage, done, total)` through a callback; this module turns those calls into
text and hands it to a writer the CLI supplies, so that nothing here prints. Quick builds show
nothing: output starts once a build has run for `delay` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)` while a stage runs."""

_BAR_WIDTH = 24
_REDRAW_EVERY = 0.1  # seconds: often enough to look alive, rarely enough to cost nothing
_CLEAR_LINE = "\r\x1b[K"


def no_progress(stage: str, done: int, total: int) -> None:
    """A progress callback that ignores every report."""


class ProgressReporter:
    """Turns stage reports into a redrawn bar (terminal) or one line per finished stage (log)."""

    def __init__(
        self,
        write: Callable[[str], object],
        *,
        terminal: bool,
        colour: bool,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._write = write
        self._terminal = terminal
        self._colour = colour and terminal
        self._delay = delay
        self._clock = clock
        self._started = clock()
        self._stage_started = self._started
        self._stage = ""
        self._last_draw = float("-inf")
        self._drawn = False
        self._pending: list[str] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Report that `done` of `total` items of `stage` are finished."""
        now = self._clock()
        if stage != self._stage:
            self._stage, self._stage_started = stage, now
        if self._terminal:
            self._draw(stage, done, total, now)
        elif done >= total:
            self._line(f"{stage}: {_items(total)} in {now - self._stage_started:.2f} s", now)

    def finish(self) -> None:
        """Clear the bar so that what the CLI prints next starts on a clean line."""
        if self._drawn:
            self._write(_CLEAR_LINE)
            self._drawn = False

    def _draw(self, stage: str, done: int, total: int, now: float) -> None:
        if now - self._started < self._delay:
            return
        if now - self._last_draw < _REDRAW_EVERY and 0 < done < total:
            return
        self._last_draw = now
        self._drawn = True
        self._write(_CLEAR_LINE + bar_line(stage, done, total, colour=self._colour))

    def _line(self, text: str, now: float) -> None:
        self._pending.append(text + "\n")
        if now - self._started >= self._delay:
            self._write("".join(self._pending))
            self._pending.clear()


def bar_line(stage: str, done: int, total: int, *, colour: bool) -> str:
    """One line of bar: `load    [#########---------------]  380/1000`."""
    share = done / total if total else 1.0
    filled = round(share * _BAR_WIDTH)
    bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
    if colour:
        bar = f"\x1b[32m{'#' * filled}\x1b[0m{'-' * (_BAR_WIDTH - filled)}"
    width = len(str(total))
    return f"{stage:<8}[{bar}] {done:>{width}}/{total}"


def _items(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"
