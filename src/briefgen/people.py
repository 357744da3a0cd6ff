"""Names in an event's text: capitalised runs, titles stripped, surnames resolved to full names."""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import NamedTuple, Protocol

from briefgen.normalize import fold
from briefgen.stopwords import STOPWORDS

# Words that name a post rather than a person ("Secretary of War Pete Hegseth").
TITLE_WORDS = frozenset(
    [
        "secretary",
        "minister",
        "president",
        "prime",
        "vice",
        "chancellor",
        "premier",
        "king",
        "queen",
        "prince",
        "princess",
        "emperor",
        "governor",
        "senator",
        "sen",
        "rep",
        "representative",
        "mayor",
        "judge",
        "justice",
        "chief",
        "director",
        "general",
        "admiral",
        "adm",
        "colonel",
        "col",
        "major",
        "maj",
        "captain",
        "capt",
        "lieutenant",
        "lt",
        "sergeant",
        "sgt",
        "commander",
        "cmdr",
        "officer",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ambassador",
        "envoy",
        "chairman",
        "chairwoman",
        "chair",
        "ceo",
        "leader",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sir",
        "lord",
        "lady",
        "dame",
        "pope",
        "bishop",
        "rev",
        "defense",
        "defence",
        "war",
        "state",
        "foreign",
        "interior",
        "finance",
        "treasury",
        "home",
        "trade",
        "justice",
        "army",
        "navy",
        "air",
        "force",
        "deputy",
        "acting",
        "former",
        "u.s",
        "us",
        "uk",
        "u.k.",
        "attorney",
        "house",
        "speaker",
        "the",
        "of",
        "for",
        "and",
    ]
)
_ORGANISATION_WORDS = """department ministry agency army navy force forces command regiment corps
    party council committee commission court parliament congress senate government administration
    university company inc corp ltd group bank association union organization organisation
    institute office pentagon police guard bureau service house"""
ORGANISATION_WORDS = frozenset(_ORGANISATION_WORDS.split())
"""Words that make a capitalised run an organisation's name."""
_INITIALS = re.compile(r"(?:^|-)(?:\w\.)+$")
_text = attrgetter("text")
_lower_words = attrgetter("lower_words")
_PLACE_WORDS = ("in", "at", "near", "from", "to", "across", "outside", "inside")
UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f\u0391-\u03a9\u0400-\u042f"
"""Capital letters (Latin, Latin-1, Latin Extended-A, Greek, Cyrillic) a name may start with."""
_CAPITALISED = rf"(?:[{UPPER}][\w'’.\-]*\w\.?|[{UPPER}]\.)"
_PERSONAL_TOKEN = re.compile(rf"^(?:[{UPPER}][a-z\u00df-\u024f'\-]+|[{UPPER}]\.)$")
_RUN = rf"{_CAPITALISED}(?:\s+(?:of\s+)?{_CAPITALISED})*"
_NAME_RUN = re.compile(_RUN)
_READ_RUN = re.compile(
    rf"{_RUN}(?:(?=\s+(?:said|says|told|tells|added|wrote|stated)\b)(?P<speaking>))?"
)
"""A name run, and an empty `speaking` group where a verb of saying follows it."""


class NameRun(NamedTuple):
    """A capitalised word run of a sentence, with what its context says about it.

    A tuple: the runs of an event are counted by value, and each distinct one is read once.
    """

    text: str
    """The run as written."""
    opening: bool
    """It opens the sentence (so its first word may be a common word capitalised)."""
    speaking: bool
    """A verb of saying follows it (`Jane Doe said`)."""
    after_place_word: bool
    """`in`, `at`, `near`... (and `the`) are written just before it (`in the Hague`)."""


def name_runs(text: str) -> list[tuple[int, str]]:
    """Capitalised word runs (offset, text), possible names or titles."""
    return [(m.start(), m.group(0)) for m in _NAME_RUN.finditer(text)]


def read_runs(text: str) -> tuple[NameRun, ...]:
    """The capitalised runs of a sentence, each with the words around it read."""
    return tuple(
        NameRun(match[0], offset == 0, match["speaking"] is not None, _after_place(text, offset))
        for match in _READ_RUN.finditer(text)
        for offset in (match.start(),)
    )


def _after_place(text: str, offset: int) -> bool:
    """`in`, `at`, `near`... (then maybe `the`) and spaces written just before the offset.

    The place word ends a word-character run that starts there (`\b`): `(in` counts, `within`
    does not. Read from the words before the offset (far cheaper than a regex search).
    """
    if not offset or not text[offset - 1].isspace():
        return False
    words = text[:offset].rsplit(None, 2)
    if words and words[-1] == "the":
        words.pop()
    return bool(words) and _ends_with_place_word(words[-1])


def _ends_with_place_word(token: str) -> bool:
    return token.endswith(_PLACE_WORDS) and any(
        token.endswith(word) and not _word_character(token[-len(word) - 1 : -len(word)])
        for word in _PLACE_WORDS
    )


def _word_character(character: str) -> bool:
    """A character `\\w` matches (False for none)."""
    return character.isalnum() or character == "_"


def lower_words(tokens: list[str]) -> frozenset[str]:
    """The words written in lower case (ASCII letters) among a text's words (`\\w+` runs)."""
    return frozenset(filter(None, map(_lower_word, tokens)))


@lru_cache(maxsize=65536)
def _lower_word(token: str) -> str:
    """The token (interned) where it is a lower-case word of two letters or more, else ""."""
    lower = token.islower() and token.isalpha() and token.isascii() and len(token) > 1
    return sys.intern(token) if lower else ""


