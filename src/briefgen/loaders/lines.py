"""Line features of text copied from a web page, and the line classifier built on them.

A copied page is a column of lines: menus, banners, captions, the article, related links,
footers. Each line gets a few language-neutral features (its length in words, whether it ends
like a sentence, how much inner punctuation and how many capitalised words it has, whether the
page repeats it) and, from them, a kind and a score; the article is the run of lines with the
highest total score (see `densest_run`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from briefgen.dates import find_dates
from briefgen.loaders.line_shape import caps_share, inner_punctuation, word_size
from briefgen.normalize import fold
from briefgen.records import RemovedKind

# Sentence ends in the scripts news is written in: Latin, CJK, Arabic, Devanagari, Armenian,
# Ethiopic; then optional closing quotes and brackets.
_SENTENCE_ENDS = frozenset(".!?\u2026\u3002\uff01\uff1f\uff0e\u061f\u06d4\u0964\u0965\u0589\u1362")
_CLOSERS = "\"'\u201d\u2019\u00bb\u300d\u300f)]"
# Headlines may ask, exclaim or trail off; they do not end with a full stop.
_HEADLINE_ENDS = ("?", "!", "...", "\u2026", "\uff1f", "\uff01", '"', "\u201d", "'", "\u2019")
_TIME_OF_DAY = re.compile(r"\b[0-2]?\d:[0-5]\d\b")
# A lower-case word (or a question) running straight into a capitalised one: two blocks glued.
# The match is the capital (the glue's end); it leads the pattern so that the regex engine can
# skip ahead to capitals (several times faster than leading with the lower-case letters).
_GLUE = re.compile(r"[A-Z](?=[a-z])(?:(?<=[a-z]{3}[A-Z])|(?<=[?!][A-Z]))")

SCORE = re.compile(r"^[-+\u2212]?\d+\s*\(\s*\+\d+\s*/\s*[-\u2212]\d+\s*\)$")
COPYRIGHT = re.compile(r"^(?:\u00a9|\(c\)\s|copyright\b)|all rights reserved", re.IGNORECASE)
CREDIT_LINE = re.compile(
    r"^(?:credit|credits|photo|photos|image|images|picture|source|virin|photograph|illustration)"
    r"\s*(?:by)?\s*:\s*\S",
    re.IGNORECASE,
)
INLINE_CREDIT = re.compile(
    r"(?:\b(?:image|photo|picture|credit|photograph)\s*:\s*|\((?:photo|image)\s*(?:by|:)\s*)"
    r"(?P<credit>[^()]{2,80}?)\)?\s*$",
    re.IGNORECASE,
)
# What every match of INLINE_CREDIT and of PREFERRED_SOURCE holds, in lower case.
_CREDIT_WORDS = ("image", "photo", "picture", "credit")
_SOURCE_WORD = ("source",)
AGENCY_CREDIT = re.compile(r"(?P<credit>\b[A-Z]{2,}(?: Photo)?/[A-Z][\w.\- ]{2,40})\s*$")
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
BREADCRUMB = re.compile(r"\s(?:>|\u203a|\u00bb|\u2192)\s")
PREFERRED_SOURCE = re.compile(
    r"\badd\s+(?P<outlet>.{2,40}?)\s+as\s+an?\s+(?:preferred|trusted)\s+source\b", re.IGNORECASE
)


def first_letters(alternatives: str) -> str:
    """The first characters of a regex's `a|b|c` literal alternatives, for a character class."""
    return "".join(sorted({re.escape(word[0]) for word in alternatives.split("|")}))


def grouped(alternatives: str) -> str:
    """The same `a|b|c` literal alternatives, grouped by first character (`a(?:dd|sk)|b…`)."""
    by_first: dict[str, list[str]] = {}
    for word in alternatives.split("|"):
        by_first.setdefault(word[0], []).append(word[1:])
    return "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(rest) for rest in rests) + ")"
        for first, rests in by_first.items()
    )


