"""What ``grader batch`` grades: the students' folders, their content hashes, their staging.

Two layouts are read:

* ``SUBMISSIONS_DIR/<student>/``: each a copy of ``exercises/`` (the modules as files);
* nbgrader's ``submitted/<student>/<assignment>/`` (``SUBMISSIONS_DIR`` is the course
  folder that holds ``submitted/``, or ``submitted/`` itself): the functions are read out
  of the notebooks' code cells into the modules the engine expects.

A submission is staged by copying its regular files (never following a link out of the
folder) into the slot's staging folder, or by writing the notebook's program there.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

MAX_FILE = 10 * 1024 * 1024  # bytes: a larger file in a submission is left out
MAX_FILES = 500
SKIPPED_NAMES = ("__pycache__", ".ipynb_checkpoints")
MODULE_FILES = ("functions.py", "network.py", "minibatch.py", "optimizers.py", "weight_init.py",
                "batch_norm.py")


class InputError(Exception):
    """A folder ``grader batch`` cannot grade: a catalogue key and its fields."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields


@dataclass(frozen=True)
class Submission:
    name: str  # the student: their folder's name
    folder: Path
    notebooks: bool = False  # nbgrader layout: read the functions out of *.ipynb

    def files(self) -> list[Path]:
        """The files that make the submission, in a stable order (the content hash's)."""
        if self.notebooks:
            return sorted(p for p in self.folder.glob("*.ipynb") if _plain_file(p))
        found = []
        # os.walk does not enter linked folders; linked files are left out below.
        for directory, subdirs, files in os.walk(self.folder):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in SKIPPED_NAMES)
            for name in sorted(files):
                path = Path(directory) / name
                if not name.startswith(".") and path.suffix != ".pyc" and _plain_file(path):
                    found.append(path)
        return sorted(found)[:MAX_FILES]


def _plain_file(path: Path) -> bool:
    """A regular file (not a link) of a sensible size."""
    try:
        return not path.is_symlink() and path.is_file() and path.stat().st_size <= MAX_FILE
    except OSError:
        return False


def content_hash(submission: Submission) -> str:
    digest = hashlib.sha256(b"notebooks" if submission.notebooks else b"folder")
    for path in submission.files():
        data = path.read_bytes()
        name = str(path.relative_to(submission.folder)).encode()
        digest.update(len(name).to_bytes(4, "little") + name + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


# -- finding the students ---------------------------------------------------------------

def discover(root: Path, assignment: str | None = None, exclude: tuple[Path, ...] = ()) -> tuple[list[Submission], str | None]:
    """Every student's submission under ``root``, and the nbgrader assignment if any."""
    if not root.is_dir():
        raise InputError("batch.no_folder", folder=root)
    submitted = _nbgrader_folder(root)
    if submitted is not None:
        return _nbgrader_submissions(submitted, assignment)
    excluded = {p.resolve() for p in exclude}
    students = [d for d in _subfolders(root) if d.resolve() not in excluded]
    submissions = [Submission(d.name, d) for d in students]
    if not submissions and any(root.glob("*.py")):
        raise InputError("batch.one_submission", folder=root)
    if not submissions:
        raise InputError("batch.no_students", folder=root)
    return submissions, None


def _subfolders(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise InputError("batch.unreadable", folder=folder, problem=exc.strerror or str(exc)) from None
    return [d for d in entries if d.is_dir() and not d.is_symlink()
            and not d.name.startswith(".") and d.name not in SKIPPED_NAMES]


def _nbgrader_folder(root: Path) -> Path | None:
    """``submitted/`` of an nbgrader course, when ``root`` is one or is the course."""
    if (root / "submitted").is_dir():
        return root / "submitted"
    if root.name == "submitted":
        return root
    return None


def _nbgrader_submissions(submitted: Path, assignment: str | None) -> tuple[list[Submission], str]:
    students = _subfolders(submitted)
    names = sorted({a.name for s in students for a in _subfolders(s) if any(a.glob("*.ipynb"))})
    if assignment is None:
        if len(names) > 1:
            raise InputError("batch.several_assignments", assignments=", ".join(names))
        if not names:
            raise InputError("batch.no_notebooks", folder=submitted)
        assignment = names[0]
    chosen = [Submission(s.name, s / assignment, notebooks=True) for s in students
              if (s / assignment).is_dir()]
    if not chosen:
        raise InputError("batch.no_assignment", assignment=assignment, assignments=", ".join(names) or "-")
    return chosen, assignment


# -- staging ------------------------------------------------------------------------------

@dataclass
class Staged:
    """A staged submission, and how its messages are told: a notebook's say where in the
    notebook (``Cell In[5], line 3``), the way ``grader.nb`` tells them in the notebook."""
    program: object = None  # grader.nb.program.Program of a notebook submission

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


def stage(submission: Submission, staging: Path) -> Staged:
    """Put the submission's files into ``staging`` (emptied first), readable by a child
    of any user and writable by none."""
    _empty(staging)
    staged = Staged()
    if submission.notebooks:
        staged = _stage_notebooks(submission, staging)
    else:
        for path in submission.files():
            target = staging / path.relative_to(submission.folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    _read_only_for_children(staging)
    return staged


def _stage_notebooks(submission: Submission, staging: Path) -> Staged:
    """The notebooks' definitions as ``_notebook.py``, re-exported by every exercise
    module: the layout ``grader.nb`` gives a notebook's ``check()`` too."""
    from grader.nb.program import notebook_cells, program_from_cells, write_submission

    cells = []
    for path in submission.files():
        try:
            cells += notebook_cells(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            _unreadable_notebook(path.name, exc, staging)
            return Staged()
    program = program_from_cells(cells)
    write_submission(program, staging)
    return Staged(program)


def _unreadable_notebook(name: str, exc: Exception, staging: Path) -> None:
    """Modules that fail to import, saying which notebook could not be read and why."""
    problem = f"{name} is not a notebook the grader can read ({type(exc).__name__}: {str(exc)[:120]})"
    for module in MODULE_FILES:
        (staging / module).write_text(f"raise ImportError({problem!r})\n", encoding="utf-8")


def _empty(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _read_only_for_children(folder: Path) -> None:
    for directory, subdirs, files in os.walk(folder):
        os.chmod(directory, 0o755)
        for name in files:
            os.chmod(os.path.join(directory, name), 0o644)
