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
   nbgrader's API, the class in one transaction (:mod:`grader.instructor.gradebook`),
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
import shutil
import sys
from pathlib import Path
from typing import Any, Iterator

# nbformat's jsonschema compiles rfc3987_syntax's grammars when it is importable: seconds
# of every run, for IRI formats no notebook schema uses (jsonschema skips them without it).
# Before the gradebook module below, which imports nbformat.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
# nbgrader's gradebook, configuration and late penalty, without its server extensions and
# every command of its own loaded on the way (grader.instructor.nbgrader_lazy).
from grader.instructor.nbgrader_lazy import defer_package_inits  # noqa: E402

defer_package_inits()

from grader.i18n import LANGS, lang_from_argv, t  # noqa: E402
from grader.instructor.autograde_data import Course, Prepared  # noqa: E402
from grader.instructor.gradebook import GradebookProblem, ensure_unlocked  # noqa: E402

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
    from grader.instructor.autograde_write import write_all

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
            _write_for_batch(cleaned.notebook, target / f"{name}.ipynb")
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


def _write_for_batch(nb: Any, path: Path) -> None:
    """The sanitised copy the batch reads (as JSON, cells and sources only): compact, by
    the json module's C encoder, not nbformat's indented pure-Python one (a fifth of the
    time of writing it), and not validated (nbformat.write only logs what it finds invalid;
    the autograded/ notebook is still written by nbformat.write)."""
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


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