_ACTIONS = (
    r"add|subscribe|sign up|sign in|log in|follow|download|click|tap|scroll|share|watch|"
    r"listen|join|get|support|donate|read|see|continue|register|install|like us|advertisement|"
    r"sponsored"
)
CALL_TO_ACTION = re.compile(rf"^(?:{_ACTIONS})\b", re.IGNORECASE)
# The same words after a sentence end (then closing quotes and brackets, then spaces), where
# `sentences.split_sentences` can start a sentence: where neither this nor CALL_TO_ACTION at the
# text's start matches, no sentence of the text can be a call to action. Run on every
# paragraph, so it leads with the sentence ends (few) rather than the words (common in prose:
# 4x faster), and groups the words by first letter behind a look-ahead for those letters.
ACTION_AFTER_STOP = re.compile(
    rf"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019)\]]*\s*"
    rf"(?=[{first_letters(_ACTIONS)}])(?:{grouped(_ACTIONS)})\b",
    re.IGNORECASE,
)
RELATED = re.compile(
    r"^(?:related|more (?:from|on|stories|news)|read (?:more|next|also)|recommended|"
    r"you (?:may|might) (?:also )?like|most (?:read|popular|viewed)|trending|see also|also read)",
    re.IGNORECASE,
)

# Scores per line shape; the body is the run of lines with the highest sum.
FURNITURE_SCORE = -2.0
REPEATED_SCORE = -2.0
LONG_NON_PROSE_SCORE = -2.0
SHORT_SCORE = -1.0
HEADLINE_SCORE = -0.5
# Headlines glued to their teasers are at most this long.
TEASER_HEADLINE_MAX_SIZE = 20
# No furniture line (caption, credit, copyright, promo) is longer than this.
FURNITURE_MAX_SIZE = 150
# What a prose line with no prose line beside it counts for.
ISOLATED_PROSE_WEIGHT = 0.5
# Teasers are a sentence or two; a longer lone paragraph is not one.
TEASER_MAX_SIZE = 40
# A line the page shows more than once is menu or furniture unless it is this long.
REPEATED_MAX_SIZE = 8
# Prose has few capitalised words; menus run together and headlines have many.
PROSE_MAX_CAPS = 0.6
# A line this long counts as prose without a sentence end if it has inner punctuation.
LONG_LINE_SIZE = 20
SENTENCE_MIN_SIZE = 5
# Date or time lines of posts, comments and teasers are short.
STAMP_MAX_SIZE = 12
# This many stamped posts after the article's first prose mark a comment or teaser list.
STAMPED_POSTS = 2


class Line(NamedTuple):
    """One non-blank line of a copied page, with the features the classifier uses.

    A named tuple rather than a frozen dataclass: as immutable, and several times cheaper to
    make (a page has many lines)."""

    number: int
    """1-based line number in the source."""
    text: str
    """The line, stripped."""
    size: float
    """Length in words (characters of unspaced scripts count as half a word)."""
    terminal: bool
    """Ends like a sentence."""
    punctuation: int
    """Commas, colons, dashes, brackets and inner full stops."""
    caps: float
    """Share of the line's words that begin with a capital letter."""
    group: int
    """Index of the blank-line-separated group the line is in."""
    folded: str = ""
    """The line folded for matching (`normalize.fold`)."""
    prose: bool = False
    """Shaped like a sentence of prose (see `is_sentence`)."""
    kind: RemovedKind | None = None
    """The furniture kind the line's own text shows (see `furniture_kind`), or None."""
    repeats: int = 1
    """How often the page shows this line (menus and share bars come back)."""

    @property
    def words(self) -> int:
        """The size rounded down: a word count for scripts with spaces."""
        return int(self.size)


def split_lines(text: str) -> list[Line]:
    """The page's non-blank lines with their features, in order; each feature computed once."""
    lines: list[Line] = []
    keys: list[str] = []
    group = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            group += 1
            continue
        line, folded = _features(number, stripped, group)
        lines.append(line)
        # Only short lines need folding to be matched (menus, share bars); long ones match as
        # written.
        keys.append(folded if line.size < REPEATED_MAX_SIZE else stripped)
    counts = Counter(keys)
    # Most lines are neither furniture nor repeated: they keep the record made above.
    shaped = [
        (line, furniture_kind(line), counts[key]) for line, key in zip(lines, keys, strict=True)
    ]
    return [
        line._replace(kind=kind, repeats=repeats) if kind is not None or repeats > 1 else line
        for line, kind, repeats in shaped
    ]


