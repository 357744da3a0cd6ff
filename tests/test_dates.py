"""Relative dates resolved against a story's date: weekdays, today, `the day before`."""

from __future__ import annotations

from datetime import date

import pytest

from briefgen.dates import all_dates, find_relative_dates

THURSDAY = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The ministers met on Thursday.", [date(2026, 1, 15)]),
        ("The ministers met on Tuesday.", [date(2026, 1, 13)]),
        (
            "They met yesterday and will meet again tomorrow.",
            [date(2026, 1, 14), date(2026, 1, 16)],
        ),
        ("Before this afternoon's meeting they trained.", [date(2026, 1, 15)]),
        ("Nothing dated here.", []),
    ],
)
def test_relative_dates_resolve_against_the_reference(text: str, expected: list[date]) -> None:
    assert [m.value for m in find_relative_dates(text, THURSDAY)] == expected


def test_the_day_before_counts_from_the_date_last_mentioned() -> None:
    (mention,) = find_relative_dates("The day before, they trained.", THURSDAY, date(2026, 1, 17))
    assert mention.value == date(2026, 1, 16)


@pytest.mark.parametrize(
    "text",
    [
        "Talks were held on Thursday (Jan 15) at the Pentagon.",
        "The day before, on January 15, they met.",
    ],
)
def test_a_relative_date_restating_a_written_one_is_not_counted_twice(text: str) -> None:
    mentions = all_dates(text, date(2026, 1, 16), date(2026, 1, 16))
    assert [m.value for m in mentions] == [date(2026, 1, 15)]
