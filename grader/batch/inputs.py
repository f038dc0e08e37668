"""What ``grader batch`` grades: the students' folders, their content hashes, their staging.

Two layouts are read:

* ``SUBMISSIONS_DIR/<student>/``: each a copy of ``exercises/`` (the modules as files);
* nbgrader's ``submitted/<student>/<assignment>/`` (``SUBMISSIONS_DIR`` is the course
  folder that holds ``submitted/``, or ``submitted/`` itself): the functions are read out
  of the notebooks' code cells into the modules the engine expects.

One rule for links, at every level: never followed, always reported. A student folder or
an assignment folder that is a link is still a student of the batch, graded 0 with the
reason; a link inside a submission is left out with a note (:mod:`grader.boundary.staging`).
A submission is staged from the bytes :func:`grader.boundary.staging.collect` read, so what
is graded is what was hashed and checked, never a file swapped in between.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from grader.boundary.cleanup import empty_folder
from grader.boundary.staging import (SKIPPED_NAMES, Collected, Note, collect,
                                     printable, read_only_for_children, stage as stage_folder)


def student_name(folder_name: str) -> str:
    """A folder's name as text that can be printed and written anywhere: bytes that are
    not UTF-8 are shown as ``\\xNN`` escapes (the folder itself keeps its real name)."""
    return printable(folder_name)


class InputError(Exception):
    """A folder ``grader batch`` cannot grade: a catalogue key and its fields."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields


@dataclass(frozen=True)
class Submission:
    name: str  # the student: their folder's name (printable, see student_name)
    folder: Path
    notebooks: bool = False  # nbgrader layout: read the functions out of *.ipynb
    refused: Note | None = None  # why it is not graded at all (a link, an unreadable folder)


def digest(submission: Submission, collected: Collected | None) -> str:
    """The hash of everything that decides the result: the staged bytes, and what was
    refused or left out (a link replaced by a file changes the result, so the hash)."""
    hashed = hashlib.sha256(b"notebooks" if submission.notebooks else b"folder")
    if submission.refused is not None or collected is None:
        hashed.update(json.dumps(["refused", submission.refused], default=str).encode())
        return hashed.hexdigest()
    for name, data in collected.files:
        raw = os.fsencode(name)
        hashed.update(len(raw).to_bytes(4, "little") + raw + len(data).to_bytes(8, "little") + data)
    hashed.update(json.dumps([collected.notes, sorted(collected.refused.items())], default=str).encode())
    return hashed.hexdigest()


def content_hash(submission: Submission) -> str:
    if submission.refused is not None:
        return digest(submission, None)
    try:
        return digest(submission, collect(submission.folder, submission.notebooks))
    except OSError as exc:  # unreadable now: graded (and failed) with the reason later
        return hashlib.sha256(f"unreadable {exc}".encode()).hexdigest()


# -- finding the students ---------------------------------------------------------------

def discover(root: Path, assignment: str | None = None, exclude: tuple[Path, ...] = ()) -> tuple[list[Submission], str | None]:
    """Every student's submission under ``root``, and the nbgrader assignment if any."""
    if not root.is_dir():
        raise InputError("batch.no_folder", folder=root)
    submitted = _nbgrader_folder(root)
    if submitted is not None:
        return _nbgrader_submissions(submitted, assignment)
    excluded = {p.resolve() for p in exclude}
    folders, links = _subfolders(root)
    submissions = [Submission(student_name(d.name), d) for d in folders if d.resolve() not in excluded]
    submissions += [_linked(d, notebooks=False) for d in links]
    if not submissions and any(root.glob("*.py")):
        raise InputError("batch.one_submission", folder=root)
    if not submissions:
        raise InputError("batch.no_students", folder=root)
    return sorted(submissions, key=lambda s: s.name), None


def _linked(path: Path, notebooks: bool, name: str | None = None) -> Submission:
    """A student whose folder is a link: in the results, graded 0, never followed."""
    shown = name or student_name(path.name)
    return Submission(shown, path, notebooks, refused=("batch.folder_is_link", {"folder": student_name(str(path))}))


