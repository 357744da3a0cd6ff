"""Loader for text copied from a web page: find the article among the page's furniture.

Lines get their features and scores from `briefgen.loaders.lines`; the article is the densest run
of prose lines, cut where a copyright line, comment votes or a list of stamped posts begins; the
title is the on-topic headline-shaped line that leads into it (at most one lead paragraph may
stand above it); what surrounds it is sorted into banners, captions, credits, copyright lines,
related links and reader comments, and the header's date, section, byline and outlet are read."""

from __future__ import annotations

import re
from collections import Counter

from briefgen.compact import Packed
from briefgen.dates import find_dates
from briefgen.loaders import SourceText, record_id, title_from_text
from briefgen.loaders.lines import (
    ACTION_AFTER_STOP,
    AGENCY_CREDIT,
    BREADCRUMB,
    CALL_TO_ACTION,
    CREDIT_LINE,
    INLINE_CREDIT,
    PREFERRED_SOURCE,
    SCORE,
    Line,
    article_end,
    densest_run,
    is_headline,
    is_sentence,
    line_scores,
    split_lines,
)
from briefgen.loaders.topics import TopicWords
from briefgen.records import Block, Body, Byline, Caption, Comment, Record, Removed, RemovedKind
from briefgen.sentences import split_sentences

_BYLINE = re.compile(r"^(?:by|written by|words by)\s+(?P<names>[^\d]{3,120})$", re.IGNORECASE)
_ALL_CAPS_PLACE = re.compile(r"^[A-Z][A-Z .,'\u2019-]{1,40}$")
_DATELINE_PREFIX = re.compile(
    r"^(?P<place>[A-Z][A-Z .,'\u2019-]{1,40}?)\s*"
    r"(?:\((?P<agency>[A-Za-z .]{2,30})\))?\s*[\u2014\u2013-]{1,2}\s"
)
_ORG_SUFFIX = re.compile(r",?\s+(?:inc|ltd|llc|corp|co|plc|gmbh|ag|sa)\.?$", re.IGNORECASE)

# Prose paragraphs that may stand above the headline (a standfirst or lead).
_LEAD_PARAGRAPHS = 1
# Share of a line's longer words that must recur in the body for it to be on the article's topic.
_TOPICAL = 0.3
# Below this share a leading prose line is taken for a site banner, not the article's lead.
_LEAD_TOPICAL = 0.1


def load(source: SourceText) -> Record:
    """Parse copied page text into a record."""
    page = _Page(source)
    return page.record()


