"""`briefgen init`: a new site that builds as it is, and never overwrites a file."""

from __future__ import annotations

from pathlib import Path

import yaml

from briefgen.config import SETTINGS, Config, load_config
from conftest import run_cli


def test_init_creates_a_site_that_builds_one_event_from_three_formats(tmp_path: Path) -> None:
    result = run_cli("init", "news", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "news"
    sources = sorted(path.suffix for path in (site / "sources").iterdir())
    assert sources == [".html", ".md", ".txt"]
    assert "created news/.github/workflows/pages.yml" in result.stdout
    built = run_cli("build", "--strict", cwd=site)
    assert built.returncode == 0, built.stderr
    assert "3 sources -> 3 stories (0 copies merged) -> 1 event;" in built.stdout
    index = (site / "build" / "index.html").read_text(encoding="utf-8")
    assert "Lake Orrin" in index


def test_the_config_lists_every_setting_at_its_default_with_its_help(tmp_path: Path) -> None:
    assert run_cli("init", cwd=tmp_path).returncode == 0
    text = (tmp_path / "briefgen.yaml").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"# {setting.help}\n" in text
        assert f"{setting.key.rpartition('.')[2]}: " in text
    assert load_config(tmp_path / "briefgen.yaml") == Config(
        root=tmp_path, path=tmp_path / "briefgen.yaml"
    )


def test_gitignore_covers_output_cache_and_virtualenv(tmp_path: Path) -> None:
    assert run_cli("init", cwd=tmp_path).returncode == 0
    ignored = (tmp_path / ".gitignore").read_text(encoding="utf-8").split()
    assert ignored == ["/build/", "/.cache/briefgen/", "/.venv/"]


def test_pages_workflow_builds_with_the_published_address_and_deploys(tmp_path: Path) -> None:
    assert run_cli("init", cwd=tmp_path).returncode == 0
    workflow = yaml.safe_load((tmp_path / ".github/workflows/pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert "briefgen build" in commands and "--base-url" in commands
    uses = [step.get("uses", "") for step in steps]
    assert any(name.startswith("actions/upload-pages-artifact@") for name in uses)
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    deploy = workflow["jobs"]["deploy"]["steps"][0]["uses"]
    assert deploy.startswith("actions/deploy-pages@")


def test_init_refuses_to_overwrite_and_names_the_files(tmp_path: Path) -> None:
    (tmp_path / "briefgen.yaml").write_text("title: Mine\n", encoding="utf-8")
    (tmp_path / "sources").mkdir()
    result = run_cli("init", cwd=tmp_path)
    assert result.returncode == 1
    assert "briefgen: error: briefgen.yaml already exists" in result.stderr
    assert "nothing written" in result.stderr
    assert (tmp_path / "briefgen.yaml").read_text(encoding="utf-8") == "title: Mine\n"
    assert list((tmp_path / "sources").iterdir()) == []
    assert not (tmp_path / ".gitignore").exists()


def test_init_help_documents_the_folder_argument(tmp_path: Path) -> None:
    result = run_cli("init", "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "folder" in result.stdout and "never overwritten" in result.stdout
