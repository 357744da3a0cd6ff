"""Giving freed memory back to the operating system between the stages' big steps.

C's allocator keeps memory freed in the middle of its heap for reuse instead of returning it:
after a step that made and dropped many objects (reading 100,000 stories), hundreds of MiB stay
counted against the process though nothing uses them, and the next step's memory comes on top
of them. Where the C library can trim its heap (glibc's `malloc_trim`), it is asked to.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import cache


def release_freed_memory() -> bool:
    """Return the heap's free pages to the system where the C library can; whether it could."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, looked up once (called once per chunk of a big step)."""
    if not sys.platform.startswith("linux"):
        return None
    return getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc only (not musl)
