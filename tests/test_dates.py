"""Relative dates resolved against a story's date: weekdays, today, `the day before`."""

from __future__ import annotations

from datetime import date

import pytest

from briefgen.dates import all_dates, find_dates, find_relative_dates

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On the eve of the vote, they met.", [date(2026, 1, 16)]),
        ("THIS EVENING they meet again.", [date(2026, 1, 15)]),
        ("Tonight the talks resume.", [date(2026, 1, 15)]),
        (
            "Last MONDAY the envoys met; the Day After, they left.",
            [date(2026, 1, 12), date(2026, 1, 18)],
        ),
        ("À Genève, on Friday, ministers met.", [date(2026, 1, 9)]),
        ("Élysée officials said TOMORROW would decide.", [date(2026, 1, 16)]),
    ],
)
def test_relative_words_are_found_in_any_case_and_beside_accented_text(
    text: str, expected: list[date]
) -> None:
    mentions = find_relative_dates(text, THURSDAY, date(2026, 1, 17))
    assert [m.value for m in mentions] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Filed 2025-03-04 in Geneva.", [date(2025, 3, 4)]),
        ("Signed on MARCH 5, 2025, by both.", [date(2025, 3, 5)]),
        ("Signed on 5 mars 2025 à Genève, on March 6, 2025.", [date(2025, 3, 6)]),
        ("The ٣ delegations met on 2025/3/7.", [date(2025, 3, 7)]),
        ("Nothing of the kind: 40 people, no date.", []),
    ],
)
def test_written_dates_are_found_in_any_case_and_beside_accented_text(
    text: str, expected: list[date]
) -> None:
    assert [m.value for m in find_dates(text)] == expected