def _features(number: int, text: str, group: int) -> tuple[Line, str]:
    """A line's own features (not yet its kind or repeats), and its folded text."""
    if text.isascii():
        # `fold` and `word_size` of ASCII text, from one split (most lines are ASCII).
        split = text.split()
        size = float(len(split))
        folded = " ".join(split).replace("`", "'").lower()
    else:
        size = word_size(text)
        folded = fold(text)
    terminal = _ends_like_sentence(text)
    punctuation = inner_punctuation(text[:-1])
    caps = caps_share(text, size)
    prose = _is_sentence_shape(text, size, terminal, punctuation, caps)
    return Line(number, text, size, terminal, punctuation, caps, group, folded, prose), folded


def _ends_like_sentence(text: str) -> bool:
    """A sentence end, then optional closing quotes and brackets; or a colon or semicolon."""
    return text.rstrip(_CLOSERS)[-1:] in _SENTENCE_ENDS or text.endswith((":", ";"))


def is_sentence(line: Line) -> bool:
    """Prose: a sentence end and some length, or much length and punctuation; not title-cased."""
    return line.prose


def _is_sentence_shape(
    text: str, size: float, terminal: bool, punctuation: int, caps: float
) -> bool:
    if caps > PROSE_MAX_CAPS and size < 2 * LONG_LINE_SIZE:
        return False
    if terminal and size >= SENTENCE_MIN_SIZE and not text.endswith((":", ";")):
        return True
    return size >= LONG_LINE_SIZE and (terminal or punctuation >= 2)


def is_headline(line: Line) -> bool:
    """Shaped like a headline or subheading: a few words, capitalised, no sentence end."""
    text = line.text
    if not 3 <= line.size <= 25 or len(text) > 200:
        return False
    if text.endswith((",", ";", "\u3001", "\uff0c")):
        return False
    if line.terminal and not text.endswith(_HEADLINE_ENDS):
        return False
    return text[0].isupper() or text[0] in "\"'\u201c\u2018" or not text[0].isascii()


def furniture_kind(line: Line) -> RemovedKind | None:
    """The furniture kind a line's own text shows, or None where it may be reporting."""
    if line.size > FURNITURE_MAX_SIZE:
        return None
    for kind, test in _FURNITURE_TESTS:  # a plain loop: run for every line, and cheaper than next()
        if test(line):
            return kind
    return None


def _is_promo(line: Line) -> bool:
    if _may_hold(line, _SOURCE_WORD) and PREFERRED_SOURCE.search(line.text):
        return True
    return line.words <= 12 and bool(CALL_TO_ACTION.match(line.text)) and not is_sentence(line)


def _is_related(line: Line) -> bool:
    return bool(_URL_ONLY.match(line.text) or (RELATED.match(line.text) and line.words <= 6))


def _may_hold(line: Line, words: tuple[str, ...]) -> bool:
    """False where the line is ASCII and holds none of the lower-case words: a test, cheaper
    than a scan by the case-blind pattern needing one of them (those scan slowly), that the
    line may match it. Other scripts fold case in more ways: for them, always True."""
    if not line.text.isascii():
        return True
    folded = line.folded
    for word in words:  # noqa: SIM110  (run for most lines: a plain loop is cheaper than any())
        if word in folded:
            return True
    return False


def _is_copyright(line: Line) -> bool:
    if line.text.isascii() and not (
        line.folded.startswith(("(c)", "copyright")) or "all rights reserved" in line.folded
    ):
        return False  # as `_may_hold`: none of what the pattern needs
    return bool(COPYRIGHT.search(line.text))


def _is_glued_teaser(line: Line) -> bool:
    """A card of a story list copied without a line break: a title-cased headline run into its
    teaser ("Storm Hits The CoastHeavy rain fell on...")."""
    # The first glue of the whole line: one past the first TEASER_HEADLINE_MAX_SIZE words would
    # make too long a headline, and so fails the size test below.
    glue = _GLUE.search(line.text)
    if glue is None:
        return False
    headline = line.text[: glue.start()]
    size = word_size(headline)
    return 4 <= size <= TEASER_HEADLINE_MAX_SIZE and caps_share(headline, size) >= PROSE_MAX_CAPS


def _is_caption(line: Line) -> bool:
    text = line.text
    # Cheap character tests first: each credit pattern needs its colon, bracket or slash.
    marked = ":" in text or "(" in text
    if marked and _may_hold(line, _CREDIT_WORDS) and INLINE_CREDIT.search(text):
        return True
    return line.words <= 40 and "/" in text and bool(AGENCY_CREDIT.search(text))


