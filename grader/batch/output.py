"""What ``grader batch`` writes, and how a later run finds what is already done.

Each student's result is written, atomically, the moment it is graded, as a record under
``OUT/.batch/``: an interrupted run loses nothing that finished, and the next run skips
every student whose record carries the same key (content hash and grading settings).
The class-wide files are made from the records: ``results.csv`` (student, each topic's
points, total), ``results.json`` (``{"students": {NAME: grader check --json object}}``)
and, on request, Gradescope's ``results.json`` per student under ``gradescope/NAME/``.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

RECORDS = ".batch"
# What a batch result row adds to `grader check --json`'s (the contract's fields unchanged):
# the misconception id its hint came from (or null) and the digest of the values the child
# sent (grader stats), the message in both languages (a notebook's verdict, Gradescope's output),
# and a failure's kind and location-free digest (grader stats: not attempted, identical errors).
BATCH_ONLY_FIELDS = ("hint", "outcome", "messages", "failure")


@dataclass(frozen=True)
class Record:
    student: str
    key: str  # content hash of the submission + fingerprint of the grading settings
    result: dict  # the object `grader check --json` prints
    seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps({"student": self.student, "key": self.key, "seconds": self.seconds,
                           "result": self.result}, ensure_ascii=False)


class OutputError(Exception):
    """The output folder cannot be written (full, read-only, not a folder): the batch
    stops saying so; what was written before is intact."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = path, problem


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never a part of it; a write that fails
    (a full disk) leaves the old file and no temporary one. OutputError when it fails."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A lone surrogate (a file name that is not UTF-8) is written escaped, never an error.
        with open(temporary, "w", encoding="utf-8", errors="backslashreplace") as f:
            f.write(text)  # a full disk fails here or at the close, before the rename
        os.replace(temporary, path)
    except OSError as exc:
        try:
            temporary.unlink()
        except OSError:
            pass
        raise OutputError(path, exc.strerror or str(exc)) from None


# Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A cell a spreadsheet shows as the text it is: a leading quote before a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _file_name(student: str) -> str:
    """A file name for any student name: readable, and never two students the same."""
    readable = re.sub(r"[^\w.-]", "_", student)[:60] or "_"
    return f"{readable}-{hashlib.sha256(student.encode()).hexdigest()[:10]}"


class Store:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.records = out / RECORDS
        self._known: dict[str, Record] = {}  # what this run read or wrote already

    def load(self, student: str) -> Record | None:
        if student in self._known:
            return self._known[student]
        try:
            data = json.loads((self.records / f"{_file_name(student)}.json").read_text(encoding="utf-8"))
            record = Record(data["student"], data["key"], data["result"], float(data.get("seconds", 0)))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # none yet, or unreadable: grade again
        self._known[student] = record
        return record

    def prepare(self, source: Path, force: bool) -> None:
        """Before anyone is graded: the folder is writable, and it holds this class's
        results only. OutputError when it cannot be written; ForeignResults when it holds
        the results of another SUBMISSIONS_DIR (unless ``force``: they are replaced)."""
        marker = self.records / "class-folder"  # not *.json: only records are
        folder = str(source.resolve())
        try:
            known = json.loads(marker.read_text(encoding="utf-8")).get("folder")
        except (OSError, ValueError, AttributeError):
            known = None
        if known not in (None, folder) and not force:
            raise ForeignResults(self.out, known)
        write_atomically(marker, json.dumps({"folder": folder}, ensure_ascii=False))

    def save(self, record: Record) -> None:
        write_atomically(self.records / f"{_file_name(record.student)}.json", record.to_json())
        self._known[record.student] = record

    def write_reports(self, students: list[str], topics: list[str], gradescope: bool = False) -> int:
        """The class-wide files from every finished record; how many students they hold."""
        records = [r for r in (self.load(s) for s in students) if r is not None]
        write_atomically(self.out / "results.csv", results_csv(records, topics))
        # Compact: an indent would leave json's C encoder for its Python one, ten times slower
        # on a class of hundreds (seconds at the end of every run).
        write_atomically(self.out / "results.json", json.dumps(
            {"students": {r.student: r.result for r in records}}, ensure_ascii=False))
        if gradescope:
            for record in records:
                self.write_gradescope(record)
        return len(records)

    def write_gradescope(self, record: Record) -> None:
        write_atomically(self.out / "gradescope" / _folder_name(record.student) / "results.json",
                         json.dumps(gradescope_json(record), ensure_ascii=False, indent=1))


class ForeignResults(Exception):
    def __init__(self, out: Path, folder: str) -> None:
        super().__init__(folder)
        self.out, self.folder = out, folder


def _folder_name(student: str) -> str:
    return student if re.fullmatch(r"[\w.@+-]+", student) and student not in (".", "..") else _file_name(student)


def topic_points(result: dict) -> dict[str, float]:
    points: dict[str, float] = {}
    for row in result.get("results", []):
        points[row["topic"]] = points.get(row["topic"], 0.0) + float(row["points"])
    return points


def results_csv(records: list[Record], topics: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *topics, "total"])
    for record in records:
        points = topic_points(record.result)
        writer.writerow([text_cell(record.student), *(_number(points.get(t, 0.0)) for t in topics),
                         _number(float(record.result.get("score", 0.0)))])
    return buffer.getvalue()


def _number(value: float) -> str:
    return f"{value:g}"


def gradescope_json(record: Record) -> dict:
    """Gradescope's autograder results format: one test per check."""
    tests = [{"name": f"{row['topic']} › {row['check']}", "score": float(row["points"]),
              "max_score": float(row["max_points"]), "status": "passed" if row["passed"] else "failed",
              "output": row["message"], "visibility": "visible"}
             for row in record.result.get("results", [])]
    report = {"score": float(record.result.get("score", 0.0)), "execution_time": round(record.seconds, 3),
              "tests": tests}
    if record.result.get("notes"):  # what a limit left out: shown above the tests
        report["output"] = "\n".join(record.result["notes"])
    return report
