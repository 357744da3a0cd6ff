"""ordered_map: the same results as `map`, in order, whether or not worker processes run."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from briefgen.parallel import ordered_map

FORK = "fork" in multiprocessing.get_all_start_methods()
PARENT = os.getpid()


def square_and_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def fails_on_seven(number: int) -> int:
    if number == 7:
        raise ValueError(f"bad item {number}")
    return number


def dies_in_a_worker(number: int) -> int:
    if number == 13 and os.getpid() != PARENT:
        os._exit(1)  # a worker killed mid-chunk
    return -number


def test_small_inputs_run_in_this_process() -> None:
    found = list(ordered_map(square_and_pid, range(10), min_items=11, workers=2, chunk_size=2))
    assert [square for square, _ in found] == [n * n for n in range(10)]
    assert {pid for _, pid in found} == {os.getpid()}


@pytest.mark.skipif(not FORK, reason="no fork start method on this system")
def test_large_inputs_run_in_workers_and_keep_their_order() -> None:
    found = list(ordered_map(square_and_pid, range(200), min_items=50, workers=2, chunk_size=3))
    assert [square for square, _ in found] == [n * n for n in range(200)]
    assert os.getpid() not in {pid for _, pid in found}  # which worker did what varies


def test_an_exception_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="bad item 7"):
        list(ordered_map(fails_on_seven, range(40), min_items=1, workers=2, chunk_size=4))


@pytest.mark.skipif(not FORK, reason="no fork start method on this system")
def test_a_dead_worker_costs_no_results() -> None:
    found = list(ordered_map(dies_in_a_worker, range(60), min_items=1, workers=2, chunk_size=4))
    assert found == [-n for n in range(60)]


def test_one_chunk_needs_no_second_process() -> None:
    found = list(ordered_map(square_and_pid, range(5), min_items=1, workers=2, chunk_size=8))
    assert {pid for _, pid in found} == {os.getpid()}


@pytest.mark.skipif(not FORK, reason="no fork start method on this system")
def test_workers_that_cannot_start_leave_the_work_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from multiprocessing.context import ForkProcess  # noqa: PLC0415

    def refuse(self: ForkProcess) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(ForkProcess, "start", refuse)
    found = list(ordered_map(square_and_pid, range(50), min_items=1, workers=2, chunk_size=4))
    assert found == [(n * n, os.getpid()) for n in range(50)]
