"""Quotations: found, attributed, merged across sources."""

from __future__ import annotations

import pytest

from briefgen.people import PeopleIndex
from briefgen.quotes import quote_key, quotes
from briefgen.records import Quote
from events import event_of, passages_of


def quotes_in(*paragraphs: str) -> tuple[Quote, ...]:
    event = event_of(("Daily A", "2026-01-15", paragraphs))
    passages = passages_of(event)
    return quotes(passages, PeopleIndex(passages))


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        ("“We will rebuild the harbour this year,” Mayor Ana Lima said.", "Ana Lima"),
        ("“We will rebuild the harbour this year,” said Mayor Ana Lima.", "Ana Lima"),
        ('Mayor Ana Lima told reporters: "We will rebuild the harbour this year."', "Ana Lima"),
        (
            "Mayor Ana Lima spoke first. Lima told the council, “We will rebuild the harbour.”",
            "Ana Lima",
        ),
        ("“The storm took everything we had built,” a fisherman told reporters.", None),
    ],
)
def test_speaker_is_the_full_name_the_text_gives(paragraph: str, speaker: str | None) -> None:
    (quote,) = quotes_in(paragraph)
    assert quote.speaker == speaker


def test_a_pronoun_refers_to_the_last_named_speaker() -> None:
    (_, second) = quotes_in(
        "Mayor Ana Lima visited the port. “We will rebuild the harbour,” Lima said. "
        "She added: “Every family will get help this winter.”"
    )
    assert second.speaker == "Ana Lima"
    assert second.text == "Every family will get help this winter."


def test_short_scare_quotes_are_not_quotations() -> None:
    assert quotes_in("The so-called “Old Guard” unit marched past the “new” port.") == ()


def test_same_words_punctuated_differently_are_one_quote_with_both_outlets() -> None:
    event = event_of(
        (
            "Daily A",
            None,
            ['"Our job is to continue...to strengthen that," Minister Jon Park said.'],
        ),
        (
            "Wire B",
            None,
            [
                "Minister Jon Park said, “Our job — our goal — is to continue that, "
                "to strengthen that.”"
            ],
        ),
        ("Daily C", None, ["“A different thing entirely was said here today,” Park said."]),
    )
    passages = passages_of(event)
    found = quotes(passages, PeopleIndex(passages))
    merged = [q for q in found if "strengthen" in q.text]
    assert len(merged) == 1
    assert merged[0].outlets == ("Daily A", "Wire B")
    assert merged[0].speaker == "Jon Park"
    assert len(found) == 2


def test_bracketed_words_are_kept_and_compared_without_brackets() -> None:
    (quote,) = quotes_in("“[We] talk about peace first, [and] trade second,” Park said.")
    assert quote.text == "[We] talk about peace first, [and] trade second,"
    assert quote_key(quote.text) == (
        "we",
        "talk",
        "about",
        "peace",
        "first",
        "and",
        "trade",
        "second",
    )
