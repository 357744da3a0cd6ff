"""The write stage: put a rendered site in place atomically.

The new site is written to a temporary folder beside the output folder, then swapped in with
one rename (Linux's renameat2 RENAME_EXCHANGE where available), so that a reader, or a build
killed at any moment, sees either the old site or the new one, never a mix. Files of earlier
builds that the new one does not produce do not survive. With `keep_unchanged`, a file whose bytes
are the same as in the previous build is hard-linked from it instead of written again, so it keeps
its modification time (what deploy and sync tools compare); the names in `reuse` (pages the
build cache knows to be unchanged) are hard-linked from the current output without being compared.

Given a `spare` folder (in the build cache, on the output's file system), a write that reused
pages moves the old site there after the swap instead of deleting it (its files are then mostly
hard links to the new site's; a write that reused nothing deletes it, so that no full second copy
stays on disk), and the next write starts from it instead of an empty folder: the spare's files
that are reused and still the current output's own (the same device and inode) stay, all others
go. A one-file change then costs a walk over two folders instead of linking every page anew and
deleting the old site.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Mapping
from functools import cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path
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
    spare: Path | None = None,
    inodes: Mapping[str, int] | None = None,
) -> int:
    """Write every file under `output`, replacing what was there, with the `reuse` files of the
    current output kept as they are; returns the count of files in the new output. `spare`:
    where to keep the old site for the next write to start from (see the module's doc);
    `inodes`: the inode of each file of the output, where the caller has just read them."""
    output = output.resolve()
    _recover(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    except OSError as err:
        raise WriteError(f"{output}: cannot write the site: {err.strerror or err}") from err
    recycled = spare is not None and bool(reuse) and _recycle(spare, staging)
    try:
        in_place = _prune(staging, output, reuse, inodes) if recycled else set()
        _write_all(files, staging, output if keep_unchanged else None)
        _link_all([name for name in reuse if name not in in_place], staging, output)
        staging.chmod(0o755)
        old = _swap_into_place(staging, output)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise WriteError(f"{output}: cannot write the site: {err.strerror or err}") from err
    if old is not None:
        # Only an old site whose pages were mostly linked into the new one costs little disk.
        _keep_as_spare(old, spare if reuse else None)
    return len(files) + len(reuse)


def _recycle(spare: Path, staging: Path) -> bool:
    """Move the spare site into the (empty) staging folder's place; False where it cannot."""
    if not spare.is_dir():
        return False
    try:
        spare.replace(staging)
    except OSError:  # another file system, say: the spare is no use
        shutil.rmtree(spare, ignore_errors=True)
        return False
    return True


def _keep_as_spare(old: Path, spare: Path | None) -> None:
    """Move the old site to `spare`; delete it where there is none or it cannot be moved."""
    if spare is not None:
        shutil.rmtree(spare, ignore_errors=True)
        with contextlib.suppress(OSError):
            spare.parent.mkdir(parents=True, exist_ok=True)
            old.rename(spare)
            return
    shutil.rmtree(old, ignore_errors=True)


def _prune(
    staging: Path, output: Path, reuse: Collection[str], inodes: Mapping[str, int] | None
) -> set[str]:
    """Delete from a recycled staging folder every file but those of `reuse` that are still
    the output's own (the same inode on the same device), and the folders left empty; returns
    the names kept. Whatever else it holds (files changed since, or stale) is never shipped."""
    device = output.stat().st_dev
    current = inodes if inodes is not None else _inodes_below(output, device)
    wanted = set(reuse)
    kept: set[str] = set()
    root = os.fspath(staging)
    for name, inode in _inodes_below(staging, device).items():
        if name in wanted and current.get(name) == inode:
            kept.add(name)
        else:
            os.unlink(os.path.join(root, name))  # noqa: PTH108, PTH118  (str paths)
    for folder, _, _ in sorted(os.walk(root), reverse=True):  # the deepest first
        if folder != root and not any(Path(folder).iterdir()):
            Path(folder).rmdir()
    return kept


def _inodes_below(folder: Path, device: int) -> dict[str, int]:
    """Every file below the folder, by `/`-separated relative name: its inode (-1 where it is
    on another device than `device`)."""
    found: dict[str, int] = {}
    pending = [os.fspath(folder)]
    start = len(pending[0]) + 1
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                else:
                    info = entry.stat(follow_symlinks=False)
                    inode = info.st_ino if info.st_dev == device else -1
                    found[entry.path[start:].replace(os.sep, "/")] = inode
    return found


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
    """Hard-link each named file of the previous site into the staging folder.

    Folder by folder, each link named relative to the two folders' descriptors: the system
    then looks up one name per path rather than every folder of two absolute paths."""
    root, previous = os.fspath(staging), os.fspath(previous_site)
    by_folder = sorted(_safe_relative(name).rpartition(os.sep) for name in names)
    for folder, entries in groupby(by_folder, key=itemgetter(0)):
        target_folder = os.path.join(root, folder)  # noqa: PTH118  (str paths, as in _write_all)
        os.makedirs(target_folder, exist_ok=True)  # noqa: PTH103
        source_folder = os.path.join(previous, folder)  # noqa: PTH118
        if not _LINK_AT:
            for *_, name in entries:
                os.link(os.path.join(source_folder, name), os.path.join(target_folder, name))  # noqa: PTH118
            continue
        source = os.open(source_folder, _FOLDER)
        try:
            target = os.open(target_folder, _FOLDER)
            try:
                for *_, name in entries:
                    os.link(name, name, src_dir_fd=source, dst_dir_fd=target)
            finally:
                os.close(target)
        finally:
            os.close(source)


_LINK_AT = os.link in os.supports_dir_fd
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
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
