"""A course's summative seed: drawn at random by ``grader nbgrader init``, kept by the instructor.

``DEFAULT_SEED`` is public (the project's source and every self-study install hold it), so
a table of answers for its inputs would earn full marks. A graded course therefore grades
with a seed of its own, one line of its nbgrader_config.py — the instructor's file, never
released (``source/`` and ``release/`` hold only the notebooks)::

    c.GradeOutsideKernel.seed = 4170620133129377207

Every summative path of the course uses it: ``nbgrader autograde`` (``GradeOutsideKernel``'s
``seed`` trait) and ``grader autograde`` through nbgrader's configuration chain, ``grader
batch`` run on a folder inside the course (the course's file), and ``grader gradescope build
--course`` (baked into the bundle, which only Gradescope's machines see). A course without
the line grades with ``DEFAULT_SEED``, as before.
"""
from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from grader.grading.defaults import DEFAULT_SEED, MAX_SEED, valid_seed

TRAIT = "GradeOutsideKernel"
_LINE = re.compile(rf"^c\.{TRAIT}\.seed\s*=\s*(\d+)\s*(?:#.*)?$", re.MULTILINE)


class BadSeed(ValueError):
    """The configured seed is not one the grader can use: the value as written."""


def new_seed() -> int:
    """A seed nobody can guess, never the public default."""
    while True:
        seed = secrets.randbelow(MAX_SEED + 1)
        if seed != DEFAULT_SEED:
            return seed


def seed_line(seed: int) -> str:
    return f"c.{TRAIT}.seed = {seed}"


def written_seed(text: str) -> int | None:
    """The seed a line of ``text`` (a block of nbgrader_config.py) sets, if one does."""
    found = _LINE.search(text)
    return int(found.group(1)) if found else None


def configured_seed(config: Any) -> int | None:
    """The seed nbgrader's loaded configuration (a traitlets Config) gives the course;
    None when it sets none. Raises :class:`BadSeed` for a value the grader cannot use."""
    section = config.get(TRAIT) if hasattr(config, "get") else None
    value = section.get("seed") if section is not None and hasattr(section, "get") else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not valid_seed(value):
        raise BadSeed(repr(value))
    return value


def course_of(folder: Path) -> Path | None:
    """The nbgrader course ``folder`` lies in: the nearest folder, itself or above, that
    holds an nbgrader_config.py."""
    for candidate in (folder, *folder.parents):
        if (candidate / "nbgrader_config.py").is_file():
            return candidate
    return None


def seed_in_course(folder: Path) -> tuple[Path, int | None] | None:
    """For a folder inside an nbgrader course: the course's nbgrader_config.py and the seed
    its line sets (None: no line, the default seed). None outside any course. (``grader
    autograde`` and ``nbgrader autograde`` read nbgrader's whole configuration chain; a
    batch pointed at a course folder reads the course's own file.)"""
    course = course_of(folder)
    if course is None:
        return None
    config = course / "nbgrader_config.py"
    try:
        text = config.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return config, written_seed(text)
