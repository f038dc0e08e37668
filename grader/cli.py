"""The ``grader`` command line: the student's commands (check, quiz, hint, watch, …) and the instructor's."""
from __future__ import annotations

import os
import sys


# Commands whose process has nothing left to do once their output is written but what
# Python's own shutdown does (freeing every module, numpy's among them: a twentieth of a
# whole `grader check`): they end at once. No atexit hook or finaliser of the grader's
# does any work; nbgrader's and Jupyter's commands keep the ordinary shutdown. `autograde`
# has closed its gradebook (committed per submission), ended its slots' servers and
# removed its temporary folders before main returns; freeing sqlalchemy's, nbformat's and
# numpy's modules was a sixth of its fixed cost.
QUICK_EXIT = ("check", "autograde")


def run() -> None:
    """The ``grader`` program: the console script and ``python -m grader``."""
    from grader import python_too_old
    if python_too_old():  # from a checkout on an old Python: said before any import that fails there
        print(python_too_old(), file=sys.stderr)
        raise SystemExit(2)
    argv = sys.argv[1:]
    code = main(argv)
    if argv[:1] and argv[0] in QUICK_EXIT:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, ValueError):  # the reader left: the ordinary exit says nothing more
            _drop_stdout()
            raise SystemExit(code)
        os._exit(code)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> int:
    try:
        return dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        _drop_stdout()
        return 1


def _drop_stdout() -> None:
    """The reader of our output left early (`grader check --json | head -c 10`): stop
    quietly, without the interpreter's own complaint when it flushes stdout at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def dispatch(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    # Imported lazily: `grader check` must not pay for sympy/jsonschema and vice versa.
    if command == "check":
        from grader.check.cli import main as check_main
        from grader.learn.check_hook import after_check
        return check_main(rest, after=after_check)
    if command == "quiz" and rest[:1] == ["stats"]:  # item analysis: an instructor's command
        from grader.instructor.quiz_stats import main as quiz_stats_main
        return quiz_stats_main(rest[1:])
    if command == "quiz":
        from grader.quiz.cli import main as quiz_main
        return quiz_main(rest)
    if command in LEARNER_COMMANDS:
        import importlib
        return importlib.import_module(LEARNER_COMMANDS[command]).main(rest)
    if command in INSTRUCTOR_COMMANDS:
        return _instructor_command(INSTRUCTOR_COMMANDS[command], rest)
    print(f"grader: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return 2


# The instructor's commands, each a module with main(argv). Some need what a student's
# install leaves out (pyproject.toml's extras): nbgrader, matplotlib.
INSTRUCTOR_COMMANDS = {"nbgrader": "grader.instructor.course", "batch": "grader.batch.cli",
                       "autograde": "grader.instructor.autograde", "stats": "grader.instructor.stats_cli",
                       "gradescope": "grader.instructor.gradescope",
                       "export": "grader.instructor.export",
                       "kernel-package": "grader.instructor.kernel_package"}
# A module missing from the install -> the extra that brings it.
EXTRA_OF_MODULE = {"nbgrader": "instructor", "nbformat": "instructor", "traitlets": "instructor",
                   "jupyter_server": "instructor", "jupyterlab": "instructor", "matplotlib": "plots"}


def _instructor_command(module: str, argv: list[str]) -> int:
    """Runs the command; a module only an extra installs is said with the command that
    installs it (exit 2), never as a traceback."""
    import importlib
    try:
        return importlib.import_module(module).main(argv)
    except ModuleNotFoundError as missing:
        extra = EXTRA_OF_MODULE.get((missing.name or "").split(".")[0])
        if extra is None:
            raise
        from grader.i18n import lang_from_argv, t
        print(t("instructor.needs_extra", lang_from_argv(argv), module=missing.name, extra=extra),
              file=sys.stderr)
        return 2


# The learner's commands (hint, solution, status, watch, quiz), each a module with main(argv).
LEARNER_COMMANDS = {"hint": "grader.learn.hint_cli", "solution": "grader.learn.solution_cli",
                    "status": "grader.learn.status_cli", "watch": "grader.learn.watch"}

USAGE = """usage: grader COMMAND [ARGS]

commands:
  check [TOPIC ...] [--submission DIR] [--json] [--lang en|ja]
                     grade the exercises (default folder: ./exercises)
  hint TOPIC [--level N | --all] [--json] [--lang en|ja]
                     the next hint for a topic's blanks, one level at a time
  solution TOPIC [--anyway]
                     the model code of a topic, once it passed in your `grader check`
  status [--json]    your progress over exercises and quizzes, and what to do next
  watch [--submission DIR] [--plain]
                     re-grade whenever you save a file; h/n/l/s/q keys
  quiz list|take|template|check|validate|reset ...
                     the course's confirmation tests (確認テスト)
  nbgrader init COURSE_DIR | export NOTEBOOK DIR
                     an nbgrader course of the same exercises (instructors)
  batch SUBMISSIONS_DIR [-j N] [--out DIR]
                     grade a whole class (instructors)
  autograde ASSIGNMENT [-j N] [--force]
                     grade an nbgrader course's submissions into its gradebook (instructors)
  stats GRADES [--html FILE] [--json]
                     item analysis of a class: grader batch's --out folder or a gradebook.db
  export GRADES --lms canvas|moodle --out FILE.csv [--roster FILE.csv]
                     the class's totals as a CSV that Canvas' or Moodle's gradebook imports
  quiz stats FOLDER_OF_ANSWER_FILES [--json]
                     item analysis of a confirmation test's answers
  kernel-package OUT [--seed N] [--topics TOPIC ...]
                     the students' kernel package of a graded course: check() without the answer key (instructors)
  gradescope build OUT.zip [--topics TOPIC ...]
                     a Gradescope autograder bundle of the exercises

Run `grader COMMAND --help` for a command's options."""
