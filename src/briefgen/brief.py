"""The brief stage: for each event, what happened, with the source of every line."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from briefgen.normalize import words
from briefgen.records import Brief, Event, SourceRef, Story, SummarySentence
from briefgen.sentences import split_sentences
from briefgen.stopwords import STOPWORDS

SUMMARY_MIN = 3
SUMMARY_MAX = 5
_SAME_SENTENCE = 0.6
_REDUNDANT = 0.5


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    story: Story
    paragraph: int
    position: int
    terms: frozenset[str]


def brief(event: Event) -> Brief:
    """Brief one event."""
    sentences = _sentences(event)
    outlets = _outlets(event)
    dates = sorted(story.record.published for story in event.stories if story.record.published)
    return Brief(
        event=event,
        headline=headline(event),
        summary=summarize(sentences, len(event.stories)),
        outlets=outlets,
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
    )


def headline(event: Event) -> str:
    """The real headline that shares most words with the event's other stories."""
    stories = event.stories
    titled = [story for story in stories if not story.record.title_from_body]
    if not titled:
        return stories[0].record.title
    others = Counter(term for story in stories for term in set(_terms(" ".join(story.record.paragraphs))))

    def representativeness(story: Story) -> tuple[float, str]:
        terms = _terms(story.record.title)
        score = sum(others[term] for term in terms) / math.sqrt(len(terms) or 1)
        return (score, story.id)

    return max(titled, key=representativeness).record.title


def summarize(sentences: list[_Sentence], story_count: int) -> tuple[SummarySentence, ...]:
    """3 to 5 source sentences: central, corroborated, early, and not repeating each other."""
    if not sentences:
        return ()
    centroid = Counter(term for sentence in sentences for term in sentence.terms)
    supporters = {id(s): _support(s, sentences) for s in sentences}

    def score(sentence: _Sentence) -> float:
        if not sentence.terms:
            return 0.0
        centrality = sum(centroid[t] for t in sentence.terms) / len(sentence.terms)
        outlets = len({s.story.id for s in supporters[id(sentence)]})
        lead = 1.0 / (1 + sentence.position)
        return centrality * (1 + 0.5 * (outlets - 1)) * (1 + lead)

    ranked = sorted(sentences, key=lambda s: (-score(s), s.story.id, s.position))
    chosen: list[_Sentence] = []
    for sentence in ranked:
        if len(chosen) == SUMMARY_MAX:
            break
        if len(sentence.terms) < 4 or any(
            _overlap(sentence.terms, other.terms) >= _REDUNDANT for other in chosen
        ):
            continue
        chosen.append(sentence)
    chosen.sort(key=lambda s: (s.position, s.story.id))
    return tuple(_summary_sentence(s, supporters[id(s)]) for s in chosen)


def _summary_sentence(sentence: _Sentence, support: list[_Sentence]) -> SummarySentence:
    refs = sorted({SourceRef(s.story.id, s.paragraph) for s in support}, key=lambda r: (r.story_id, r.paragraph))
    outlets = tuple(sorted({o for s in support for o in s.story.outlets}))
    return SummarySentence(text=sentence.text, sources=tuple(refs), outlets=outlets)


def _support(sentence: _Sentence, sentences: list[_Sentence]) -> list[_Sentence]:
    found = [sentence]
    for other in sentences:
        if other.story.id != sentence.story.id and _overlap(sentence.terms, other.terms) >= _SAME_SENTENCE:
            found.append(other)
    return found


def _overlap(left: frozenset[str], right: frozenset[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def _sentences(event: Event) -> list[_Sentence]:
    found: list[_Sentence] = []
    for story in event.stories:
        position = 0
        for paragraph_index, paragraph in enumerate(story.record.paragraphs):
            for text in split_sentences(paragraph):
                found.append(_Sentence(text, story, paragraph_index, position, frozenset(_terms(text))))
                position += 1
    return found


def _terms(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 2]


def _outlets(event: Event) -> tuple[str, ...]:
    return tuple(sorted({outlet for story in event.stories for outlet in story.outlets}))
