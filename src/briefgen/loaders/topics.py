"""The topic words of a copied page's lines: which of a line's words the article holds.

The text loader asks this of a few lines near the article's start (headline candidates, a lead,
a banner), against the article's many lines. So a line's words are found only when it is asked
about, and "does the article hold this word" is answered by a search of the article's folded
text rather than by collecting the words of every line of the article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefgen.loaders.lines import Line

# Words of more than three letters (whole `\w+` runs): the ones that carry a line's topic.
_TOPIC_WORD = re.compile(r"\w{4,}")


class TopicWords:
    """The topic words of one page's lines, worked out as they are asked for."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self._lines = lines
        self._words: dict[int, frozenset[str]] = {}
        self._texts: dict[tuple[int, int], str] = {}

    def of(self, index: int) -> frozenset[str]:
        """The folded words of more than three letters of line `index`."""
        words = self._words.get(index)
        if words is None:
            words = frozenset(_TOPIC_WORD.findall(self._lines[index].folded))
            self._words[index] = words
        return words

    def held(self, words: frozenset[str], first: int, last: int) -> int:
        """How many of the words lines[first : last + 1] hold (as whole words)."""
        if not words or first > last:
            return 0
        text = self._text(first, last)
        return sum(1 for word in words if _holds_word(text, word))

    def hold_share(self, words: frozenset[str], first: int, last: int, share: float) -> bool:
        """`held(words, first, last) / len(words) >= share`, found without looking further than
        needed (a long line's words are many, and most pages pass)."""
        if not words or first > last:
            return share <= 0
        text = self._text(first, last)
        found = 0
        for word in words:
            if _holds_word(text, word):
                found += 1
                if found / len(words) >= share:
                    return True
        return found / len(words) >= share

    def _text(self, first: int, last: int) -> str:
        """The folded lines[first : last + 1], a line break between each."""
        text = self._texts.get((first, last))
        if text is None:
            text = "\n".join(line.folded for line in self._lines[first : last + 1])
            self._texts[first, last] = text
        return text


def _holds_word(text: str, word: str) -> bool:
    """`word` stands in the text as a whole `\\w+` run (not inside a longer word)."""
    end = len(text)
    at = text.find(word)
    while at >= 0:
        after = at + len(word)
        if (at == 0 or not _is_word_char(text[at - 1])) and (
            after == end or not _is_word_char(text[after])
        ):
            return True
        at = text.find(word, at + 1)
    return False


def _is_word_char(char: str) -> bool:
    """What the regex `\\w` matches in a str pattern: alphanumerics and the underscore."""
    return char.isalnum() or char == "_"
