"""Map a pure function over a sequence in forked worker processes, results in input order.

Forked workers inherit the items and the function, so nothing is pickled on the way in: each
worker claims the next chunk's number from a shared counter (items differ in size, so chunks
go to whichever worker is free) and sends that chunk's results back. The results are yielded
in the order of the items, as soon as every earlier one is in. Where forking is unsafe or
unavailable (another thread runs, the process is a daemon, the system has no `fork`), where
there is one core, or where the items are fewer than the caller's threshold, the function
simply runs here, one item after another.

A worker that raises or dies costs only speed: its chunks are computed here instead (where an
exception raises again, with its real traceback).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar, cast

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext, ForkProcess
    from multiprocessing.sharedctypes import Synchronized

T = TypeVar("T")
R = TypeVar("R")


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def ordered_map(
    function: Callable[[T], R],
    items: Sequence[T],
    *,
    min_items: int,
    chunk_size: int = 8,
    workers: int | None = None,
) -> Iterator[R]:
    """`map(function, items)`, in worker processes when there are at least `min_items` items.

    `function` must be pure (its result depends on its item only) and its results picklable.
    `workers`: how many processes (default: the usable cores).
    """
    count = min(workers or usable_cores(), -(-len(items) // chunk_size))
    context = _fork_context() if len(items) >= min_items and count >= 2 else None
    if context is None:
        yield from map(function, items)
        return
    yield from _Pool(function, items, chunk_size, context).run(count)


def _fork_context() -> ForkContext | None:
    """The fork start method, where it exists and is safe (no other thread is running)."""
    # Imported here: small sites (and every build's start-up) need none of it.
    import multiprocessing  # noqa: PLC0415
    import threading  # noqa: PLC0415

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return None
    if multiprocessing.current_process().daemon:  # a daemon process may not have children
        return None
    return multiprocessing.get_context("fork")


class _Pool(Generic[T, R]):
    """One `ordered_map` run: forked workers claiming chunk numbers from a shared counter."""

    def __init__(
        self,
        function: Callable[[T], R],
        items: Sequence[T],
        chunk_size: int,
        context: ForkContext,
    ) -> None:
        self._function = function
        self._items = items
        starts = range(0, len(items), chunk_size)
        self._chunks = [range(start, min(start + chunk_size, len(items))) for start in starts]
        self._context = context

    def run(self, workers: int) -> Iterator[R]:
        """Yield every item's result in order; the workers are gone when this ends."""
        claimed = self._context.Value("q", 0)  # chunks handed out so far: the next one's number
        readers: list[Connection] = []
        processes: list[ForkProcess] = []
        for _ in range(workers):
            started = self._start(claimed)
            if started is None:  # no more processes may be made: fewer workers, or none
                break
            readers.append(started[0])
            processes.append(started[1])
        try:
            yield from self._collect(readers)
        finally:
            for process in processes:
                if process.is_alive():
                    process.terminate()
                process.join()
            for reader in readers:
                reader.close()

    def _start(self, claimed: Synchronized[int]) -> tuple[Connection, ForkProcess] | None:
        """A worker and the end of the pipe it sends its results through, if one can start."""
        try:
            reader, writer = self._context.Pipe(duplex=False)
        except OSError:
            return None
        process = self._context.Process(target=self._work, args=(claimed, writer), daemon=True)
        try:
            process.start()
        except OSError:
            reader.close()
            return None
        finally:
            writer.close()  # the worker holds the only writing end: its death ends the pipe
        return reader, process

    def _collect(self, readers: list[Connection]) -> Iterator[R]:
        """Each chunk's results in order; a chunk no worker sent (one died) is computed here."""
        from multiprocessing.connection import wait  # noqa: PLC0415

        received: dict[int, list[R] | None] = {}
        open_readers = list(readers)
        for number, chunk in enumerate(self._chunks):
            while number not in received and open_readers:
                for ready in wait(open_readers):
                    reader = cast("Connection", ready)
                    try:
                        done, results = reader.recv()
                    except (EOFError, OSError):  # the worker has ended, or died
                        open_readers.remove(reader)
                        continue
                    received[done] = results
            results = received.pop(number, None)
            yield from (results if results is not None else map(self._function, self._local(chunk)))

    def _local(self, chunk: range) -> Iterator[T]:
        return (self._items[index] for index in chunk)

    def _work(self, claimed: Synchronized[int], writer: Connection) -> None:
        """A worker's life: claim the next chunk until none is left, send each one's results."""
        import signal  # noqa: PLC0415

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops the workers
        while True:
            with claimed.get_lock():
                number = claimed.value
                claimed.value += 1
            if number >= len(self._chunks):
                break
            try:
                results: list[R] | None = [
                    self._function(self._items[i]) for i in self._chunks[number]
                ]
                writer.send((number, results))
            except Exception:  # the parent computes the chunk again, and raises
                writer.send((number, None))
        writer.close()
