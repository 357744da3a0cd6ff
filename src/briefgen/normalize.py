"""Text normalisation for matching: the displayed text always keeps its original characters.

Diacritics, typographic quotes and dashes, no-break and zero-width spaces and letter case are
folded so that `Shinjirō` matches `Shinjiro` and `“a”` matches `"a"`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
        "\u00ad": "",
    }
)
_TRANSLATE_TEXT = {chr(code): str(value or "") for code, value in _TRANSLATE.items()}
_TRANSLATED = frozenset(_TRANSLATE_TEXT)
_SPACES = re.compile(r"\s+")
WORD = re.compile(r"\w+")
_URL_WORD = re.compile(r"[a-z0-9]+")
# ASCII bytes to folded word characters: letters lowered, digits and `_` kept, the rest a space.
_ASCII_WORDS = (
    bytes(
        byte if chr(byte).isalnum() or byte == ord("_") else ord(" ") for byte in range(128)
    ).lower()
    + b" " * 128
)
_CACHED_LENGTH = 200
"""Only short texts (names, titles) repeat often enough to cache; bodies would fill memory."""


@lru_cache(maxsize=65536)
def _strip_marks_cached(text: str) -> str:
    return _strip_marks(text)


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed  # nothing to strip: skip the per-character pass
    # Look at each distinct character once, not at every character of a long text.
    for mark in {ch for ch in set(decomposed) if unicodedata.combining(ch)}:
        decomposed = decomposed.replace(mark, "")
    return decomposed


def _typographic_to_plain(text: str) -> str:
    # str.translate looks every character up; replacing only the ones present is much faster.
    if text.isascii():
        return text.replace("`", "'")
    for ch in _TRANSLATED.intersection(text):
        text = text.replace(ch, _TRANSLATE_TEXT[ch])
    return text


def clean_spaces(text: str) -> str:
    """Typographic spaces to plain ones, runs of whitespace to one space, trimmed."""
    # str.split() and the regex `\s` agree on what is whitespace; split is several times faster.
    return " ".join(_typographic_to_plain(text).split())


def fold(text: str) -> str:
    """The matching form of a text: no diacritics, plain quotes and dashes, lower case."""
    if text.isascii():  # no marks, no typographic characters: only case and spaces to fold
        return clean_spaces(text).lower()
    spaced = clean_spaces(text)
    strip = _strip_marks_cached if len(spaced) <= _CACHED_LENGTH else _strip_marks
    return strip(spaced).casefold()


def words(text: str) -> list[str]:
    """The folded word tokens of a text (`\\w+` runs)."""
    folded = text if text.isascii() else fold(text)
    if folded.isascii():  # a byte table does the regex's work many times faster
        return folded.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    return WORD.findall(folded)


def ascii_words(text: str) -> bytes | None:
    """`words(text)` as ASCII bytes, words apart by spaces (`bytes.split` gives them), where
    the folded text is ASCII; else None."""
    folded = text if text.isascii() else fold(text)
    return folded.encode("ascii").translate(_ASCII_WORDS) if folded.isascii() else None


def url_words(text: str, limit: int = 60) -> str:
    """The text's ASCII letters and digits as lower-case words joined by `-`, at most `limit`
    characters: the readable part of a page name (empty where the text has none)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(_URL_WORD.findall(ascii_text.lower()))[:limit].rstrip("-")


def display_spaces(text: str) -> str:
    """Collapse whitespace for display while keeping typographic characters."""
    return _SPACES.sub(" ", text.replace("\u200b", "").replace("\ufeff", "")).strip()
