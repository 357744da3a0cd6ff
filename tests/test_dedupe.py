"""The dedupe stage: copies of one article become one story, the cleanest copy canonical."""

from __future__ import annotations

import random

import pytest

import briefgen.dedupe as dedupe_stage
from briefgen import copy_arrays, copy_reading
from briefgen.build import analyse
from briefgen.dedupe import dedupe
from briefgen.load import load_sources
from conftest import MakeSite

ARTICLE = (
    "The city council voted on Tuesday to close the old harbour bridge to heavy lorries after "
    "engineers found cracks in two of its steel supports during a routine inspection.\n\n"
    "The mayor, Ellen Marsh, said the closure would last at least six months while repairs are "
    "designed, and that buses would be diverted through the northern ring road.\n\n"
    "Hauliers warned that the detour would add forty minutes to deliveries into the port, and "
    "asked the council to publish the engineers' report in full.\n"
)
OTHER = (
    "A local bakery won the regional bread prize for the third year running, beating forty other "
    "entrants with a rye loaf made from grain grown on the owner's farm.\n\n"
    "The judges praised its crust and said the competition had never been closer.\n"
)


def _front(title: str, outlet: str, date: str) -> str:
    return f"---\ntitle: {title}\noutlet: {outlet}\ndate: {date}\n---\n\n"


def test_seed_copies_become_one_story(make_site: MakeSite) -> None:
    analysis = analyse(make_site(seeds=True))
    assert len(analysis.loaded.records) == 5
    assert len(analysis.stories) == 4
    with_copies = [story for story in analysis.stories if story.copies]
    assert len(with_copies) == 1
    story = with_copies[0]
    assert story.record.title == "Hegseth Hosts Japanese Counterpart at Pentagon"
    assert {story.record.path, story.copies[0].path} == {
        "002_f3be9ecf279208e2.txt",
        "003_43072b42a4d9b1ca.txt",
    }


def test_wire_copy_in_two_outlets_is_one_story_with_both_outlets(make_site: MakeSite) -> None:
    config = make_site(
        {
            "a.md": _front("Harbour bridge shut to lorries", "Northern Ledger", "2025-03-04")
            + ARTICLE,
            # the same wire text with typographic quotes, a dash and an agency line
            "b.md": _front("Cracks close harbour bridge", "Daily Meridian", "2025-03-04")
            + ARTICLE.replace("engineers' report", "engineers’ report").replace(", and", " — and")
            + "\n(Reporting by the wire desk)\n",
            "c.md": _front("Bakery wins bread prize", "Northern Ledger", "2025-03-04") + OTHER,
        }
    )
    stories = analyse(config).stories
    assert len(stories) == 2
    bridge = next(story for story in stories if story.copies)
    assert sorted(bridge.outlets) == ["Daily Meridian", "Northern Ledger"]
    assert {bridge.record.path, *(copy.path for copy in bridge.copies)} == {"a.md", "b.md"}


def test_the_more_complete_copy_is_canonical_and_lends_missing_metadata(
    make_site: MakeSite,
) -> None:
    config = make_site(
        {
            "scrape-1.txt": "\n\n".join(ARTICLE.split("\n\n")[:2]) + "\n",
            "scrape-2.md": _front("Harbour bridge shut to lorries", "Northern Ledger", "2025-03-04")
            + ARTICLE,
        }
    )
    (story,) = analyse(config).stories
    assert story.record.path == "scrape-2.md"
    assert [copy.path for copy in story.copies] == ["scrape-1.txt"]
    assert story.record.published == "2025-03-04"


def test_different_articles_stay_apart_and_order_does_not_matter(make_site: MakeSite) -> None:
    config = make_site({"a.txt": ARTICLE, "b.txt": OTHER, "c.txt": ARTICLE})
    records = load_sources(config.sources_dir, 10_000_000).records
    forward = dedupe(records, config.copy_threshold)
    backward = dedupe(tuple(reversed(records)), config.copy_threshold)
    assert [(s.record.path, [c.path for c in s.copies]) for s in forward] == [
        ("a.txt", ["c.txt"]),
        ("b.txt", []),
    ]
    assert forward == backward


