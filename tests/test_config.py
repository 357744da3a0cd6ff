"""briefgen.yaml: defaults, validation messages with file, line and key, command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.config import (
    SETTINGS,
    ConfigError,
    FeedSource,
    load_config,
    parse_config_text,
    with_overrides,
)

REPO = Path(__file__).resolve().parents[1]


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    config = load_config(None, search_from=tmp_path)
    assert config.path is None
    assert config.sources_dir == tmp_path / "sources"
    assert config.output_dir == tmp_path / "build"
    assert config.timezone == "UTC"


def test_values_are_read_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "site" / "briefgen.yaml"
    path.parent.mkdir()
    path.write_text(
        "title: Morning brief\nbase_url: https://u.github.io/r/\nsources: in\noutput: out\n"
        "clustering:\n  window_days: 2\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.title == "Morning brief"
    assert config.base_url == "https://u.github.io/r/"
    assert config.sources_dir == tmp_path / "site" / "in"
    assert config.output_dir == tmp_path / "site" / "out"
    assert config.window_days == 2.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: A\ntitel: B\n", "cfg.yaml:2: unknown key 'titel' (did you mean 'title'?)"),
        ("title: [1, 2]\n", "cfg.yaml:1: 'title' must be a string, not list"),
        (
            "base_url: ftp://example.org/\n",
            "cfg.yaml:1: 'base_url' must be an absolute http(s) URL",
        ),
        ("base_url: example.org\n", "cfg.yaml:1: 'base_url' must be an absolute http(s) URL"),
        ("timezone: Mars/Olympus\n", "cfg.yaml:1: 'timezone' is not an IANA time zone name"),
        ("clustering:\n  windows_days: 3\n", "cfg.yaml:2: unknown key 'clustering.windows_days'"),
        ("clustering: 3\n", "cfg.yaml:1: 'clustering' must be a mapping of settings"),
        (
            "clustering:\n  threshold: 1.5\n",
            "cfg.yaml:2: 'clustering.threshold' must be between 0 and 1",
        ),
        ("title: A\ntitle: B\n", "cfg.yaml:2: key 'title' is given twice"),
        ("- a\n- b\n", "cfg.yaml:1: the configuration must be a mapping"),
        ("title: 'open\n", "cfg.yaml:2: invalid YAML"),
        ("max_file_size_mb: yes\n", "cfg.yaml:1: 'max_file_size_mb' must be a number, not bool"),
        ("feeds: https://a.example/rss\n", "cfg.yaml:1: 'feeds' must be a list"),
        (
            "feeds:\n  - https://a.example/rss\n  - ftp://b.example/rss\n",
            "cfg.yaml:3: 'feeds' item 2 'ftp://b.example/rss' is neither an http(s) URL nor",
        ),
        ("feeds:\n  - {outlet: X}\n", "cfg.yaml:2: 'feeds' item 1 needs 'url'"),
        ("feeds:\n  - {url: a.xml, otlet: X}\n", "cfg.yaml:2: 'feeds' item 1 unknown field"),
        ("urls:\n  - page.html\n", "cfg.yaml:2: 'urls' item 1 must be an absolute http(s) URL"),
        ("fetch:\n  retries: 1.5\n", "cfg.yaml:2: 'fetch.retries' must be a whole number"),
        ("fetch:\n  per_host: 0\n", "cfg.yaml:2: 'fetch.per_host' must be greater than 0"),
    ],
)
def test_invalid_configuration_names_file_line_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config_text(text, "cfg.yaml")
    assert str(caught.value).startswith(message)


def test_feeds_urls_and_fetch_settings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "briefgen.yaml"
    path.write_text(
        "feeds:\n  - https://a.example/rss\n  - {url: feeds/b.xml, outlet: B News}\n"
        "urls:\n  - https://c.example/story\nfetch:\n  cache: cache/web\n  retries: 0\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.feeds == (
        FeedSource("https://a.example/rss"),
        FeedSource("feeds/b.xml", "B News"),
    )
    assert config.urls == ("https://c.example/story",)
    assert (config.fetched_dir, config.fetch_retries) == (tmp_path / "cache" / "web", 0)


def test_yaml_tags_cannot_build_objects() -> None:
    with pytest.raises(ConfigError, match="invalid YAML"):
        parse_config_text("title: !!python/object/apply:os.system ['true']\n", "cfg.yaml")


def test_an_empty_file_means_defaults() -> None:
    assert parse_config_text("", "cfg.yaml") == {}


def test_command_line_overrides_win(tmp_path: Path) -> None:
    config = load_config(None, search_from=tmp_path)
    changed = with_overrides(config, output="elsewhere", base_url="https://x.org/b/")
    assert changed.output_dir == Path.cwd() / "elsewhere"
    assert changed.base_url == "https://x.org/b/"
    with pytest.raises(ConfigError, match="--base-url must be an absolute http"):
        with_overrides(config, base_url="javascript:alert(1)")


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [s.key for s in SETTINGS if f"`{s.key}`" not in readme]
    assert not missing, f"README.md does not document: {missing}"


def test_the_repository_config_is_valid() -> None:
    config = load_config(REPO / "briefgen.yaml")
    assert config.sources_dir == REPO / "sources"
