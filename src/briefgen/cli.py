"""The command line: `briefgen init | build | check | inspect | serve | fetch`.

The one module that prints.

Exit status: 0 success, 1 build or check failure (or any warning with --strict), 2 usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import signal
import sys
import threading
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from briefgen import __version__
from briefgen.config import Config, ConfigError, load_config, with_overrides
from briefgen.progress import ProgressReporter, no_progress
from briefgen.records import Diagnostic

if TYPE_CHECKING:
    from types import FrameType

    from briefgen.build import BuildResult
    from briefgen.cache import BuildCache
    from briefgen.fetch import FetchResult
    from briefgen.records import AnalysisSummary
    from briefgen.serve import Rebuild

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def run() -> NoReturn:
    """The `briefgen` command: `main`, then an exit that skips tearing down every object.

    A big build ends holding millions of objects that the system takes back at once when the
    process ends; freeing them one by one first took 0.5 s of a 10,000-story rebuild (mypy
    exits the same way). The output streams are flushed first; under a profiler or a tracer
    (coverage) the exit is the normal one, so that they can write their results."""
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to keep
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    if args.command == "init":
        return _init(args)
    try:
        config = _config(args)
    except ConfigError as err:
        print(f"briefgen: {err}", file=sys.stderr)
        return EXIT_USAGE
    fetches = args.command == "fetch" or getattr(args, "fetch", False)
    if not (fetches or config.sources_dir.is_dir() or config.fetched_dir.is_dir()):
        print(f"briefgen: error: sources folder not found: {config.sources_dir}", file=sys.stderr)
        return EXIT_FAILURE
    handlers = {
        "build": _build,
        "check": _check,
        "inspect": _inspect,
        "serve": _serve,
        "fetch": _fetch,
    }
    handler = handlers[args.command]
    return handler(config, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefgen",
        description="Build a static news briefing from a folder of articles.",
        epilog="Run 'briefgen COMMAND --help' for a command's options. Exit status: 0 success,"
        " 1 build or check failure (or any warning with --strict), 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("--config", type=Path, help="configuration file (default: ./briefgen.yaml)")
    site.add_argument("--sources", help="folder of source files (overrides the config)")
    cached = argparse.ArgumentParser(add_help=False)
    cached.add_argument(
        "--no-cache",
        action="store_true",
        help="start clean: neither read nor write the build cache",
    )
    strict = argparse.ArgumentParser(add_help=False)
    strict.add_argument("--strict", action="store_true", help="fail (exit status 1) on any warning")
    common = [site, cached, strict]

    init = commands.add_parser(
        "init",
        help="create a new briefing site",
        description="Create a new briefing site: briefgen.yaml (every setting, commented),"
        " example sources in each format, a .gitignore and a GitHub Pages workflow."
        " Existing files are never overwritten.",
    )
    init.add_argument(
        "folder", nargs="?", default=".", type=Path, help="where to create it (default: here)"
    )
    build = commands.add_parser(
        "build",
        parents=common,
        help="build the site",
        description="Build the site. Unchanged sources are taken from the cache (see --no-cache).",
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
        parents=common,
        help="load and cluster without writing; list every warning",
        description="Load and cluster the sources without writing; list every warning.",
    )
    inspect = commands.add_parser(
        "inspect",
        parents=common,
        help="show what briefgen understood of the sources",
        description="Show the records, stories and events briefgen found.",
    )
    inspect.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    serve = commands.add_parser(
        "serve",
        parents=[site, cached],
        help="preview the site, rebuilding and reloading on every change",
        description="Build the site into a temporary folder, serve it, and rebuild and reload"
        " open pages when a source, template or the configuration changes. The configured"
        " output folder is not touched. Stop with Ctrl-C.",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=8000,
        help="port to listen on; 0 picks a free one (default: 8000)",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    fetch = commands.add_parser(
        "fetch",
        parents=[site, strict],
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
    from briefgen.theme import RenderError  # noqa: PLC0415
    from briefgen.write import WriteError  # noqa: PLC0415

    fetched: tuple[Diagnostic, ...] = ()
    if args.fetch:
        fetched = _run_fetch(config, verbose=args.verbose, quiet=args.quiet).diagnostics
    progress = None
    if not args.quiet:
        progress = ProgressReporter(
            _write_stderr, terminal=sys.stderr.isatty(), colour=_colour_enabled()
        )
    try:
        result = build(config, cache=_open_cache(config, args), progress=progress or no_progress)
    except (RenderError, WriteError) as err:
        print(f"briefgen: error: {err}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        if progress is not None:
            progress.finish()
    summary = result.summary
    diagnostics = summary.diagnostics
    if not args.quiet:
        _print_diagnostics(diagnostics, verbose=args.verbose)
    if result.cache_problem:
        print(f"briefgen: warning: {result.cache_problem}", file=sys.stderr)
    if args.verbose:
        stages = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.timings.items())
        print(f"stages: {stages}")
    if not args.quiet:
        print(f"{_counts(summary)}; {_written(result, config)}")
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


def _written(result: BuildResult, config: Config) -> str:
    where = f"{_shown(config.output_dir)}/"
    if result.output_reused:
        return f"nothing changed: {where} is up to date ({result.seconds:.2f} s)"
    return f"{result.files_written} files written to {where} in {result.seconds:.2f} s"


def _check(config: Config, args: argparse.Namespace) -> int:
    from briefgen.build import analyse  # noqa: PLC0415

    cache = _open_cache(config, args)
    analysis = analyse(config, cache=cache)
    _save_cache(cache)
    _print_diagnostics(analysis.diagnostics, verbose=True)
    print(f"{_counts(analysis.summary)}; {_problem_counts(analysis.diagnostics)}")
    return _status(analysis.diagnostics, args.strict)


def _problem_counts(diagnostics: Sequence[Diagnostic]) -> str:
    if not diagnostics:
        return "no warnings"
    errors = sum(1 for d in diagnostics if d.level == "error")
    warnings = len(diagnostics) - errors
    parts = [_plural(errors, "error")] if errors else []
    parts += [_plural(warnings, "warning")] if warnings else []
    files = _plural(len({d.path for d in diagnostics}), "file")
    return f"{', '.join(parts)} in {files}"


def _inspect(config: Config, args: argparse.Namespace) -> int:
    from briefgen.build import analyse  # noqa: PLC0415
    from briefgen.report import analysis_json, analysis_text  # noqa: PLC0415

    cache = _open_cache(config, args)
    analysis = analyse(config, cache=cache)
    _save_cache(cache)
    print(analysis_json(analysis) if args.format == "json" else analysis_text(analysis))
    if args.format == "text":
        _print_diagnostics(analysis.diagnostics, verbose=True)
    return _status(analysis.diagnostics, args.strict)


def _counts(summary: AnalysisSummary) -> str:
    stories = _plural(summary.stories, "story", "stories")
    copies = _plural(summary.copies_merged, "copy", "copies")
    events = _plural(summary.events, "event")
    return f"{summary.files_seen} sources -> {stories} ({copies} merged) -> {events}"


def _init(args: argparse.Namespace) -> int:
    from briefgen.scaffold import SiteExistsError, create_site  # noqa: PLC0415

    folder: Path = args.folder
    try:
        written = create_site(folder)
    except SiteExistsError as err:
        for path in err.existing:
            print(f"briefgen: error: {_shown(path)} already exists", file=sys.stderr)
        print("briefgen: init: nothing written (it never overwrites files)", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as err:
        print(f"briefgen: error: cannot create the site: {err}", file=sys.stderr)
        return EXIT_FAILURE
    for path in written:
        print(f"created {_shown(path)}")
    here = "" if folder.resolve() == Path.cwd() else f"cd {_shown(folder)} && "
    print(f"next: {here}briefgen serve   (then add your own files to sources/)")
    return EXIT_OK


def _serve(config: Config, args: argparse.Namespace) -> int:
    from briefgen.serve import DevServer  # noqa: PLC0415

    if not _is_loopback(args.host):
        print(
            f"briefgen: warning: serving on {args.host}: other machines can read the site",
            file=sys.stderr,
        )
    try:
        server = DevServer(
            lambda: _config(args),
            host=args.host,
            port=args.port,
            use_cache=not args.no_cache,
            on_build=_report_rebuild,
        )
    except OSError as err:
        print(f"briefgen: error: cannot serve on {args.host}:{args.port}: {err}", file=sys.stderr)
        return EXIT_FAILURE
    signal.signal(signal.SIGTERM, _interrupt)
    with server:
        server.rebuild()
        server.start()
        print(f"serving {server.url}  (rebuilds on change; Ctrl-C to stop)", flush=True)
        try:
            server.watch(threading.Event())
        except KeyboardInterrupt:
            print("stopped", flush=True)
    return EXIT_OK


def _report_rebuild(outcome: Rebuild) -> None:
    if outcome.result is None:
        print(f"briefgen: error: build failed: {outcome.error}", file=sys.stderr, flush=True)
        return
    summary = outcome.result.summary
    _print_diagnostics(summary.diagnostics, verbose=False)
    seconds = outcome.result.seconds
    print(
        f"built: {_counts(summary)}; {_problem_counts(summary.diagnostics)} ({seconds:.2f} s)",
        flush=True,
    )


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _open_cache(config: Config, args: argparse.Namespace) -> BuildCache | None:
    if args.no_cache:
        return None
    from briefgen.cache import BuildCache  # noqa: PLC0415

    return BuildCache(config.cache_dir)


def _save_cache(cache: BuildCache | None) -> None:
    problem = cache.save() if cache is not None else None
    if problem:
        print(f"briefgen: warning: {problem}", file=sys.stderr)


def _write_stderr(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


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


def _colour_enabled() -> bool:
    return not os.environ.get("NO_COLOR") and sys.stderr.isatty()


def _colour(text: str, level: str) -> str:
    if not _colour_enabled():
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