@lru_cache(maxsize=65536)
def strip_titles(run: str) -> str:
    """A capitalised run's words after its last post word (`U.S. Defense Secretary X Y`: `X Y`)."""
    tokens = run.replace("’", "'").split()
    titles = [index for index, token in enumerate(tokens) if _bare(token) in TITLE_WORDS]
    if titles:
        tokens = tokens[titles[-1] + 1 :]
    if tokens and tokens[-1].endswith(".") and not _INITIALS.search(tokens[-1]):
        tokens[-1] = tokens[-1].rstrip(".")
    return " ".join(_possessive(t) for t in tokens)


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A name's matching form (`fold`, cached: the same names recur all through an event)."""
    return fold(name)


@lru_cache(maxsize=65536)
def _keys_last_first(run: str) -> tuple[str, ...]:
    """The matching forms of a run's words after its posts, last word first."""
    return tuple(name_key(token) for token in reversed(strip_titles(run).split()))


@lru_cache(maxsize=65536)
def _has_post(run: str) -> bool:
    return any(_bare(token) in TITLE_WORDS for token in run.split())


@lru_cache(maxsize=65536)
def _after_post(run: str) -> tuple[str, bool] | None:
    """The words after a run's last post word, where it has one and words follow it."""
    after_post = strip_titles(run)
    return (after_post, True) if after_post and _has_post(run) else None


@lru_cache(maxsize=65536)
def _folded_words(run: str) -> tuple[str, ...]:
    return tuple(token.casefold() for token in run.split())


@lru_cache(maxsize=65536)
def _without_first(run: str, skip: int) -> str:
    """`strip_titles` of a run without its first `skip` words."""
    return strip_titles(" ".join(run.split()[skip:]))


@lru_cache(maxsize=65536)
def _surname_key(name: str) -> str:
    """The folded surname of a name of two or three words that looks personal, else ""."""
    tokens = name.split()
    if not 2 <= len(tokens) <= 3 or not _looks_personal(name):
        return ""
    return name_key(tokens[-1])


@lru_cache(maxsize=65536)
def _looks_personal(name: str) -> bool:
    tokens = name.split()
    return not any(_bare(t) in ORGANISATION_WORDS for t in tokens) and all(
        _PERSONAL_TOKEN.match(t) for t in tokens
    )


def _bare(token: str) -> str:
    return token.casefold().strip(".,'")


def _possessive(token: str) -> str:
    return token[:-2] if token.endswith(("'s", "’s")) else token


class ReadSentence(Protocol):
    """A sentence as the brief stage reads it (see `briefgen.passages.Passage`)."""

    @property
    def text(self) -> str:
        """The sentence."""

    @property
    def runs(self) -> tuple[NameRun, ...]:
        """Its capitalised runs."""

    @property
    def lower_words(self) -> frozenset[str]:
        """The words it writes in lower case."""


class PeopleIndex:
    """People named in a text: surname -> the fullest name written for them.

    A person is a run of two or three capitalised words written after a post (`Defense Minister
    Shinjiro Koizumi`) or before a verb of saying (`Jane Doe said`), and not an organisation.
    """

    def __init__(self, sentences: Iterable[ReadSentence]) -> None:
        # each distinct sentence once: a sentence two stories carry names nobody twice
        read = list(sentences)
        distinct = dict(zip(map(_text, read), read, strict=True))
        self.lowercase = frozenset().union(*map(_lower_words, distinct.values()))
        """Words the texts write in lower case (so a capitalised one opens a sentence)."""
        full: dict[str, dict[str, int]] = {}
        self._person_words_of: dict[str, tuple[str, bool]] = {}
        # each distinct run once, with how often it is written (a run written both opening a
        # sentence and not is read twice: the counts add up the same)
        written = Counter(chain.from_iterable(sentence.runs for sentence in distinct.values()))
        for (run, _, speaking, _), count in written.items():
            # a person is named after a post or before a verb of saying: a run with neither
            # names nobody, and its words need not be read (most runs)
            name, titled = self._person_words(run) if speaking else _after_post(run) or ("", False)
            surname = _surname_key(name) if name else ""
            if surname and (titled or speaking):
                names = full.setdefault(surname, {})
                names[name] = names.get(name, 0) + count
        self._names = {surname: _fullest(names) for surname, names in full.items()}
        self._resolved: dict[str, str | None] = {}

    def _person_words(self, run: str) -> tuple[str, bool]:
        """The words of a run that could name a person, and whether a post is written before."""
        found = self._person_words_of.get(run)
        if found is None:
            found = _after_post(run)
            if found is None:
                # without leading common words capitalised (`While Trump`)
                words, skip = _folded_words(run), 0
                while skip < len(words) and (
                    words[skip] in STOPWORDS or words[skip] in self.lowercase
                ):
                    skip += 1
                found = (_without_first(run, skip), False)
            self._person_words_of[run] = found
        return found

    def full_name(self, run: str) -> str | None:
        """The full name of the person a capitalised run names, or None if it names nobody known."""
        try:
            return self._resolved[run]
        except KeyError:
            found = filter(None, map(self._names.get, _keys_last_first(run)))
            resolved = self._resolved[run] = next(found, None)
            return resolved

    def first_person(self, text: str) -> str | None:
        """The first known person a text names."""
        for _, run in name_runs(text):
            name = self.full_name(run)
            if name:
                return name
        return None

    def last_person(self, text: str) -> str | None:
        """The last known person a text names."""
        found = None
        for _, run in name_runs(text):
            found = self.full_name(run) or found
        return found

    @property
    def people(self) -> dict[str, str]:
        """Surname (folded) -> full name."""
        return dict(self._names)


def _fullest(names: dict[str, int]) -> str:
    """The most written spelling among the longest forms (so `Pete Hegseth` over `Hegseth`)."""
    return max(names, key=lambda name: (len(name.split()), names[name], name))
