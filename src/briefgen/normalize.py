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
_REPLACEMENTS = tuple((chr(code), plain) for code, plain in _TRANSLATE.items())
_SPACES = re.compile(r"\s+")
WORD = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed  # nothing to strip: skip the per-character pass
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean_spaces(text: str) -> str:
    """Typographic spaces to plain ones, runs of whitespace to one space, trimmed."""
    # The same as `_SPACES.sub(" ", text.translate(_TRANSLATE)).strip()`, several times faster:
    # str.translate with a mapping looks up every character, replace only scans.
    if not text.isascii():
        for typographic, plain in _REPLACEMENTS:
            if typographic in text:
                text = text.replace(typographic, plain)
    elif "`" in text:
        text = text.replace("`", "'")
    return " ".join(text.split())


def fold(text: str) -> str:
    """The matching form of a text: no diacritics, plain quotes and dashes, lower case."""
    return _strip_marks(clean_spaces(text)).casefold()


def words(text: str) -> list[str]:
    """The folded word tokens of a text (`\\w+` runs)."""
    return WORD.findall(fold(text))


def display_spaces(text: str) -> str:
    """Collapse whitespace for display while keeping typographic characters."""
    return _SPACES.sub(" ", text.replace("\u200b", "").replace("\ufeff", "")).strip()
