"""The garbage collector paused while stages build long-lived objects, and frozen around a build."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from briefgen.collector import collector_frozen, collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    if not was_enabled:
        gc.disable()


def test_a_pause_switches_the_collector_back_on_only_if_it_was_on() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused(then_frozen=True):
            assert not gc.isenabled()
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0  # the inner block did not switch it on: nothing frozen
    assert gc.isenabled()


def test_objects_a_block_made_to_last_are_frozen_until_the_freeze_ends() -> None:
    with collector_frozen():
        with collector_paused(then_frozen=True):
            made = [[number] for number in range(1000)]
        assert gc.get_freeze_count() >= len(made)
        assert gc.get_count()[0] < len(made)  # no young collection will walk them
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_plain_pause_freezes_nothing() -> None:
    with collector_paused():
        made = [[number] for number in range(1000)]
    assert gc.get_freeze_count() == 0
    assert len(made) == 1000
