"""``grader autograde ASSIGNMENT``: nbgrader's gradebook filled at grader speed, sandboxed.

    grader autograde ASSIGNMENT [-j N] [--force] [--course DIR] [--lang ja|en]
                     [--sandbox auto|bwrap|none]

Run in an nbgrader course folder (``grader nbgrader init`` writes one). For every
``submitted/<student>/<assignment>/``:

1. nbgrader's safeguards (:mod:`grader.instructor.sanitize`): outputs cleared, locked
   cells restored from the gradebook (tampering found by checksum), deleted or converted
   grade cells re-inserted and scored 0;
2. the sanitised notebooks graded by ``grader batch`` — the same sandbox (bubblewrap when
   present), ``-j`` slots, resumable records and progress bar — under
   ``.grader/ASSIGNMENT/`` in the course (``grades/results.json`` there is what
   ``grader stats`` reads);
3. ``autograded/<student>/<assignment>/`` written, each check cell holding the verdict the
   student saw (:mod:`grader.instructor.autograded`), and the gradebook updated through
   nbgrader's API, one transaction per submission (:mod:`grader.instructor.gradebook`),
   late submissions marked from ``timestamp.txt`` and the due date as nbgrader does.

Nothing of the student's runs in a kernel: a notebook that redefines ``check`` changes
nothing. Afterwards nbgrader's generate_feedback, release_feedback, formgrader and export
work as after ``nbgrader autograde``.

Exit status: 0 every submission written, 1 some could not be graded or written, 2 not a
usable course or bad arguments, 130 interrupted (what finished is kept).
"""
from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

# nbformat's jsonschema compiles rfc3987_syntax's grammars when it is importable: seconds
# of every run, for IRI formats no notebook schema uses (jsonschema skips them without it).
# Before the gradebook module below, which imports nbformat.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from grader.i18n import LANGS, lang_from_argv, t  # noqa: E402
from grader.instructor.gradebook import GradebookProblem, ensure_unlocked  # noqa: E402
from grader.instructor.submission_files import (TIMESTAMP, TIMESTAMP_LIMIT, read_regular_file,  # noqa: E402
                                                remove_leftovers, stage_bytes, stage_notebook, stage_other_files)

WORK = ".grader"  # inside the course: the sanitised notebooks, the batch's records, the lock
EXIT_DONE, EXIT_INCOMPLETE, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130


class Problem(Exception):
    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise Problem("instructor.usage_error", problem=message)


def parser(lang: str) -> argparse.ArgumentParser:
    p = _Parser(prog="grader autograde", description=t("instructor.autograde_description", lang))
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("-j", "--jobs", type=int, default=None, help=t("batch.help_jobs", lang))
    p.add_argument("--force", action="store_true", help=t("batch.help_force", lang))
    p.add_argument("--course", type=Path, default=Path("."), metavar="DIR",
                   help=t("instructor.help_course", lang))
    p.add_argument("--lang", choices=LANGS, default=None, help=t("batch.help_lang", lang))
    p.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto",
                   help=t("batch.help_sandbox", lang))
    return p


@dataclass
class Course:
    root: Path
    coursedir: Any  # nbgrader.coursedir.CourseDirectory
    config: Any

    def path(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(step, student, assignment))


