"""Finding and normalising dates in news text (absolute ones; relative ones need a reference)."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import cache, lru_cache
from typing import NamedTuple

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DIGIT = re.compile(r"\d")
_ASCII_DIGITS = string.digits.encode("ascii")
_MONTH_PREFIXES = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_NUMERIC_PATTERNS = 2
"""The first written-date patterns are all-digit; the others need a month name."""
_WRITTEN_NEEDS = (("-",), ("/",), ("19", "20"), ("19", "20"))
"""Per written-date pattern, strings of which a text it matches holds one: where a text holds
none, the pattern is not run (a substring test is far cheaper than the regex's scan)."""
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_WORDS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}


class _Patterns(NamedTuple):
    """The date patterns, all written in lower case."""

    month_hint: re.Pattern[str]
    written: tuple[re.Pattern[str], ...]
    """Dates with their year."""
    partial: tuple[re.Pattern[str], ...]
    """Month and day without a year ("Jan 15", "on January 16"), resolved against a date."""
    weekday: re.Pattern[str]
    day_word: re.Pattern[str]
    anchored: re.Pattern[str]
    relative_hint: re.Pattern[str]


def _compile(flags: int) -> _Patterns:
    return _Patterns(
        re.compile(r"\b(?:" + "|".join(_MONTHS) + r")\b", flags),
        (
            re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
            re.compile(r"\b(?P<year>(?:19|20)\d\d)/(?P<month>[01]?\d)/(?P<day>[0-3]?\d)\b"),
            re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", flags),
            re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", flags),
        ),
        (
            re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s+(?:19|20)\d\d)(?!\s*:)", flags),
            re.compile(rf"\b{_DAY}\s+{_MONTH}\b(?!,?\s+(?:19|20)\d\d)", flags),
        ),
        re.compile(r"\b(?:on\s+|last\s+)?(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b", flags),
        re.compile(
            r"\b(?:(?P<word>today|tonight|yesterday|tomorrow)|this\s+(?:morning|afternoon|evening))\b",
            flags,
        ),
        re.compile(
            r"\bthe\s+(?:(?P<before>day\s+before|previous\s+day|eve)"
            r"|(?P<after>day\s+after|next\s+day|following\s+day))\b",
            flags,
        ),
        re.compile(r"day|tonight|tomorrow|this\s+(?:morning|afternoon|evening)|the\s+eve\b", flags),
    )


_LOWERED = _compile(0)
"""For text lowered first (see `_lowered`): matching case-sensitively is several times faster."""
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_OWN_LOWER_CASE = ("\u0131", "\u017f")
"""`ı` and `ſ`: their own lower case, yet ignoring case they match `i` and `s`."""


@cache
def _any_case() -> _Patterns:
    """The patterns ignoring case, for the rare texts `_lowered` cannot serve (compiled once)."""
    return _compile(re.IGNORECASE)


def _lowered(text: str) -> str | None:
    """The text in lower case where matching that case-sensitively finds what matching the text
    ignoring case would, at the same offsets: lowering changed ASCII letters only."""
    lowered = text.lower()
    if text.isascii():
        return lowered
    if lowered != text.translate(_ASCII_LOWER) or any(c in text for c in _OWN_LOWER_CASE):
        return None  # a capital beyond ASCII (`É`, `İ`, the Kelvin sign), or `ı`, `ſ`
    return lowered


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found in text, where it stands, and whether the year was written."""

    start: int
    """Offset of the match in the text."""
    end: int
    """Offset just past the match."""
    value: date
    """The date meant."""
    explicit_year: bool
    """False where the year was inferred from the reference date."""


def _make(year: int, month: str, day: str) -> date | None:
    number = int(month) if month.isdigit() else _MONTHS.get(month.casefold().rstrip("."))
    if number is None:
        return None
    try:
        return date(year, number, int(day))
    except ValueError:
        return None


def find_dates(text: str, reference: date | None = None) -> list[DateMention]:
    """Every absolute date in the text; month-and-day ones too where a reference date is given."""
    scan = scan_dates(text)
    found = list(scan.written)
    if reference is None or not scan.partial:
        return found
    taken = list(scan.taken)
    for start, end, month, day in scan.partial:
        if _overlaps((start, end), taken):
            continue
        value = _nearest_year(reference, month, day)
        if value:
            found.append(DateMention(start, end, value, explicit_year=False))
            taken.append((start, end))
    return sorted(found, key=lambda mention: mention.start)


@dataclass(frozen=True, slots=True)
class DateScan:
    """The date words of a text, found once per text: resolving them against a date is cheap."""

    written: tuple[DateMention, ...] = ()
    """Dates written with their year, in text order."""
    taken: tuple[tuple[int, int], ...] = ()
    """Their spans, in the order found."""
    partial: tuple[tuple[int, int, str, str], ...] = ()
    """Month-and-day matches (start, end, month, day), in the order the patterns find them."""
    weekdays: tuple[tuple[int, int, int], ...] = ()
    """Weekday names (start, end, weekday number)."""
    day_words: tuple[tuple[int, int, int], ...] = ()
    """`today`, `yesterday`... (start, end, days from the reference)."""
    anchored: tuple[tuple[int, int, int], ...] = ()
    """`the day before`... (start, end, days from the anchor)."""


_NOTHING = DateScan()
_Holds = Callable[[str], bool]


@lru_cache(maxsize=32768)
def scan_dates(text: str) -> DateScan:
    """Every date pattern's matches in a text (cached: the brief asks about the same sentences)."""
    lowered = _lowered(text)
    if lowered is None:  # no substring test rules anything out: every pattern is run
        return _scan(text, _any_case(), _has_digit(text), None)
    return _scan(lowered, _LOWERED, _has_digit(text), lowered.__contains__)


