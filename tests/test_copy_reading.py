"""copy_reading: dedupe's big-site reading of shingles, with and without the last build's memos."""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations, pairwise

import pytest

from briefgen import copy_reading
from briefgen.dedupe import WordHashes, containment, shingles
from briefgen.load import load_sources
from briefgen.memo import Memos
from briefgen.records import Record
from conftest import MakeSite


def _records(make_site: MakeSite) -> tuple[Record, ...]:
    """Random articles over a small vocabulary, some copied with an edit, one very short."""
    rng = random.Random(8)
    vocabulary = [f"word{number}" for number in range(200)]
    articles = [" ".join(rng.choices(vocabulary, k=rng.randint(20, 90))) for _ in range(40)]
    files = {f"a{i:02}.md": f"# Article {i}\n\n{text}\n" for i, text in enumerate(articles)}
    files.update(
        {f"copy{i:02}.md": f"# Copy {i}\n\n{articles[i]} again\n" for i in range(0, 40, 3)}
    )
    files["short.md"] = "# Short\n\ntwo words\n"
    return load_sources(make_site(files).sources_dir, 1_000_000).records


def test_copies_found_from_a_partial_memo_are_those_found_without_one(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(copy_reading, "_BATCH", 3)  # chunks mixing remembered and read samples
    records = _records(make_site)
    fresh = list(copy_reading.array_copy_pairs(records, 0.7, None))
    assert len(fresh) >= 14  # the copies, at least
    memos = Memos()
    assert list(copy_reading.array_copy_pairs(records, 0.7, memos)) == fresh
    kept = memos.kept()
    assert len(kept["copy-samples"]) == len(records)
    assert len(kept["copy-containment"]) >= len(fresh)
    # The next build remembers every other sample and no containment.
    samples = dict(list(kept["copy-samples"].items())[::2])
    rebuilt = Memos({"copy-samples": samples})
    assert list(copy_reading.array_copy_pairs(records, 0.7, rebuilt)) == fresh
    assert rebuilt.kept()["copy-samples"] == kept["copy-samples"]


def _most_held(pairs: list[tuple[int, int]]) -> int:
    """How many records' sets are held at once, each from its first pair to its last."""
    pending = Counter(record for pair in pairs for record in pair)
    held: set[int] = set()
    most = 0
    for pair in pairs:
        held.update(pair)
        most = max(most, len(held))
        for record in pair:
            pending[record] -= 1
            if not pending[record]:
                held.discard(record)
    return most


def test_pairs_are_compared_in_an_order_holding_few_full_sets() -> None:
    # Records chained in a shuffled order: in the pairs' own order, a record's first and last
    # pairs are far apart, and half the chain is held at once.
    chain = list(range(400))
    random.Random(2).shuffle(chain)
    pairs = sorted((min(a, b), max(a, b)) for a, b in pairwise(chain))
    order = copy_reading._holding_few_order(pairs)
    assert sorted(order) == list(range(len(pairs)))
    assert _most_held(pairs) > 100
    assert _most_held([pairs[index] for index in order]) <= 3


def test_full_sets_made_from_the_kept_word_hashes_are_those_read_from_the_text(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _records(make_site)
    batch = list(range(len(records)))
    sampled = copy_reading.ShingleReader(records)
    sampled.keep_words(batch, sampled.samples(batch)[1])
    # No text is read again: every record's word hashes were kept.
    monkeypatch.setattr(sampled, "_read_word_hashes", lambda unread: [] if not unread else None)
    from_words = sampled.full_sets(batch)
    from_text = copy_reading.ShingleReader(records).full_sets(batch)
    assert from_words[0].tolist() == from_text[0].tolist()
    assert from_words[1].tolist() == from_text[1].tolist()
    assert from_text[0].dtype == from_words[0].dtype
    assert len(from_text[0]) > 1000


def test_containments_read_in_chunks_are_those_of_the_plain_sets(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(copy_reading, "_BATCH", 4)  # many chunks: records read in several
    records = _records(make_site)
    pairs = list(combinations(range(len(records)), 2))
    hashes = WordHashes()
    sets = [shingles(record, hashes) for record in records]
    expected = [containment(sets[left], sets[right]) for left, right in pairs]
    assert sum(share >= 0.7 for share in expected) >= 14  # the copies, at least
    found = copy_reading._containments(copy_reading.ShingleReader(records), pairs)
    assert found == expected
