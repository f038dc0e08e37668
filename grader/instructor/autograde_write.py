"""``grader autograde``'s last step: autograded/ and the gradebook, from the batch's results.

Every submission's files are staged beside their place first (the autograded notebook,
each check cell holding the verdict the student saw; every other submitted file, as
nbgrader's autograde copies them), then the gradebook is written — the class in one
transaction (:func:`_write_gradebook`) — and only then are the files of the submissions
written moved in: formgrader never reads a notebook whose grades are not in the gradebook.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.i18n import t
from grader.instructor.autograde_data import Course, Prepared
from grader.instructor.submission_files import (TIMESTAMP, TIMESTAMP_LIMIT, read_regular_file, remove_leftovers,
                                                stage_bytes, stage_notebook, stage_other_files)


def write_all(course: Course, assignment: str, prepared: list[Prepared], results: dict[str, dict],
              lang: str) -> int:
    """autograded/ and the gradebook; how many submissions were written. Every submission's
    files are staged beside their place first, the gradebook is written (one transaction,
    :func:`_write_gradebook`), then the files of those written are moved in."""
    from nbgrader.plugins import LateSubmissionPlugin

    from grader.batch.progress import Progress
    from grader.instructor.gradebook import open_gradebook

    plugin = LateSubmissionPlugin(config=course.config)
    ready: list[tuple[Prepared, Ready | None]] = []
    try:
        for item in prepared:
            ready.append((item, _stage_one(course, assignment, item, results.get(item.student))))
        with open_gradebook(course.coursedir.db_url, course.coursedir.course_id) as gradebook:
            late = _write_gradebook(gradebook, assignment, [(i, r) for i, r in ready if r is not None], plugin)
    except BaseException:  # Ctrl-C among them: nothing of this run's autograded/ left half-way
        for _, staged in ready:
            if staged is not None:
                staged.discard()
        raise
    written = 0
    with Progress(len(prepared)) as progress:
        for item, staged in ready:
            line = _finish(item, staged, late.get(item.student), lang)
            written += line is not None
            progress.step(line or t("instructor.not_written", lang, student=item.student))
            for key, fields in item.problems:
                progress.say(f"  {item.student}: {t(key, lang, **fields)}")
    print(t("instructor.autograde_done", lang, written=written, total=len(prepared),
            gradebook=course.coursedir.db_url, autograded=course.coursedir.autograded_directory))
    return written


@dataclass
class Ready:
    """One submission's grades, timestamp and autograded/ files staged, before the gradebook."""
    grades: list[Any]  # NotebookGrades
    timestamp: Any
    staged: list[tuple[Path, Path]]  # (temporary, final): moved in once the gradebook committed

    def discard(self) -> None:
        for temporary, _ in self.staged:
            temporary.unlink(missing_ok=True)


def _stage_one(course: Course, assignment: str, item: Prepared, result: dict | None) -> Ready | None:
    """The submission's grades from its results, and its autograded/ files staged; None
    (and the reason among its problems) when it cannot be written."""
    from grader.instructor.autograded import fill_outputs
    from grader.instructor.gradebook import NotebookGrades

    if result is None and item.gradable:
        item.problems.append(("instructor.not_graded", {}))
        return None
    rows = result.get("results", []) if result else []
    autograded = course.path(course.coursedir.autograded_directory, item.student, assignment)
    ready = Ready([], None, [])
    try:
        remove_leftovers(autograded)
        for name, cleaned in item.notebooks.items():
            if cleaned is None:
                ready.grades.append(NotebookGrades(name, [], {}))
                continue
            scores = fill_outputs(cleaned.notebook, rows, cleaned.missing)
            ready.grades.append(NotebookGrades(name, scores, _answered(cleaned.notebook)))
            ready.staged.append(stage_notebook(cleaned.notebook, autograded / f"{name}.ipynb"))
        ready.timestamp, stamp = _timestamp(item)
        if ready.staged:
            ready.staged += stage_other_files(course, assignment, item.submitted, autograded)
            if stamp is not None:  # only a timestamp that was read: bounded, not a link
                ready.staged.append(stage_bytes(stamp, autograded / TIMESTAMP))
    except Exception as exc:  # noqa: BLE001 - one submission's problem: the others go on
        ready.discard()
        item.problems.append(("instructor.gradebook_write_failed", {"problem": f"{type(exc).__name__}: {exc}"}))
        return None
    return ready


def _write_gradebook(gradebook: Any, assignment: str, ready: list[tuple[Prepared, Ready]],
                     plugin: Any) -> dict[str, float]:
    """student -> seconds late, for each submission written. The class in one transaction:
    a file gradebook syncs to disk on every commit, which was most of the writing's time.
    When any submission cannot be written, that transaction is rolled back and the class
    written again one transaction per submission, so that only that one is left out."""
    from grader.instructor.gradebook import commit, write_submission

    try:
        late = {item.student: write_submission(gradebook, assignment, item.student, staged.timestamp,
                                               staged.grades, plugin, commit=False)
                for item, staged in ready}
        commit(gradebook)
        return late
    except Exception:  # noqa: BLE001 - said below, by the submission that fails alone
        gradebook.db.rollback()
    late = {}
    for item, staged in ready:
        try:
            late[item.student] = write_submission(gradebook, assignment, item.student, staged.timestamp,
                                                  staged.grades, plugin)
        except Exception as exc:  # noqa: BLE001 - one submission's problem: the others go on
            item.problems.append(("instructor.gradebook_write_failed", {"problem": f"{type(exc).__name__}: {exc}"}))
    return late


def _finish(item: Prepared, staged: Ready | None, late: float | None, lang: str) -> str | None:
    """The staged files moved in (a submission written) or removed; the line to show."""
    if staged is None:
        return None
    if late is None:
        staged.discard()
        return None
    for temporary, final in staged.staged:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, final)
    total = sum(c.points or 0.0 for g in staged.grades for c in g.cells)
    maximum = sum(c.max_points for g in staged.grades for c in g.cells)
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
