"""Disagreements: different values for the same fact, each with the outlets that give it."""

from __future__ import annotations

from briefgen.disagreements import disagreements
from briefgen.records import Disagreement, Event
from briefgen.timeline import dated_passages
from events import event_of, passages_of


def found(event: Event) -> tuple[Disagreement, ...]:
    passages = passages_of(event)
    return disagreements(dated_passages(event, passages), passages)


def test_outlets_dating_the_same_meeting_differently_disagree() -> None:
    event = event_of(
        (
            "Daily A",
            "2026-01-15",
            ["The trade ministers met in Lisbon on Thursday to sign the accord."],
        ),
        ("Wire B", "2026-01-15", ["Trade ministers met in Lisbon today and signed the accord."]),
        (
            None,
            None,
            ["On January 17, 2026, the trade ministers met in Lisbon to sign the accord."],
        ),
    )
    (disagreement,) = found(event)
    assert disagreement.topic.startswith("date")
    claims = {claim.value: claim.outlets for claim in disagreement.claims}
    assert claims == {"2026-01-15": ("Daily A", "Wire B"), "2026-01-17": ("story-2.md",)}
    assert disagreement.claims[0].value == "2026-01-15"


def test_agreeing_outlets_raise_no_disagreement() -> None:
    event = event_of(
        ("Daily A", "2026-01-15", ["The trade ministers met in Lisbon on Thursday."]),
        ("Wire B", None, ["On January 15, 2026, the trade ministers met in Lisbon."]),
    )
    assert found(event) == ()


def test_different_counts_of_the_same_thing_disagree() -> None:
    event = event_of(
        ("Daily A", None, ["The flood in the river valley killed 12 people, officials said."]),
        ("Wire B", None, ["Officials said the river valley flood killed 15 people."]),
    )
    (disagreement,) = found(event)
    assert disagreement.topic.startswith("number of people")
    assert {c.value: c.outlets for c in disagreement.claims} == {
        "12": ("Daily A",),
        "15": ("Wire B",),
    }


def test_unrelated_dates_are_not_a_disagreement() -> None:
    event = event_of(
        ("Daily A", "2026-01-15", ["The storm flooded the harbour district on Monday night."]),
        ("Wire B", "2026-01-15", ["The finance ministry published its budget on Tuesday."]),
    )
    assert found(event) == ()
