"""The briefing's index split into pages: which events each page lists and how pages link.

Page 1 is `index.html`, page N is `page/N.html` (the scheme of Hugo's `/page/N/`, as files so
that any static host serves them): a page's address depends only on its number, and the events
arrive newest first, so page 1 always holds the newest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

FIRST_PAGE = "index.html"


@dataclass(frozen=True, slots=True)
class Pager(Generic[T]):
    """One page of the index and its neighbours."""

    number: int
    """1-based page number."""
    count: int
    """How many pages the index has."""
    items: tuple[T, ...]
    """What this page lists."""
    first_item: int
    """1-based position of its first item in the whole list (0 on an empty index)."""
    total: int
    """Items on all pages."""

    @property
    def path(self) -> str:
        """This page's path in the site."""
        return page_path(self.number)

    @property
    def newer(self) -> str | None:
        """The path of the page before (newer events), if any."""
        return page_path(self.number - 1) if self.number > 1 else None

    @property
    def older(self) -> str | None:
        """The path of the page after (older events), if any."""
        return page_path(self.number + 1) if self.number < self.count else None

    @property
    def last(self) -> str:
        """The path of the last page (the oldest events)."""
        return page_path(self.count)

    @property
    def last_item(self) -> int:
        """1-based position of its last item in the whole list."""
        return self.first_item + len(self.items) - 1 if self.items else 0


def page_path(number: int) -> str:
    """The path of page `number` of the index."""
    return FIRST_PAGE if number == 1 else f"page/{number}.html"


def paginate(items: Sequence[T], per_page: int) -> list[Pager[T]]:
    """The pages listing `items` in order, `per_page` each (0: all on one page); one page even
    when there is nothing to list."""
    size = per_page if per_page > 0 else max(len(items), 1)
    count = max(1, -(-len(items) // size))
    return [
        Pager(
            number=number,
            count=count,
            items=tuple(items[(number - 1) * size : number * size]),
            first_item=(number - 1) * size + 1 if items else 0,
            total=len(items),
        )
        for number in range(1, count + 1)
    ]
