"""YAML front matter of markdown sources: split off, parsed safely, read field by field.

Every problem is a warning with the line of the field it is about; a bad field is ignored, the
rest of the file still loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import yaml

from briefgen.dates import parse_date, to_date
from briefgen.loaders import SourceText
from briefgen.markup import markdown_to_text
from briefgen.records import Diagnostic

FIELDS = ("title", "outlet", "date", "url", "author", "section", "lang", "tags")
_FENCE = re.compile(r"\A(?:\ufeff)?---[ \t]*\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_KEY = re.compile(r"^([^\s:#][^:]*?)\s*:", re.MULTILINE)
_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
# A date this far past the build's day is a typo, not a time zone.
_FUTURE_SLACK = timedelta(days=1)


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML loading that reports a key given twice instead of keeping the last."""


class _FastUniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same with libyaml's parser (several times faster), where PyYAML was built with it;
    the constructor is still the safe one, so only plain data comes out."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, str) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' is given twice", key_node.start_mark
            )
        seen.add(key)
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node))


for _loader in (_UniqueKeyLoader, _FastUniqueKeyLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(slots=True)
class FrontMatter:
    """The parsed fields, where each key stands in the file, and the problems found so far."""

    source: SourceText
    """The file the front matter is in."""
    fields: dict[str, Any] = field(default_factory=dict)
    """The known fields as YAML gave them."""
    key_lines: dict[str, int] = field(default_factory=dict)
    """1-based file line of each key."""
    problems: list[Diagnostic] = field(default_factory=list)
    """Warnings met while reading."""

    def warn(self, key: str | None, message: str) -> None:
        """Record a warning at the key's line (the front matter's first line otherwise)."""
        line = self.key_lines.get(key, 1) if key else 1
        self.problems.append(Diagnostic(self.source.path, line, "warning", message))

    def text(self, key: str) -> str | None:
        """A text field as plain text: markup removed, spaces collapsed; None where absent."""
        value = self.fields.get(key)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            kind = "a mapping" if isinstance(value, dict) else "a list"
            self.warn(key, f"front matter: {key} should be text, got {kind}; ignored")
            return None
        text = markdown_to_text(str(value))
        if not text and str(value).strip():
            self.warn(key, f"front matter: {key} has no text once markup is removed; ignored")
        return text or None

    def names(self, key: str) -> tuple[str, ...]:
        """A list field (authors, tags), from a YAML list or a comma-separated text."""
        value = self.fields.get(key)
        if value is None:
            return ()
        items = value if isinstance(value, list) else re.split(r",\s*|\s+and\s+", str(value))
        cleaned = (markdown_to_text(str(item)) for item in items if not isinstance(item, dict))
        return tuple(name for name in cleaned if name)

    def url(self) -> str | None:
        """The article's address, where it is http(s)."""
        url = self.text("url")
        if url and not _SAFE_URL.match(url):
            self.warn("url", f"front matter: url '{url[:80]}' is not http(s); ignored")
            return None
        return url

    def published(self) -> str | None:
        """The date as ISO 8601; a warning where it is not a date or lies in the future."""
        value = self.fields.get("date")
        if value is None:
            return None
        if isinstance(value, (datetime, date)):
            parsed: str | None = value.isoformat()
        else:
            parsed = parse_date(str(value))
        if parsed is None:
            self.warn("date", f"front matter: date '{str(value)[:40]}' is not a date")
            return None
        day = to_date(parsed)
        if day is not None and day > datetime.now(tz=UTC).date() + _FUTURE_SLACK:
            self.warn("date", f"front matter: date {day.isoformat()} is in the future")
        return parsed


def split_front_matter(source: SourceText) -> tuple[FrontMatter, str, int]:
    """The front matter, the body, and the body's first line."""
    text = source.text
    front = FrontMatter(source)
    fence = _FENCE.match(text)
    if not fence:
        return front, text, 1
    close = _CLOSE.search(text, fence.end())
    if close is None:
        front.warn(None, "front matter: no closing '---'; read the file as body text")
        return front, text[fence.end() :], 2
    body = text[close.end() :].lstrip("\n")
    body_line = text[: len(text) - len(body)].count("\n") + 1
    if not body.strip():  # point at the line after the front matter, not past the file's end
        body_line = text[: close.end()].count("\n") + 2
    raw = text[fence.end() : close.start()]
    front.key_lines = {
        match[1]: raw[: match.start()].count("\n") + 2 for match in _KEY.finditer(raw)
    }
    _parse_into(front, raw)
    return front, body, body_line


def _load_yaml(raw: str) -> Any:
    """The YAML's data; libyaml first, and where it objects the pure-Python parser, whose
    messages (and line numbers) are the ones users see."""
    try:
        return yaml.load(raw, Loader=_FastUniqueKeyLoader)  # a SafeLoader subclass
    except (yaml.YAMLError, RecursionError):
        return yaml.load(raw, Loader=_UniqueKeyLoader)  # a SafeLoader subclass


def _parse_into(front: FrontMatter, raw: str) -> None:
    """Fill the front matter's known fields from its YAML, warning about the rest."""
    try:
        meta = _load_yaml(raw)
    except yaml.MarkedYAMLError as err:
        line = (err.problem_mark.line + 2) if err.problem_mark else 1
        front.problems.append(
            Diagnostic(front.source.path, line, "warning", f"front matter: {err.problem}")
        )
        return
    except (yaml.YAMLError, RecursionError) as err:
        front.warn(None, f"front matter: {err}")
        return
    if meta is None:
        return
    if not isinstance(meta, dict):
        front.problems.append(
            Diagnostic(
                front.source.path,
                2,
                "warning",
                f"front matter: expected a mapping, got {type(meta).__name__}",
            )
        )
        return
    for key in meta:
        if key not in FIELDS:
            front.warn(str(key), f"front matter: unknown field '{key}' ignored")
    front.fields = {key: value for key, value in meta.items() if key in FIELDS}
