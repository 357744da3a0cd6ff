"""The event summary: 3 to 5 sentences copied from the sources, each with every paragraph saying it.

Extractive only: a sentence is shown exactly as one source wrote it. Sentences are ranked by how
much of the event's shared vocabulary they carry (words several stories use, in their text or
headline, count more), by how early they stand in their story (news leads carry the news) and
by how many outlets say the same.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from itertools import chain, compress, groupby, repeat
from operator import attrgetter, sub

from briefgen.passages import (
    READ_CACHE,
    EventTerms,
    Passage,
    event_terms,
    is_whole_sentence,
    overlap,
    title_terms,
)
from briefgen.records import SourceRef, SummarySentence

SUMMARY_MIN = 3
SUMMARY_MAX = 5
WORD_BUDGET = 55
"""Stop adding sentences (beyond the minimum) once the summary holds this many words: with the
headline, about the length of an editor's short roundup (longer summaries scored lower ROUGE
against human roundups: the extra sentences add less than they dilute)."""
SAME_SENTENCE = 0.5
"""Set cosine of the terms of two sentences of different stories that say the same thing."""
REDUNDANT = 0.35
"""Share of terms above which a sentence repeats one already chosen."""
LENGTH_DAMPING = 0.3
"""Centrality is summed term weight over (term count ** this): 0 favours long sentences, 1 short."""
LEAD_WEIGHT = 1.0
"""How much more the first sentence of a story counts than a late one (news leads carry news)."""
CORROBORATION = 0.8
"""Score added per further outlet saying the same thing, as a share."""
CORROBORATION_POOL = 60
"""How many of the best candidates (scored alone) are checked for other outlets saying the same."""
SAME_STORY_DISCOUNT = 0.7
"""Score kept by a sentence per sentence already chosen from its story (spread over outlets)."""
READ_PER_STORY = 40
"""The summary reads the first this many sentences of each story: news leads carry the news, and
the work of finding corroboration stays linear however long a story is."""
PERSONAL_VOICE = 0.6
"""Score kept by a question or a sentence in the first or second person (opinion, not report)."""
_QUOTE_MARKS = ('"', "“", "”")
_PERSONAL = re.compile(r"\b(?:I|we|We|you|You|my|My|our|Our|us)\b|\?[\"'”’]?$")
_story_id = attrgetter("story.id")
_terms = attrgetter("terms")
__all__ = ["SUMMARY_MAX", "SUMMARY_MIN", "is_whole_sentence", "summarize"]


def summarize(
    passages: list[Passage],
    dates: Mapping[int, frozenset[date]] | None = None,
    terms: EventTerms | None = None,
) -> tuple[SummarySentence, ...]:
    """3 to 5 source sentences: central, corroborated, early, and not repeating each other.

    `dates` maps a passage's `id()` to the dates it gives: sentences giving different dates do
    not support each other, however many words they share. `terms`: the event's vocabulary
    (`briefgen.passages.event_terms`), where the caller has it already.
    """
    read = [p for p in passages if p.position < READ_PER_STORY]
    quoted = _inside_quotations(read)
    candidates = [p for p in read if p.whole and id(p) not in quoted] or read
    if not candidates:
        return ()
    gains = _term_gains(passages, terms if terms is not None else event_terms(passages))
    alone = _alone_scores(candidates, gains)
    # Corroboration re-ranks the strongest candidates; the weakest cannot climb into a summary.
    strongest = sorted(candidates, key=lambda p: -alone[id(p)])[:CORROBORATION_POOL]
    index = SupportIndex(read, dates or {})
    index.add_terms(frozenset().union(*(p.terms for p in strongest)))
    support = {id(p): index.indexed_supporters(p) for p in strongest}
    scores = dict(alone)  # alone, a sentence is corroborated by its own outlet only
    scores.update((key, _corroborated(alone[key], found)) for key, found in support.items())
    ranked = sorted(candidates, key=lambda p: (-scores[id(p)], p.story.id, p.position))
    chosen = _pick(ranked, scores)
    story_order = {story_id: rank for rank, story_id in enumerate(_story_ids(passages))}
    chosen.sort(key=lambda p: (p.position, story_order[p.story.id]))
    return tuple(_summary_sentence(p, support.get(id(p)) or index.supporters(p)) for p in chosen)


def _inside_quotations(passages: list[Passage]) -> set[int]:
    """The `id()`s of sentences inside a quotation that an earlier sentence of their paragraph
    opened: shown alone, a speaker's words would read as the outlet's own.

    Marks are counted without telling opening from closing ones (outlets mix curly and straight
    marks); a sentence that opens a quotation of its own starts the count afresh.
    """
    inside: set[int] = set()
    story_id, paragraph = "", -1
    marks = 0
    for passage in passages:
        opens, count = _quote_marks(passage.text)
        if passage.paragraph != paragraph or passage.story.id != story_id or opens:
            story_id, paragraph, marks = passage.story.id, passage.paragraph, 0
        elif marks % 2:
            inside.add(id(passage))
        marks += count
    return inside


@lru_cache(maxsize=READ_CACHE)
def _quote_marks(text: str) -> tuple[bool, int]:
    """Whether a sentence opens with a quotation mark, and how many it holds (cached)."""
    return text.startswith(_QUOTE_MARKS), sum(map(text.count, _QUOTE_MARKS))


class SupportIndex:
    """Finds, for a sentence, the sentences of other stories that say the same."""

    def __init__(self, passages: list[Passage], dates: Mapping[int, frozenset[date]]) -> None:
        self._passages = passages
        self._dates = dates
        self._postings: dict[str, list[int]] = {}
        self._similar_to: dict[frozenset[str], list[tuple[float, Passage]]] = {}
        # sentences of one story support nothing: an event of one story needs no index
        self._one_story = len(set(map(_story_id, passages))) < 2

    def add_terms(self, terms: frozenset[str]) -> None:
        """Index the sentences holding these terms (only the terms asked about are indexed)."""
        if self._one_story:
            return
        missing = terms.difference(self._postings)  # iterates `terms`, not the index
        if not missing:
            return
        postings = self._postings
        for term in missing:
            postings[term] = []
        for index, found in enumerate(map(missing.intersection, map(_terms, self._passages))):
            for term in found:
                postings[term].append(index)

    def supporters(self, passage: Passage) -> list[Passage]:
        """The passage and, per other story, its most similar sentence where it says the same."""
        self.add_terms(passage.terms)
        return self.indexed_supporters(passage)

    def indexed_supporters(self, passage: Passage) -> list[Passage]:
        """`supporters` of a passage whose terms are all indexed already (see `add_terms`)."""
        if self._one_story:
            return [passage]
        best: dict[str, tuple[float, Passage]] = {}
        story_id = passage.story.id
        dates = self._dates
        mine = dates.get(id(passage))
        for similarity, other in self._similar(passage.terms):
            other_story = other.story.id
            if other_story == story_id or similarity <= best.get(other_story, (0.0,))[0]:
                continue
            if mine and (theirs := dates.get(id(other))) and not mine & theirs:
                continue  # the two sentences give different dates: not the same happening
            best[other_story] = (similarity, other)
        return [passage, *(match for _, match in best.values())]

    def _similar(self, terms: frozenset[str]) -> list[tuple[float, Passage]]:
        """The sentences whose terms are SAME_SENTENCE similar to these, in reading order (so
        that equally similar sentences resolve the same way every run), with the similarity.

        Kept per term set: the strongest sentences are often one sentence several stories carry.
        """
        found = self._similar_to.get(terms)
        if found is not None:
            return found
        shared = Counter(chain.from_iterable(map(self._postings.__getitem__, terms)))
        # similarity <= sqrt(count / len(terms)): fewer shared terms can never reach the bar
        needed = SAME_SENTENCE**2 * len(terms)
        reaching = compress(shared, map(needed.__le__, shared.values()))
        found = []
        passages = self._passages
        for index in sorted(reaching):
            other = passages[index]
            similarity = shared[index] / math.sqrt(len(terms) * len(other.terms))
            if similarity >= SAME_SENTENCE:
                found.append((similarity, other))
        self._similar_to[terms] = found
        return found


def _term_gains(passages: list[Passage], terms: EventTerms) -> dict[str, int]:
    """Per term, its weight squared less one; a term's weight is the number of stories using it.

    Words used by several stories weigh more: they are what the event is about (a word of one
    story gains nothing: an event of one story gains nothing, and gets no table). A story uses
    the words of its headline too (where it has a real one, not one taken from its body): a word
    one outlet puts in its headline and another in its text is shared news.
    """
    if len(terms.by_story) < 2:
        return {}
    stories_using = terms.stories_using.copy()
    stories = {story_id: next(group).story for story_id, group in groupby(passages, _story_id)}
    for story in stories.values():
        if not story.record.title_from_body:
            stories_using.update(title_terms(story.record.title) - terms.by_story[story.id])
    # count * count - 1 by C-level maps (an event has thousands of terms); whole numbers, so
    # their sums are exact whatever the order
    squares = map(pow, stories_using.values(), repeat(2))
    return dict(zip(stories_using, map(sub, squares, repeat(1)), strict=True))


def _alone_scores(candidates: list[Passage], gains: dict[str, int]) -> dict[int, float]:
    """Each candidate's score before corroboration, by `id()`: central, early, and in the
    reporter's voice. `gains`: per term, its weight squared less one (a word of one story adds
    nothing). One loop, not a call per sentence: an event has hundreds."""
    weight = gains.__getitem__
    scores: dict[int, float] = {}
    for passage in candidates:
        terms = passage.terms
        if not terms:
            scores[id(passage)] = 0.0
            continue
        shared = sum(map(weight, terms)) if gains else 0
        centrality = shared / _damping(len(terms))
        lead = LEAD_WEIGHT / (1 + passage.position)
        voice = PERSONAL_VOICE if personal_voice(passage.text) else 1.0
        scores[id(passage)] = (centrality + 1) * (1 + lead) * voice
    return scores


@lru_cache(maxsize=256)
def _damping(term_count: int) -> float:
    """What a sentence's summed term weight is divided by: its term count ** LENGTH_DAMPING."""
    return math.pow(term_count, LENGTH_DAMPING)


