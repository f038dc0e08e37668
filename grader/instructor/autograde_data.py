"""What ``grader autograde``'s steps hand each other: the course, and each student's
notebooks after nbgrader's safeguards (:mod:`grader.instructor.autograde` prepares them,
:mod:`grader.instructor.autograde_write` writes them)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Course:
    root: Path
    coursedir: Any  # nbgrader.coursedir.CourseDirectory
    config: Any

    def path(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(step, student, assignment))


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
