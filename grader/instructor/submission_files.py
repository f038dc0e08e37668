"""The files of a submission that ``grader autograde`` reads and writes besides its notebooks.

``timestamp.txt`` is read bounded and never through a link or from a FIFO; every other file
of the submission is copied into ``autograded/`` as nbgrader's autograde copies it (its
ignore patterns; never a link); everything is written beside its place and moved in once
the gradebook has committed, and what a killed run left half-written is removed next time.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path
from typing import Any, Iterator

TIMESTAMP = "timestamp.txt"
TIMESTAMP_LIMIT = 1024  # bytes: nbgrader writes one ISO time; anything longer is not one


class NotARegularFile(OSError):
    pass


def read_regular_file(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path``; None when it does not exist. A link, a FIFO, a device or a file
    longer than ``limit`` bytes: OSError saying so (nothing is followed, nothing read past it)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if path.is_symlink():
            raise NotARegularFile(f"{path.name} is a link; links are not followed") from None
        raise exc
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(f"{path.name} is not a regular file")
        if info.st_size > limit:
            raise NotARegularFile(f"{path.name} is {info.st_size} bytes, more than {limit}")
        return stream.read(limit + 1)[:limit]


TEMPORARY_SUFFIX = ".tmp"


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}{TEMPORARY_SUFFIX}")


def remove_leftovers(folder: Path) -> None:
    """Temporary files a run that was killed left behind (``.day1.ipynb.PID.tmp``): only one
    ``grader autograde`` runs per course (the lock), so none of them is being written now."""
    pattern = re.compile(r"^\..+\.\d+" + re.escape(TEMPORARY_SUFFIX) + "$")
    if not folder.is_dir() or folder.is_symlink():
        return
    for entry in os.scandir(folder):
        if pattern.match(entry.name) and not entry.is_dir(follow_symlinks=False):
            os.unlink(entry.path)


def stage_notebook(nb: Any, path: Path) -> tuple[Path, Path]:
    """The notebook written beside its place; formgrader never reads half a notebook."""
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    nbformat.write(nb, str(temporary))
    return temporary, path


def stage_other_files(course: Any, assignment: str, submitted: Path, autograded: Path) -> list[tuple[Path, Path]]:
    """Every other file of the submission, as nbgrader's autograde copies them into autograded/
    (``submission_secret.txt``, ``timestamp.txt``, data files …; its ignore patterns and
    size limit), then the course's own files of the assignment over them (its
    ``exclude_overwriting`` kept). Links and special files are never followed or copied."""
    copies = [(source, autograded / relative) for relative, source in
              _regular_files(submitted, course.coursedir.ignore, course.coursedir.max_file_size * 1000)
              if str(relative) != TIMESTAMP]  # copied once read (_timestamp)
    source_folder = course.path(course.coursedir.source_directory, ".", assignment)
    excluded = set(course.config.get("Autograde", {}).get("exclude_overwriting", {}).get(assignment, []))
    copies += [(source, autograded / relative) for relative, source in
               _regular_files(source_folder, course.coursedir.ignore, None) if str(relative) not in excluded]
    staged = []
    for source, final in copies:
        final.parent.mkdir(parents=True, exist_ok=True)
        staged.append(_stage_copy(source, final))
    return staged


def _regular_files(folder: Path, ignore: list[str], limit: int | None) -> Iterator[tuple[Path, Path]]:
    """(relative path, path) of the files nbgrader's ``find_all_files(folder, ignore + ["*.ipynb"])``
    finds, less links and special files (never followed) and files over ``limit`` bytes."""
    from nbgrader.utils import is_ignored

    if not folder.is_dir() or folder.is_symlink():
        return
    exclude = [*ignore, "*.ipynb"]
    for directory, subdirs, files in os.walk(folder):
        subdirs[:] = sorted(d for d in subdirs if not os.path.islink(os.path.join(directory, d))
                            and not is_ignored(os.path.join(directory, d), ignore))
        for name in sorted(files):
            path = Path(directory) / name
            if is_ignored(str(path), exclude) or path.is_symlink() or not path.is_file():
                continue
            if limit is not None and path.stat().st_size > limit:
                continue
            yield path.relative_to(folder), path


def stage_bytes(data: bytes, path: Path) -> tuple[Path, Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    temporary.write_bytes(data)
    return temporary, path


def _stage_copy(source: Path, path: Path) -> tuple[Path, Path]:
    temporary = _temporary(path)
    with open(source, "rb", opener=lambda p, flags: os.open(p, flags | getattr(os, "O_NOFOLLOW", 0))) as data, \
            open(temporary, "wb") as copy:
        shutil.copyfileobj(data, copy)
    return temporary, path