def _scan(subject: str, patterns: _Patterns, digit: bool, holds: _Holds | None) -> DateScan:
    """The scan of `subject`; `holds(word)` tells whether `word` is in it (None: matched
    ignoring case, where a substring test tells nothing).

    Each pattern is run only where the text holds a word every match of it holds: a substring
    test is far cheaper than the regex's scan, and most sentences hold no date at all.
    """
    relative = _may(holds, _RELATIVE_PHRASE_WORDS + _RELATIVE_WORDS) and (
        (holds is not None and any(map(holds, _RELATIVE_WORDS)))
        or bool(patterns.relative_hint.search(subject))
    )
    if not digit and not relative:  # every written date needs a digit; most texts lack one
        return _NOTHING
    named_month = (
        digit and _may(holds, _MONTH_PREFIXES) and bool(patterns.month_hint.search(subject))
    )
    written, taken = _written_dates(subject, named_month, patterns) if digit else ([], [])
    partial = [
        (match.start(), match.end(), match["month"], match["day"])
        for pattern in (patterns.partial if named_month else ())
        for match in pattern.finditer(subject)
    ]
    return DateScan(
        tuple(sorted(written, key=lambda mention: mention.start)),
        tuple(taken),
        tuple(partial),
        *(_relative_words(subject, patterns, holds) if relative else ((), (), ())),
    )


def _may(holds: _Holds | None, needs: tuple[str, ...]) -> bool:
    """False where the text holds none of the words `needs` (so a pattern needing one fails)."""
    return holds is None or any(map(holds, needs))


def _has_digit(text: str) -> bool:
    """The text holds a digit (`\\d`): for ASCII, a byte table's deletion (faster than a regex)."""
    if not text.isascii():
        return _DIGIT.search(text) is not None
    encoded = text.encode("ascii")
    return len(encoded.translate(None, _ASCII_DIGITS)) != len(encoded)


def _written_dates(
    text: str, named_month: bool, patterns: _Patterns
) -> tuple[list[DateMention], list[tuple[int, int]]]:
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    tried = len(patterns.written) if named_month else _NUMERIC_PATTERNS
    for pattern, needs in zip(patterns.written[:tried], _WRITTEN_NEEDS[:tried], strict=True):
        if not any(map(text.__contains__, needs)):
            continue
        for match in pattern.finditer(text):
            value = _make(int(match["year"]), match["month"], match["day"])
            if value and not _overlaps(match.span(), taken):
                found.append(DateMention(match.start(), match.end(), value, explicit_year=True))
                taken.append(match.span())
    return found, taken


def _nearest_year(reference: date, month: str, day: str) -> date | None:
    candidates = [_make(reference.year + delta, month, day) for delta in (-1, 0, 1)]
    valid = [value for value in candidates if value is not None]
    if not valid:
        return None
    return min(valid, key=lambda value: abs((value - reference).days))


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def parse_date(value: str, zone: tzinfo | None = None) -> str | None:
    """Normalise a date or datetime string to ISO 8601 (date, or datetime with offset)."""
    text = value.strip()
    if not text:
        return None
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        mentions = find_dates(text)
        return mentions[0].value.isoformat() if mentions else _parse_rfc822(text, zone)
    if len(text) <= 10 and "T" not in text and " " not in text:
        return parsed.date().isoformat()
    if parsed.tzinfo is None and zone is not None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()


