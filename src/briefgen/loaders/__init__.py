"""One loader per input format; `briefgen.load` picks one from its table.

Every loader is a function `load(source: SourceText) -> Record`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from briefgen.normalize import fold, words
from briefgen.records import Block, Diagnostic

_PHRASE_BREAK = re.compile(r"[,;:\u2014\u2013(]|\s-\s")
# ASCII bytes to the characters of `normalize.words`' tokens (letters lowered, digits and `_`
# kept), line ends kept, all else a space.
_ASCII_WORDS_AND_LINES = bytes(
    byte if byte < 128 and (chr(byte).isalnum() or chr(byte) in "_\n") else ord(" ")
    for byte in range(256)
).lower()
TITLE_MAX_CHARS = 140
TITLE_COMFORTABLE_CHARS = 100


@dataclass(frozen=True, slots=True)
class SourceText:
    """A source file decoded to text, ready for a format's loader."""

    path: str
    """Relative path with `/` separators, as shown in messages."""
    text: str
    """The decoded text, line ends normalised to `\\n`."""
    warnings: tuple[Diagnostic, ...] = ()
    """What decoding already had to say (encoding guesses, stray NULs)."""


def record_id(title: str, body: tuple[Block, ...]) -> str:
    """A stable id from the article's words, so that identical articles get the same id."""
    joined = "\n".join([title, *(block.text for block in body)])
    if joined.isascii() and joined.count("\n") == len(body):
        return hashlib.sha256(_ascii_word_lines(joined)).hexdigest()[:12]
    digest = hashlib.sha256()
    digest.update(" ".join(words(title)).encode())
    for block in body:
        digest.update(b"\n")
        digest.update(" ".join(words(block.text)).encode())
    return digest.hexdigest()[:12]


def _ascii_word_lines(text: str) -> bytes:
    """Each line of an ASCII text as its `normalize.words` joined by spaces, lines joined by
    `\n`: the bytes `record_id` hashes, from one byte-table pass instead of one per block."""
    lines = text.encode("ascii").translate(_ASCII_WORDS_AND_LINES).split(b"\n")
    return b"\n".join(b" ".join(line.split()) for line in lines)


def title_from_text(text: str) -> str:
    """A title taken from the lead sentence, shortened at a phrase boundary; never invented."""
    from briefgen.sentences import split_sentences  # noqa: PLC0415  (leaf module, cheap)

    sentences = split_sentences(text)
    first = sentences[0] if sentences else text.strip()
    first = first.rstrip(" .!?")
    if len(first) <= TITLE_COMFORTABLE_CHARS:
        return first
    cut = 0
    for match in _PHRASE_BREAK.finditer(first):
        if match.start() > TITLE_MAX_CHARS:
            break
        if match.start() >= 40:
            cut = match.start()
    if cut:
        return first[:cut].rstrip(" ,;:-\u2014\u2013")
    if len(first) <= TITLE_MAX_CHARS:
        return first
    cut = first.rfind(" ", 0, TITLE_MAX_CHARS)
    return first[: cut if cut > 0 else TITLE_MAX_CHARS].rstrip(" ,;:-\u2014\u2013") + "\u2026"


def same_text(left: str, right: str) -> bool:
    """Equal after folding quotes, diacritics, spaces and case."""
    return fold(left) == fold(right)
