"""The site configuration: `briefgen.yaml`, validated against one table of settings.

The SETTINGS table is the single source for defaults, validation and the README's reference
(a test fails when a setting is undocumented).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

CONFIG_NAME = "briefgen.yaml"


class ConfigError(Exception):
    """The configuration cannot be used; the message names file, line and key."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One documented configuration key."""

    key: str
    """Dotted key as written in YAML (`clustering.window_days`)."""
    attr: str
    """Field of `Config` it sets."""
    kind: type
    """Expected Python type after YAML parsing."""
    default: Any
    """Value when absent."""
    help: str
    """One line for the README and error messages."""
    check: Callable[[Any], str | None] | None = None
    """Extra validation: returns a problem description or None."""


def _check_http_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an absolute http(s) URL such as https://user.github.io/repo/"
    return None


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "is not an IANA time zone name such as UTC or Europe/Paris"
    return None


def _check_positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _check_unit_interval(value: float) -> str | None:
    return None if 0 < value <= 1 else "must be between 0 and 1"


SETTINGS: tuple[Setting, ...] = (
    Setting("title", "title", str, "Briefing", "Site title shown in every page and feed."),
    Setting("description", "description", str, "", "One-line description for the index and feeds."),
    Setting("language", "language", str, "en", "Language tag of the site (`lang` of pages, feeds)."),
    Setting(
        "base_url",
        "base_url",
        str,
        "http://localhost:8000/",
        "Absolute URL the site is published at; feeds and sitemap use it.",
        _check_http_url,
    ),
    Setting(
        "timezone",
        "timezone",
        str,
        "UTC",
        "IANA zone for dates that carry no offset.",
        _check_timezone,
    ),
    Setting("sources", "sources", str, "sources", "Folder of source files, relative to this file."),
    Setting("output", "output", str, "build", "Folder the site is written to, relative to this file."),
    Setting(
        "templates",
        "templates",
        str,
        "templates",
        "Folder of your own templates; each file there overrides the default of the same name.",
    ),
    Setting(
        "max_file_size_mb",
        "max_file_size_mb",
        float,
        20.0,
        "Source files larger than this are skipped with a warning.",
        _check_positive,
    ),
    Setting(
        "clustering.window_days",
        "window_days",
        float,
        4.0,
        "Stories published more than this many days apart are never put in one event "
        "(undated stories are not kept apart; a date in their text only lowers their similarity).",
        _check_positive,
    ),
    Setting(
        "clustering.threshold",
        "cluster_threshold",
        float,
        0.14,
        "Mean similarity (0-1) at which two groups of stories are taken to report one event; "
        "lower joins more.",
        _check_unit_interval,
    ),
    Setting(
        "clustering.copy_threshold",
        "copy_threshold",
        float,
        0.7,
        "Share (0-1) of shared word sequences at which two files count as copies of one article.",
        _check_unit_interval,
    ),
)


@dataclass(frozen=True, slots=True)
class Config:
    """A validated configuration; paths are absolute."""

    root: Path
    """The folder the configuration file lives in (or the working directory)."""
    path: Path | None
    """The configuration file, where there is one."""
    title: str = "Briefing"
    description: str = ""
    language: str = "en"
    base_url: str = "http://localhost:8000/"
    timezone: str = "UTC"
    sources: str = "sources"
    output: str = "build"
    templates: str = "templates"
    max_file_size_mb: float = 20.0
    window_days: float = 4.0
    cluster_threshold: float = 0.14
    copy_threshold: float = 0.7

    @property
    def sources_dir(self) -> Path:
        """The sources folder, absolute."""
        return (self.root / self.sources).resolve()

    @property
    def output_dir(self) -> Path:
        """The output folder, absolute."""
        return (self.root / self.output).resolve()

    @property
    def templates_dir(self) -> Path:
        """The user's template folder, absolute (it need not exist)."""
        return (self.root / self.templates).resolve()


def _check_table_matches_record() -> None:
    attrs = {setting.attr for setting in SETTINGS}
    record_fields = {f.name for f in fields(Config)} - {"root", "path"}
    assert attrs == record_fields, attrs ^ record_fields


_check_table_matches_record()


def load_config(path: Path | None, *, search_from: Path | None = None) -> Config:
    """Read and validate a configuration file; without one, use defaults rooted at `search_from`."""
    if path is None:
        start = (search_from or Path.cwd()).resolve()
        candidate = start / CONFIG_NAME
        if not candidate.is_file():
            return Config(root=start, path=None)
        path = candidate
    path = path.resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read configuration: {err}") from err
    values = parse_config_text(text, str(path))
    return Config(root=path.parent, path=path, **values)


def parse_config_text(text: str, name: str) -> dict[str, Any]:
    """Validate YAML text against SETTINGS; return Config field values. Errors name line and key."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            line = node.start_mark.line + 1
            raise ConfigError(f"{name}:{line}: the configuration must be a mapping of keys to values")
        return _read_mapping(loader, node, "", name)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(f"{name}:{line}: invalid YAML: {err.problem}") from err
    except yaml.YAMLError as err:
        raise ConfigError(f"{name}: invalid YAML: {err}") from err
    finally:
        loader.dispose()


def _read_mapping(
    loader: yaml.SafeLoader, node: yaml.MappingNode, prefix: str, name: str
) -> dict[str, Any]:
    by_key = {setting.key: setting for setting in SETTINGS}
    sections = {key.rsplit(".", 1)[0] for key in by_key if "." in key}
    values: dict[str, Any] = {}
    seen: set[str] = set()
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = f"{prefix}{loader.construct_object(key_node)}"
        if key in seen:
            raise ConfigError(f"{name}:{line}: key '{key}' is given twice")
        seen.add(key)
        if key in sections:
            if not isinstance(value_node, yaml.MappingNode):
                raise ConfigError(f"{name}:{line}: '{key}' must be a mapping of settings")
            values.update(_read_mapping(loader, value_node, f"{key}.", name))
            continue
        setting = by_key.get(key)
        if setting is None:
            raise ConfigError(f"{name}:{line}: unknown key '{key}'{_did_you_mean(key, by_key)}")
        value = loader.construct_object(value_node, deep=True)
        values[setting.attr] = _validated(setting, value, name, value_node.start_mark.line + 1)
    return values


def _did_you_mean(key: str, known: Mapping[str, Setting]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _validated(setting: Setting, value: Any, name: str, line: int) -> Any:
    if setting.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, setting.kind) or isinstance(value, bool):
        expected = {str: "a string", float: "a number"}.get(setting.kind, setting.kind.__name__)
        raise ConfigError(
            f"{name}:{line}: '{setting.key}' must be {expected}, not {type(value).__name__}"
        )
    if setting.check is not None:
        problem = setting.check(value)
        if problem:
            raise ConfigError(f"{name}:{line}: '{setting.key}' {problem}")
    return value


def with_overrides(config: Config, **overrides: str | None) -> Config:
    """Apply command-line overrides; relative paths are taken from the working directory."""
    changes: dict[str, Any] = {}
    for attr, value in overrides.items():
        if value is None:
            continue
        if attr in ("sources", "output", "templates"):
            changes[attr] = str(Path(value).resolve())
        elif attr == "base_url":
            problem = _check_http_url(value)
            if problem:
                raise ConfigError(f"--base-url {problem}")
            changes[attr] = value
        else:
            changes[attr] = value
    return replace(config, **changes)
