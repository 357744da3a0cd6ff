"""`briefgen serve`: serves on loopback, rebuilds on change, survives broken input."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from briefgen.config import Config, load_config
from briefgen.serve import RELOAD_SCRIPT, STATUS_PATH, DevServer, Rebuild
from conftest import MakeSite

WAIT = 30.0  # seconds: generous for a shared machine, still bounded

PIER = "---\ntitle: Old pier reopens to walkers\noutlet: Bay Herald\ndate: 2026-06-01\n---\n" + (
    "The old pier reopened to walkers on Saturday after a year of repairs, the council said.\n"
)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def eventually(condition: Callable[[], bool], timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def page_shows(url: str, text: str) -> Callable[[], bool]:
    return lambda: text in fetch(url)[1]


@pytest.fixture
def served(make_site: MakeSite) -> Iterator[tuple[Config, str, subprocess.Popen[str]]]:
    """`python -m briefgen serve --port 0` on a small site; stopped with Ctrl-C afterwards."""
    config = make_site({"pier.md": PIER})
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "serve", "--port", "0", "--config", str(config.path)],
        cwd=config.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()])
    reader.daemon = True
    reader.start()
    url = ""
    deadline = time.monotonic() + WAIT
    while not url and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line.startswith("serving "):
            url = line.split()[1]
    try:
        assert url.startswith("http://127.0.0.1:"), "serve did not report its address"
        yield config, url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        reader.join(timeout=5)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def local_server(
    config: Config, *, use_cache: bool, on_build: Callable[[Rebuild], None]
) -> DevServer:
    """A dev server for the site on a free loopback port, reading its config afresh each build."""
    return DevServer(
        lambda: load_config(config.path),
        host="127.0.0.1",
        port=0,
        use_cache=use_cache,
        on_build=on_build,
    )


def test_serve_shows_changes_and_stops_cleanly(
    served: tuple[Config, str, subprocess.Popen[str]],
) -> None:
    config, url, process = served
    status, index = fetch(url)
    assert status == 200
    assert "Old pier reopens to walkers" in index
    assert "briefgen serve: live reload" in index
    assert not config.output_dir.exists(), "serve must not write the configured output folder"

    (config.sources_dir / "pier.md").write_text(
        PIER.replace("Old pier reopens to walkers", "Old pier reopens to walkers and anglers")
    )
    assert eventually(page_shows(url, "reopens to walkers and anglers"))

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT) == 0
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()


def test_a_broken_source_is_reported_and_the_server_keeps_serving(
    served: tuple[Config, str, subprocess.Popen[str]],
) -> None:
    config, url, process = served
    generation = json.loads(fetch(url + STATUS_PATH[1:])[1])["generation"]
    (config.sources_dir / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody text here.\n")

    def rebuilt() -> bool:
        return json.loads(fetch(url + STATUS_PATH[1:])[1])["generation"] > generation

    assert eventually(rebuilt)
    status = json.loads(fetch(url + STATUS_PATH[1:])[1])
    assert any(p.startswith("broken.md:3: warning: front matter:") for p in status["problems"])
    assert fetch(url)[0] == 200
    assert process.poll() is None


def test_reload_script_is_only_added_to_served_pages(make_site: MakeSite) -> None:
    config = make_site({"pier.md": PIER})
    outcomes: list[Rebuild] = []
    with local_server(config, use_cache=False, on_build=outcomes.append) as server:
        server.rebuild()
        server.start()
        on_disk = (server.site_dir / "index.html").read_text(encoding="utf-8")
        assert "Old pier reopens" in on_disk and "live reload" not in on_disk
        served = fetch(server.url)[1]
        assert served.replace(RELOAD_SCRIPT, "") == on_disk
        assert fetch(server.url + "feed.xml")[1].count("live reload") == 0
        assert f'href="{server.url}feed.xml"' in fetch(server.url + "feed.xml")[1]
        status, missing = fetch(server.url + "no/such/page.html")
        assert status == 404 and "live reload" in missing
    assert not server.site_dir.exists()
    assert [outcome.error for outcome in outcomes] == [None]


def test_a_failing_build_keeps_the_last_site_and_reports_the_error(make_site: MakeSite) -> None:
    config = make_site({"pier.md": PIER})
    override = config.root / "templates" / "index.html"
    override.parent.mkdir()
    override.write_text("<!DOCTYPE html><body><h1>Own index</h1></body>\n", encoding="utf-8")
    outcomes: list[Rebuild] = []
    with local_server(config, use_cache=True, on_build=outcomes.append) as server:
        server.rebuild()
        server.start()
        override.write_text("<!DOCTYPE html><body>{% if %}</body>\n", encoding="utf-8")
        failed = server.rebuild()
        assert failed.result is None and failed.error is not None
        assert "templates/index.html:1: template syntax error" in failed.error
        assert "<h1>Own index</h1>" in fetch(server.url)[1]
        status = json.loads(fetch(server.url + STATUS_PATH[1:])[1])
        assert status["error"] == failed.error and status["generation"] == 2


def test_watch_rebuilds_after_a_change_until_stopped(make_site: MakeSite) -> None:
    config = make_site({"pier.md": PIER})
    outcomes: list[Rebuild] = []
    stop = threading.Event()
    with local_server(config, use_cache=True, on_build=outcomes.append) as server:
        server.rebuild()
        watcher = threading.Thread(target=server.watch, args=(stop, 0.05))
        watcher.start()
        try:
            time.sleep(0.2)
            (config.sources_dir / ".pier.md.swp").write_text("editor swap file")
            time.sleep(0.5)
            assert len(outcomes) == 1, "hidden files are not sources: no rebuild"
            (config.sources_dir / "pier.md").write_text(PIER.replace("Saturday", "Sunday"))
            assert eventually(lambda: len(outcomes) == 2)
        finally:
            stop.set()
            watcher.join(timeout=WAIT)
    assert not watcher.is_alive()
    result = outcomes[-1].result
    assert result is not None
    assert "Sunday" in result.analysis.loaded.records[0].paragraphs[0]


def test_serve_fails_clearly_when_the_port_is_taken(make_site: MakeSite) -> None:
    config = make_site({"pier.md": PIER})
    with local_server(config, use_cache=False, on_build=lambda outcome: None) as server:
        port = server.url.rsplit(":", 1)[1].strip("/")
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "briefgen",
                "serve",
                "--port",
                port,
                "--config",
                str(config.path),
            ],
            capture_output=True,
            text=True,
            timeout=WAIT,
            check=False,
        )
    assert result.returncode == 1
    assert f"briefgen: error: cannot serve on 127.0.0.1:{port}:" in result.stderr


def test_serve_help_documents_port_and_host(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "serve", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0
    assert "--port" in result.stdout and "--host" in result.stdout
    assert "127.0.0.1" in result.stdout
