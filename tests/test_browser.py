"""Headless Chromium loads the built site as a reader would, at phone and desktop widths.

Screenshots go to tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from briefgen.render import event_path
from cdp import Browser, browser, find_chromium, png_size, save
from conftest import SEEDS
from sitekit import fetch, need, parse_page, rich_briefs, served_sites

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTHS = (360, 375, 1280)  # the narrowest phone we support, a common phone, a desktop


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    executable = need(find_chromium(), "chromium")
    with browser(executable) as instance:
        yield instance


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_sites(tmp_path_factory.mktemp("sites"), SEEDS) as origin:
        yield origin


PAGES = {
    "index": ("briefing", "index.html"),
    "event": ("rich", event_path(rich_briefs()[0])),
    "story": ("rich", "stories/aa11.html"),
    "seeds-event": ("briefing", None),  # the seeds' first event, found from the index
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["index", "event", "story", "seeds-event"])
def test_page_loads_cleanly_and_fits_the_window(
    chromium: Browser, origin: str, name: str, width: int
) -> None:
    site, path = PAGES[name]
    url = f"{origin}/{site}/{path}" if path else _first_event(origin, site)
    for dark in (False, True):
        load = chromium.load(url, width, dark=dark)
        assert load.problems == [], url
        hosts = {urlsplit(request).netloc for request in load.requests}
        assert hosts == {urlsplit(origin).netloc}, load.requests
        assert any(request.endswith("/assets/style.css") for request in load.requests)
        assert load.overflow_px <= 0, f"{url} is {load.overflow_px}px wider than {width}px"
        shot = save(ARTIFACTS / f"{name}-{width}{'-dark' if dark else ''}.png", load.screenshot)
        shot_width, shot_height = png_size(shot.read_bytes())
        assert shot_width == width and shot_height > 300


def test_the_404_page_is_styled_at_any_depth(chromium: Browser, origin: str) -> None:
    load = chromium.load(f"{origin}/briefing/a/b/c/missing.html", 375)
    stylesheet = [r for r in load.requests if r.endswith(".css")]
    assert stylesheet == [f"{origin}/briefing/assets/style.css"]
    # the page itself answers 404, as GitHub Pages does; nothing else may fail
    assert [p for p in load.problems if "404" not in p] == []
    save(ARTIFACTS / "404-375.png", load.screenshot)


def _first_event(origin: str, site: str) -> str:
    _, body, _ = fetch(f"{origin}/{site}/index.html")
    links = parse_page(body).links
    href = next(a["href"] for _, a in links if a.get("href", "").startswith("events/"))
    return f"{origin}/{site}/{href}"
