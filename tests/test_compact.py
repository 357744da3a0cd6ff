"""The compact sequences that records hold their bodies and furniture in."""

from __future__ import annotations

import pickle
import random
import tracemalloc

import pytest

from briefgen.compact import Packed, Texts
from briefgen.records import Block, Body, Removed

TEXTS = ["Plain words.", "“Curly” quotes — and an em dash", "", "naïve café 東京", "\ud800 lone"]


def test_texts_give_back_every_string_in_order_whatever_its_characters() -> None:
    texts = Texts(TEXTS)
    assert list(texts) == TEXTS
    assert len(texts) == len(TEXTS)
    assert texts[1] == TEXTS[1]
    assert texts[-1] == "\ud800 lone"
    assert texts[1:3] == TEXTS[1:3]


def test_texts_survive_pickling_and_compare_by_content() -> None:
    texts = Texts(TEXTS)
    again = pickle.loads(pickle.dumps(texts))
    assert again == texts
    assert hash(again) == hash(texts)
    assert list(again) == TEXTS
    assert again.digest == texts.digest
    assert Texts(["ab", "c"]) != Texts(["a", "bc"])  # same characters, other strings
    assert Texts(["ab", "c"]).digest != Texts(["a", "bc"]).digest


def test_texts_hold_news_text_in_fewer_bytes_than_its_utf8() -> None:
    pick = random.Random(4).choice
    vocabulary = [*"the of to a in said on for “we” minister’s".split(), *map(str, range(90))]
    paragraphs = [" ".join(pick(vocabulary) for _ in range(60)) + "." for _ in range(1000)]
    Texts(["Warm up: the first texts import the compressor."])
    tracemalloc.start()
    texts = Texts(paragraphs)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert held < 0.6 * len("".join(paragraphs).encode())
    assert list(texts) == paragraphs


REMOVED = (Removed("banner", "Menu", 1), Removed("promo", "Subscribe now", 7))


def test_packed_records_come_back_equal_and_count_without_unpickling() -> None:
    packed = Packed(REMOVED)
    assert len(packed) == 2
    assert tuple(packed) == REMOVED
    assert packed[1] == REMOVED[1]
    assert packed[:1] == REMOVED[:1]
    assert pickle.loads(pickle.dumps(packed)) == packed
    assert not Packed() and len(Packed()) == 0 and tuple(Packed()) == ()


def test_packed_contents_compare_equal_however_their_strings_were_shared() -> None:
    text = "Menu"
    shared = Packed((Removed("banner", text, 1), Removed("banner", text, 2)))
    distinct = Packed((Removed("banner", "".join(["Me", "nu"]), 1), Removed("banner", "Menu", 2)))
    assert shared == distinct
    assert hash(shared) == hash(distinct)
    assert shared != Packed((Removed("banner", "Menu", 1),))


BLOCKS = (
    Block("paragraph", "First “quoted” paragraph."),
    Block("heading", "A subheading"),
    Block("paragraph", "Second paragraph."),
    Block("paragraph", ""),
)


def test_a_body_gives_back_its_blocks_and_its_paragraphs_without_headings() -> None:
    body = Body(BLOCKS)
    assert tuple(body) == BLOCKS
    assert body[1] == Block("heading", "A subheading")
    assert body[:2] == BLOCKS[:2]
    assert len(body) == 4
    assert body.paragraphs == ("First “quoted” paragraph.", "Second paragraph.", "")
    assert body.text == "First “quoted” paragraph. Second paragraph. "


@pytest.mark.parametrize(
    "other",
    [
        (Block("paragraph", "First “quoted” paragraph."), Block("paragraph", "A subheading")),
        (Block("paragraph", "First “quoted” paragraph.A subheading"),),
    ],
)
def test_bodies_differ_where_kinds_or_block_bounds_differ(other: tuple[Block, ...]) -> None:
    assert Body(BLOCKS[:2]) != Body(other)
    assert Body(BLOCKS[:2]).digest != Body(other).digest
    assert Body(BLOCKS[:2]).digest == Body(list(BLOCKS[:2])).digest


def test_a_body_survives_pickling() -> None:
    body = Body(BLOCKS)
    again = pickle.loads(pickle.dumps(body))
    assert again == body
    assert hash(again) == hash(body)
    assert tuple(again) == BLOCKS
    assert not Body()
