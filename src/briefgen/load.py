"""The load stage: find source files, decode them, and hand each to its format's loader."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

from briefgen.loaders import SourceText
from briefgen.records import Diagnostic, LoadResult, Record

# The explicit table of formats: extension -> format, format -> loader module.
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
LOADERS = {
    "text": "briefgen.loaders.text",
    "markdown": "briefgen.loaders.markdown",
    "html": "briefgen.loaders.html",
}
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
)
# Loading is pure and per file, so large sites are parsed in worker processes. Below this many
# files the pool's start-up and the shipping of records back cost more than they save.
PARALLEL_MIN_FILES = 400
# Files handed to a worker at a time: few enough round trips, small enough to share out evenly.
_CHUNK_FILES = 32
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def load_sources(sources_dir: Path, max_bytes: int) -> LoadResult:
    """Load every source file below `sources_dir`, in path order; bad files become diagnostics."""
    records: list[Record] = []
    diagnostics: list[Diagnostic] = []
    files = discover(sources_dir)
    for record, problems in load_files(files, sources_dir, max_bytes):
        diagnostics.extend(problems)
        if record is not None:
            records.append(record)
            diagnostics.extend(record.warnings)
    return LoadResult(tuple(records), tuple(diagnostics), len(files))


Loaded = tuple[Record | None, list[Diagnostic]]


def load_files(files: Sequence[Path], sources_dir: Path, max_bytes: int) -> Iterator[Loaded]:
    """`load_file` of each file, yielded in the order given; in worker processes for large
    sites on machines with more than one core (same results, as each file is loaded alone)."""
    load_one = partial(load_file, sources_dir=sources_dir, max_bytes=max_bytes)
    workers = worker_count(len(files))
    if workers < 2:
        yield from map(load_one, files)
        return
    # Imported here: small sites (and every build's start-up) need none of it.
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415
    from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

    done = 0
    context = _pool_context()
    if context.get_start_method() == "fork":
        _prepare_loaders(files)  # once here, not once per worker
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for loaded in pool.map(load_one, files, chunksize=_CHUNK_FILES):
                done += 1
                yield loaded
    except (BrokenProcessPool, OSError):
        # No worker processes on this system, or they died: the rest is loaded here.
        yield from map(load_one, files[done:])


def worker_count(files: int) -> int:
    """How many processes should load this many files: 1 for small sites or a single core."""
    if files < PARALLEL_MIN_FILES:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, files // PARALLEL_MIN_FILES))


def _prepare_loaders(files: Sequence[Path]) -> None:
    """Import (and warm up) the loaders these files need, for forked workers to inherit: each
    worker would otherwise pay for the imports itself (about 0.2 s for the HTML loader)."""
    formats = {EXTENSIONS.get(path.suffix.lower()) for path in files}
    for file_format, module in LOADERS.items():
        if file_format in formats:
            prepare: Callable[[], None] | None = getattr(
                importlib.import_module(module), "prepare", None
            )
            if prepare is not None:
                prepare()


def _pool_context() -> BaseContext:
    import multiprocessing  # noqa: PLC0415  (see load_files)
    import threading  # noqa: PLC0415

    # Forking is the cheapest start (the workers inherit the loaded code) but is only safe while
    # no other thread runs (`briefgen serve` builds beside its server's threads).
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def discover(sources_dir: Path) -> list[Path]:
    """Source files below the folder, sorted by relative path; hidden files and folders skipped."""
    return [Path(path) for path, _ in discover_names(sources_dir)]


def discover_names(sources_dir: Path) -> list[tuple[str, str]]:
    """The files of `discover`, in its order, as (path, relative name) strings: cheaper than
    Path objects where every rebuild pays for every file."""
    root = os.fspath(sources_dir)
    found: list[tuple[str, str]] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        prefix = folder[len(root) + 1 :].replace(os.sep, "/")
        prefix = prefix + "/" if prefix else ""
        found.extend(
            (os.path.join(folder, name), prefix + name)  # noqa: PTH118  (str paths: see above)
            for name in names
            if not name.startswith(".")
        )
    found.sort(key=lambda file: file[1])
    return found


def relative_name(path: Path, sources_dir: Path) -> str:
    """The path as messages and records show it: relative to the sources, with `/`."""
    return path.relative_to(sources_dir).as_posix()


def load_file(
    path: Path, sources_dir: Path, max_bytes: int
) -> tuple[Record | None, list[Diagnostic]]:
    """Load one file; returns the record (or None where unusable) and problems met."""
    name = relative_name(path, sources_dir)
    source, problem = _read_source(path, name, sources_dir, max_bytes)
    if source is None:
        return None, [Diagnostic(name, None, "warning", f"skipped: {problem}")]
    file_format = sniff(source.text, EXTENSIONS[path.suffix.lower()])
    loader: Callable[[SourceText], Record] = importlib.import_module(LOADERS[file_format]).load
    try:
        record = loader(source)
    except RecursionError:
        return None, [Diagnostic(name, None, "warning", "skipped: too deeply nested to parse")]
    if not record.paragraphs:
        # A story without a body would make an empty event; say so, keep what the loader said.
        skipped = Diagnostic(name, None, "warning", "skipped: no article text found")
        return None, [*record.warnings, skipped]
    return record, []


def _read_source(
    path: Path, name: str, sources_dir: Path, max_bytes: int
) -> tuple[SourceText | None, str]:
    """The file (shown as `name`) decoded, or None and why it cannot be used."""
    if path.suffix.lower() not in EXTENSIONS:
        return None, f"'{path.suffix or path.name}' is not a source format (.txt, .md, .html)"
    if path.is_symlink() and not _inside(path.resolve(), sources_dir.resolve()):
        return None, "a link to a file outside the sources folder"
    data, problem = _read_bytes(path, max_bytes)
    if data is None:
        return None, problem
    source, why_not = decode(name, data)
    if source is None:
        return None, why_not or "not text"
    if not source.text.strip():
        return None, "the file is empty"
    return source, ""


def _read_bytes(path: Path, max_bytes: int) -> tuple[bytes | None, str]:
    """The file's bytes, unless it is over the size limit or unreadable."""
    try:
        with path.open("rb") as file:  # one open and one stat of the open file, per file
            size = os.fstat(file.fileno()).st_size
            if size > max_bytes:
                return None, f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit"
            return file.read(), ""
    except OSError as err:
        return None, f"cannot read: {err.strerror or err}"


def decode(name: str, data: bytes) -> tuple[SourceText | None, str | None]:
    """Bytes to text: BOMs honoured, UTF-8 preferred, Windows-1252 as the fallback."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return None, f"binary file ({what})"
    warnings: list[Diagnostic] = []
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data[:4096]:
        if data[:4096].count(b"\x00") > len(data[:4096]) // 10:
            return None, "binary file (many NUL bytes)"
        data = data.replace(b"\x00", b"")
        warnings.append(Diagnostic(name, None, "warning", "NUL bytes removed"))
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        text = data.decode("cp1252", errors="replace")
        warnings.append(
            Diagnostic(name, line, "warning", "not valid UTF-8; read as Windows-1252 (Latin-1)")
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return SourceText(name, text.removeprefix("\ufeff"), tuple(warnings)), None


def sniff(text: str, extension_format: str) -> str:
    """The format the content shows, where it contradicts the file's extension."""
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or ("<body" in head and "<head" in head):
        return "html"
    if extension_format == "html" and "<" not in text[:65536]:
        return "text"
    if extension_format == "text" and text.startswith("---\n") and "\n---" in text[4:4096]:
        return "markdown"
    return extension_format


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
