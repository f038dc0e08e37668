"""The one staging of a submission: every entry point grades the same files, with the same limits.

`grader check` (in every sandbox mode), `grader batch`, `grader watch`, `grader autograde`
and the Gradescope bundle never let a child read the student's folder itself: the files
are copied into a staging folder first, by :func:`stage`, and the child imports from there.
So a helper package (``common/``), a data file the code reads or a module in a subfolder
is graded alike everywhere, and the limits below hold everywhere:

* regular files and folders only: a symbolic link is never followed (left out, reported);
  a FIFO, socket or device is left out without being opened;
* at most ``MAX_FILES`` files, ``MAX_FILE`` bytes per file, ``MAX_TOTAL`` bytes in all and
  ``MAX_DEPTH`` folder levels; a file's size is judged from ``fstat`` before a byte is
  read, so a sparse 3 GiB file is refused, not copied;
* ``__pycache__``, ``.ipynb_checkpoints``, hidden names and ``.pyc`` files are never staged.

The grader may read a student's folder as root while the student is still changing it.
So nothing here checks a path and then uses it again: every folder is entered and every
file opened relative to the descriptor of its parent, with ``O_NOFOLLOW``, and a file is
checked (``fstat``: a regular file, its size) and read through the very descriptor that was
checked.

Limits never change a score silently. The modules come first (the top-level ``.py``
files, the course's own before any other), so a folder of data cannot push them out;
a notebook is stripped of its outputs before its size is judged; and whatever a limit
leaves out is a note in the student's result. A module that cannot be staged (a link, too
large, not a regular file) is replaced by one that fails to import with the reason, so the
topics that need it fail saying why, instead of "functions.py is not in the submission".
"""
from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from grader.boundary.cleanup import empty_folder

MAX_FILE = 10 * 1024 * 1024  # bytes of one file (of a notebook: after its outputs are stripped)
MAX_NOTEBOOK = 32 * 1024 * 1024  # bytes of a notebook file as submitted, outputs and all
MAX_FILES = 500  # files staged per submission
MAX_TOTAL = 50 * 1024 * 1024  # bytes staged per submission (a sparse file counts its full size)
MAX_DEPTH = 16  # folder levels below the submission
SKIPPED_NAMES = ("__pycache__", ".ipynb_checkpoints")  # never graded (bytecode, autosaves)
MODULE_FILES = ("functions.py", "network.py", "minibatch.py", "optimizers.py", "weight_init.py",
                "batch_norm.py")
NOTES_SHOWN = 5  # names listed in one note; the rest are counted
# (getattr: Windows has none of these flags but O_BINARY, which POSIX does not need)
_OPEN_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_OPEN_FILE = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
              | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
# Whether folders can be opened and walked by descriptor (POSIX). Where they cannot
# (Windows), each step goes by path from the checked parent, links still refused by lstat.
FD_RELATIVE = (hasattr(os, "O_DIRECTORY") and os.open in os.supports_dir_fd
               and os.stat in os.supports_dir_fd and os.scandir in os.supports_fd)

Note = tuple[str, dict]  # a message key of the catalogue and its fields


