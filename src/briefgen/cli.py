"""The command line: `briefgen build | check | inspect | fetch`. The one module that prints.

Exit status: 0 success, 1 build or check failure (or any warning with --strict), 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen import __version__
from briefgen.config import Config, ConfigError, load_config, with_overrides
from briefgen.records import Diagnostic

if TYPE_CHECKING:
    from briefgen.build import Analysis
    from briefgen.fetch import FetchResult

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        config = _config(args)
    except ConfigError as err:
        print(f"briefgen: {err}", file=sys.stderr)
        return EXIT_USAGE
    fetches = args.command == "fetch" or getattr(args, "fetch", False)
    if not (fetches or config.sources_dir.is_dir() or config.fetched_dir.is_dir()):
        print(f"briefgen: error: sources folder not found: {config.sources_dir}", file=sys.stderr)
        return EXIT_FAILURE
    handler = {"build": _build, "check": _check, "inspect": _inspect, "fetch": _fetch}[
        args.command
    ]
    return handler(config, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefgen",
        description="Build a static news briefing from a folder of articles.",
    )
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, help="configuration file (default: ./briefgen.yaml)")
    common.add_argument("--sources", help="folder of source files (overrides the config)")
    common.add_argument("--strict", action="store_true", help="fail (exit status 1) on any warning")

    build = commands.add_parser(
        "build", parents=[common], help="build the site", description="Build the site."
    )
    build.add_argument("--out", help="output folder (overrides the config)")
    build.add_argument("--base-url", help="absolute URL the site is published at")
    build.add_argument(
        "--verbose", "-v", action="store_true", help="list every warning and stage time"
    )
    build.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    build.add_argument(
        "--fetch", action="store_true", help="run `briefgen fetch` first, then build"
    )

    commands.add_parser(
        "check",
        parents=[common],
        help="load and cluster without writing; list every warning",
        description="Load and cluster the sources without writing; list every warning.",
    )
    inspect = commands.add_parser(
        "inspect",
        parents=[common],
        help="show what briefgen understood of the sources",
        description="Show the records, stories and events briefgen found.",
    )
    inspect.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    fetch = commands.add_parser(
        "fetch",
        parents=[common],
        help="download the configured feeds and pages into the fetch cache",
        description="Download `feeds:` and `urls:` into the fetch cache that `build` reads.",
    )
    fetch.add_argument("--verbose", "-v", action="store_true", help="list every warning")
    return parser


def _config(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    return with_overrides(
        config,
        sources=args.sources,
        output=getattr(args, "out", None),
        base_url=getattr(args, "base_url", None),
    )


def _build(config: Config, args: argparse.Namespace) -> int:
    from briefgen.build import build  # noqa: PLC0415  (keeps --help fast)
    from briefgen.render import RenderError  # noqa: PLC0415
    from briefgen.write import WriteError  # noqa: PLC0415

    fetched: tuple[Diagnostic, ...] = ()
    if args.fetch:
        fetched = _run_fetch(config, verbose=args.verbose, quiet=args.quiet).diagnostics
    try:
        result = build(config)
    except (RenderError, WriteError) as err:
        print(f"briefgen: error: {err}", file=sys.stderr)
        return EXIT_FAILURE
    analysis = result.analysis
    diagnostics = analysis.diagnostics
    if not args.quiet:
        _print_diagnostics(diagnostics, verbose=args.verbose)
    if args.verbose:
        stages = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.timings.items())
        print(f"stages: {stages}")
    if not args.quiet:
        print(
            f"{_counts(analysis)}; {result.files_written} files written to"
            f" {_shown(config.output_dir)}/ in {result.seconds:.2f} s"
        )
        print(f"open {_shown(config.output_dir / 'index.html')} in a browser")
    return _status((*fetched, *diagnostics), args.strict)


def _fetch(config: Config, args: argparse.Namespace) -> int:
    result = _run_fetch(config, verbose=args.verbose, quiet=False)
    return _status(result.diagnostics, args.strict)


def _run_fetch(config: Config, *, verbose: bool, quiet: bool) -> FetchResult:
    from briefgen.fetch import fetch  # noqa: PLC0415

    result = fetch(config)
    if not quiet:
        _print_diagnostics(result.diagnostics, verbose=verbose)
        stories = result.stories
        print(
            f"{_plural(result.feeds, 'feed')}, {_plural(result.pages, 'page')} ->"
            f" {_plural(sum(stories.values()), 'story', 'stories')} ({stories['new']} new,"
            f" {stories['updated']} updated, {stories['unchanged']} unchanged) in"
            f" {_shown(config.fetched_dir)}/ in {result.seconds:.2f} s"
        )
    return result


def _check(config: Config, args: argparse.Namespace) -> int:
    from briefgen.build import analyse  # noqa: PLC0415

    analysis = analyse(config)
    _print_diagnostics(analysis.diagnostics, verbose=True)
    print(f"{_counts(analysis)}; {_plural(len(analysis.diagnostics), 'warning')}")
    return _status(analysis.diagnostics, args.strict)


def _inspect(config: Config, args: argparse.Namespace) -> int:
    from briefgen.build import analyse  # noqa: PLC0415
    from briefgen.report import analysis_json, analysis_text  # noqa: PLC0415

    analysis = analyse(config)
    print(analysis_json(analysis) if args.format == "json" else analysis_text(analysis))
    if args.format == "text":
        _print_diagnostics(analysis.diagnostics, verbose=True)
    return _status(analysis.diagnostics, args.strict)


def _counts(analysis: Analysis) -> str:
    stories = _plural(len(analysis.stories), "story", "stories")
    copies = _plural(analysis.copies_merged, "copy", "copies")
    events = _plural(len(analysis.events), "event")
    return f"{analysis.loaded.files_seen} sources -> {stories} ({copies} merged) -> {events}"


def _print_diagnostics(diagnostics: Sequence[Diagnostic], *, verbose: bool) -> None:
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        by_file[diagnostic.path].append(diagnostic)
    shown = 0
    for items in by_file.values():
        for diagnostic in items:
            if verbose or diagnostic.level == "error" or shown < 20:
                print(_colour(str(diagnostic), diagnostic.level), file=sys.stderr)
                shown += 1
    if len(diagnostics) > shown:
        print(f"... and {len(diagnostics) - shown} more (use --verbose)", file=sys.stderr)


def _colour(text: str, level: str) -> str:
    if os.environ.get("NO_COLOR") or not sys.stderr.isatty():
        return text
    code = "31" if level == "error" else "33"
    return f"\x1b[{code}m{text}\x1b[0m"


def _status(diagnostics: Sequence[Diagnostic], strict: bool) -> int:
    if any(d.level == "error" for d in diagnostics):
        return EXIT_FAILURE
    if strict and diagnostics:
        print(f"briefgen: --strict: {_plural(len(diagnostics), 'warning')}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