# In order: the first test a line passes gives its kind. Run for every line, so patterns are
# guarded by a cheap test of a character they need (a vote ends in a bracket, a credit has a colon).
_FURNITURE_TESTS: tuple[tuple[RemovedKind, Callable[[Line], bool]], ...] = (
    ("comment", lambda line: line.text[-1] == ")" and bool(SCORE.match(line.text))),
    ("copyright", lambda line: line.words <= 15 and _is_copyright(line)),
    ("credit", lambda line: ":" in line.text and bool(CREDIT_LINE.match(line.text))),
    ("breadcrumb", lambda line: not line.terminal and bool(BREADCRUMB.search(line.text))),
    ("related-links", _is_related),
    ("related-links", _is_glued_teaser),
    ("promo", _is_promo),
    ("caption", _is_caption),
)


def line_score(line: Line) -> float:
    """How much a line adds to the article run: prose adds by its length, furniture subtracts."""
    if line.kind is not None:
        return FURNITURE_SCORE
    if line.repeats > 1 and line.size < REPEATED_MAX_SIZE:
        return REPEATED_SCORE
    if is_sentence(line):
        return min(line.size, 60) / 10
    if line.size <= 2:
        return SHORT_SCORE
    if line.size >= LONG_LINE_SIZE:
        return LONG_NON_PROSE_SCORE
    return HEADLINE_SCORE


def line_scores(lines: list[Line]) -> list[float]:
    """Each line's score, with prose that stands alone between non-prose lines (the teasers of
    a related-stories list, each under its own headline) counting for less than prose among
    prose, as an article's paragraphs stand."""
    prose = [is_sentence(line) for line in lines]
    scores = [line_score(line) for line in lines]
    for index, score in enumerate(scores):
        if not prose[index] or lines[index].size >= TEASER_MAX_SIZE:
            continue
        before = index > 0 and prose[index - 1]
        after = index + 1 < len(lines) and prose[index + 1]
        if not (before or after):
            scores[index] = score * ISOLATED_PROSE_WEIGHT
    return scores


def is_stamp(line: Line) -> bool:
    """A short line giving a date or a time of day: a dateline of a post, comment or teaser."""
    if line.size > STAMP_MAX_SIZE or is_sentence(line):
        return False
    return bool(_TIME_OF_DAY.search(line.text) or find_dates(line.text))


def article_end(lines: list[Line], start: int, stop: int) -> int:
    """Where the article in lines[start:stop+1] ends: at the first copyright line or comment
    vote after its first prose line, or where stamped posts (comments, teasers: a date or time
    line, then prose) begin to repeat; `stop + 1` where there is no such marker."""
    seen_prose = False
    stamped: list[int] = []
    for index in range(start, stop + 1):
        line = lines[index]
        if seen_prose and line.kind in ("copyright", "comment"):
            return index
        if seen_prose and _starts_post(lines, index, stop):
            stamped.append(index)
            if len(stamped) == STAMPED_POSTS:
                return _post_start(lines, stamped[0])
        seen_prose = seen_prose or is_sentence(line)
    return stop + 1


def _starts_post(lines: list[Line], index: int, stop: int) -> bool:
    """A stamp that heads prose: above it a name or headline (or it ends in a colon, as in
    "Jane on May 1 said:"), below it the post. Quoted posts (embedded tweets) put their stamp
    after their text instead, and do not count."""
    line = lines[index]
    if not is_stamp(line):
        return False
    headed = index == 0 or not is_sentence(lines[index - 1]) or line.text.endswith(":")
    below = lines[index + 1 : min(index + 3, stop + 1)]
    return headed and any(is_sentence(after) for after in below)


def _post_start(lines: list[Line], stamp: int) -> int:
    """A stamped post starts at its stamp, or at the short name or headline line just above."""
    above = lines[stamp - 1] if stamp > 0 else None
    if above is not None and not is_sentence(above) and above.size <= STAMP_MAX_SIZE:
        return stamp - 1
    return stamp


def densest_run(scores: list[float]) -> tuple[int, int]:
    """The contiguous run with the highest total score (Kadane), as first and last index."""
    best, best_span = float("-inf"), (0, -1)
    total, start = 0.0, 0
    for index, score in enumerate(scores):
        if total <= 0:
            total, start = score, index
        else:
            total += score
        if total > best:
            best, best_span = total, (start, index)
    return best_span
