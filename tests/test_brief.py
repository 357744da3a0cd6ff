"""The brief stage on the seeds and on generated events: every line traceable to a source."""

from __future__ import annotations

import json
import pickle
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import briefgen.brief
from briefgen.brief import brief, brief_events, reactions, shorten_lead
from briefgen.build import analyse
from briefgen.compact import Packed
from briefgen.config import Config
from briefgen.dedupe import dedupe
from briefgen.load import load_sources
from briefgen.normalize import clean_spaces
from briefgen.records import Brief, Comment, Event, Story
from briefgen.report import analysis_json
from briefgen.sentences import split_sentences
from conftest import SEEDS, MakeSite
from events import record

UNDATED_FILE = "004_cb035226ff81bacd.txt"


def seed_event() -> Event:
    """All seed stories as one event: the brief stage's input, whatever clustering does."""
    loaded = load_sources(SEEDS, 10_000_000)
    stories = dedupe(loaded.records, 0.8)
    return Event("seeds", "seeds", stories)


@pytest.fixture(scope="module")
def seed_brief() -> Brief:
    return brief(seed_event())


def plain(text: str) -> str:
    """Whitespace and quote marks normalised, for finding a brief's line in a body."""
    return clean_spaces(text)


def bodies(event: Event) -> str:
    return "\n".join(
        plain(paragraph)
        for story in event.stories
        for record in (story.record, *story.copies)
        for paragraph in record.paragraphs
    )


def test_headline_is_a_real_headline_of_the_event(seed_brief: Brief) -> None:
    titles = {s.record.title for s in seed_brief.event.stories if not s.record.title_from_body}
    assert seed_brief.headline in titles


def test_summary_has_three_to_five_sentences_each_in_the_paragraph_it_cites(
    seed_brief: Brief,
) -> None:
    assert 3 <= len(seed_brief.summary) <= 5
    stories = {story.id: story for story in seed_brief.event.stories}
    for sentence in seed_brief.summary:
        cited = [stories[ref.story_id].record.paragraphs[ref.paragraph] for ref in sentence.sources]
        assert any(sentence.text in paragraph for paragraph in cited), sentence.text


def test_reader_comments_never_feed_the_brief(seed_brief: Brief) -> None:
    body = bodies(seed_brief.event)
    comment_only = [
        line
        for story in seed_brief.event.stories
        for comment in story.record.comments
        for line in split_sentences(plain(comment.text))
        if line not in body and len(line.split()) >= 4
    ]
    assert any("lays it on thick" in line for line in comment_only)
    shown = [
        *(s.text for s in seed_brief.summary),
        *(q.text for q in seed_brief.quotes),
        *(e.text for e in seed_brief.timeline),
        *(line for c in seed_brief.coverage for line in c.only_here),
    ]
    for line in comment_only:
        assert not any(line in plain(text) for text in shown), line


def test_comments_are_kept_apart_as_reactions(seed_brief: Brief) -> None:
    texts = [reaction.text for reaction in seed_brief.reactions]
    assert any("push-up form" in text for text in texts)
    assert all(reaction.outlet == "Japan Today" for reaction in seed_brief.reactions)


def test_the_two_outlets_quoting_the_same_words_make_one_quote_of_one_speaker(
    seed_brief: Brief,
) -> None:
    matching = [q for q in seed_brief.quotes if "every way possible" in q.text]
    assert len(matching) == 1
    quote = matching[0]
    assert quote.speaker == "Pete Hegseth"
    assert set(quote.outlets) == {"Japan Today", "U.S. Department of War"}


def test_quotes_appear_in_a_source_body_with_their_speaker(seed_brief: Brief) -> None:
    text = bodies(seed_brief.event)
    for quote in seed_brief.quotes:
        assert plain(quote.text) in text
    speakers = {q.speaker for q in seed_brief.quotes}
    assert speakers <= {"Pete Hegseth", "Shinjiro Koizumi", "Shinjirō Koizumi"}


def test_the_outlet_less_file_disagrees_on_the_meeting_date(seed_brief: Brief) -> None:
    dates = [d for d in seed_brief.disagreements if d.topic.startswith("date")]
    values = [{claim.value: claim.outlets for claim in d.claims} for d in dates]
    meeting = next(v for v in values if "2026-01-17" in v)
    assert UNDATED_FILE in meeting["2026-01-17"]
    assert (
        "Japan Today" in meeting["2026-01-15"] or "U.S. Department of War" in meeting["2026-01-15"]
    )
    workout = next(v for v in values if "2026-01-16" in v)
    assert UNDATED_FILE in workout["2026-01-16"]
    assert "2026-01-15" in workout


def test_timeline_is_in_date_order_with_relative_dates_resolved(seed_brief: Brief) -> None:
    dates = [entry.date for entry in seed_brief.timeline]
    assert dates == sorted(dates)
    thursday = [e for e in seed_brief.timeline if "on Thursday" in e.text]
    assert thursday
    assert all(entry.date == "2026-01-15" for entry in thursday)
    assert any(e.date == "2026-01-16" and e.outlet == UNDATED_FILE for e in seed_brief.timeline)


