"""Writing nbgrader's gradebook through nbgrader's own API, whole submissions at a time.

nbgrader's ``Gradebook`` methods commit after every call; a submission written that way
is half-written when the run stops between two calls. Here one submission — the student,
the submission and its timestamp, every grade cell's ``auto_score``, every solution
cell's comment, the late penalty — is built with nbgrader's own models in its session and
committed with it, or rolled back (``grader autograde`` commits the class at once:
:func:`grader.instructor.autograde_write._write_gradebook`). What nbgrader's SaveAutoGrades and AssignLatePenalties
decide, this decides the same way: a manual score is kept (and the grade flagged for
review), an unanswered solution cell is commented "No response.", a late submission gets
the penalty of the course's ``LateSubmissionPlugin``.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from grader.instructor.autograded import CellScore

NO_RESPONSE = "No response."  # nbgrader's own comment on an untouched solution cell


class GradebookProblem(Exception):
    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields


@dataclass(frozen=True)
class NotebookGrades:
    notebook: str
    cells: list[CellScore]  # every grade cell's score
    answered: dict[str, bool]  # solution cell -> changed from the release (not "No response.")


def ensure_unlocked(db_path: Path, wait: float = 2.0) -> None:
    """Fail now, clearly, when another process (formgrader, a running nbgrader) holds the
    gradebook's write lock, rather than half-way through the class."""
    if not db_path.is_file():
        raise GradebookProblem("instructor.no_gradebook", path=db_path)
    try:
        connection = sqlite3.connect(str(db_path), timeout=wait)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.rollback()
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        key = "instructor.gradebook_locked" if "locked" in str(exc) else "instructor.gradebook_unusable"
        raise GradebookProblem(key, path=db_path, problem=str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise GradebookProblem("instructor.gradebook_unusable", path=db_path, problem=str(exc)) from None


def open_gradebook(db_url: str, course_id: str) -> Any:
    from nbgrader.api import Gradebook

    try:
        return Gradebook(db_url, course_id)
    except Exception as exc:  # noqa: BLE001 - sqlalchemy's many errors: one clear message
        raise GradebookProblem("instructor.gradebook_unusable", path=db_url, problem=str(exc)) from None


def write_submission(gradebook: Any, assignment: str, student: str, timestamp: datetime | None,
                     notebooks: list[NotebookGrades], late_plugin: Any, commit: bool = True) -> float:
    """One student's submission, committed (``commit``: else left in the session's
    transaction for :func:`commit`); the seconds it was late. On any error the session's
    transaction is rolled back and the error raised."""
    session = gradebook.db
    try:
        submission = _submission(gradebook, assignment, student, timestamp)
        by_name = {nb.notebook: nb for nb in notebooks}
        # Flushed once below, not before each relationship loaded here: the rows these
        # loads read are the submission's own, which nothing pending changes.
        with session.no_autoflush:
            for submitted in submission.notebooks:
                grades = by_name.get(submitted.notebook.name)
                _grades(submitted, grades)
                _comments(submitted, grades)
        session.flush()
        session.refresh(submission)
        late = float(submission.total_seconds_late or 0)
        for submitted in submission.notebooks:
            session.refresh(submitted)
            submitted.late_submission_penalty = _penalty(late_plugin, student, submitted, late)
        if commit:
            session.commit()
        else:
            session.flush()
        return late
    except Exception:
        session.rollback()
        raise


def commit(gradebook: Any) -> None:
    """What was written in the session's transaction, committed (rolled back on error)."""
    try:
        gradebook.db.commit()
    except Exception:
        gradebook.db.rollback()
        raise


def _submission(gradebook: Any, assignment: str, student: str, timestamp: datetime | None) -> Any:
    """nbgrader's update_or_create_student/submission, without their own commits."""
    from nbgrader.api import (Comment, Grade, Student, SubmittedAssignment, SubmittedNotebook)

    session = gradebook.db
    if session.get(Student, student) is None:
        session.add(Student(id=student))
        session.flush()
    found = (session.query(SubmittedAssignment).join(SubmittedAssignment.assignment)
             .filter(SubmittedAssignment.student_id == student)
             .filter(SubmittedAssignment.assignment_id == gradebook.find_assignment(assignment).id).one_or_none())
    if found is None:
        with session.no_autoflush:  # the whole submission first, then added at once
            found = SubmittedAssignment(assignment=gradebook.find_assignment(assignment),
                                        student=session.get(Student, student))
            for notebook in found.assignment.notebooks:
                submitted = SubmittedNotebook(notebook=notebook, assignment=found)
                for cell in notebook.grade_cells:
                    Grade(cell=cell, notebook=submitted)
                for cell in notebook.solution_cells:
                    Comment(cell=cell, notebook=submitted)
                for cell in notebook.task_cells:
                    Comment(cell=cell, notebook=submitted)
                    Grade(cell=cell, notebook=submitted)
        session.add(found)
    if timestamp is not None:
        found.timestamp = timestamp
    return found


def _grades(submitted: Any, grades: NotebookGrades | None) -> None:
    scores = {c.grade_id: c.points for c in grades.cells} if grades else {}
    for grade in submitted.grades:
        # A notebook not submitted, or a cell the grader did not score: 0, as nbgrader does;
        # None (a written answer): left to a manual grade. Flagged as SaveAutoGrades flags it.
        score = scores.get(grade.cell.name, 0.0)
        grade.auto_score = None if score is None else float(score)
        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None


def _comments(submitted: Any, grades: NotebookGrades | None) -> None:
    for comment in submitted.comments:
        answered = grades.answered.get(comment.cell.name, False) if grades else False
        comment.auto_comment = None if answered else NO_RESPONSE


def _penalty(plugin: Any, student: str, submitted: Any, late: float) -> float | None:
    if late <= 0:
        return None
    penalty = plugin.late_submission_penalty(student, submitted.score, late)
    if penalty is None:
        return None
    return min(max(float(penalty), 0.0), float(submitted.score))  # nbgrader's _check_late_penalty


def gradebook_scores(db_url: str, course_id: str, assignment: str) -> dict[str, dict[str, float]]:
    """student -> grade cell -> score (manual when given, else automatic), for tests and stats."""
    from nbgrader.api import Gradebook

    found: dict[str, dict[str, float]] = {}
    with Gradebook(db_url, course_id) as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            cells = found.setdefault(submission.student.id, {})
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    cells[grade.cell.name] = float(grade.score)
    return found
