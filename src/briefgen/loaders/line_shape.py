"""Shape measures of one line of text: its words, inner punctuation and capitals.

Computed for every line of a copied page, so ASCII lines (most of them) are measured from one
byte-table pass each rather than by regular expressions; other lines by the expressions.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def _ascii_table(shape: Callable[[str], str]) -> bytes:
    """A `bytes.translate` table giving each ASCII character's shape (the rest: a space)."""
    return bytes(ord(shape(chr(byte))) if byte < 128 else ord(" ") for byte in range(256))


def _punctuation_shape(char: str) -> str:
    if char in ",;:()":
        return "p"
    return "." if char == "." else " " if char.isspace() else "x"


def _capital_shape(char: str) -> str:
    return "U" if char.isupper() else "w" if char.isalnum() or char == "_" else " "


_INNER_PUNCTUATION = re.compile(r"[,;:()\u2014\u2013\u060c\u3001\uff0c\uff1b\uff1a\u3002]|\.\s")
# Scripts written without spaces between words: a character there is about half a word.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f]")
# ASCII lines (most of them) are measured from one byte-table pass each: inner punctuation as
# `p` (full stops as `.`, whitespace as a space); capitals `U` after a non-word character.
_ASCII_PUNCTUATION = _ascii_table(_punctuation_shape)
_ASCII_CAPITALS = _ascii_table(_capital_shape)
# Word-initial letters that are not ASCII lower case: the only ones that can be capitals. The
# letter leads and the look-behind stands for `\b` (the engine then skips ahead to candidates).
_CASED_WORD_START = re.compile(r"[^\W\d_a-z](?<!\w\w)")


def has_unspaced(text: str) -> bool:
    """True where the text has characters of a script written without spaces."""
    return bool(_UNSPACED.search(text))


def word_size(text: str) -> float:
    """Words in the text, counting each character of an unspaced script as half a word."""
    if text.isascii():
        return float(len(text.split()))
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return float(len(text.split()))
    spaced = len(_UNSPACED.sub(" ", text).split())
    return spaced + unspaced / 2


def inner_punctuation(text: str) -> int:
    """Commas, colons, semicolons, brackets, dashes and full stops before a space."""
    if text.isascii():
        marks = text.encode("ascii").translate(_ASCII_PUNCTUATION)
        return marks.count(b"p") + marks.count(b". ")
    return len(_INNER_PUNCTUATION.findall(text))


def caps_share(text: str, size: float) -> float:
    """Capitalised words as a share of all words (words of uncased scripts count as not)."""
    if not size:
        return 0.0
    if text.isascii():
        shapes = text.encode("ascii").translate(_ASCII_CAPITALS)
        capitals = shapes.count(b" U") + shapes.startswith(b"U")
    else:
        capitals = sum(map(str.isupper, _CASED_WORD_START.findall(text)))
    return min(1.0, capitals / size)
