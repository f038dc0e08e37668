"""The grader inside a Jupyter notebook.

    from grader.notebook import check
    check("softmax")              # grade the notebook's softmax, as `grader check softmax` does
    check("softmax", my_softmax)  # grade another function in its place
    show_quiz("day1-s3")          # a confirmation test's questions; with answers, checked
    hint("softmax")               # the next level of the softmax blanks' hint ladder
    hint("softmax", all=True)     # every level, as `grader hint softmax --all`

The result is shown as HTML in Japanese and English; a topic that scores nothing raises
an AssertionError, so nbgrader's autograder gives its cell the points ``grader check``
gives the topic. See :mod:`grader.nb` for how it works.
"""
from typing import Any

from grader.nb.check import check
from grader.nb.feedback import CheckFailed, TopicFeedback


def show_quiz(section: str, answers: dict[str, Any] | None = None, lang: str | None = None) -> Any:
    """A quiz section in the notebook (see :mod:`grader.nb.quiz`); imported on first use,
    so that ``check`` never pays for the quiz's sympy."""
    from grader.nb.quiz import show_quiz as show
    return show(section, answers, lang)


def hint(topic: str, all: bool = False, level: int | None = None,  # noqa: A002 - the CLI's --all
         lang: str | None = None) -> Any:
    """A topic's hint ladder as HTML (see :mod:`grader.nb.hint`); levels seen are remembered."""
    from grader.nb.hint import hint as show
    return show(topic, all=all, level=level, lang=lang)


__all__ = ["check", "hint", "show_quiz", "CheckFailed", "TopicFeedback"]
