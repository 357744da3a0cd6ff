"""Python's cyclic garbage collector paused while a stage builds many long-lived objects.

The collector walks every tracked object each time enough new ones pile up; loading or
unpickling tens of thousands of records frees none of them early, so each walk is wasted work
(paused, loading 100,000 records took 3.0 s instead of 10.6 s). Switched back on, it would walk
them all at its next collections (young, then middle-aged, then all); inside `collector_frozen`
they join the frozen objects instead, so that no collection walks them until the freeze ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector for the block; it is switched back on only if it was on before. Inside
    `collector_frozen`, the objects the block made are frozen with the others."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count():
                gc.freeze()  # a constant-time move, not a walk over the objects
            gc.enable()


@contextmanager
def collector_frozen() -> Iterator[None]:
    """The objects that exist now (the whole analysis) left out of garbage collection for the
    block: rendering makes many short-lived objects, and each full collection would otherwise
    walk the analysis again; forked workers then also leave its memory unwritten (shared)."""
    if gc.get_freeze_count():  # frozen already, by whoever called: theirs to undo
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
