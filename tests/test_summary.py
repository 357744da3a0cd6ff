"""The summary: extractive sentences, corroboration counted, no repeats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from briefgen.records import Event, Story
from briefgen.summary import SUMMARY_MAX, is_whole_sentence, summarize
from briefgen.timeline import dated_passages
from events import event_of, passages_of, record

LEAD = "Floods closed the northern port of Varna on Monday after three days of heavy rain."
EVENT = event_of(
    (
        "Daily A",
        "2026-01-15",
        [
            LEAD,
            "Port officials said ships were diverted to Burgas while crews pumped water out.",
            "The mayor promised to rebuild the flood walls before the spring storms arrive.",
        ],
    ),
    (
        "Wire B",
        "2026-01-15",
        [
            "Floods closed the northern port of Varna on Monday after days of heavy rain.",
            "Fishermen in the old town said they had never seen the water rise so fast.",
        ],
    ),
    (
        "Daily C",
        "2026-01-15",
        [
            "Heavy rain flooded the port of Varna, closing it on Monday.",
            "Insurers expect claims to reach record levels this winter across the coast.",
        ],
    ),
)


def test_corroborated_lead_comes_first_with_every_outlet_saying_it() -> None:
    summary = summarize(passages_of(EVENT))
    assert 3 <= len(summary) <= SUMMARY_MAX
    first = summary[0]
    assert "Floods closed the northern port of Varna" in first.text
    assert first.outlets == ("Daily A", "Daily C", "Wire B")
    assert {ref.story_id for ref in first.sources} == {"r0", "r1", "r2"}


def test_no_two_summary_sentences_say_the_same() -> None:
    texts = [s.text for s in summarize(passages_of(EVENT))]
    assert sum("Floods closed the northern port" in text for text in texts) == 1


def test_sentence_fragments_are_not_summary_sentences() -> None:
    event = event_of(
        (
            "Daily A",
            None,
            [
                "The council voted to close the old bridge to heavy lorries from March.",
                "and then it ended without a vote on the second motion of the evening",
                "Engineers found cracks in two of the bridge's five supporting piers last year.",
                "Drivers will use the ring road, adding twenty minutes to journeys across town.",
            ],
        ),
    )
    texts = [s.text for s in summarize(passages_of(event))]
    assert len(texts) == 3
    assert not any(text.startswith("and then") for text in texts)


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("Lawmakers on Tuesday read out a letter of support sent to them by Gov.", False),
        ("The hospital said the patient had been treated overnight by Dr.", False),
        ("The contract was signed late on Friday by the chief executive of Acme Inc.", True),
        ("The vote on the budget is now expected on Thursday at about 10 a.m.", True),
        ("Mr. Smith said the talks would resume on Monday in the capital.", True),
    ],
)
def test_a_text_ending_with_a_title_is_a_cut_sentence(text: str, whole: bool) -> None:
    assert is_whole_sentence(text) is whole


def test_a_sentence_the_source_cut_after_a_title_is_not_in_the_summary() -> None:
    cut = "Council members read out a letter of support for the new bridge sent by Gov."
    event = event_of(
        ("Daily A", None, [LEAD, cut]),
        ("Wire B", None, [LEAD.replace("three days", "days"), cut]),
    )
    texts = [s.text for s in summarize(passages_of(event))]
    assert texts and not any(text.endswith("Gov.") for text in texts)


def test_sentences_giving_different_dates_do_not_support_each_other() -> None:
    event = event_of(
        (
            "Daily A",
            "2026-01-15",
            ["The trade ministers met in Lisbon on Thursday to sign the accord."],
        ),
        (
            None,
            None,
            ["On January 17, 2026, the trade ministers met in Lisbon to sign the accord."],
        ),
    )
    passages = passages_of(event)
    dated = dated_passages(event, passages)
    dates: dict[int, frozenset[date]] = {}
    for mention in dated:
        dates[id(mention.passage)] = dates.get(id(mention.passage), frozenset()) | {mention.value}
    assert next(s.outlets for s in summarize(passages)) == ("Daily A", "story-1.md")
    apart = summarize(passages, dates)
    assert apart
    assert all(len(s.outlets) == 1 for s in apart)


def _titled_event(*stories: tuple[str, str, Sequence[str]]) -> Event:
    """An event of stories given as (outlet, headline, paragraphs)."""
    built = tuple(
        Story(f"r{i}", record(i, paragraphs, outlet, title=title))
        for i, (outlet, title, paragraphs) in enumerate(stories)
    )
    return Event("test", "test", built)


FILLER = [
    "Officials counted damage to the fishing fleet on Tuesday morning, listing the boats, nets "
    "and engines that were lost.",
    "Residents of the old quarter swept mud from their doorsteps and cellars throughout the long "
    "afternoon and into the evening.",
    "Schools across the district stayed open, though buses ran late on several of the flooded "
    "routes into the town centre.",
    "Traders at the covered market reported quieter business than usual for a January weekday, "
    "with few shoppers braving the cold.",
]
ECHO = (
    "A storm shut the Varna harbour to shipping for two days, stranding cargo vessels and their "
    "crews offshore."
)


def test_a_sentence_telling_what_another_outlets_headline_says_is_chosen() -> None:
    event = _titled_event(
        ("Daily A", "Local news roundup", [*FILLER, ECHO]),
        (
            "Wire B",
            "Storm shuts Varna harbour to shipping",
            ["Nobody was hurt, the coastguard said late on Wednesday."],
        ),
    )
    texts = [s.text for s in summarize(passages_of(event))]
    assert ECHO in texts


def test_a_summary_of_news_length_sentences_stops_at_three() -> None:
    event = _titled_event(("Daily A", "Local news roundup", FILLER))
    summary = summarize(passages_of(event))
    assert [s.text for s in summary] == FILLER[:3]


def test_a_sentence_inside_a_quotation_is_not_shown_as_the_outlets_own_words() -> None:
    event = event_of(
        (
            "Daily A",
            None,
            [
                "The finance minister presented the budget to parliament on Wednesday afternoon.",
                'He told lawmakers: "Prices will fall by the summer across the whole country. '
                "Wages will rise faster than at any time in the last ten years. "
                'That is our plan."',
                "Opposition parties said the figures did not add up and called for an inquiry.",
                "Markets barely moved after the speech, with the currency flat against the euro.",
            ],
        ),
    )
    texts = [s.text for s in summarize(passages_of(event))]
    assert len(texts) == 3
    assert not any(text.startswith("Wages will rise") for text in texts)
    assert texts[0].startswith("The finance minister")


def test_a_one_story_summary_is_its_opening_sentences_in_order() -> None:
    opening = [
        LEAD,
        "Port officials said ships were diverted to Burgas while crews pumped water out.",
        "The mayor promised to rebuild the flood walls before the spring storms arrive.",
    ]
    later = [
        "Schools in the town will stay shut until the water goes down again.",
        "Trains to the coast were cancelled and the main road to Sofia was closed.",
        "Farmers west of the city said the harvest in their fields was lost to the mud.",
    ]
    event = event_of(("Daily A", "2026-01-15", [*opening, *later]))
    summary = summarize(passages_of(event))
    assert [s.text for s in summary] == [*opening, *later[:2]]  # SUMMARY_MAX sentences
    assert all(s.outlets == ("Daily A",) for s in summary)


def test_a_second_sentence_of_a_story_gives_way_to_another_outlets_news() -> None:
    event = event_of(
        (
            "Daily A",
            "2026-01-15",
            [
                LEAD,
                "Floods in Varna kept the port closed to ships for a third day on Monday.",
                "The Varna port floods on Monday stranded ships and closed the harbour roads.",
            ],
        ),
        (
            "Wire B",
            "2026-01-15",
            ["Fishermen in the old town said they had never seen the water rise so fast."],
        ),
    )
    texts = [s.text for s in summarize(passages_of(event))]
    assert texts[0] == LEAD
    assert "Fishermen in the old town said they had never seen the water rise so fast." in texts