@lru_cache(maxsize=READ_CACHE)
def personal_voice(text: str) -> bool:
    """A question, or a sentence in the first or second person (cached: sentences recur)."""
    return _PERSONAL.search(text) is not None


def _corroborated(score: float, support: list[Passage]) -> float:
    outlets = len({p.story.id for p in support})
    return score * (1 + CORROBORATION * (outlets - 1))


def _pick(ranked: list[Passage], scores: dict[int, float]) -> list[Passage]:
    """Greedy choice: best score first, discounted per sentence already taken from its story.

    Each round scans the ranked list only until no later sentence can beat the best found (a
    discount never raises a score), checks a sentence against each choice only once, and reads
    only each story's first sentence still in the running (one story's sentences share their
    discount: a later one cannot beat it).
    """
    chosen: list[Passage] = []
    taken: Counter[str] = Counter()
    words = 0
    out: set[int] = set()  # chosen, or repeating a choice
    checked: dict[int, int] = {}  # how many of the choices a sentence is known not to repeat
    while len(chosen) < SUMMARY_MAX:
        if len(chosen) >= SUMMARY_MIN and words >= WORD_BUDGET:
            break
        best: Passage | None = None
        best_value = -math.inf
        read: set[str] = set()  # stories whose best sentence this round has been read
        for passage in ranked:
            score = scores[id(passage)]
            if best is not None and score <= best_value:
                break
            if id(passage) in out or passage.story.id in read:
                continue
            since = checked.get(id(passage), 0)
            if any(overlap(passage.terms, c.terms) >= REDUNDANT for c in chosen[since:]):
                out.add(id(passage))
                continue
            checked[id(passage)] = len(chosen)
            read.add(passage.story.id)
            value = score * SAME_STORY_DISCOUNT ** taken[passage.story.id]
            if value > best_value:
                best, best_value = passage, value
        if best is None:
            break
        chosen.append(best)
        out.add(id(best))
        taken[best.story.id] += 1
        words += len(best.text.split())
    return chosen


def _story_ids(passages: list[Passage]) -> list[str]:
    return list(dict.fromkeys(map(_story_id, passages)))


def _summary_sentence(passage: Passage, support: list[Passage]) -> SummarySentence:
    refs = sorted({p.ref for p in support}, key=lambda r: (r.story_id, r.paragraph))
    outlets = tuple(sorted({o for p in support for o in p.outlets}))
    return SummarySentence(text=passage.text, sources=tuple(_unique(refs)), outlets=outlets)


def _unique(refs: list[SourceRef]) -> list[SourceRef]:
    return list(dict.fromkeys(refs))
