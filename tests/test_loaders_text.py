"""The copied-text loader: seed facts, line kinds, and article finding on small pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import SEEDS

from briefgen.load import load_sources
from briefgen.loaders import SourceText
from briefgen.loaders.lines import (
    article_end,
    furniture_kind,
    grouped,
    is_headline,
    is_sentence,
    split_lines,
    word_size,
)
from briefgen.loaders.text import load
from briefgen.records import Record


@pytest.fixture(scope="module")
def seeds() -> dict[str, Record]:
    """The seed records by the three-digit prefix of their file names."""
    result = load_sources(SEEDS, 10_000_000)
    return {record.path[:3]: record for record in result.records}


def body_text(record: Record) -> str:
    return "\n".join(block.text for block in record.body)


def test_japan_today_seed_metadata(seeds: dict[str, Record]) -> None:
    record = seeds["001"]
    assert record.outlet == "Japan Today"
    assert record.published == "2026-01-15"
    assert record.section == "politics"
    assert record.title == (
        "Koizumi, Hegseth exercise together, discuss alliance amid concerns in Asia"
    )
    assert record.dateline == "WASHINGTON"
    assert record.byline.agency == "Kyodo"


def test_japan_today_seed_caption_and_comments(seeds: dict[str, Record]) -> None:
    record = seeds["001"]
    assert [caption.credit for caption in record.captions] == ["REUTERS/Jonathan Ernst"]
    assert "REUTERS" not in body_text(record)
    assert len(record.comments) == 5
    assert [comment.score for comment in record.comments] == [2, -2, 1, 1, 0]
    body = body_text(record)
    for comment in record.comments:
        own_lines = [line for line in comment.text.split("\n\n") if line not in body]
        assert own_lines, comment.text
    assert "push-up form" not in body


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_department_seeds_title_and_furniture(seeds: dict[str, Record], prefix: str) -> None:
    record = seeds[prefix]
    assert record.title == "Hegseth Hosts Japanese Counterpart at Pentagon"
    body = body_text(record)
    assert body.startswith("Secretary of War Pete Hegseth welcomed")
    for furniture in (".gov", "VIRIN", "Credit:", "Related Stories", "Pentagon Meeting"):
        assert furniture not in body


def test_department_seeds_outlet_and_date_as_each_file_shows(seeds: dict[str, Record]) -> None:
    assert seeds["003"].outlet == "U.S. Department of War"
    assert seeds["002"].published == "2026-01-15"
    kinds = {item.kind for item in seeds["002"].removed}
    assert {"banner", "caption", "credit", "related-links"} <= kinds


def test_wion_seed_promos_removed_and_subheadings_kept(seeds: dict[str, Record]) -> None:
    record = seeds["000"]
    assert record.outlet == "WION"
    promos = {item.text for item in record.removed if item.kind == "promo"}
    assert promos == {"Add WION as a Preferred Source", "Scroll down to see the video."}
    assert "Preferred Source" not in body_text(record)
    assert "Scroll down" not in body_text(record)
    headings = [block.text for block in record.body if block.kind == "heading"]
    assert "US–Japan defence talks focus on China, North Korea threats" in headings


def test_seed_without_outlet_or_headline_takes_title_from_text(seeds: dict[str, Record]) -> None:
    record = seeds["004"]
    assert record.outlet is None
    assert record.title_from_body
    first = record.paragraphs[0]
    assert first.startswith(record.title)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("© 2024 Example Media Ltd. All rights reserved.", "copyright"),
        # ASCII lines are screened by their lower-case words before the case-blind patterns.
        ("(c) 2024 Example Media", "copyright"),
        ("COPYRIGHT 2024 EXAMPLE MEDIA", "copyright"),
        ("Example Media 2024, ALL RIGHTS RESERVED", "copyright"),
        ("Rights reserved by the league", None),
        ("Protesters gather in the square (PHOTO: Jane Doe)", "caption"),
        ("Protesters gather in the square (Pictured: the mayor)", None),
        ("Add Example News As A TRUSTED SOURCE", "promo"),
        ("3 ( +4 / -1 )", "comment"),
        ("Credit: Jane Doe", "credit"),
        ("Home > World > Asia", "breadcrumb"),
        ("https://example.org/story", "related-links"),
        ("Related Stories", "related-links"),
        ("Subscribe to our newsletter", "promo"),
        ("Add Example News as a Preferred Source", "promo"),
        ("The minister waves to reporters. REUTERS/Jane Doe", "caption"),
        ("Protesters gather in the square (Image: GETTY)", "caption"),
        (
            "Is Violence In Sports On The Rise?Violence is part of the game, fans say.",
            "related-links",
        ),
        ("Storm Hits The Coast TonightHeavy rain fell on the town for hours.", "related-links"),
        ("Sony said the PlayStation will cost less than the previous model did.", None),
        ("The minister said the talks would resume on Monday after a short break.", None),
        ("Trade talks stall over tariffs", None),
    ],
)
def test_furniture_kinds(line: str, kind: str | None) -> None:
    assert furniture_kind(split_lines(line)[0]) == kind


@pytest.mark.parametrize(
    ("word", "matches"),
    [
        ("add", True),
        ("Ask", True),
        ("sign up", True),
        ("see", True),
        ("sign", False),
        ("ad", False),
    ],
)
def test_grouped_alternatives_match_the_words_given(word: str, matches: bool) -> None:
    pattern = re.compile(grouped("add|ask|sign up|see|sign in"), re.IGNORECASE)
    assert bool(pattern.fullmatch(word)) is matches


@pytest.mark.parametrize(
    ("line", "sentence", "headline"),
    [
        ("The minister said the talks would resume on Monday after a break.", True, False),
        ("Trade talks stall over tariffs as deadline nears", False, True),
        ("Will the talks resume?", False, True),
        ("Home", False, False),
        ("Der Minister sagte, die Gespräche würden am Montag fortgesetzt.", True, False),
        ("大臣は月曜日に協議を再開すると述べた。", True, False),
        # Capitals outside ASCII count as capitals: a title-cased run is not prose.
        ("Élan Été Énergie Œuvre Ça Paris Lyon Nice Metz Rome.", False, None),
        (
            "World Business Markets Technology Science Health Sports Culture Opinion Video "
            "Podcasts Newsletters Events Jobs Travel Style Food Books Music Film",
            False,
            None,
        ),
    ],
)
def test_sentence_and_headline_shapes(line: str, sentence: bool, headline: bool | None) -> None:
    parsed = split_lines(line)[0]
    assert is_sentence(parsed) is sentence
    if headline is not None:
        assert is_headline(parsed) is headline


def test_unspaced_scripts_count_characters_as_half_words() -> None:
    assert word_size("one two three") == 3
    assert word_size("大臣は協議") == 2.5


PROSE = [
    "The city council approved the new budget on Tuesday after a long debate.",
    "Council members said the plan would fund three new schools and a library.",
    "Opponents argued that the tax increase would hurt small businesses in the area.",
    "The mayor is expected to sign the budget into law later this week, officials said.",
]


def page(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def load_text(text: str) -> Record:
    return load(SourceText("page.txt", text))


def test_menus_and_footer_around_the_article_are_removed() -> None:
    text = page(
        "Home",
        "News",
        "Sport",
        "Weather",
        "",
        "Council approves new city budget",
        "",
        *PROSE,
        "",
        "Most Popular",
        "Storm hits coast",
        "Team wins final",
        "",
        "© 2024 Example Media",
        "Privacy Policy",
        "Terms of Use",
    )
    record = load_text(text)
    assert record.title == "Council approves new city budget"
    assert list(record.paragraphs) == PROSE
    assert {"banner", "copyright"} <= {item.kind for item in record.removed}


def test_related_teasers_after_a_short_article_are_not_body() -> None:
    teasers = [
        line
        for number in range(1, 9)
        for line in (
            f"Other story number {number} makes news",
            f"This is the teaser of story {number}, which is about something else entirely.",
        )
    ]
    record = load_text(page("Council approves new city budget", *PROSE, "", "More news", *teasers))
    assert list(record.paragraphs) == PROSE


def test_stamped_comments_after_the_article_are_not_body() -> None:
    text = page(
        "Council approves new city budget",
        *PROSE,
        "",
        "Jane Reader",
        "March 3, 2024 at 10:15 am",
        "I think this budget is a mistake and the council should think again about it.",
        "Joe Reader",
        "March 3, 2024 at 11:40 am",
        "Finally some money for schools, which this town has needed for a very long time.",
    )
    record = load_text(text)
    assert list(record.paragraphs) == PROSE


def test_embedded_post_with_stamp_after_its_text_stays_in_the_article() -> None:
    lines = split_lines(
        page(
            *PROSE[:2],
            "Great news for our schools today, thanks to everyone who worked on this budget!",
            "— City Hall (@cityhall) March 3, 2024",
            *PROSE[2:],
            "Jane Reader",
            "March 3, 2024 at 10:15 am",
            "I think this budget is a mistake and the council should think again about it.",
            "Joe Reader",
            "March 3, 2024 at 11:40 am",
            "Finally some money for schools, which this town has needed for a very long time.",
        )
    )
    end = article_end(lines, 0, len(lines) - 1)
    assert lines[end - 1].text == PROSE[-1]


def test_subheading_between_paragraphs_is_kept_as_heading() -> None:
    record = load_text(page("Council approves budget", *PROSE[:2], "What happens next", *PROSE[2:]))
    assert [block.kind for block in record.body] == [
        "paragraph",
        "paragraph",
        "heading",
        "paragraph",
        "paragraph",
    ]


def test_japanese_article_is_found_among_menus() -> None:
    prose = [
        "市議会は火曜日、長い議論の末に新しい予算案を承認した。",
        "議員らによると、この計画は三つの新しい学校と図書館の建設に充てられる。",
        "反対派は、増税が地域の中小企業に打撃を与えると主張した。",
        "市長は今週中に予算案に署名する見通しだと当局者は述べた。",
    ]
    record = load_text(page("ホーム", "ニュース", "スポーツ", "", *prose, "", "関連記事", "天気"))
    assert list(record.paragraphs) == prose


def test_read_from_a_file_through_the_load_stage(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(page("Council approves budget", *PROSE), encoding="utf-8")
    result = load_sources(tmp_path, 1_000_000)
    assert [record.format for record in result.records] == ["text"]
    assert result.records[0].paragraphs[0] == PROSE[0]


def test_byline_and_date_time_lines_under_the_headline_date_the_story() -> None:
    text = page(
        "Home",
        "News",
        "",
        "Council approves new city budget",
        "",
        "By Jane Doe and John Roe",
        "",
        "23 July 2025, 15:45 UTC",
        "",
        *PROSE,
    )
    record = load_text(text)
    assert record.title == "Council approves new city budget"
    assert record.published == "2025-07-23"
    assert record.byline.people == ("Jane Doe", "John Roe")
    assert list(record.paragraphs) == PROSE
    assert [block.kind for block in record.body] == ["paragraph"] * len(PROSE)
    metadata = [item.text for item in record.removed if item.kind == "metadata"]
    assert metadata == ["By Jane Doe and John Roe", "23 July 2025, 15:45 UTC"]


def test_calls_to_action_inside_paragraphs_are_cut_and_prose_about_them_kept() -> None:
    promo_paragraph = (
        "The council met on Tuesday to vote on the plan. Subscribe to our newsletter! "
        'The mayor said "it is done." Sign up for alerts.'
    )
    prose_paragraph = "Residents can read the plan online and share their views before the vote."
    record = load_text(page("Council approves budget", PROSE[0], promo_paragraph, prose_paragraph))
    paragraphs = [block.text for block in record.body]
    kept = 'The council met on Tuesday to vote on the plan. The mayor said "it is done."'
    assert paragraphs[1] == kept
    assert paragraphs[2] == prose_paragraph
    promos = [item.text for item in record.removed if item.kind == "promo"]
    assert promos == ["Subscribe to our newsletter!", "Sign up for alerts."]
