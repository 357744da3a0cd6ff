"""The site configuration: `briefgen.yaml` read, validated against the settings table
(settings.py) with file, line and key in every error, and overridden from the command line."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from briefgen.settings import (
    CONFIG_NAME,
    DEFAULT_EVENTS_PER_PAGE,
    DEFAULT_FEED_ITEMS,
    DEFAULT_USER_AGENT,
    SETTINGS,
    FeedSource,
    Setting,
    check_http_url,
)

__all__ = [
    "CONFIG_NAME",
    "SETTINGS",
    "Config",
    "ConfigError",
    "FeedSource",
    "Setting",
    "load_config",
    "user_cache_dir",
]


class ConfigError(Exception):
    """The configuration cannot be used; the message names file, line and key."""


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
    feed_items: int = DEFAULT_FEED_ITEMS
    events_per_page: int = DEFAULT_EVENTS_PER_PAGE
    sources: str = "sources"
    output: str = "build"
    templates: str = "templates"
    cache: str = ".cache/briefgen"
    max_file_size_mb: float = 20.0
    window_days: float = 4.0
    cluster_threshold: float = 0.14
    copy_threshold: float = 0.7
    feeds: tuple[FeedSource, ...] = ()
    urls: tuple[str, ...] = ()
    fetch_cache: str = "fetched"
    user_agent: str = DEFAULT_USER_AGENT
    fetch_timeout: float = 20.0
    fetch_max_bytes: int = 5_000_000
    fetch_retries: int = 2
    fetch_backoff: float = 1.0
    fetch_max_wait: float = 60.0
    fetch_per_host: int = 2

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

    @property
    def cache_dir(self) -> Path:
        """The incremental-build cache folder, absolute (it need not exist)."""
        return (self.root / self.cache).resolve()

    @property
    def fetched_dir(self) -> Path:
        """The fetch cache, absolute (it need not exist)."""
        return (self.root / self.fetch_cache).resolve()


def user_cache_dir() -> Path | None:
    """briefgen's folder in the user's cache ($XDG_CACHE_HOME, else ~/.cache), for what any site
    may share; None where there is no home folder."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            return Path.home() / ".cache" / "briefgen"
        except RuntimeError:
            return None
    return Path(base) / "briefgen"


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
            raise ConfigError(
                f"{name}:{line}: the configuration must be a mapping of keys to values"
            )
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
        if setting.item is not None:
            values[setting.attr] = _validated_list(loader, setting, value_node, name)
            continue
        value = loader.construct_object(value_node, deep=True)
        values[setting.attr] = _validated(setting, value, name, value_node.start_mark.line + 1)
    return values


def _validated_list(
    loader: yaml.SafeLoader, setting: Setting, node: yaml.Node, name: str
) -> tuple[Any, ...]:
    assert setting.item is not None
    if isinstance(node, yaml.ScalarNode) and loader.construct_object(node) is None:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        line = node.start_mark.line + 1
        raise ConfigError(f"{name}:{line}: '{setting.key}' must be a list (one '- ' line each)")
    items: list[Any] = []
    for number, item_node in enumerate(node.value, start=1):
        try:
            items.append(setting.item(loader.construct_object(item_node, deep=True)))
        except ValueError as err:
            line = item_node.start_mark.line + 1
            raise ConfigError(f"{name}:{line}: '{setting.key}' item {number} {err}") from err
    return tuple(items)


def _did_you_mean(key: str, known: Mapping[str, Setting]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _validated(setting: Setting, value: Any, name: str, line: int) -> Any:
    if setting.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, setting.kind) or isinstance(value, bool):
        expected = {str: "a string", float: "a number", int: "a whole number"}.get(
            setting.kind, setting.kind.__name__
        )
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
            problem = check_http_url(value)
            if problem:
                raise ConfigError(f"--base-url {problem}")
            changes[attr] = value
        else:
            changes[attr] = value
    return replace(config, **changes)