def _subfolders(folder: Path) -> tuple[list[Path], list[Path]]:
    """The real sub-folders of ``folder``, and its entries that are links (to anything)."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise InputError("batch.unreadable", folder=folder, problem=exc.strerror or str(exc)) from None
    entries = [d for d in entries if not d.name.startswith(".") and d.name not in SKIPPED_NAMES]
    links = [d for d in entries if d.is_symlink()]
    return [d for d in entries if not d.is_symlink() and d.is_dir()], links


def _nbgrader_folder(root: Path) -> Path | None:
    """``submitted/`` of an nbgrader course, when ``root`` is one or is the course."""
    if (root / "submitted").is_dir():
        return root / "submitted"
    if root.name == "submitted":
        return root
    return None


def _nbgrader_submissions(submitted: Path, assignment: str | None) -> tuple[list[Submission], str]:
    students, linked_students = _subfolders(submitted)
    names = sorted({a.name for s in students for a in _subfolders(s)[0] if any(a.glob("*.ipynb"))})
    if assignment is None:
        if len(names) > 1:
            raise InputError("batch.several_assignments", assignments=", ".join(names))
        if not names:
            raise InputError("batch.no_notebooks", folder=submitted)
        assignment = names[0]
    chosen = [_linked(s, notebooks=True) for s in linked_students]
    for s in students:
        folder = s / assignment
        if folder.is_symlink():
            chosen.append(_linked(folder, notebooks=True, name=student_name(s.name)))
        elif folder.is_dir():
            chosen.append(Submission(student_name(s.name), folder, notebooks=True))
    if not any(c.refused is None for c in chosen):
        raise InputError("batch.no_assignment", assignment=assignment, assignments=", ".join(names) or "-")
    return sorted(chosen, key=lambda c: c.name), assignment


# -- staging ------------------------------------------------------------------------------

@dataclass
class Staged:
    """A staged submission, and how its messages are told: a notebook's say where in the
    notebook (``Cell In[5], line 3``), the way ``grader.nb`` tells them in the notebook."""
    program: object = None  # grader.nb.program.Program of a notebook submission
    digest: str = ""  # the hash of what was staged (see digest)
    notes: list[Note] = field(default_factory=list)  # limits applied, links left out

    def adapt(self, results: list) -> list:
        if self.program is None:
            return results
        import dataclasses

        from grader.nb.worker import notebook_message
        lines = self.program.lines
        return [dataclasses.replace(r, messages=tuple(notebook_message(m, lines) for m in r.messages))
                for r in results]

    def text(self, message: str) -> str:
        if self.program is None:
            return message
        from grader.nb.program import relabel
        return relabel(message, self.program)


class Refused(Exception):
    """A submission none of whose code can be graded (a notebook that cannot be read): every
    check fails with this message, which names the notebook and why — never a generated file."""

    def __init__(self, note: Note) -> None:
        super().__init__(note[0])
        self.note = note


def stage(submission: Submission, staging: Path, lang: str = "en") -> Staged:
    """Put the submission's files into ``staging`` (emptied first), readable by the
    slot's children and writable by none: a folder through the one staging of every entry
    point (:func:`grader.boundary.staging.stage`). OSError: the folder cannot be read at all;
    Refused: a notebook of it cannot be read."""
    from grader.i18n import t

    def reason(note: Note) -> str:
        return t(note[0], lang, **note[1])

    if not submission.notebooks:
        collected = stage_folder(submission.folder, staging, reason)
        return Staged(digest=digest(submission, collected), notes=collected.notes)
    empty_folder(staging)
    collected = collect(submission.folder, submission.notebooks)
    staged = Staged(digest=digest(submission, collected), notes=collected.notes)
    reasons = {name: reason(note) for name, note in collected.refused.items()}
    staged.program = _stage_notebooks(collected, staging, reasons)
    read_only_for_children(staging)
    return staged


def _stage_notebooks(collected: Collected, staging: Path, reasons: dict[str, str]) -> object:
    """The notebooks' definitions as ``_notebook.py``, re-exported by every exercise
    module: the layout ``grader.nb`` gives a notebook's ``check()`` too. A notebook that
    cannot be read refuses the whole submission with the reason (the other notebooks' code
    would be graded incomplete)."""
    from grader.nb.program import notebook_cells, program_from_cells, write_submission

    if reasons:
        raise Refused(("batch.notebooks_refused", {"problem": "; ".join(reasons.values())}))
    cells = []
    for name, data in collected.files:
        try:
            cells += notebook_cells(json.loads(data))
        except Exception as exc:  # noqa: BLE001 - one student's odd notebook must not stop the batch
            raise Refused(("batch.notebooks_refused", {"problem": printable_problem(name, exc)})) from None
    try:
        program = program_from_cells(cells)
    except Exception as exc:  # noqa: BLE001 - code too deep to analyse, and the like
        names = ", ".join(name for name, _ in collected.files)
        raise Refused(("batch.notebooks_refused", {"problem": printable_problem(names, exc)})) from None
    write_submission(program, staging)
    return program


def printable_problem(name: str, exc: BaseException) -> str:
    return f"{name}: {type(exc).__name__}: {str(exc)[:120]}"


