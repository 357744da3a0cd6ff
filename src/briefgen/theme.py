"""What the rest of briefgen knows about templates without importing Jinja: where the default
templates live and the error rendering raises (a rebuild that finds nothing changed fingerprints
the templates and handles that error, but renders nothing)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def default_templates_dir() -> Path:
    """briefgen's own templates: inside the installed package, or the checkout's `templates/`."""
    packaged = Path(str(resources.files("briefgen"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


class RenderError(Exception):
    """A template could not be rendered; the message names the template (and line, where known)."""
