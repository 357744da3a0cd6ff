"""Coverage: one entry per outlet with what only it reports."""

from __future__ import annotations

from briefgen.coverage import coverage
from briefgen.passages import content_terms, event_terms, story_terms
from events import event_of, passages_of

EVENT = event_of(
    (
        "Daily A",
        "2026-01-15",
        ["Floods closed the northern port of Varna on Monday after heavy rain."],
    ),
    (
        None,
        None,
        [
            "Floods closed the northern port of Varna on Monday after heavy rain.",
            "Insurers expect record claims from shopkeepers along the drowned seafront promenade.",
        ],
    ),
)


def test_each_story_is_listed_with_what_only_it_reports() -> None:
    found = coverage(EVENT, passages_of(EVENT))
    assert [(c.outlet, c.headline, c.published) for c in found] == [
        ("Daily A", "Headline 0", "2026-01-15"),
        ("story-1.md", "Headline 1", None),
    ]
    assert found[0].only_here == ()
    assert found[1].only_here == (
        "Insurers expect record claims from shopkeepers along the drowned seafront promenade.",
    )


def test_story_terms_are_each_storys_body_words_and_how_many_stories_use_each() -> None:
    terms = story_terms(passages_of(EVENT))
    assert list(terms) == [story.id for story in EVENT.stories]
    for story in EVENT.stories:
        said = " ".join(story.record.paragraphs)
        assert terms[story.id] == content_terms(said)
    vocabulary = event_terms(passages_of(EVENT))
    assert vocabulary.by_story == terms
    assert vocabulary.stories_using["flood"] == 2
    assert vocabulary.stories_using["insurer"] == 1
    assert coverage(EVENT, passages_of(EVENT), vocabulary) == coverage(EVENT, passages_of(EVENT))
