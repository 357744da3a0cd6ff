"""A wheel built from the repository carries the templates and builds from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, SEEDS


@pytest.mark.slow
def test_installed_wheel_builds_the_seeds_from_another_folder(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("briefgen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "briefgen/templates/event.html" in names
    assert "briefgen/templates/assets/style.css" in names

    # Install the wheel alone in a target folder that comes first on the path, so that the
    # checkout's sources (an editable install) cannot be what runs.
    target = tmp_path / "installed"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    site = tmp_path / "elsewhere"
    site.mkdir()
    (site / "briefgen.yaml").write_text(f"sources: {SEEDS}\noutput: public\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import briefgen, sys; print(briefgen.__file__); "
            "from briefgen.cli import main; sys.exit(main(['build']))",
        ],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(target)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(target))
    assert "5 sources -> 4 stories (1 copy merged)" in result.stdout
    assert (site / "public" / "index.html").is_file()
    assert (site / "public" / "assets" / "style.css").is_file()