def _parse_rfc822(text: str, zone: tzinfo | None) -> str | None:
    from email.utils import parsedate_to_datetime  # noqa: PLC0415  (rare path)

    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None and zone is not None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()


def to_date(iso: str | None) -> date | None:
    """The calendar date of an ISO 8601 date or datetime string."""
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


def days_between(left: str | None, right: str | None) -> float | None:
    """Absolute distance in days between two ISO dates, or None where one is unknown."""
    first, second = to_date(left), to_date(right)
    if first is None or second is None:
        return None
    return abs((first - second) / timedelta(days=1))


_RELATIVE_WORDS = ("day", "tonight", "tomorrow")
"""Alternatives of the relative hint pattern: a text holding one of them matches it."""
_RELATIVE_PHRASE_WORDS = ("this", "eve")
"""The hint's other matches hold one of these: only then is the pattern run."""
_DAY_WORD_NEEDS = ("today", "tonight", "yesterday", "tomorrow", "this")
_ANCHORED_NEEDS = ("before", "previous", "eve", "after", "next", "following")
"""Per relative pattern, words of which each of its matches holds one."""
_WEEKDAY_NEAR_DATE = 16
"""A weekday this close before a written date (`Thursday (Jan 15)`) is that date, not another."""


def find_relative_dates(
    text: str, reference: date, anchor: date | None = None
) -> list[DateMention]:
    """Dates written relative to the story: weekdays, today/yesterday, `the day before`.

    Weekdays resolve to the latest such day on or before `reference` (news tells what happened);
    `the day before`/`the day after` resolve against `anchor`, the date last mentioned.
    """
    scan = scan_dates(text)
    found: list[DateMention] = []
    for start, end, wanted in scan.weekdays:
        value = reference - timedelta(days=(reference.weekday() - wanted) % 7)
        found.append(DateMention(start, end, value, explicit_year=False))
    for start, end, shift in scan.day_words:
        found.append(DateMention(start, end, reference + timedelta(days=shift), False))
    if anchor is not None:
        for start, end, shift in scan.anchored:
            found.append(DateMention(start, end, anchor + timedelta(days=shift), False))
    return sorted(found, key=lambda mention: mention.start)


def _relative_words(
    text: str, patterns: _Patterns, holds: _Holds | None
) -> tuple[
    tuple[tuple[int, int, int], ...],
    tuple[tuple[int, int, int], ...],
    tuple[tuple[int, int, int], ...],
]:
    """The weekdays, day words and anchored phrases of a text, with their day numbers or shifts."""
    weekdays = tuple(
        (match.start(), match.end(), _WEEKDAYS.index(match["weekday"].casefold()))
        for match in (patterns.weekday.finditer(text) if _may(holds, _WEEKDAYS) else ())
    )
    day_words = tuple(
        (match.start(), match.end(), _DAY_WORDS.get((match["word"] or "").casefold(), 0))
        for match in (patterns.day_word.finditer(text) if _may(holds, _DAY_WORD_NEEDS) else ())
    )
    anchored = tuple(
        (match.start(), match.end(), -1 if match["before"] else 1)
        for match in (patterns.anchored.finditer(text) if _may(holds, _ANCHORED_NEEDS) else ())
    )
    return weekdays, day_words, anchored


def may_hold_dates(text: str) -> bool:
    """False where `all_dates` finds nothing whatever the reference: no digit, no day word."""
    return scan_dates(text) is not _NOTHING


def all_dates(text: str, reference: date | None, anchor: date | None = None) -> list[DateMention]:
    """Written dates, then relative ones that do not restate a written date next to them."""
    written = find_dates(text, reference)
    if reference is None:
        return written
    relative = [
        mention
        for mention in find_relative_dates(text, reference, anchor)
        if not any(_restates(mention, other, text) for other in written)
    ]
    return sorted(written + relative, key=lambda mention: mention.start)


def _restates(relative: DateMention, written: DateMention, text: str) -> bool:
    if written.start >= relative.end:
        return written.start - relative.end <= _WEEKDAY_NEAR_DATE
    return relative.start - written.end <= 3 and "," in text[written.end : relative.start + 1]
