"""Memos: a rebuild reads again only the texts that changed, and builds what a fresh build does."""

from __future__ import annotations

import filecmp
from dataclasses import replace
from pathlib import Path

import pytest

import briefgen.copy_reading
import briefgen.dedupe
import briefgen.similarity
from briefgen.build import build
from briefgen.cache import BuildCache
from briefgen.cache_data import read_memos
from briefgen.memo import Memo, Memos, TextKeys, Vocabulary, text_key
from briefgen.records import Record, Story
from conftest import MakeSite


def story(title: str, day: int, body: str) -> str:
    return f"---\ntitle: {title}\noutlet: Valley News\ndate: 2026-04-{day:02d}\n---\n{body}\n"


DAM = (
    "The Kessel dam opened a second spillway on Friday, engineers said. The spillway can "
    "release 900 cubic metres of water a second during floods, twice the old capacity."
)
SOURCES = {
    "dam.md": story("Valley dam opens its new spillway", 3, DAM),
    "dam-copy.md": story("Valley dam opens new spillway", 3, DAM + " Work took two years."),
    "dam-follow.md": story(
        "Engineers test the Kessel dam spillway",
        4,
        "Engineers tested the new Kessel dam spillway on Saturday, releasing 500 cubic "
        "metres a second. The dam's operator said the test went as planned.",
    ),
    "library.md": story(
        "City library extends its opening hours",
        5,
        "The central library will open until 10pm on weekdays from May, the council said. "
        "The change costs 40,000 euros a year and adds two evening staff.",
    ),
    "ferry.md": story(
        "Ferry fares rise by a tenth",
        6,
        "Ferry fares across the bay rise by ten percent in June, the operator announced. "
        "Season tickets keep their price until the end of the year.",
    ),
}


