"""The timeline: dated happenings, relative dates resolved, in order, each with its source."""

from __future__ import annotations

from briefgen.timeline import dated_passages, timeline
from events import event_of, passages_of


def test_entries_are_in_date_order_with_their_outlet_and_paragraph() -> None:
    event = event_of(
        (
            "Daily A",
            "2026-01-15",
            ["Storm hit the port on Tuesday.", "Crews arrived on January 2."],
        ),
        (None, None, ["On January 17, 2026, the port reopened to ships."]),
    )
    entries = timeline(dated_passages(event, passages_of(event)))
    assert [(e.date, e.outlet, e.source.paragraph) for e in entries] == [
        ("2026-01-02", "Daily A", 1),
        ("2026-01-13", "Daily A", 0),
        ("2026-01-17", "story-1.md", 0),
    ]


def test_an_undated_story_reads_relative_dates_against_its_own_written_year() -> None:
    event = event_of(
        (None, None, ["On March 3, 2025, the dam opened. The day before, engineers tested it."]),
    )
    entries = timeline(dated_passages(event, passages_of(event)))
    assert [e.date for e in entries] == ["2025-03-02", "2025-03-03"]


def test_the_same_happening_told_by_two_outlets_is_one_entry() -> None:
    event = event_of(
        ("Daily A", "2026-01-15", ["The storm hit the northern port on Tuesday night."]),
        ("Wire B", "2026-01-15", ["The storm hit the northern port on Tuesday."]),
    )
    assert len(timeline(dated_passages(event, passages_of(event)))) == 1
