"""Build progress: a bar on a terminal after a second, plain lines in logs, colour if allowed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from briefgen.progress import ProgressReporter, bar_line
from conftest import MakeSite


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def reporter(
    *, terminal: bool, colour: bool = False
) -> tuple[ProgressReporter, list[str], FakeClock]:
    written: list[str] = []
    clock = FakeClock()
    progress = ProgressReporter(written.append, terminal=terminal, colour=colour, clock=clock)
    return progress, written, clock


def test_a_quick_build_shows_nothing() -> None:
    for terminal in (True, False):
        progress, written, clock = reporter(terminal=terminal)
        for done in range(11):
            clock.now += 0.05
            progress("load", done, 10)
        progress.finish()
        assert written == []


def test_terminal_bar_appears_after_a_second_and_is_cleared() -> None:
    progress, written, clock = reporter(terminal=True)
    progress("load", 0, 200)
    clock.now += 1.5
    progress("load", 50, 200)
    assert written == ["\r\x1b[K" + "load    [######------------------]  50/200"]
    clock.now += 0.01
    progress("load", 51, 200)  # too soon to redraw
    assert len(written) == 1
    clock.now += 0.5
    progress("dedupe", 0, 1)
    assert written[-1].endswith("dedupe  [------------------------] 0/1")
    progress.finish()
    assert written[-1] == "\r\x1b[K"


def test_log_lines_name_each_finished_stage_once_the_build_is_slow() -> None:
    progress, written, clock = reporter(terminal=False)
    progress("load", 0, 3)
    clock.now += 0.25
    progress("load", 3, 3)
    assert written == []  # still quick: held back
    progress("dedupe", 0, 1)
    clock.now += 1.0
    progress("dedupe", 1, 1)
    assert "".join(written) == "load: 3 items in 0.25 s\ndedupe: 1 item in 1.00 s\n"
    assert "\x1b" not in "".join(written)


@pytest.mark.parametrize(("colour", "has_escape"), [(True, True), (False, False)])
def test_colour_only_when_asked(colour: bool, has_escape: bool) -> None:
    assert ("\x1b[" in bar_line("brief", 3, 4, colour=colour)) is has_escape
    assert bar_line("brief", 4, 4, colour=False) == "brief   [########################] 4/4"


def test_log_mode_never_colours() -> None:
    progress, written, clock = reporter(terminal=False, colour=True)
    clock.now += 2
    progress("write", 1, 1)
    assert written == ["write: 1 item in 0.00 s\n"]


def test_cli_build_without_a_terminal_prints_no_bar_and_no_colour(make_site: MakeSite) -> None:
    config = make_site({"a.md": "---\ntitle: Pier closes for repairs\n---\nThe pier closed.\n"})
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "--config", str(config.path)],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "NO_COLOR"},
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stderr + result.stdout
    assert "\r" not in result.stderr
    assert "1 sources -> 1 story" in result.stdout
