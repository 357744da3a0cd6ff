"""`briefgen init`: the files of a new briefing site.

The configuration file is written from config.SETTINGS (every key, its default and its help), so
it cannot drift from what briefgen accepts. The example sources and the GitHub Pages workflow are
packaged files under the default templates' `scaffold/` folder, the one copy of each.
"""

from __future__ import annotations

import json
from pathlib import Path

from briefgen.config import CONFIG_NAME, SETTINGS, Setting
from briefgen.render import default_templates_dir

WORKFLOW_PATH = ".github/workflows/pages.yml"


class SiteExistsError(Exception):
    """init would overwrite files that are already there; nothing was written."""

    def __init__(self, existing: list[Path]) -> None:
        super().__init__(", ".join(str(path) for path in existing))
        self.existing = existing


def scaffold_dir() -> Path:
    """The packaged folder of files init copies."""
    return default_templates_dir() / "scaffold"


def site_files() -> dict[str, bytes]:
    """Every file of a new site, by path relative to the site's folder."""
    packaged = scaffold_dir()
    files = {
        CONFIG_NAME: config_text().encode("utf-8"),
        ".gitignore": gitignore_text().encode("utf-8"),
        WORKFLOW_PATH: (packaged / "pages.yml").read_bytes(),
    }
    sources = _default("sources")
    for example in sorted((packaged / "sources").iterdir()):
        files[f"{sources}/{example.name}"] = example.read_bytes()
    return files


def create_site(folder: Path) -> list[Path]:
    """Write a new site into `folder` (made if missing); refuses to overwrite any file."""
    files = site_files()
    existing = [folder / name for name in files if (folder / name).exists()]
    if existing:
        raise SiteExistsError(existing)
    written: list[Path] = []
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as stream:  # "x": never replace a file that appeared meanwhile
            stream.write(data)
        written.append(target)
    return written


def config_text() -> str:
    """briefgen.yaml with every setting at its default, each under its help as a comment."""
    lines = [
        "# briefgen.yaml: the settings of this briefing site.",
        "# Every key is shown at its default; change what you need, delete a line to restore it.",
        "# The GitHub Pages workflow passes the published address with --base-url.",
    ]
    section = ""
    for setting in SETTINGS:
        key_section, _, name = setting.key.rpartition(".")
        indent = "  " if key_section else ""
        if key_section != section:
            section = key_section
            lines += ["", f"{key_section}:"] if key_section else [""]
        else:
            lines.append("")
        lines += [f"{indent}# {setting.help}", f"{indent}{name}: {_yaml_value(setting)}"]
    return "\n".join(lines) + "\n"


def gitignore_text() -> str:
    """What git should not track in a site: the built output, the cache, a virtualenv."""
    return f"/{_default('output')}/\n/{_default('cache')}/\n/.venv/\n"


def _default(key: str) -> str:
    setting = next(setting for setting in SETTINGS if setting.key == key)
    return str(setting.default)


def _yaml_value(setting: Setting) -> str:
    # A JSON string or number is also valid YAML, and quoting keeps `: ` and `#` harmless.
    return json.dumps(setting.default, ensure_ascii=False)