def test_an_edited_copy_is_found_among_many_articles(make_site: MakeSite) -> None:
    # Forty distinct articles, one of them copied with a sentence cut and two words changed.
    files = {
        f"story-{n:02}.txt": f"Report number {n} on the harvest in valley {n}. "
        + " ".join(
            f"In district {n}-{k} the farmers counted {n * k} sacks of grain." for k in range(12)
        )
        + "\n"
        for n in range(40)
    }
    original = ARTICLE.split("\n\n")
    files["bridge.txt"] = ARTICLE
    files["bridge-copy.txt"] = (
        "\n\n".join(
            [original[0].replace("Tuesday", "Wednesday"), original[1].replace("six", "seven")]
        )
        + "\n"
    )
    config = make_site(files)
    stories = dedupe(load_sources(config.sources_dir, 10_000_000).records, config.copy_threshold)
    merged = sorted(
        sorted([story.record.path, *(copy.path for copy in story.copies)])
        for story in stories
        if story.copies
    )
    assert merged == [["bridge-copy.txt", "bridge.txt"]]
    assert len(stories) == 41


def test_numpy_dedupe_finds_the_copies_plain_python_finds(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert copy_arrays.tuple_hash_matches()
    rng = random.Random(3)
    vocabulary = [f"word{number}" for number in range(300)]
    articles = [" ".join(rng.choices(vocabulary, k=rng.randint(0, 120))) for _ in range(60)]
    files = {f"a{i}.md": f"# Article {i}\n\n{text}\n" for i, text in enumerate(articles)}
    # Copies with an edit, short texts and a text of fewer words than a shingle.
    files.update({f"copy{i}.md": f"# Copy {i}\n\n{articles[i]} edited\n" for i in range(0, 60, 7)})
    files["short.md"] = "# Short\n\nthree words here\n"
    # Texts folding to ASCII (accents, curly quotes) and one that does not, each with a copy.
    folded = " ".join(["Café “Zürich” naïve", *vocabulary[:40]])
    unfolded = " ".join(["東京 北京 Straße", *vocabulary[40:80]])
    for name, text in (("folded", folded), ("unfolded", unfolded)):
        files[f"{name}.md"] = f"# {name}\n\n{text}\n"
        files[f"{name}-copy.md"] = f"# {name} copy\n\n{text} again\n"
    records = load_sources(make_site(files).sources_dir, 1_000_000).records
    monkeypatch.setattr(dedupe_stage, "ARRAY_MIN_STORIES", 10**9)
    plain = dedupe(records, 0.7)
    monkeypatch.setattr(dedupe_stage, "ARRAY_MIN_STORIES", 0)
    monkeypatch.setattr(copy_reading, "_BATCH", 16)
    assert dedupe(records, 0.7) == plain
    assert sum(len(story.copies) for story in plain) >= 10
    copied = {copy.path for story in plain for copy in story.copies}
    assert copied >= {"folded.md", "unfolded.md"}


def test_copies_ranked_in_workers_make_the_same_stories(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(4)
    vocabulary = [f"word{number}" for number in range(400)]
    files = {}
    for group in range(12):
        text = " ".join(rng.choices(vocabulary, k=80))
        # Three copies each: the longest (most body words) is the story's canonical record.
        files[f"g{group:02}-short.md"] = f"# Copy\n\n{text}\n"
        files[f"g{group:02}-long.md"] = f"# Copy\n\n{text} with a longer ending\n"
        files[f"g{group:02}-mid.md"] = f"# Copy\n\n{text} ending\n"
    records = load_sources(make_site(files).sources_dir, 1_000_000).records
    monkeypatch.setattr(dedupe_stage, "_PARALLEL_COPIES", 10**9)
    here = dedupe(records, 0.7)
    assert len(here) == 12
    assert all(story.record.path.endswith("-long.md") for story in here)
    monkeypatch.setattr(dedupe_stage, "_PARALLEL_COPIES", 0)
    monkeypatch.setattr(dedupe_stage, "_CHUNK", 5)  # chunks splitting the stories' copies
    assert dedupe(records, 0.7) == here
