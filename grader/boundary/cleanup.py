"""Emptying a folder that student code wrote to, without ever following a path it can change.

The folders a child works in belong to it: while anything of it runs it can rename a
folder, put a link in its place or keep adding files. A cleaner that works on path
strings (``shutil.rmtree`` with an error handler that ``chmod``s ``dirname(path)``, say)
can then be steered by the child to remove or unlock any folder of the machine, as root.
Here every step is relative to an open descriptor of a folder already checked: names are
looked up with ``O_NOFOLLOW`` and a folder is entered only through the descriptor of the
very inode that was examined, so a swapped entry is at worst a link that gets unlinked.
A folder made unreadable is unlocked through an ``O_PATH`` descriptor of that inode, never
through its name; the folder being emptied itself is never chmodded.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_DEPTH = 256  # deeper than this is not a working folder: what is below is left for the OS
MAX_ENTRIES = 200_000  # entries removed per call: a child cannot keep the cleaner busy forever
MAX_PASSES = 64  # of remove_tree: each moves what lies below MAX_DEPTH up (64 * 256 levels)
# (getattr: Windows has neither flag, and every child and `grader watch` import this module there too)
_OPEN_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_O_PATH = getattr(os, "O_PATH", 0)
# Whether folders can be opened and walked by descriptor (POSIX); Windows cannot open a
# folder with os.open at all (and its grader is never root over other users' children).
FD_RELATIVE = (hasattr(os, "O_DIRECTORY") and os.open in os.supports_dir_fd
               and os.scandir in os.supports_fd)


def _empty_by_path(folder: Path, keep: frozenset[str]) -> bool:
    """empty_folder where folders cannot be opened by descriptor: by path, links unlinked."""
    import shutil

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        if entry.name in keep:
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            pass
    try:
        return not [e for e in os.scandir(folder) if e.name not in keep]
    except OSError:
        return False


def empty_folder(folder: Path | str, keep: frozenset[str] = frozenset()) -> bool:
    """Remove everything inside ``folder`` (not ``folder`` itself, not the names in
    ``keep``); True when it is empty afterwards. Never raises for what a child left.
    A folder deeper than MAX_DEPTH is moved up into ``folder`` (same file system, through
    descriptors), to be emptied on the next pass: no recursion goes deeper than that."""
    if not FD_RELATIVE:
        return _empty_by_path(Path(folder), keep)
    try:
        fd = os.open(folder, _OPEN_DIR)
    except OSError:
        return False
    budget = [MAX_ENTRIES, fd]  # entries still to remove; the descriptor of ``folder``
    try:
        return _empty_at(fd, keep, 0, budget)
    except (RecursionError, MemoryError):
        return False
    finally:
        os.close(fd)


def remove_tree(folder: Path | str) -> bool:
    """Remove ``folder`` and everything in it, however deep a child made it; True when it
    is gone. Never raises: a cleanup never ends a command with a traceback."""
    for _ in range(MAX_PASSES):
        try:
            if empty_folder(folder):
                os.rmdir(folder)
                return True
        except FileNotFoundError:
            return True
        except OSError:
            pass
        if not os.path.lexists(folder):
            return True
    return False


def _empty_at(dir_fd: int, keep: frozenset[str], depth: int, budget: list[int]) -> bool:
    clean = True
    for attempt in range(3):  # names added while we work: another pass, then give up
        try:
            names = [entry.name for entry in os.scandir(dir_fd)]
        except OSError:
            return False
        names = [n for n in names if n not in keep]
        if not names:
            return clean
        for name in names:
            if budget[0] <= 0:
                return False
            budget[0] -= 1
            clean = _remove_at(dir_fd, name, depth, budget) and clean
    return False


def _remove_at(dir_fd: int, name: str, depth: int, budget: list[int]) -> bool:
    """Remove the entry ``name`` of the folder open as ``dir_fd``: whatever it is now."""
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return _unlink_at(dir_fd, name)
    if depth >= MAX_DEPTH:
        return _move_up(dir_fd, name, budget[1])
    fd = _open_folder(dir_fd, name, info)
    if fd is None:
        return _unlink_at(dir_fd, name)  # swapped for a file or link since: remove that
    try:
        _empty_at(fd, frozenset(), depth + 1, budget)
    finally:
        os.close(fd)
    try:
        os.rmdir(name, dir_fd=dir_fd)
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _move_up(dir_fd: int, name: str, top_fd: int) -> bool:
    """Move the too-deep folder ``name`` into the folder being emptied (False: not removed
    yet; the next pass over that folder finds it at depth 1)."""
    try:
        os.rename(name, f".deep-{os.getpid()}-{next(_DEEP)}", src_dir_fd=dir_fd, dst_dir_fd=top_fd)
    except OSError:
        pass
    return False


_DEEP = iter(range(1 << 62))


def _unlink_at(dir_fd: int, name: str) -> bool:
    try:
        os.unlink(name, dir_fd=dir_fd)
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _open_folder(dir_fd: int, name: str, info: os.stat_result) -> int | None:
    """A descriptor of the folder ``name`` that is the inode ``info`` describes, or None.

    A folder the child made unreadable is unlocked through a descriptor of that inode
    (``O_PATH``), so the change cannot land on whatever the name points to by then."""
    for attempt in range(2):
        try:
            fd = os.open(name, _OPEN_DIR, dir_fd=dir_fd)
        except PermissionError:
            if attempt or not _unlock(dir_fd, name, info):
                return None
            continue
        except OSError:
            return None
        found = os.fstat(fd)
        if (found.st_dev, found.st_ino) != (info.st_dev, info.st_ino):
            os.close(fd)
            return None
        return fd
    return None


def _unlock(dir_fd: int, name: str, info: os.stat_result) -> bool:
    if not _O_PATH:
        return False
    try:
        fd = os.open(name, _O_PATH | _OPEN_DIR, dir_fd=dir_fd)
    except OSError:
        return False
    try:
        found = os.fstat(fd)
        if (found.st_dev, found.st_ino) != (info.st_dev, info.st_ino):
            return False
        os.chmod(f"/proc/self/fd/{fd}", 0o700)  # the inode behind fd, not a path lookup (no /proc: OSError, left locked)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