@dataclass
class Collected:
    """What is staged: (relative path, bytes) in staging order, and what was left out."""
    files: list[tuple[str, bytes]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    refused: dict[str, Note] = field(default_factory=dict)  # module file -> why it is not here


def collect(folder: Path, notebooks: bool = False) -> Collected:
    """Every file of the submission in ``folder`` the grader stages, read safely."""
    result = Collected()
    try:
        root = _open_root(folder)
    except OSError as exc:
        raise OSError(exc.errno, f"{exc.strerror}: {folder.name}") from None
    try:
        found, links, others = [], [], []
        _walk(root, (), found, links, others, notebooks)
        if links:
            _note(result, "batch.links_refused", links)
        if others:
            _note(result, "batch.not_regular", others)
        for parts in links:
            if _is_module(parts, notebooks):
                result.refused[parts[0]] = ("batch.module_link", {"file": printable(parts[0])})
        for parts in others:  # a FIFO, socket or device: never opened
            if _is_module(parts, notebooks):
                result.refused[parts[0]] = ("batch.module_not_regular", {"file": printable(parts[0])})
        _read_all(root, sorted(found, key=lambda p: _order(p, notebooks)), result, notebooks)
    finally:
        _close(root)
    return result


# A folder being read: its descriptor, or (without descriptor-relative calls) its path.
Folder = int | str


def _open_root(folder: Path) -> Folder:
    if FD_RELATIVE:
        return os.open(folder, _OPEN_DIR)
    if not stat.S_ISDIR(os.lstat(folder).st_mode):
        raise NotADirectoryError(20, "Not a directory")
    return str(folder)


def _enter(name: str, parent: Folder) -> Folder:
    if FD_RELATIVE:
        return os.open(name, _OPEN_DIR, dir_fd=parent)
    path = os.path.join(parent, name)
    if not stat.S_ISDIR(os.lstat(path).st_mode):
        raise NotADirectoryError(20, "Not a directory")
    return path


def _lstat(name: str, parent: Folder) -> os.stat_result:
    if FD_RELATIVE:
        return os.stat(name, dir_fd=parent, follow_symlinks=False)
    return os.lstat(os.path.join(parent, name))


def _open_file(name: str, parent: Folder) -> int:
    if FD_RELATIVE:
        return os.open(name, _OPEN_FILE, dir_fd=parent)
    path = os.path.join(parent, name)
    if stat.S_ISLNK(os.lstat(path).st_mode):
        raise OSError(40, "Too many levels of symbolic links")  # as O_NOFOLLOW says it
    return os.open(path, _OPEN_FILE)


def _close(folder: Folder) -> None:
    if isinstance(folder, int):
        os.close(folder)


def _walk(dir_fd: Folder, parts: tuple[str, ...], found: list, links: list, others: list,
          notebooks: bool) -> None:
    try:
        names = sorted(entry.name for entry in os.scandir(dir_fd))
    except OSError:
        return
    for name in names:
        if name.startswith(".") or name in SKIPPED_NAMES or name.endswith(".pyc"):
            continue
        path = (*parts, name)
        try:
            info = _lstat(name, dir_fd)
        except OSError:
            continue
        if stat.S_ISLNK(info.st_mode):
            links.append(path)
        elif stat.S_ISDIR(info.st_mode):
            if notebooks:
                continue  # nbgrader: the notebooks of the assignment folder, nothing below
            if len(path) > MAX_DEPTH:
                others.append(path)
                continue
            try:
                sub = _enter(name, dir_fd)
            except OSError:
                links.append(path)  # swapped for a link (or made unreadable) meanwhile
                continue
            try:
                _walk(sub, path, found, links, others, notebooks)
            finally:
                _close(sub)
        elif not stat.S_ISREG(info.st_mode):
            others.append(path)
        elif not notebooks or name.endswith(".ipynb"):
            found.append(path)


def _is_module(parts: tuple[str, ...], notebooks: bool) -> bool:
    return len(parts) == 1 and parts[0].endswith(".ipynb" if notebooks else ".py")


def _order(parts: tuple[str, ...], notebooks: bool) -> tuple:
    """The modules first (the course's own, then any other), then the rest, shallow first."""
    if _is_module(parts, notebooks):
        name = parts[0]
        return (0, MODULE_FILES.index(name) if name in MODULE_FILES else len(MODULE_FILES), name)
    return (1, len(parts), parts)


def _read_all(root: Folder, paths: list[tuple[str, ...]], result: Collected, notebooks: bool) -> None:
    total, dropped, too_large = 0, [], []
    for parts in paths:
        module = _is_module(parts, notebooks)
        if len(result.files) >= MAX_FILES and not module:
            dropped.append(parts)
            continue
        limit = MAX_NOTEBOOK if notebooks else MAX_FILE
        data, problem = _read_beneath(root, parts, limit)
        if data is not None and notebooks:
            data, problem = _stripped_notebook(data)
        if data is None:
            if problem == "too_large":
                too_large.append(parts)
                if module:
                    result.refused[parts[0]] = ("batch.module_too_large", {"file": printable(parts[0]), "limit": _mib(limit)})
            elif problem == "unreadable_notebook" or problem.startswith("notebook:"):
                result.refused[parts[0]] = ("batch.notebook_unreadable",
                                            {"file": printable(parts[0]), "problem": problem.partition(":")[2]})
            elif module:
                result.refused[parts[0]] = ("batch.module_link", {"file": printable(parts[0])})
            continue
        if total + len(data) > MAX_TOTAL and not (module and not result.files):
            dropped.append(parts)
            if module:
                result.refused[parts[0]] = ("batch.module_over_total", {"file": printable(parts[0]), "limit": _mib(MAX_TOTAL)})
            continue
        total += len(data)
        result.files.append(("/".join(parts), data))
    if too_large:
        _note(result, "batch.files_too_large", too_large, limit=_mib(MAX_FILE))
    if dropped:
        _note(result, "batch.files_left_out", dropped, files=MAX_FILES, total=_mib(MAX_TOTAL))


def _read_beneath(root: Folder, parts: tuple[str, ...], limit: int) -> tuple[bytes | None, str]:
    """The bytes of the regular file at ``parts`` below ``root``, never through a link."""
    fds: list[Folder] = []
    try:
        current = root
        for name in parts[:-1]:
            current = _enter(name, current)
            fds.append(current)
        fd = _open_file(parts[-1], current)
        fds.append(fd)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, "not_regular"
        if info.st_size > limit:
            return None, "too_large"
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew after fstat
            return None, "too_large"
        return b"".join(chunks), ""
    except OSError:
        return None, "link"  # ELOOP: a link swapped in; or gone, or unreadable
    finally:
        for fd in fds:
            _close(fd)


def _stripped_notebook(data: bytes) -> tuple[bytes | None, str]:
    """The notebook without outputs (images and prints are not graded), compact JSON; its
    size is judged after that. A file that is no notebook: None and why."""
    try:
        notebook = json.loads(data.decode("utf-8"))
        cells = notebook.get("cells", []) if isinstance(notebook, dict) else None
        if not isinstance(cells, list):
            raise ValueError("no list of cells")
        for cell in cells:
            if isinstance(cell, dict):
                cell.pop("outputs", None)
                cell.pop("attachments", None)
        text = json.dumps(notebook, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError, MemoryError, TypeError, AttributeError) as exc:
        return None, f"notebook:{type(exc).__name__}: {str(exc)[:120]}"
    if len(text) > MAX_FILE:
        return None, "too_large"
    return text, ""


def printable(name: str) -> str:
    """A file name as text that can be written anywhere (bytes that are not UTF-8 as \\xNN)."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _note(result: Collected, key: str, paths: list[tuple[str, ...]], **fields: object) -> None:
    names = [printable("/".join(p)) for p in paths]
    shown = ", ".join(names[:NOTES_SHOWN]) + (f" (+{len(names) - NOTES_SHOWN})" if len(names) > NOTES_SHOWN else "")
    result.notes.append((key, {"names": shown, "count": len(names), **fields}))


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"


# -- writing the staging folder -------------------------------------------------------------

def stage(folder: Path, staging: Path, reason: Callable[[Note], str] | None = None) -> Collected:
    """Copy the submission in ``folder`` into ``staging`` (emptied first) within the limits,
    readable by the children and writable by none; what was left out is in the notes, and a
    module that could not be staged fails to import with ``reason(note)`` (English by
    default). OSError: ``folder`` cannot be read at all."""
    empty_folder(staging)
    collected = collect(folder)
    for name, data in collected.files:
        write_file(staging / name, data)
    for name, note in collected.refused.items():
        write_file(staging / name, failing_module((reason or english)(note)))
    read_only_for_children(staging)
    return collected


def english(note: Note) -> str:
    """A note as text without the message catalogue (the catalogue's own English)."""
    try:
        from grader.i18n import t
        return t(note[0], "en", **note[1])
    except Exception:  # noqa: BLE001 - a reason is still better than none
        return f"{note[0]}: {note[1]}"


def write_file(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
                 | getattr(os, "O_BINARY", 0), 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def failing_module(reason: str) -> bytes:
    return f"raise ImportError({reason!r})\n".encode("utf-8")


def read_only_for_children(folder: Path) -> None:
    for directory, _subdirs, files in os.walk(folder):
        os.chmod(directory, 0o755)
        for name in files:
            os.chmod(os.path.join(directory, name), 0o644)


def note_lines(collected: Collected, text: Callable[..., str]) -> list[str]:
    """The notes of a staging as sentences, ``text(key, **fields)`` making each."""
    return [text(key, **fields) for key, fields in collected.notes]
