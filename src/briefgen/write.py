"""The write stage: put a rendered site in place atomically.

The new site is written to a temporary folder beside the output folder, then swapped in with
one rename (Linux's renameat2 RENAME_EXCHANGE where available), so that a reader, or a build
killed at any moment, sees either the old site or the new one, never a mix. Files of earlier
builds that the new one does not produce do not survive. With `keep_unchanged`, a file whose bytes
are the same as in the previous build is hard-linked from it instead of written again, so it keeps
its modification time (what deploy and sync tools compare); the names in `reuse` (pages the
build cache knows to be unchanged) are hard-linked from the current output without being compared.

A build that renders opens a `StagedSite` first: the reused pages are linked in a background
thread while the pages are rendered, and the old site is deleted in one while the build cache is
saved (system calls, which leave the interpreter free for the other work).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Collection, Mapping
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import cast

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class WriteError(Exception):
    """The site could not be written; the previous output is untouched."""


def write_site(
    files: Mapping[str, bytes],
    output: Path,
    *,
    keep_unchanged: bool = False,
    reuse: Collection[str] = (),
) -> int:
    """Write every file under `output`, replacing what was there, with the `reuse` files of the
    current output kept as they are; returns the count of files in the new output."""
    with StagedSite(output, reuse) as site:
        return site.finish(files, keep_unchanged=keep_unchanged)


class StagedSite:
    """A new site made beside the output folder, then swapped in by `finish`; on leaving the
    `with` block, whatever is left of it (and of the old site) is gone."""

    def __init__(self, output: Path, reuse: Collection[str] = ()) -> None:
        """Start the new site, linking the `reuse` files of the current output into it in the
        background (WriteError where the folder cannot be made)."""
        self.output = output.resolve()
        self._reuse = reuse
        _recover(self.output)
        try:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            prefix = f".{self.output.name}.new-"
            self._staging = Path(tempfile.mkdtemp(prefix=prefix, dir=self.output.parent))
        except OSError as err:
            raise self._error(err) from err
        self._linking = _Background(_link_all, reuse, self._staging, self.output)
        self._removing: _Background | None = None
        self._finished = False

    def finish(self, files: Mapping[str, bytes], *, keep_unchanged: bool = False) -> int:
        """Write the files (with `keep_unchanged`, linking those whose bytes the current output
        has), then swap the new site in; returns the count of files in it."""
        try:
            self._linking.wait()
            _write_all(files, self._staging, self.output if keep_unchanged else None)
            self._staging.chmod(0o755)
            old = _swap_into_place(self._staging, self.output)
        except OSError as err:
            shutil.rmtree(self._staging, ignore_errors=True)
            raise self._error(err) from err
        self._finished = True
        if old is not None:
            self._removing = _Background(shutil.rmtree, old, ignore_errors=True)
        return len(files) + len(self._reuse)

    def __enter__(self) -> StagedSite:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._finished:
            self._linking.join()
            shutil.rmtree(self._staging, ignore_errors=True)
        if self._removing is not None:
            self._removing.join()

    def _error(self, err: OSError) -> WriteError:
        return WriteError(f"{self.output}: cannot write the site: {err.strerror or err}")


class _Background:
    """A function run in a thread; `wait` returns once it is done, raising what it raised."""

    def __init__(self, function: Callable[..., object], *args: object, **kwargs: object) -> None:
        self._error: BaseException | None = None

        def run() -> None:
            try:
                function(*args, **kwargs)
            except BaseException as err:  # handed to the thread that waits
                self._error = err

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def join(self) -> None:
        """Wait for the function to end, whatever it did."""
        self._thread.join()

    def wait(self) -> None:
        """Wait for the function to end; raise what it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error


def _write_all(files: Mapping[str, bytes], staging: Path, previous_site: Path | None) -> None:
    """Every file into the staging folder; with a previous site, unchanged files are linked.

    Plain strings and os calls, each folder made once: for thousands of small pages the
    per-file cost of path objects and repeated mkdir calls is most of the stage's time."""
    root = os.fspath(staging)
    made = {""}
    for name, data in sorted(files.items()):
        relative = _safe_relative(name)
        folder = os.path.dirname(relative)  # noqa: PTH120  (str paths: see the docstring)
        if folder not in made:
            os.makedirs(os.path.join(root, folder), exist_ok=True)  # noqa: PTH103, PTH118
            made.add(folder)
        target = os.path.join(root, relative)  # noqa: PTH118
        if previous_site is not None:
            previous = os.path.join(previous_site, relative)  # noqa: PTH118
            if _link_if_same(previous, target, data):
                continue
        _write_file(target, data)


def _link_all(names: Collection[str], staging: Path, previous_site: Path) -> None:
    """Hard-link each named file of the previous site into the staging folder."""
    root = os.fspath(staging)
    made: set[str] = set()
    for name in sorted(names):
        relative = _safe_relative(name)
        folder = os.path.dirname(relative)  # noqa: PTH120  (str paths, as in _write_all)
        if folder not in made:
            os.makedirs(os.path.join(root, folder), exist_ok=True)  # noqa: PTH103, PTH118
            made.add(folder)
        os.link(os.path.join(previous_site, relative), os.path.join(root, relative))  # noqa: PTH118


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _write_file(target: str, data: bytes) -> None:
    """open, write, close: half the system calls of a buffered file object (which also asks
    for the file's size, whether it is a terminal, and its position), for each of many pages."""
    descriptor = os.open(target, _NEW_FILE, 0o666)  # the umask applies, as with open()
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _safe_relative(name: str) -> str:
    """The name as a relative path of this system; an error where it would leave the folder."""
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if name.startswith("/") or ".." in parts or not parts or "\x00" in name:
        raise OSError(f"refusing to write outside the output folder: {name!r}")
    return os.path.join(*parts)  # noqa: PTH118  (str paths, as in _write_all)


def _link_if_same(previous: str, target: str, data: bytes) -> bool:
    try:
        if os.stat(previous).st_size != len(data):  # noqa: PTH116  (str paths)
            return False
        with open(previous, "rb") as stream:  # noqa: PTH123
            if stream.read() != data:
                return False
        os.link(previous, target)
    except OSError:
        return False
    return True


def _swap_into_place(staging: Path, output: Path) -> Path | None:
    """Put the staging folder in the output's place; returns where the old site now is."""
    if not output.exists():
        staging.rename(output)
        return None
    if not output.is_dir():
        raise OSError(f"{output} exists and is not a folder")
    if _exchange(staging, output):
        return staging
    # Portable fallback: two renames; a crash between them is repaired by _recover next time.
    old = output.with_name(f".{output.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    output.rename(old)
    staging.rename(output)
    return old


@cache
def _renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    """glibc's renameat2, where the C library has it (glibc 2.28+); else None."""
    # The symbols already loaded into this process: the C library is among them, and looking it
    # up by name (ctypes.util.find_library) runs ldconfig, a cost every build would pay.
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    )
    function.restype = ctypes.c_int
    return cast("Callable[[int, bytes, int, bytes, int], int]", function)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step; False where the system or file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    result = function(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return result == 0


def _recover(output: Path) -> None:
    """Finish or undo a swap that a crash interrupted, and clear stale staging folders."""
    old = output.with_name(f".{output.name}.old")
    if old.is_dir() and not output.exists():
        old.rename(output)
    shutil.rmtree(old, ignore_errors=True)
    if output.parent.is_dir():
        for stale in output.parent.glob(f".{output.name}.new-*"):
            shutil.rmtree(stale, ignore_errors=True)