def test_coverage_names_each_story_and_what_only_it_reports(seed_brief: Brief) -> None:
    outlets = [item.outlet for item in seed_brief.coverage]
    assert sorted(outlets) == sorted(
        ["WION", "Japan Today", "U.S. Department of War", UNDATED_FILE]
    )
    wion = next(item for item in seed_brief.coverage if item.outlet == "WION")
    assert any("Tomodachi" in sentence for sentence in wion.only_here)


def test_entities_merge_spellings_and_titles(seed_brief: Brief) -> None:
    people = {e.name: e for e in seed_brief.entities if e.kind == "person"}
    koizumi = next(e for name, e in people.items() if name.endswith("Koizumi"))
    assert {koizumi.name, *koizumi.variants} == {"Shinjiro Koizumi", "Shinjirō Koizumi"}
    assert "Pete Hegseth" in people
    assert not any("Secretary" in name for name in people)


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("Ships docked.", "Ships docked"),
        (
            "Japan's Defense Minister Shinjiro Koizumi visited the United States to bolster the "
            "Japan-U.S. alliance, meeting U.S. Defense Secretary Pete Hegseth.",
            "Japan's Defense Minister Shinjiro Koizumi visited the United States to bolster the "
            "Japan-U.S. alliance",
        ),
    ],
)
def test_a_lead_sentence_headline_is_cut_at_a_phrase_boundary(lead: str, expected: str) -> None:
    assert shorten_lead(lead) == expected


def test_inspect_json_carries_the_brief_of_every_event(make_site: MakeSite) -> None:
    config: Config = make_site(seeds=True)
    document = json.loads(analysis_json(analyse(config)))
    for event in document["events"]:
        assert {"summary", "quotes", "timeline", "coverage", "disagreements", "entities"} <= set(
            event
        )
        story_ids = set(event["stories"])
        for sentence in event["summary"]:
            assert set(sentence["sources"]) <= story_ids


# -- property: whatever the event, every summary sentence and quote is in a source body ------

_VOCABULARY = (
    "the minister said talks would resume on Monday after a storm hit port city officials "
    "and ships were docked while rescue teams searched"
)
_WORD = st.sampled_from(_VOCABULARY.split())
_NAME = st.sampled_from(["Ana Lima", "Jon Park", "Mia Chen"])


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORD, min_size=4, max_size=14))
    text = " ".join(words).capitalize() + "."
    if draw(st.booleans()):
        quote_marks = draw(st.sampled_from([("“", "”"), ('"', '"')]))
        said = draw(st.sampled_from(["{n} said.", "said {n}.", "{n} told reporters."]))
        quoted = " ".join(draw(st.lists(_WORD, min_size=5, max_size=10)))
        name = draw(_NAME)
        text += f" {quote_marks[0]}{quoted.capitalize()},{quote_marks[1]} {said.format(n=name)}"
    return text


@st.composite
def _event(draw: st.DrawFn) -> Event:
    count = draw(st.integers(min_value=1, max_value=4))
    stories = []
    for index in range(count):
        paragraphs = draw(
            st.lists(
                st.lists(_sentence(), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=4
            )
        )
        outlet = draw(st.sampled_from([None, "Daily A", "Daily B", "Wire C"]))
        made = record(index, paragraphs, outlet)
        stories.append(Story(made.id, made))
    return Event("generated", "generated", tuple(stories))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_event())
def test_every_summary_sentence_and_quote_is_in_a_source_body(event: Event) -> None:
    result = brief(event)
    text = bodies(event)
    for sentence in result.summary:
        assert plain(sentence.text) in text
    for quote in result.quotes:
        assert plain(quote.text) in text
        assert quote.speaker is None or re.fullmatch(r"(Ana Lima|Jon Park|Mia Chen)", quote.speaker)


def test_a_comment_carried_by_two_copies_of_a_story_is_one_reaction() -> None:
    first = replace(
        record(0, ["Ships docked at the northern port."], "Daily A"),
        comments=Packed((Comment("Good news for the port.", 3),)),
    )
    copy = replace(
        first, id="r9", path="copy.md", comments=Packed((Comment("Good news for the port.", 3),))
    )
    event = Event("e", "e", (Story(first.id, first, (copy,)),))
    assert [(r.text, r.outlet) for r in reactions(event)] == [
        ("Good news for the port.", "Daily A")
    ]


def test_many_events_are_briefed_in_order_with_the_same_briefs(
    seed_brief: Brief, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(briefgen.brief, "PARALLEL_MIN_EVENTS", 10)  # workers, where fork exists
    event = seed_event()
    events = [replace(event, id=f"seeds-{n}", slug=f"seeds-{n}") for n in range(24)]
    briefs = list(brief_events(events))
    assert [made.event for made in briefs] == events
    assert [replace(made, event=event) for made in briefs] == [seed_brief] * 24
    assert briefs[5].event is events[5]


def test_a_brief_sent_back_by_a_worker_arrives_whole(seed_brief: Brief) -> None:
    sent = pickle.loads(pickle.dumps(seed_brief, protocol=pickle.HIGHEST_PROTOCOL))
    assert sent == seed_brief
    assert sent.summary[0].sources == seed_brief.summary[0].sources
    assert repr(sent) == repr(seed_brief)
