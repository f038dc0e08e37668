"""The ``grader`` command line: ``grader check`` and ``grader quiz``."""
from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    try:
        return dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # The reader of our output left early (`grader check --json | head -c 10`): stop
        # quietly, without the interpreter's own complaint when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def dispatch(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    # Imported lazily: `grader check` must not pay for sympy/jsonschema and vice versa.
    if command == "check":
        from grader.check.cli import main as check_main
        return check_main(rest)
    if command == "quiz":
        from grader.quiz.cli import main as quiz_main
        return quiz_main(rest)
    if command == "nbgrader":
        from grader.instructor.course import main as nbgrader_main
        return nbgrader_main(rest)
    if command == "batch":
        from grader.batch.cli import main as batch_main
        return batch_main(rest)
    print(f"grader: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return 2


USAGE = """usage: grader COMMAND [ARGS]

commands:
  check [TOPIC ...] [--submission DIR] [--json] [--lang en|ja]
                     grade the exercises (default folder: ./exercises)
  quiz list|take|template|check|validate|reset ...
                     the course's confirmation tests (確認テスト)
  nbgrader init COURSE_DIR | export NOTEBOOK DIR
                     an nbgrader course of the same exercises (instructors)
  batch SUBMISSIONS_DIR [-j N] [--out DIR]
                     grade a whole class (instructors)

Run `grader COMMAND --help` for a command's options."""
