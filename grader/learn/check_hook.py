"""What ``grader check`` does for the learner once a submission is graded.

It records each graded topic's result in the progress store when the folder is the
student's own (``./exercises``, the default) — an instructor's ``--submission`` of
someone else's folder is not the student's progress, unless ``--record`` asks for it —
and a failing run ends with the exact command for the next hint. That line is for the
table only: ``--json`` output keeps the contract's shape.
"""
from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import Protocol, Sequence

from grader.i18n import t

OWN_FOLDER = "exercises"


class GradedCheck(Protocol):
    topic: str
    passed: bool
    points: float
    max_points: float


def after_check(results: Sequence[GradedCheck], submission: Path, *, record: bool, as_json: bool,
                lang: str) -> None:
    if record or is_own_folder(submission):
        record_results(results, lang)
    failing = [r.topic for r in results if not r.passed]
    if failing and not as_json:
        print(t("learn.check.next_hint", lang, command=f"grader hint {failing[0]}"))


def is_own_folder(submission: Path) -> bool:
    """The student's own exercises: the default folder of ``grader check``."""
    try:
        return submission.resolve() == Path(OWN_FOLDER).resolve()
    except OSError:
        return False


def record_results(results: Sequence[GradedCheck], lang: str) -> None:
    """One attempt per graded topic; remembers which topics reached full marks just now."""
    from grader.learn.common import load_progress, save_progress
    from grader.learn.progress import record_result

    loaded = load_progress(lang)
    finished = []
    for topic, rows in groupby(results, key=lambda r: r.topic):
        rows = list(rows)
        points, max_points = sum(r.points for r in rows), sum(r.max_points for r in rows)
        if record_result(loaded.progress, topic, points, max_points, all(r.passed for r in rows)):
            finished.append(topic)
    loaded.progress.last_finished = finished
    save_progress(loaded, lang)
