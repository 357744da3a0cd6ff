"""What `briefgen inspect` shows: the pipeline's understanding as stable JSON or a table.

The JSON is an interface for scripts and evaluations (documented in the README): an object with
`records` (one per input file, in path order), `stories`, `events` and `diagnostics`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from briefgen.build import Analysis
from briefgen.records import Block, Brief, Record, Story

SCHEMA_VERSION = 1


def record_json(record: Record) -> dict[str, Any]:
    """One record as JSON-ready data."""
    return {
        "id": record.id,
        "path": record.path,
        "format": record.format,
        "outlet": record.outlet,
        "url": record.url,
        "title": record.title,
        "title_from_body": record.title_from_body,
        "published": record.published,
        "byline": {"people": list(record.byline.people), "agency": record.byline.agency},
        "dateline": record.dateline,
        "section": record.section,
        "lang": record.lang,
        "tags": list(record.tags),
        "paragraphs": list(record.paragraphs),
        "headings": _headings(tuple(record.body)),
        "captions": [asdict(caption) for caption in record.captions],
        "comments": [asdict(comment) for comment in record.comments],
        "removed": [asdict(item) for item in record.removed],
        "warnings": [str(warning) for warning in record.warnings],
    }


def _headings(blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
    """Each subheading, with how many paragraphs come before it (the body read back once)."""
    return [
        {
            "before_paragraph": sum(1 for earlier in blocks[:index] if earlier.kind == "paragraph"),
            "text": block.text,
        }
        for index, block in enumerate(blocks)
        if block.kind == "heading"
    ]


def story_json(story: Story) -> dict[str, Any]:
    """One story: its canonical file and its copies."""
    return {
        "id": story.id,
        "path": story.record.path,
        "outlet": story.record.outlet,
        "title": story.record.title,
        "published": story.record.published,
        "copies": [{"path": copy.path, "outlet": copy.outlet} for copy in story.copies],
    }


def event_json(brief: Brief) -> dict[str, Any]:
    """One event with its brief."""
    event = brief.event
    return {
        "id": event.id,
        "slug": event.slug,
        "headline": brief.headline,
        "stories": [story.id for story in event.stories],
        "outlets": list(brief.outlets),
        "first_published": brief.first_published,
        "last_published": brief.last_published,
        "summary": [
            {
                "text": sentence.text,
                "sources": [ref.story_id for ref in sentence.sources],
                "paragraphs": [asdict(ref) for ref in sentence.sources],
                "outlets": list(sentence.outlets),
            }
            for sentence in brief.summary
        ],
        "quotes": [asdict(quote) for quote in brief.quotes],
        "timeline": [asdict(entry) for entry in brief.timeline],
        "coverage": [asdict(item) for item in brief.coverage],
        "disagreements": [asdict(item) for item in brief.disagreements],
        "entities": [asdict(entity) for entity in brief.entities],
        "reactions": [asdict(reaction) for reaction in brief.reactions],
    }


def analysis_json(analysis: Analysis) -> str:
    """The whole analysis as stable, indented JSON."""
    records = sorted(
        [r for story in analysis.stories for r in (story.record, *story.copies)],
        key=lambda record: record.path,
    )
    document = {
        "schema": SCHEMA_VERSION,
        "records": [record_json(record) for record in records],
        "stories": [story_json(story) for story in analysis.stories],
        "events": [event_json(brief) for brief in analysis.briefs],
        "diagnostics": [
            {"path": d.path, "line": d.line, "level": d.level, "message": d.message}
            for d in analysis.diagnostics
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def analysis_text(analysis: Analysis) -> str:
    """A readable table: each event, its stories, and their files."""
    lines: list[str] = []
    for brief in analysis.briefs:
        span = " to ".join(
            sorted({d[:10] for d in (brief.first_published, brief.last_published) if d})
        )
        lines.append(f"EVENT {brief.event.slug}  {span}")
        lines.append(f"  {brief.headline}")
        for story in brief.event.stories:
            record = story.record
            lines.append(
                f"  - {record.outlet or '(outlet unknown)'} | {record.published or '(undated)'} | "
                f"{record.title} [{record.path}]"
            )
            lines.extend(
                f"      copy: {copy.path} ({copy.outlet or 'outlet unknown'})"
                for copy in story.copies
            )
        lines.append("")
    return "\n".join(lines)
