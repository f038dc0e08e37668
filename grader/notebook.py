"""The grader inside a Jupyter notebook.

    from grader.notebook import check
    check("softmax")              # grade the notebook's softmax, as `grader check softmax` does
    check("softmax", my_softmax)  # grade another function in its place
    self_check("softmax")         # the same, for a student's own notebook: never raises
    show_quiz("day1-s3")          # a confirmation test's questions; with answers, checked
    hint("softmax")               # the next level of the softmax blanks' hint ladder
    hint("softmax", all=True)     # every level, as `grader hint softmax --all`

The result is shown as HTML in Japanese and English; a topic that scores nothing raises
an AssertionError, so nbgrader's autograder gives its cell the points ``grader check``
gives the topic; ``self_check`` (the student notebooks' ``check``) shows the same and
raises nothing, so that "Run all" goes on to every topic. See :mod:`grader.nb` for how it works.
"""
from typing import Any

from grader import python_too_old

if python_too_old():  # a kernel on an old Python: one clear sentence, not a SyntaxError deep inside
    raise ImportError(python_too_old())

import sys  # noqa: E402

from grader.nb.check import check  # noqa: E402 - after the Python check
from grader.nb.feedback import CheckFailed, GraderUnavailable, TopicFeedback  # noqa: E402


def self_check(topic: str, *definitions: Any, lang: str | None = None) -> TopicFeedback | None:
    """:func:`check` for a student's own notebook: the result is shown and nothing is
    raised — a topic that scores nothing, or a grader that cannot run, is said and the
    next cell runs. Returns the feedback of a topic that scored (None otherwise)."""
    namespace = sys._getframe(1).f_globals  # the notebook's, as check() reads it
    try:
        return check(topic, *definitions, lang=lang, namespace=namespace)
    except CheckFailed:
        return None  # check() has shown the verdict already
    except GraderUnavailable as problem:
        print(problem)
        return None


def show_quiz(section: str, answers: dict[str, Any] | None = None, lang: str | None = None) -> Any:
    """A quiz section in the notebook (see :mod:`grader.nb.quiz`); imported on first use,
    so that ``check`` never pays for the quiz's sympy."""
    _not_in_kernel_package("show_quiz")
    from grader.nb.quiz import show_quiz as show
    return show(section, answers, lang)


def hint(topic: str, all: bool = False, level: int | None = None,  # noqa: A002 - the CLI's --all
         lang: str | None = None) -> Any:
    """A topic's hint ladder as HTML (see :mod:`grader.nb.hint`); levels seen are remembered."""
    _not_in_kernel_package("hint")
    from grader.nb.hint import hint as show
    return show(topic, all=all, level=level, lang=lang)


def _not_in_kernel_package(what: str) -> None:
    """A graded course's kernel package (grader kernel-package) has no hint ladders (they are
    read from the solutions) and no quizzes: say so, rather than fail on a missing module."""
    from grader.grading import recorded
    if recorded.available():
        from grader.i18n import t
        raise RuntimeError(" / ".join(t("bundle.not_here", code, what=what) for code in ("ja", "en")))


__all__ = ["check", "self_check", "hint", "show_quiz", "CheckFailed", "TopicFeedback"]
