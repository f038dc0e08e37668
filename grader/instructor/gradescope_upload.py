"""What a Gradescope upload is, and its staging for ``grader batch``: never through a link.

Gradescope unzips the student's upload into ``submission/`` and runs ``run_autograder`` as
root, with the bundle (the reference among it) beside it in ``source/``. So nothing here
trusts a name the student chose: a link (``exercises -> ../source/reference``) is never
entered, read or copied, only reported; the graded files are read with the batch's one
link-refusing reader (:func:`grader.boundary.staging.collect`: ``O_NOFOLLOW`` from the
submission's descriptor down, with its limits of count, size and depth) and staged from
the bytes it read (:func:`grader.batch.inputs.stage`), so what is graded is what was read.

The graded folder is found by looking, level by level (at most ``MAX_DEPTH`` levels, no
recursion): notebooks or modules at a level are graded there; else ``exercises/`` (the
course's layout) or the only folder of the level (a zip of ``my_hw/``) is looked into.

A notebook's metadata never names a path: its assignment is one of the course's names
(``day1``, …), else the submission is graded as every topic under a fixed folder name.
"""
from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from grader.boundary.staging import MAX_DEPTH, SKIPPED_NAMES, Note, collect, printable
from grader.batch.inputs import Submission, stage

STUDENT = "submission"  # the one student of the class grader batch grades
ANY_ASSIGNMENT = "submission"  # a notebook of no known assignment: every topic is graded
ARCHIVE_LITTER = ("__MACOSX",)  # what macOS's "Compress" adds beside the folder
NOTES_SHOWN = 5


@dataclass
class Upload:
    """Where the graded files are, how they are read, and what was passed over on the way."""
    folder: Path
    notebooks: bool = False
    notes: list[Note] = field(default_factory=list)


def _entries(folder: Path) -> dict[str, str]:
    """The names of ``folder`` that can hold a submission, each ``dir``, ``file``,
    ``link`` or ``other``, seen without following anything."""
    kinds = {}
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                name = entry.name
                if name.startswith(".") or name in SKIPPED_NAMES or name in ARCHIVE_LITTER:
                    continue
                mode = entry.stat(follow_symlinks=False).st_mode
                kinds[name] = ("link" if stat.S_ISLNK(mode) else "dir" if stat.S_ISDIR(mode)
                               else "file" if stat.S_ISREG(mode) else "other")
    except OSError:
        return {}
    return kinds


def find_upload(submission: Path) -> Upload:
    """The folder of ``submission`` that holds the student's work (see the module's doc)."""
    upload = Upload(submission)
    for _ in range(MAX_DEPTH):
        kinds = _entries(upload.folder)
        if any(kind == "file" and name.endswith(".ipynb") for name, kind in kinds.items()):
            upload.notebooks = True
            return upload
        if any(kind in ("file", "link") and name.endswith(".py") for name, kind in kinds.items()):
            return upload
        inside = "exercises" if kinds.get("exercises") == "dir" else (
            next(iter(kinds)) if len(kinds) == 1 and "dir" in kinds.values() else None)
        if inside is None:
            return upload  # collect() reports the links of this level
        links = sorted(name for name, kind in kinds.items() if kind == "link")
        if links:  # passed over on the way in: never followed, still said
            upload.notes.append(_links_note(upload.folder.relative_to(submission), links))
        upload.folder = upload.folder / inside
    return upload


def _links_note(where: Path, names: list[str]) -> Note:
    shown = [printable(str(where / name)) for name in names]
    text = ", ".join(shown[:NOTES_SHOWN]) + (f" (+{len(shown) - NOTES_SHOWN})" if len(shown) > NOTES_SHOWN else "")
    return ("batch.links_refused", {"names": text, "count": len(shown)})


def assignment_of(notebooks: list[tuple[str, bytes]]) -> str:
    """The course's assignment the notebooks are (a name of the course, never a path)."""
    from grader.authoring.assignments import ASSIGNMENTS

    known = {a.name for a in ASSIGNMENTS}
    for name, data in notebooks:
        try:
            meta = json.loads(data).get("metadata", {}).get("dl_grader", {})
            claimed = meta.get("assignment") if isinstance(meta, dict) else None
        except (ValueError, AttributeError, RecursionError):
            claimed = None
        for candidate in (claimed, name.removesuffix(".ipynb")):
            if isinstance(candidate, str) and candidate in known:
                return candidate
    return ANY_ASSIGNMENT


def stage_upload(upload: Upload, work: Path) -> tuple[Path, list[str], list[Note]]:
    """The upload laid out in ``work`` as ``grader batch`` reads a class of one: that
    folder, the batch's extra arguments, and every note of what was left out and why."""
    if not upload.notebooks:
        staged = stage(Submission(STUDENT, upload.folder), _made(work / "class" / STUDENT))
        return work / "class", [], upload.notes + staged.notes
    collected = collect(upload.folder, notebooks=True)
    notes = upload.notes + collected.notes + list(collected.refused.values())
    assignment = assignment_of(collected.files)
    target = _made(work / "course" / "submitted" / STUDENT / assignment)
    for name, data in collected.files:
        (target / name).write_bytes(data)  # top-level names only: collect reads no deeper for notebooks
    return work / "course", ["--assignment", assignment], notes


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True)
    return folder