class _Page:
    """The working state of one page's analysis (local to one call of `load`)."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.lines = split_lines(source.text)
        self.topics = TopicWords(self.lines)
        self.removed: list[Removed] = []
        self.captions: list[Caption] = []
        self.comments: list[Comment] = []
        self.outlet: str | None = None
        self.published: str | None = None
        self.section: str | None = None
        self.dateline: str | None = None
        self.people: tuple[str, ...] = ()
        self.agency: str | None = None
        self.owner: str | None = None
        self.breadcrumb: list[str] = []

    def record(self) -> Record:
        start, stop = self._article_span()
        start = self._skip_off_topic_lead(start, stop)
        title_index = self._find_title(start, stop)
        body_start = title_index + 1 if title_index is not None else start
        header = self.lines[: title_index if title_index is not None else start]
        lead = self._lead_before_title(title_index, start, stop)
        self._read_header(header, keep=lead)
        body = [*self._body(lead), *self._body(self.lines[body_start : stop + 1])]
        self._read_trailer(self.lines[stop + 1 :])
        title = self.lines[title_index].text if title_index is not None else ""
        title = title or self._breadcrumb_title() or ""
        title_from_body = not title
        title = title or title_from_text(_first_paragraph(body))
        self.published = self.published or self._date_from_furniture()
        return Record(
            id=record_id(title, tuple(body)),
            path=self.source.path,
            format="text",
            title=title,
            outlet=self.outlet or (self.owner if self.owner else None),
            url=None,
            published=self.published,
            byline=Byline(self.people, self.agency),
            dateline=self.dateline,
            section=self.section,
            lang=None,
            tags=(),
            body=Body(body),
            captions=Packed(self.captions),
            comments=Packed(self.comments),
            removed=Packed(sorted(self.removed, key=lambda item: item.line or 0)),
            title_from_body=title_from_body,
            warnings=self.source.warnings,
        )

    # -- line shapes -------------------------------------------------------------------------

    def _kind(self, line: Line) -> RemovedKind | None:
        """The furniture kind of a line, or None where it may be reporting."""
        return line.kind

    def _article_span(self) -> tuple[int, int]:
        """First and last index of the article: the densest run, cut at an end marker in it."""
        scores = line_scores(self.lines)
        start, stop = densest_run(scores)
        end = article_end(self.lines, start, stop)
        if end <= stop:
            start, stop = densest_run(scores[:end])
        return start, stop

    # -- title and header --------------------------------------------------------------------

    def _find_title(self, start: int, stop: int) -> int | None:
        """The headline: a headline-shaped line near the body's start that shares its words."""
        best, best_score = None, 0.0
        prose_before = 0
        for index in range(max(0, start - 8), min(stop, start + 5)):
            line = self.lines[index]
            if index >= start and is_sentence(line):
                prose_before += 1
            # Past a lead paragraph a headline-shaped line is a subheading, not the title.
            if prose_before > _LEAD_PARAGRAPHS:
                break
            if not is_headline(line) or self._kind(line) is not None or self._is_meta(line):
                continue
            own = self.topics.of(index)
            held = self.topics.held(own, max(start, index + 1), stop)
            topical = held / len(own) if own else 0.0
            score = topical - 0.02 * abs(index - start)
            if topical >= _TOPICAL and score > best_score:
                best, best_score = index, score
        return best

    def _skip_off_topic_lead(self, start: int, stop: int) -> int:
        """Move the body's start past leading lines that share no words with what follows.

        Site banners ("official website" notices, cookie lines) are prose too, so the densest run
        can begin with them; the article is what the rest of the run talks about.
        """
        if start >= stop - 3:
            return start
        own = self.topics.of(start)
        if not own or self.topics.hold_share(own, start + 3, stop, _LEAD_TOPICAL):
            return start  # the usual case, found without counting every word of the article
        # Word counts of lines[start + 3 : stop + 1], kept up to date as start moves (linear).
        later = Counter(w for index in range(start + 3, stop + 1) for w in self.topics.of(index))
        while start < stop - 3:
            own = self.topics.of(start)
            if not own:
                return start
            # Skip the next two lines: a banner's own lines share its words.
            shared = sum(1 for w in own if later[w] > 0) / len(own)
            if shared >= _LEAD_TOPICAL:
                return start
            later.subtract(self.topics.of(start + 3))
            start += 1
        return start

    def _lead_before_title(self, title: int | None, start: int, stop: int) -> list[Line]:
        """Prose between the body's start and a title found inside it that is on topic: a lead."""
        if title is None or title < start:
            return []
        lead: list[Line] = []
        for index in range(start, title):
            line = self.lines[index]
            own = self.topics.of(index) if is_sentence(line) else frozenset()
            if own and self.topics.hold_share(own, title + 1, stop, _TOPICAL):
                lead.append(line)
        return lead

    def _is_header_meta(self, line: Line) -> bool:
        """A byline, or a short date (and time) line, that no earlier line already gave."""
        if is_sentence(line):
            return False
        if _BYLINE.match(line.text):
            return not self.people
        return not self.published and self._is_meta(line)

    def _is_meta(self, line: Line) -> bool:
        return (bool(find_dates(line.text)) and line.words <= 8) or bool(_BYLINE.match(line.text))

    def _read_header(self, header: list[Line], keep: list[Line]) -> None:
        kept = {line.number for line in keep}
        for position, line in enumerate(header):
            if line.number in kept:
                continue
            kind = self._kind(line)
            self._note_outlet(line)
            if kind == "breadcrumb":
                self._read_breadcrumb(line)
            elif kind in ("caption", "credit"):
                self._add_caption(line, kind)
                continue
            elif self._read_meta(line):
                continue
            elif line.words <= 2 and position >= len(header) - 2 and line.text.islower():
                self.section = line.text.strip()
                self.removed.append(Removed("metadata", line.text, line.number))
                continue
            self.removed.append(Removed(kind or "banner", line.text, line.number))

    def _read_meta(self, line: Line) -> bool:
        """Date lines ("date 2026-01-15  Site Name") and bylines; True where the line was one."""
        byline = _BYLINE.match(line.text)
        if byline:
            self.people = _split_names(byline["names"])
            self.removed.append(Removed("metadata", line.text, line.number))
            return True
        mentions = find_dates(line.text)
        if not mentions or line.words > 8:
            return False
        self.published = self.published or mentions[0].value.isoformat()
        rest = (line.text[: mentions[0].start] + " " + line.text[mentions[0].end :]).strip()
        rest = re.sub(r"^(?:date|published|updated|posted)\b[:\s]*", "", rest, flags=re.I).strip()
        if rest and not self.outlet and re.fullmatch(r"(?:[A-Z][\w.&'-]*\s?){1,5}", rest):
            self.outlet = rest
        self.removed.append(Removed("metadata", line.text, line.number))
        return True

    def _read_breadcrumb(self, line: Line) -> None:
        parts = [part.strip() for part in BREADCRUMB.split(line.text) if part.strip()]
        if len(parts) >= 2 and len(parts[0].split()) >= 4 and not self.outlet:
            self.outlet = parts[1]
        self.breadcrumb = parts

    def _breadcrumb_title(self) -> str | None:
        parts = self.breadcrumb
        return parts[0] if parts and len(parts[0].split()) >= 4 else None

    def _note_outlet(self, line: Line) -> None:
        # Run on most lines: the cheap test of the one word every such promo has comes first.
        if self.outlet or "source" not in line.text.casefold():
            return
        match = PREFERRED_SOURCE.search(line.text)
        if match:
            self.outlet = match["outlet"].strip()

    # -- body --------------------------------------------------------------------------------

    def _body(self, lines: list[Line]) -> list[Block]:
        photo_groups = {line.group for line in lines if CREDIT_LINE.match(line.text)}
        if photo_groups and not _groups_are_paragraphs(self.lines):
            photo_groups = set()
        blocks: list[Block] = []
        has_paragraph = False
        for index, line in enumerate(lines):
            self._note_outlet(line)
            kind = self._kind(line)
            if line.group in photo_groups:
                self._add_caption(line, kind or "caption")
            elif kind in ("caption", "credit"):
                self._add_caption(line, kind)
            elif kind is not None:
                self.removed.append(Removed(kind, line.text, line.number))
            elif not has_paragraph and self._is_header_meta(line):
                # A byline or date line between the headline and the first paragraph.
                self._read_meta(line)
            elif is_sentence(line) or line.words > 25:
                blocks.append(Block("paragraph", self._without_promo(line)))
                has_paragraph = True
            elif is_headline(line) and _next_is_prose(lines, index):
                blocks.append(Block("heading", line.text))
            elif _ALL_CAPS_PLACE.match(line.text) and not blocks and not self.dateline:
                self.dateline = line.text.strip()
                self.removed.append(Removed("metadata", line.text, line.number))
            else:
                self.removed.append(Removed("boilerplate", line.text, line.number))
        self._read_dateline(blocks)
        return blocks

    def _without_promo(self, line: Line) -> str:
        if not (CALL_TO_ACTION.match(line.text) or ACTION_AFTER_STOP.search(line.text)):
            return line.text
        sentences = split_sentences(line.text)
        kept = [s for s in sentences if not (CALL_TO_ACTION.match(s) and len(s.split()) <= 8)]
        if len(kept) == len(sentences) or not kept:
            return line.text
        for sentence in sentences:
            if sentence not in kept:
                self.removed.append(Removed("promo", sentence, line.number))
        return " ".join(kept)

    def _read_dateline(self, blocks: list[Block]) -> None:
        if self.dateline or not blocks:
            return
        match = _DATELINE_PREFIX.match(blocks[0].text)
        if match and len(match["place"].split()) <= 4:
            self.dateline = match["place"].strip(" ,")
            if match["agency"] and not self.agency:
                self.agency = match["agency"].strip()

    def _add_caption(self, line: Line, kind: RemovedKind) -> None:
        self.removed.append(Removed(kind, line.text, line.number))
        if kind == "credit":
            if self.captions and self.captions[-1].credit is None:
                credit = line.text.split(":", 1)[1].strip()
                self.captions[-1] = Caption(self.captions[-1].text, credit)
            return
        match = INLINE_CREDIT.search(line.text) or AGENCY_CREDIT.search(line.text)
        if match:
            text = line.text[: match.start()].strip()
            self.captions.append(Caption(text, match["credit"].strip()))
        elif is_sentence(line):
            self.captions.append(Caption(line.text, None))

    # -- after the article -------------------------------------------------------------------

    def _read_trailer(self, trailer: list[Line]) -> None:
        pending: list[Line] = []
        has_scores = any(SCORE.match(line.text) for line in trailer)
        for line in trailer:
            kind = self._kind(line)
            if kind == "copyright":
                self._read_copyright(line)
                self.removed.append(Removed("copyright", line.text, line.number))
            elif has_scores and SCORE.match(line.text):
                self._add_comment(pending, line)
                pending = []
            elif has_scores:
                pending.append(line)
            else:
                self.removed.append(Removed(kind or "related-links", line.text, line.number))
        if pending:
            self._add_comment(pending, None)

    def _add_comment(self, lines: list[Line], score_line: Line | None) -> None:
        if not lines:
            return
        score = None
        if score_line is not None:
            score = int(re.match(r"[-+\u2212]?\d+", score_line.text)[0].replace("\u2212", "-"))  # type: ignore[index]
        self.comments.append(Comment("\n\n".join(line.text for line in lines), score))
        for line in [*lines, *([score_line] if score_line else [])]:
            self.removed.append(Removed("comment", line.text, line.number))

    def _read_copyright(self, line: Line) -> None:
        holder = re.sub(r"^(?:\u00a9|\(c\)|copyright)\s*", "", line.text, flags=re.I)
        holder = re.sub(r"all rights reserved\.?", "", holder, flags=re.I)
        has_year = bool(re.match(r"\s*(?:19|20)\d\d", holder))
        holder = re.sub(r"^[\s\d\-\u2013,]*", "", holder).strip(" .")
        if not holder:
            return
        if not has_year and len(holder.split()) <= 3 and not self.agency:
            self.agency = holder.title() if holder.isupper() else holder
        elif not self.owner:
            self.owner = _ORG_SUFFIX.sub("", holder).strip() or None

    def _date_from_furniture(self) -> str | None:
        """Where no date line dated the page, the date its captions and furniture give most."""
        counts = Counter(
            mention.value.isoformat()
            for item in self.removed
            if item.kind in ("caption", "credit", "metadata")
            for mention in find_dates(item.text)
        )
        return counts.most_common(1)[0][0] if counts else None


def _groups_are_paragraphs(lines: list[Line]) -> bool:
    """True where blank lines separate paragraphs (so a group of lines is one block)."""
    groups = {line.group for line in lines}
    return len(groups) >= len(lines) * 0.6


def _next_is_prose(lines: list[Line], index: int) -> bool:
    return any(is_sentence(line) for line in lines[index + 1 : index + 3])


def _first_paragraph(body: list[Block]) -> str:
    return next((block.text for block in body if block.kind == "paragraph"), "")


def _split_names(names: str) -> tuple[str, ...]:
    parts = re.split(r",\s*|\s+and\s+|\s*&\s*", names.strip())
    return tuple(part.strip() for part in parts if part.strip())
