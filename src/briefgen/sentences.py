"""Sentence splitting that survives news prose: abbreviations, initials, quotes, ellipses."""

from __future__ import annotations

import re

# Words that end with a period without ending the sentence (case-folded, without the dot).
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen lt col maj capt cmdr adm sgt cpl pvt rep sen gov
    pres supt insp det rev fr hon messrs mmes jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun no nos vol vols fig figs approx est dept univ
    corp inc ltd co bros vs etc al op cf ca pp ed eds assn ave blvd rd hwy u.s u.k u.n e.g i.e
    a.m p.m ph.d""".split()
)
# Abbreviated posts and forms of address: written before a name, never last in a sentence, so a
# text ending with one (`... a letter from Gov.`) was cut off mid-sentence. (`Jr.`, `Inc.`,
# `a.m.`, `St.` can end a sentence and are not here.)
_TITLE_ABBREVIATIONS = frozenset(
    """mr mrs ms mx dr prof gen lt col maj capt cmdr adm sgt cpl pvt rep reps sen sens gov pres
    supt insp det rev fr hon messrs mmes""".split()
)
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then space.
# (Matching the terminal character, not looking behind for it at every position: faster.)
_BOUNDARY = re.compile(
    r"[.!?\u2026]([\"'\u201d\u2019)\]]*)\s+"
    r"(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f\u0370-\u1fff])"
)
_CJK_STOPS = ("\u3002", "\uff01", "\uff1f")
_CJK_BOUNDARY = re.compile(r"(?<=[\u3002\uff01\uff1f])")
_INITIALS = re.compile(r"(?:\w\.)*\w")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping each sentence's characters as written."""
    text = text.strip()
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        stop = match.start() + 1  # just after the terminal character
        # only a period can end an abbreviation (the terminal character ends `text[:stop]`)
        if text[stop - 1] == "." and _is_abbreviation(text[start:stop]):
            continue
        piece = text[start : stop + len(match.group(1))].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    # one test per paragraph, not per sentence (three `in` tests: cheaper than a generator)
    if _CJK_STOPS[0] not in text and _CJK_STOPS[1] not in text and _CJK_STOPS[2] not in text:
        return sentences
    return [part for sentence in sentences for part in _split_cjk(sentence)]


def _split_cjk(sentence: str) -> list[str]:
    if not _CJK_BOUNDARY.search(sentence):
        return [sentence]
    return [part.strip() for part in _CJK_BOUNDARY.split(sentence) if part.strip()]


def ends_with_title(sentence: str) -> bool:
    """The text ends with an abbreviated post or form of address (`... from Gov.`): the name it
    introduces is missing, so the text is a sentence cut short, not a whole one."""
    tokens = sentence.rstrip("\"'\u201d\u2019)] \n").rsplit(None, 1)
    if not tokens or not tokens[-1].endswith("."):
        return False
    return tokens[-1].rstrip(".").lstrip("\"'\u201c\u2018([").casefold() in _TITLE_ABBREVIATIONS


def _is_abbreviation(before: str) -> bool:
    tokens = before.rsplit(None, 1)  # the last word: `\S+` before the end, as str.split sees it
    if not tokens:
        return False
    token = tokens[-1]
    if not token.endswith("."):
        return False
    bare = token.rstrip(".").lstrip("\"'\u201c\u2018(").casefold()
    if bare in _ABBREVIATIONS:
        return True
    # Single initials ("J. Smith") and dotted acronyms ("U.S.", "D.C."); the regex last: most
    # words before a period (`said.`) fail the cheap tests
    return (
        ("." in bare or len(bare) == 1)
        and len(bare.replace(".", "")) <= 3
        and bool(_INITIALS.fullmatch(bare))
    )