def main(argv: list[str]) -> int:
    lang = lang_from_argv(argv)
    try:
        args = parser(lang).parse_args(argv)
        lang = args.lang or lang
        course = open_course(args.course.resolve())
        with _lock(course.root / WORK / "autograde.lock"):
            return autograde(course, args, lang)
    except (Problem, GradebookProblem) as problem:
        print(t("instructor.error", lang, problem=t(problem.key, lang, **problem.fields)), file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print(t("instructor.interrupted", lang), file=sys.stderr)
        return EXIT_INTERRUPTED


def open_course(folder: Path) -> Course:
    """The course's nbgrader configuration, read as ``nbgrader`` run in ``folder`` reads it
    (:mod:`grader.instructor.nbconfig`): ``db_url`` and every directory come from there."""
    from grader.instructor.nbconfig import ConfigProblem, read_config

    if not folder.is_dir():
        raise Problem("instructor.not_a_course", folder=folder)
    try:
        found = read_config(folder)
    except ConfigProblem as problem:
        raise Problem("instructor.bad_config", path=folder / "nbgrader_config.py", problem=str(problem)) from None
    if not (found.loaded or (found.root / "nbgrader_config.py").is_file()):
        raise Problem("instructor.not_a_course", folder=folder)
    return Course(found.root, found.coursedir, found.config)


def _lock(path: Path) -> "_Lock":
    return _Lock(path)


class _Lock:
    """One ``grader autograde`` per course at a time (two would write the same files)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> "_Lock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.stream = open(self.path, "a")
        try:
            fcntl.flock(self.stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.stream.close()
            raise Problem("instructor.already_running", folder=self.path.parent.parent) from None
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.stream, fcntl.LOCK_UN)
        self.stream.close()


# -- one run ------------------------------------------------------------------------------

def autograde(course: Course, args: argparse.Namespace, lang: str) -> int:
    from grader.instructor.gradebook import open_gradebook
    from grader.instructor.sanitize import source_notebooks

    seed = summative_seed(course)  # a bad value is said before anything is graded
    if course.coursedir.db_url.startswith("sqlite:///"):  # other databases lock per row
        ensure_unlocked(Path(course.coursedir.db_url.removeprefix("sqlite:///")))
    with open_gradebook(course.coursedir.db_url, course.coursedir.course_id) as gradebook:
        known = [a.name for a in gradebook.assignments]
        if args.assignment not in known:
            raise Problem("instructor.unknown_assignment", assignment=args.assignment,
                          assignments=", ".join(known) or "-")
        sources = source_notebooks(gradebook, args.assignment)
    students = list(_students(course, args.assignment, lang))
    if not students:
        raise Problem("instructor.no_submissions", assignment=args.assignment,
                      folder=Path(course.coursedir.submitted_directory))
    work = course.root / WORK / args.assignment
    _forget_others(work / "sanitized" / "submitted", set(students))
    prepared = [prepare(course, args.assignment, student, sources, work / "sanitized") for student in students]
    status = _grade(work, args, lang, any(p.gradable for p in prepared), seed)
    if status in (EXIT_UNUSABLE, EXIT_INTERRUPTED):
        return status
    results = _results(work / "grades")
    written = write_all(course, args.assignment, prepared, results, lang)
    return EXIT_DONE if status == EXIT_DONE and written == len(prepared) else EXIT_INCOMPLETE


def _forget_others(folder: Path, students: set[str]) -> None:
    """Sanitised copies of students no longer in submitted/: not graded, not reported."""
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name not in students:
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()


def _students(course: Course, assignment: str, lang: str) -> Iterator[str]:
    submitted = Path(course.coursedir.root) / course.coursedir.submitted_directory
    if not submitted.is_dir():
        return
    for entry in sorted(submitted.iterdir()):
        if entry.name.startswith("."):
            continue
        folder = course.path(course.coursedir.submitted_directory, entry.name, assignment)
        if entry.is_symlink() or Path(folder).is_symlink():
            print(t("instructor.link_refused", lang, folder=folder), file=sys.stderr)
            continue
        if Path(folder).is_dir():
            yield entry.name


@dataclass
class Prepared:
    """One student's notebooks after the safeguards, before and after grading."""
    student: str
    submitted: Path
    notebooks: dict[str, Any]  # notebook name -> Sanitized, or None when missing/unreadable
    problems: list[tuple[str, dict]]  # catalogue keys and fields, told to the instructor

    @property
    def gradable(self) -> bool:
        return any(v is not None for v in self.notebooks.values())


def prepare(course: Course, assignment: str, student: str, sources: dict, out: Path) -> Prepared:
    """Read and sanitise ``student``'s notebooks; write the sanitised ones for the batch."""
    import nbformat

    from grader.instructor.sanitize import sanitize

    folder = course.path(course.coursedir.submitted_directory, student, assignment)
    target = out / "submitted" / student / assignment
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    found: dict[str, Any] = {}
    problems: list[tuple[str, dict]] = []
    for name, source in sources.items():
        path = folder / f"{name}.ipynb"
        if path.is_symlink() or not path.is_file():
            found[name] = None
            problems.append(("instructor.notebook_missing", {"notebook": f"{name}.ipynb"}))
            continue
        try:
            submitted = nbformat.read(str(path), as_version=4)
            cleaned = sanitize(submitted, source)
            nbformat.write(cleaned.notebook, str(target / f"{name}.ipynb"))
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook: 0 points, said why
            found[name] = None
            problems.append(("instructor.notebook_unreadable", {
                "notebook": f"{name}.ipynb", "problem": f"{type(exc).__name__}: {str(exc)[:120]}"}))
            continue
        found[name] = cleaned
        problems += [("instructor.cell_restored", {"notebook": f"{name}.ipynb", "cell": c})
                     for c in cleaned.tampered]
        problems += [("instructor.cell_reinserted", {"notebook": f"{name}.ipynb", "cell": c})
                     for c in cleaned.missing]
    return Prepared(student, folder, found, problems)


def summative_seed(course: Course) -> int:
    """The seed the course grades with: its ``c.GradeOutsideKernel.seed`` (nbgrader's whole
    configuration chain, as ``nbgrader autograde`` reads it), else the default."""
    from grader.batch.course_seed import BadSeed, configured_seed
    from grader.grading.defaults import DEFAULT_SEED, MAX_SEED

    try:
        seed = configured_seed(course.config)
    except BadSeed as bad:
        raise Problem("instructor.bad_course_seed", value=str(bad), most=MAX_SEED) from None
    return DEFAULT_SEED if seed is None else seed


def _grade(work: Path, args: argparse.Namespace, lang: str, any_gradable: bool, seed: int) -> int:
    """The sanitised class through ``grader batch``: its sandbox, slots, records, progress."""
    if not any_gradable:
        return EXIT_DONE
    from grader.batch.cli import main as batch_main

    argv = [str(work / "sanitized"), "--assignment", args.assignment, "--out", str(work / "grades"),
            "--lang", lang, "--sandbox", args.sandbox, "--seed", str(seed)]
    if args.jobs is not None:
        argv += ["-j", str(args.jobs)]
    if args.force:
        argv.append("--force")
    return batch_main(argv)


def _results(grades: Path) -> dict[str, dict]:
    try:
        return json.loads((grades / "results.json").read_text(encoding="utf-8"))["students"]
    except (OSError, ValueError, KeyError):
        return {}


def write_all(course: Course, assignment: str, prepared: list[Prepared], results: dict[str, dict],
              lang: str) -> int:
    """autograded/ and the gradebook, submission by submission; how many were written."""
    from nbgrader.plugins import LateSubmissionPlugin

    from grader.batch.progress import Progress
    from grader.instructor.gradebook import open_gradebook

    plugin = LateSubmissionPlugin(config=course.config)
    written = 0
    with open_gradebook(course.coursedir.db_url, course.coursedir.course_id) as gradebook, \
            Progress(len(prepared)) as progress:
        for item in prepared:
            line = _write_one(course, gradebook, assignment, item, results.get(item.student), plugin, lang)
            written += line is not None
            progress.step(line or t("instructor.not_written", lang, student=item.student))
            for key, fields in item.problems:
                progress.say(f"  {item.student}: {t(key, lang, **fields)}")
    print(t("instructor.autograde_done", lang, written=written, total=len(prepared),
            gradebook=course.coursedir.db_url, autograded=course.coursedir.autograded_directory))
    return written


def _write_one(course: Course, gradebook: Any, assignment: str, item: Prepared, result: dict | None,
               plugin: Any, lang: str) -> str | None:
    from grader.instructor.autograded import fill_outputs
    from grader.instructor.gradebook import NotebookGrades, write_submission

    if result is None and item.gradable:
        item.problems.append(("instructor.not_graded", {}))
        return None
    rows = result.get("results", []) if result else []
    grades, autograded = [], course.path(course.coursedir.autograded_directory, item.student, assignment)
    staged: list[tuple[Path, Path]] = []  # (temporary, final): moved in once the gradebook committed
    try:
        remove_leftovers(autograded)
        for name, cleaned in item.notebooks.items():
            if cleaned is None:
                grades.append(NotebookGrades(name, [], {}))
                continue
            scores = fill_outputs(cleaned.notebook, rows, cleaned.missing)
            grades.append(NotebookGrades(name, scores, _answered(cleaned.notebook)))
            staged.append(stage_notebook(cleaned.notebook, autograded / f"{name}.ipynb"))
        timestamp, stamp = _timestamp(item)
        if staged:
            staged += stage_other_files(course, assignment, item.submitted, autograded)
            if stamp is not None:  # only a timestamp that was read: bounded, not a link
                staged.append(stage_bytes(stamp, autograded / TIMESTAMP))
        late = write_submission(gradebook, assignment, item.student, timestamp, grades, plugin)
    except Exception as exc:  # noqa: BLE001 - one submission's problem: the others go on
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        item.problems.append(("instructor.gradebook_write_failed", {"problem": f"{type(exc).__name__}: {exc}"}))
        return None
    for temporary, final in staged:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, final)
    total = sum(c.points or 0.0 for g in grades for c in g.cells)
    maximum = sum(c.max_points for g in grades for c in g.cells)
    note = t("instructor.late", lang, seconds=f"{late:.0f}") if late > 0 else ""
    return t("instructor.written", lang, student=item.student, score=f"{total:g}",
             max_score=f"{maximum:g}") + note