@pytest.fixture
def memoised(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Memos on for a five-story site (they start at hundreds of stories), and the texts that
    dedupe and clustering read, by stage."""
    monkeypatch.setattr(briefgen.dedupe, "ARRAY_MIN_STORIES", 0)
    monkeypatch.setattr(briefgen.similarity, "MEMO_MIN_STORIES", 0)
    read: dict[str, list[str]] = {"dedupe": [], "cluster": []}
    real_hashes = briefgen.copy_reading.ShingleReader._batch_word_hashes
    real_terms = briefgen.similarity.story_terms

    def word_hashes(reader: briefgen.copy_reading.ShingleReader, batch: list[int]):  # type: ignore[no-untyped-def]
        read["dedupe"].extend(reader._records[index].path for index in batch)
        return real_hashes(reader, batch)

    def story_terms(item: Story, weights: briefgen.similarity.Weights):  # type: ignore[no-untyped-def]
        read["cluster"].append(item.record.path)
        return real_terms(item, weights)

    monkeypatch.setattr(briefgen.copy_reading.ShingleReader, "_batch_word_hashes", word_hashes)
    monkeypatch.setattr(briefgen.similarity, "story_terms", story_terms)
    return read


def same_tree(first: Path, second: Path) -> bool:
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    return not mismatch and not errors


def test_a_one_file_change_reads_only_that_text_again(
    make_site: MakeSite, memoised: dict[str, list[str]], tmp_path: Path
) -> None:
    config = make_site(SOURCES)
    first = build(config, cache=BuildCache(config.cache_dir))
    assert len(first.analysis.stories) == 4  # the dam story has a copy
    # the longer copy of the dam story is its canonical record
    assert sorted(memoised["cluster"]) == ["dam-copy.md", "dam-follow.md", "ferry.md", "library.md"]
    for reads in memoised.values():
        reads.clear()
    ferry = config.sources_dir / "ferry.md"
    ferry.write_text(ferry.read_text().replace("ten percent", "twelve percent"))
    build(config, cache=BuildCache(config.cache_dir))
    assert memoised["cluster"] == ["ferry.md"]
    # its samples, then its full shingles: the new text forms new candidate pairs
    assert set(memoised["dedupe"]) == {"ferry.md"}
    fresh = replace(config, output=str(tmp_path / "fresh"))
    build(fresh)  # no cache, no memo
    assert same_tree(config.output_dir, fresh.output_dir)
    assert any("twelve percent" in page.read_text() for page in config.output_dir.rglob("*.html"))


def test_the_saved_memo_holds_only_what_the_current_texts_need(
    make_site: MakeSite, memoised: dict[str, list[str]]
) -> None:
    config = make_site(SOURCES)
    build(config, cache=BuildCache(config.cache_dir))
    assert len(read_memos(config.cache_dir)["story-readings"]) == 4
    (config.sources_dir / "ferry.md").unlink()
    (config.sources_dir / "library.md").write_text(story("Library hours", 5, "Open late."))
    build(config, cache=BuildCache(config.cache_dir))
    saved = read_memos(config.cache_dir)
    assert len(saved["story-readings"]) == 3  # the two dam stories and the new library text
    assert len(saved["copy-samples"]) == 4  # dam and its copy have different texts


def test_a_memo_keeps_what_a_build_used_or_added() -> None:
    memo: Memo[int] = Memo({"a": 1, "b": 2})
    assert memo.get("a") == 1
    assert memo.get("z") is None
    memo.put("c", 3)
    assert memo.kept == {"a": 1, "c": 3}  # "b" was not asked for: nothing needs it now
    memos = Memos({"table": {"x": 9}})
    assert memos.table("table").get("x") == 9
    assert memos.table("other").get("x") is None
    assert memos.kept() == {"table": {"x": 9}, "other": {}}


def test_keys_of_texts_with_a_shared_start_are_those_of_the_whole_texts() -> None:
    key = TextKeys("lineage", "weights")
    assert key("title", "body") == text_key("lineage", "weights", "title", "body")
    assert key("title", "body") == key("title", "body")  # the shared start is not used up
    assert key("title", "body") != key("titlebody", "")  # parts are kept apart
    assert key("tïtle", "\ud800") == text_key("lineage", "weights", "tïtle", "\ud800")


def test_stories_read_the_same_with_and_without_a_memo(
    make_site: MakeSite, memoised: dict[str, list[str]]
) -> None:
    config = make_site(SOURCES)
    records: tuple[Record, ...] = build(config).analysis.loaded.records
    stories = [Story(record.id, record) for record in records]
    weights = briefgen.similarity.Weights()
    plain = briefgen.similarity.profile(stories, weights)
    memos = Memos()
    filling = briefgen.similarity.profile(stories, weights, memos)
    memoised["cluster"].clear()
    reused = briefgen.similarity.profile(stories, weights, Memos(memos.kept()))
    assert memoised["cluster"] == []
    assert plain == filling == reused
    assert len(plain[0]) == len(records) == 5


def test_a_vocabulary_numbers_strings_alike_from_build_to_build() -> None:
    memo: Memo[tuple[str, ...]] = Memo()
    first = Vocabulary(memo)
    assert [first.numbers[word] for word in ("dam", "spillway", "dam")] == [0, 1, 0]
    first.keep()
    second_memo = Memo(memo.kept)
    second = Vocabulary(second_memo)
    assert (second.lineage, second.known) == (first.lineage, 2)
    assert (second.numbers["spillway"], second.numbers["ferry"]) == (1, 2)
    second.keep()
    third = Vocabulary(Memo(second_memo.kept))
    assert third.numbers == {"dam": 0, "spillway": 1, "ferry": 2}
    # a block lost (a save stopped half way): the numbering starts over, under a new lineage
    later_blocks = {key: block for key, block in second_memo.kept.items() if "ferry" in block}
    fourth = Vocabulary(Memo(later_blocks))
    assert fourth.known == 0 and fourth.lineage not in (first.lineage, "")
    assert fourth.numbers["ferry"] == 0


def five_stories(make_site: MakeSite) -> list[Story]:
    records = build(make_site(SOURCES)).analysis.loaded.records
    return [Story(record.id, record) for record in records]


def test_readings_whose_numbers_the_saved_vocabulary_lacks_are_read_again(
    make_site: MakeSite, memoised: dict[str, list[str]]
) -> None:
    stories = five_stories(make_site)
    weights = briefgen.similarity.Weights()
    plain = briefgen.similarity.profile(stories, weights)
    memos = Memos()
    briefgen.similarity.profile(stories, weights, memos)
    kept = memos.kept()
    # The readings were saved, the vocabulary they number only in part.
    [(key, block)] = kept["story-reading-terms"].items()
    lineage = key.rsplit("-", 2)[0]
    kept["story-reading-terms"] = {f"{lineage}-0-10": block[:10]}  # type: ignore[index]
    memoised["cluster"].clear()
    again = briefgen.similarity.profile(stories, weights, Memos(kept))
    assert len(memoised["cluster"]) == 5
    assert again == plain


def test_a_vocabulary_of_mostly_gone_terms_is_let_go(
    make_site: MakeSite, memoised: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(briefgen.similarity, "_VOCABULARY_MIN", 0)
    stories = five_stories(make_site)
    weights = briefgen.similarity.Weights()
    memos = Memos()
    briefgen.similarity.profile(stories, weights, memos)
    [vocabulary] = memos.kept()["story-reading-terms"].values()
    assert isinstance(vocabulary, tuple)
    smallest = min(stories, key=lambda item: len(briefgen.similarity.story_terms(item, weights)))
    one = Memos(memos.kept())
    briefgen.similarity.profile([smallest], weights, one)
    saved = one.kept()
    used = len(briefgen.similarity.story_terms(smallest, weights))
    assert len(vocabulary) > 3 * used  # the five stories' terms, most not the first one's
    assert saved["story-readings"] == saved["story-reading-terms"] == {}
    kept_all = Memos(memos.kept())
    briefgen.similarity.profile(stories[:3], weights, kept_all)
    assert len(kept_all.kept()["story-readings"]) == 3  # fewer gone: kept
