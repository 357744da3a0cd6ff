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

from briefgen import __version__

CONFIG_NAME = "briefgen.yaml"
DEFAULT_USER_AGENT = f"briefgen/{__version__} (static news briefing generator)"


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
    item: Callable[[Any], Any] | None = None
    """For list settings: converts one item, raising ValueError with the problem."""


@dataclass(frozen=True, slots=True)
class FeedSource:
    """One entry of `feeds:`: where the feed is and, optionally, whose it is."""

    location: str
    """An http(s) URL, or a file path relative to the configuration file."""
    outlet: str | None = None
    """The outlet name its stories get; by default the feed's own title."""


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


def _check_not_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _feed_item(value: Any) -> FeedSource:
    if isinstance(value, str):
        return FeedSource(_feed_location(value))
    if not isinstance(value, dict):
        raise ValueError(f"must be a URL, a file path or a mapping with 'url', not {_kind(value)}")
    unknown = sorted(str(key) for key in value if key not in ("url", "outlet"))
    if unknown:
        raise ValueError(f"unknown field '{unknown[0]}' (a feed has 'url' and 'outlet')")
    location, outlet = value.get("url"), value.get("outlet")
    if not isinstance(location, str):
        raise ValueError("needs 'url': the feed's URL or file path")
    if outlet is not None and not (isinstance(outlet, str) and outlet.strip()):
        raise ValueError("'outlet' must be a name")
    return FeedSource(_feed_location(location), outlet.strip() if outlet else None)


def _feed_location(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("is empty")
    if "://" in value and urlsplit(value).scheme not in ("http", "https"):
        raise ValueError(f"'{value[:60]}' is neither an http(s) URL nor a file path")
    return value


def _url_item(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a URL, not {_kind(value)}")
    problem = _check_http_url(value.strip())
    if problem:
        raise ValueError(problem)
    return value.strip()


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    return "a list" if isinstance(value, list) else type(value).__name__


SETTINGS: tuple[Setting, ...] = (
    Setting("title", "title", str, "Briefing", "Site title shown in every page and feed."),
    Setting("description", "description", str, "", "One-line description for the index and feeds."),
    Setting(
        "language", "language", str, "en", "Language tag of the site (`lang` of pages, feeds)."
    ),
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
    Setting(
        "output", "output", str, "build", "Folder the site is written to, relative to this file."
    ),
    Setting(
        "templates",
        "templates",
        str,
        "templates",
        "Folder of your own templates; each file there overrides the default of the same name.",
    ),
    Setting(
        "cache",
        "cache",
        str,
        ".cache/briefgen",
        "Folder for the incremental-build cache, relative to this file; delete it to start clean.",
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
    Setting(
        "feeds",
        "feeds",
        tuple,
        (),
        "RSS/Atom feeds for `briefgen fetch`: each a URL, a file path, or {url, outlet}.",
        item=_feed_item,
    ),
    Setting(
        "urls",
        "urls",
        tuple,
        (),
        "Article pages for `briefgen fetch` to download, each an http(s) URL.",
        item=_url_item,
    ),
    Setting(
        "fetch.cache",
        "fetch_cache",
        str,
        "fetched",
        "Folder `briefgen fetch` writes to and `build` reads besides the sources (git-ignorable).",
    ),
    Setting(
        "fetch.user_agent",
        "user_agent",
        str,
        DEFAULT_USER_AGENT,
        "User-Agent sent with every request; add a contact address or URL.",
    ),
    Setting(
        "fetch.timeout_seconds",
        "fetch_timeout",
        float,
        20.0,
        "Seconds a request may take, connecting and reading, before it is given up.",
        _check_positive,
    ),
    Setting(
        "fetch.max_bytes",
        "fetch_max_bytes",
        int,
        5_000_000,
        "Responses larger than this many bytes are refused.",
        _check_positive,
    ),
    Setting(
        "fetch.retries",
        "fetch_retries",
        int,
        2,
        "How often a request answered 429 or 5xx is tried again.",
        _check_not_negative,
    ),
    Setting(
        "fetch.backoff_seconds",
        "fetch_backoff",
        float,
        1.0,
        "First wait before a retry; it doubles each time (a Retry-After header wins).",
        _check_not_negative,
    ),
    Setting(
        "fetch.max_wait_seconds",
        "fetch_max_wait",
        float,
        60.0,
        "Longest wait before a retry, whatever Retry-After asks.",
        _check_not_negative,
    ),
    Setting(
        "fetch.per_host",
        "fetch_per_host",
        int,
        2,
        "Most requests open at once to one host.",
        _check_positive,
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
            problem = _check_http_url(value)
            if problem:
                raise ConfigError(f"--base-url {problem}")
            changes[attr] = value
        else:
            changes[attr] = value
    return replace(config, **changes)
