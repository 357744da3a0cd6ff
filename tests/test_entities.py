"""Entities: people, organisations and places, with spellings and posts merged."""

from __future__ import annotations

from briefgen.entities import entities
from briefgen.people import PeopleIndex
from briefgen.records import Entity
from events import event_of, passages_of


def entities_of(*paragraphs: str) -> dict[str, Entity]:
    event = event_of(("Daily A", None, paragraphs))
    passages = passages_of(event)
    return {e.name: e for e in entities(passages, PeopleIndex(passages))}


def test_posts_and_diacritics_merge_into_one_person() -> None:
    found = entities_of(
        "Foreign Minister José Álvarez arrived in Madrid.",
        "Spain's foreign minister Jose Alvarez met the press. Álvarez said little.",
        "Prime Minister Ana Lima welcomed Álvarez in Madrid.",
    )
    alvarez = found["José Álvarez"]
    assert alvarez.kind == "person"
    assert alvarez.variants == ("Jose Alvarez",)
    assert alvarez.mentions == 4
    assert found["Madrid"].kind == "place"


def test_an_acronym_merges_with_the_name_it_spells() -> None:
    found = entities_of(
        "The World Health Organization warned of a new wave.",
        "The WHO said hospitals in Lagos were full. WHO teams flew to Lagos.",
    )
    who = found["WHO"]
    assert who.kind == "organisation"
    assert who.variants == ("World Health Organization",)
    assert who.mentions == 3


def test_capitalised_sentence_openers_are_not_entities() -> None:
    found = entities_of(
        "Meanwhile the rain went on. Meanwhile crews worked, meanwhile others slept."
    )
    assert "Meanwhile" not in found
