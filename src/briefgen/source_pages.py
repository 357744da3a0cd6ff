"""The Sources pages: every article grouped by outlet, one page per outlet.

`sources.html` lists the outlets with how many articles each carried, and `sources/NAME.html`
lists one outlet's articles, so that no page grows with the whole site (one page of every
article is many megabytes on a big site). An outlet's page is named from the ASCII words of its
name; a hash of the name is added only where two outlets would share a name, so adding an
outlet does not move the others.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable

from briefgen.normalize import url_words
from briefgen.records import Brief, Record, Story

UNKNOWN_OUTLET = "Unknown outlet"

Listing = list[tuple[Record, Story, Brief]]


def by_outlet(briefs: Iterable[Brief]) -> list[tuple[str, Listing]]:
    """Every file (canonical or copy) with its story and brief, grouped by outlet, outlets in
    alphabetical order and files without one last."""
    grouped: dict[str, Listing] = defaultdict(list)
    for b in briefs:
        for story in b.event.stories:
            for record in (story.record, *story.copies):
                grouped[record.outlet or UNKNOWN_OUTLET].append((record, story, b))
    return sorted(grouped.items(), key=lambda item: (item[0] == UNKNOWN_OUTLET, item[0].casefold()))


def outlet_paths(names: Iterable[str]) -> dict[str, str]:
    """Each outlet's page path in the site, unique and independent of the order given."""
    stems = {name: url_words(name) for name in names}
    shared = Counter(stems.values())
    paths: dict[str, str] = {}
    for name, stem in stems.items():
        page = stem
        if not stem or shared[stem] > 1:
            suffix = hashlib.sha256(name.encode()).hexdigest()[:6]
            page = f"{stem}-{suffix}" if stem else f"outlet-{suffix}"
        paths[name] = f"sources/{page}.html"
    return paths