def _answered(nb: Any) -> dict[str, bool]:
    """Solution and task cells nbgrader does not comment "No response." (SaveAutoGrades)."""
    from nbgrader.utils import compute_checksum, is_solution, is_task

    answered = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if (is_solution(cell) or is_task(cell)) and "grade_id" in meta:
            answered[str(meta["grade_id"])] = is_task(cell) or meta.get("checksum") != compute_checksum(cell)
    return answered


def _timestamp(item: Prepared) -> tuple[Any, bytes | None]:
    """timestamp.txt as nbgrader reads it (its parse_utc of the stripped text), read bounded
    and never through a link, and its bytes (None: none, or not one to copy); an unreadable
    one is said, not fatal: the submission is taken as on time."""
    from nbgrader.utils import parse_utc

    path = item.submitted / TIMESTAMP
    try:
        data = read_regular_file(path, TIMESTAMP_LIMIT)
    except OSError as exc:
        item.problems.append(("instructor.bad_timestamp", {"path": path, "problem": str(exc)[:120]}))
        return None, None
    if data is None:
        return None, None
    try:
        text = data.decode("utf-8").strip()
        return (parse_utc(text) if text else None), data
    except (ValueError, OverflowError, UnicodeDecodeError, TypeError) as exc:
        item.problems.append(("instructor.bad_timestamp", {"path": path, "problem": str(exc)[:120]}))
        return None, data
