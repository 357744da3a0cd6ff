"""The cluster stage: stories about one happening form one event, stably and in any order."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from dataclasses import replace

import pytest

from briefgen.build import analyse
from briefgen.cli import main
from briefgen.cluster import ClusterSettings, cluster
from briefgen.config import Config
from briefgen.records import Event
from conftest import MakeSite

BRIDGE = (
    (
        "Harbour bridge shut to lorries after cracks found",
        "Engineers found cracks in two steel supports of the Kessock harbour bridge, and the city "
        "council closed it to heavy lorries on Tuesday. Mayor Ellen Marsh said repairs would take "
        "at least six months and that buses would use the northern ring road.",
    ),
    (
        "Kessock bridge closed to heavy traffic",
        "Lorries are banned from the Kessock harbour bridge after an inspection found cracked "
        "steel supports. Ellen Marsh, the mayor, told reporters the council had no choice and "
        "that hauliers would face a long detour to the port while the supports are repaired.",
    ),
    (
        "Hauliers angry at harbour bridge closure",
        "Haulage firms criticised the council's decision to close the Kessock harbour bridge to "
        "lorries over cracks in its supports, saying the detour adds forty minutes to every "
        "delivery. Mayor Ellen Marsh promised to publish the engineers' inspection report.",
    ),
)
BANK = (
    (
        "Central bank raises interest rate to 4.5 percent",
        "The Bank of Norland raised its main interest rate by a quarter point to 4.5 percent on "
        "Thursday, its third rise this year, as governor Tomas Lind warned that inflation in "
        "services was proving stubborn.",
    ),
    (
        "Norland rate rise surprises markets",
        "Governor Tomas Lind said the Bank of Norland would keep raising rates until inflation "
        "falls, after the central bank lifted borrowing costs to 4.5 percent. The currency rose "
        "and mortgage lenders said they would pass the rise on to borrowers.",
    ),
)


def _site(make_site: MakeSite, stories: dict[str, tuple[str, str, str | None]]) -> Config:
    files = {}
    for name, (title, body, date) in stories.items():
        dated = f"date: {date}\n" if date else ""
        files[name] = f"---\ntitle: {title}\n{dated}---\n\n{body}\n"
    return make_site(files)


def _grouping(events: tuple[Event, ...]) -> list[list[str]]:
    return sorted(sorted(story.record.path for story in event.stories) for event in events)


def _two_events(date_of: dict[str, str | None]) -> dict[str, tuple[str, str, str | None]]:
    stories = {f"bridge-{i}.md": (*story, date_of.get("bridge")) for i, story in enumerate(BRIDGE)}
    stories.update({f"bank-{i}.md": (*story, date_of.get("bank")) for i, story in enumerate(BANK)})
    return stories


def test_seeds_are_one_event_of_four_stories(make_site: MakeSite) -> None:
    analysis = analyse(make_site(seeds=True))
    assert len(analysis.events) == 1
    assert len(analysis.events[0].stories) == 4


def test_inspect_json_lists_every_seed_file_exactly_once(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    config = make_site(seeds=True)
    assert main(["inspect", "--format", "json", "--config", str(config.path)]) == 0
    report = json.loads(capsys.readouterr().out)
    paths = [story["path"] for story in report["stories"]]
    paths += [copy["path"] for story in report["stories"] for copy in story["copies"]]
    assert sorted(paths) == sorted(p.name for p in config.sources_dir.iterdir())
    in_events = [story_id for event in report["events"] for story_id in event["stories"]]
    assert sorted(in_events) == sorted(story["id"] for story in report["stories"])
    (event,) = report["events"]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", event["slug"])


def test_stories_group_by_happening(make_site: MakeSite) -> None:
    config = _site(make_site, _two_events({"bridge": "2025-03-04", "bank": "2025-03-06"}))
    assert _grouping(analyse(config).events) == [
        ["bank-0.md", "bank-1.md"],
        ["bridge-0.md", "bridge-1.md", "bridge-2.md"],
    ]


def test_undated_stories_are_not_kept_apart_by_time(make_site: MakeSite) -> None:
    config = _site(make_site, _two_events({}))
    assert _grouping(analyse(config).events) == [
        ["bank-0.md", "bank-1.md"],
        ["bridge-0.md", "bridge-1.md", "bridge-2.md"],
    ]


def test_stories_further_apart_than_the_window_are_separate_events(make_site: MakeSite) -> None:
    stories = _two_events({"bridge": "2025-03-04"})
    title, body, _ = stories["bridge-2.md"]
    stories["bridge-2.md"] = (title, body, "2025-04-20")
    config = _site(make_site, stories)
    groups = _grouping(analyse(config).events)
    assert ["bridge-2.md"] in groups
    assert ["bridge-0.md", "bridge-1.md"] in groups
    wide = replace(config, window_days=60.0)
    assert ["bridge-0.md", "bridge-1.md", "bridge-2.md"] in _grouping(analyse(wide).events)


def test_same_events_ids_and_slugs_in_any_input_order(make_site: MakeSite) -> None:
    config = _site(make_site, _two_events({"bridge": "2025-03-04", "bank": "2025-03-06"}))
    stories = analyse(config).stories
    settings = ClusterSettings.from_config(config)
    expected = cluster(stories, settings)
    shuffled = list(stories)
    for seed in range(3):
        random.Random(seed).shuffle(shuffled)
        assert cluster(tuple(shuffled), settings) == expected


def test_event_id_and_slug_survive_a_later_story(make_site: MakeSite) -> None:
    first = _two_events({"bridge": "2025-03-04", "bank": "2025-03-06"})
    before = {e.id: e.slug for e in analyse(_site(make_site, first)).events}
    later = dict(first)
    later["bridge-3.md"] = (
        "Bridge repairs to start next month",
        "Repairs to the cracked supports of the Kessock harbour bridge will start next month, "
        "mayor Ellen Marsh said, and lorries will stay banned until the work ends.",
        "2025-03-06",
    )
    after = analyse(_site(make_site, later)).events
    assert {e.id: e.slug for e in after} == before
    assert max(len(event.stories) for event in after) == 4


def test_threshold_comes_from_the_configuration(make_site: MakeSite) -> None:
    config = make_site({}, config="clustering:\n  threshold: 0.5\n  window_days: 2\n")
    assert ClusterSettings.from_config(config).threshold == 0.5
    assert ClusterSettings.from_config(config).window_days == 2.0


def test_an_undated_story_joins_the_dated_stories_it_matches(make_site: MakeSite) -> None:
    stories = _two_events({"bridge": "2025-03-04", "bank": "2025-03-06"})
    title, body, _ = stories["bridge-1.md"]
    stories["bridge-1.md"] = (title, body, None)
    assert _grouping(analyse(_site(make_site, stories)).events) == [
        ["bank-0.md", "bank-1.md"],
        ["bridge-0.md", "bridge-1.md", "bridge-2.md"],
    ]


def test_a_small_site_starts_no_workers_and_imports_no_numpy(make_site: MakeSite) -> None:
    config = _site(
        make_site,
        {f"{n}.md": (title, body, "2024-03-05") for n, (title, body) in enumerate(BRIDGE + BANK)},
    )
    script = (
        "import sys; from pathlib import Path; from briefgen.build import analyse; "
        "from briefgen.config import load_config; "
        f"analysis = analyse(load_config(Path({str(config.root / 'briefgen.yaml')!r}))); "
        "print(len(analysis.events), 'numpy' in sys.modules, 'multiprocessing' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["2", "False", "False"]
