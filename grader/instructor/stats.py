"""Item analysis of a class: what the class got wrong, check by check.

The input is the per-student, per-check results of ``grader batch`` (``results.json``)
or a course's gradebook (one row per grade cell). For every check and every topic:

* **pass rate** — the share of students who passed it; **mean points**;
* **discrimination** — PrairieLearn's definition: the correlation, across students, of
  the points on this item with the points on the rest of the assignment (the total minus
  this item). High: the students who do well overall do well here. Near 0 or negative:
  the item measures something else (or is broken). ``None`` when either side does not vary;
* **not attempted** apart from **wrong**: a check failed because its blank is still
  unfilled or its function (module) is missing was not attempted (``results.json``'s
  ``"failure"`` key, :func:`grader.batch.work.failure_of`); every rate and share says which
  students it counts — ``pass_rate`` and the ``*_rate`` of all, ``attempted_pass_rate`` of
  those who tried;
* **misconceptions** — of the wrong answers (never the unfilled blanks), how many were
  hinted with each misconception id (``results.json``'s ``"hint"``);

and for the class: clusters of identical wrong outputs (students whose failing values are
byte for byte the same, from the digest of what their code returned; an error by its
kind and text without its place, so the same error in another cell is the same; unfilled
blanks are never a cluster), the histogram of total scores, each student's weakest topics
and, per topic, what to re-teach: the misconceptions of the students who tried it.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

HISTOGRAM_BINS = 10
WEAKEST = 3  # topics listed per student
RETEACH = 3  # misconceptions listed per topic
FORMAT_VERSION = 2
# A failure with one of these verdicts was not attempted: the blank is unfilled (in a
# notebook also nbgrader's stub left in place), the function or its module is not there
# (the catalogue keys of grader.judging.compare and, for notebooks, grader.nb.worker).
NOT_ATTEMPTED = ("error.blank", "error.missing_function", "error.missing_module", "notebook.missing",
                 "notebook.stub")


class StatsProblem(Exception):
    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields


@dataclass(frozen=True)
class Row:
    topic: str
    check: str
    passed: bool
    points: float
    max_points: float
    hint: str | None = None
    outcome: str | None = None
    message: str = ""
    attempted: bool = True  # False: a blank unfilled, the function missing
    signature: str | None = None  # what identical wrong answers share (see clusters)


@dataclass
class ClassResults:
    source: str
    students: dict[str, list[Row]] = field(default_factory=dict)


# -- reading ------------------------------------------------------------------------------

def read_results(path: Path) -> ClassResults:
    """``grader batch``'s --out folder (or its results.json), or a course's gradebook.db.
    A file that is not what ``grader batch`` writes is refused, saying where and why."""
    if path.is_dir() and (path / "results.json").is_file():
        path = path / "results.json"
    if path.suffix == ".db":
        return _from_gradebook(path)
    if not path.is_file():
        raise StatsProblem("stats.no_results", path=path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise StatsProblem("stats.unreadable", path=path, problem=f"{type(exc).__name__}: {str(exc)[:200]}") from None
    students = data.get("students") if isinstance(data, dict) else None
    if not isinstance(students, dict):
        raise StatsProblem("stats.unreadable", path=path, problem="no object 'students'")
    found = ClassResults(str(path))
    for name, report in students.items():
        rows = report.get("results") if isinstance(report, dict) else None
        if not isinstance(rows, list):
            raise StatsProblem("stats.damaged", path=path, student=name, problem="no list 'results'")
        if any(isinstance(row, dict) and "hint" not in row for row in rows):
            raise StatsProblem("stats.old_results", path=path)
        found.students[name] = [_row(row, index, name, path) for index, row in enumerate(rows)]
    return _non_empty(found, path)


_TEXT = (str,)
_OPTIONAL_TEXT = (str, type(None))


def _row(raw: object, index: int, student: str, path: Path) -> Row:
    """One result row, its every field checked: a damaged file is refused, never guessed."""
    def damaged(problem: str) -> StatsProblem:
        return StatsProblem("stats.damaged", path=path, student=student, problem=f"results[{index}]: {problem}")

    if not isinstance(raw, dict):
        return _raise(damaged("not an object"))
    for key, kinds in (("topic", _TEXT), ("check", _TEXT), ("hint", _OPTIONAL_TEXT),
                       ("outcome", _OPTIONAL_TEXT), ("message", _TEXT)):
        if key in raw or key in ("topic", "check"):
            if not isinstance(raw.get(key), kinds):
                return _raise(damaged(f"{key!r} is {_kind(raw.get(key))}, not text"))
    if not isinstance(raw.get("passed"), bool):
        return _raise(damaged(f"'passed' is {_kind(raw.get('passed'))}, not true or false"))
    points, top = raw.get("points"), raw.get("max_points")
    for key, value in (("points", points), ("max_points", top)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            return _raise(damaged(f"{key!r} is {_kind(value)}, not a number of points"))
    if points > top:
        return _raise(damaged(f"'points' {points:g} is above 'max_points' {top:g}"))
    failure = raw.get("failure")
    if failure is not None and not (isinstance(failure, dict) and isinstance(failure.get("key", ""), str)
                                    and isinstance(failure.get("signature", ""), str)):
        return _raise(damaged(f"'failure' is {_kind(failure)}, not an object of text"))
    failure = failure or {}
    key = failure.get("key", "")
    attempted = raw["passed"] or key not in NOT_ATTEMPTED
    # An error is the same wherever it happened (failure_of leaves the place out); a wrong
    # value is the digest of the values themselves.
    signature = failure.get("signature") if key.startswith("error.") else raw.get("outcome")
    return Row(raw["topic"], raw["check"], raw["passed"], float(points), float(top), raw.get("hint"),
               raw.get("outcome"), raw.get("message", ""), attempted, signature)


def _raise(problem: StatsProblem) -> Row:
    raise problem


def _kind(value: object) -> str:
    if value is None:
        return "missing (or null)"
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    return f"{type(value).__name__} {repr(value)[:40]}"


def _from_gradebook(path: Path) -> ClassResults:
    """One row per grade cell: the gradebook keeps no check-level detail (point ``grader
    stats`` at ``COURSE/.grader/ASSIGNMENT/grades`` for that)."""
    from grader.instructor.autograded import topic_of
    from grader.instructor.gradebook import GradebookProblem, ensure_unlocked, open_gradebook

    try:
        ensure_unlocked(path)
        gradebook = open_gradebook(f"sqlite:///{path.resolve()}", _course_id(path))
    except GradebookProblem as problem:
        raise StatsProblem(problem.key, **problem.fields) from None
    found = ClassResults(str(path))
    with gradebook:
        for assignment in gradebook.assignments:
            for submission in gradebook.assignment_submissions(assignment.name):
                rows = found.students.setdefault(submission.student.id, [])
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        name = grade.cell.name
                        score, top = float(grade.score or 0.0), float(grade.max_score or 0.0)
                        # The gradebook says no more than points: every cell counts as attempted.
                rows.append(Row(topic_of(name) or name, f"{assignment.name}/{notebook.notebook.name}",
                                        score >= top, score, top))
    return _non_empty(found, path)


def _course_id(db: Path) -> str:
    """The course id nbgrader's Gradebook insists on: the one stored, else the default."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT id FROM course LIMIT 1").fetchone()
        return row[0] if row else "default_course"
    except sqlite3.Error:
        return "default_course"


def _non_empty(found: ClassResults, path: Path) -> ClassResults:
    if not found.students or not any(found.students.values()):
        raise StatsProblem("stats.empty", path=path)
    return found


# -- the numbers --------------------------------------------------------------------------

def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r; None when either side is constant (or fewer than two students)."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)


def _item(topic: str, check: str | None, points: dict[str, float], passed: dict[str, bool],
          attempted: dict[str, bool], totals: dict[str, float], max_points: float) -> dict:
    """The numbers of one check (or topic): every rate says whom it counts."""
    students = sorted(points)
    rest = [totals[s] - points[s] for s in students]
    r = correlation([points[s] for s in students], rest)
    n = len(students)
    tried = sum(attempted.values())
    passes = sum(passed.values())
    wrong = sum(1 for s in students if attempted[s] and not passed[s])
    item = {"topic": topic, "pass_rate": passes / n,
            "attempted_pass_rate": passes / tried if tried else None,
            "not_attempted": n - tried, "not_attempted_rate": (n - tried) / n,
            "wrong": wrong, "wrong_rate": wrong / n,
            "mean_points": sum(points.values()) / n, "max_points": max_points,
            "discrimination": None if r is None else round(r, 6)}
    if check is not None:
        item = {"topic": topic, "check": check, **{k: v for k, v in item.items() if k != "topic"}}
    return item


def analyse(results: ClassResults) -> dict:
    """Everything ``grader stats --json`` prints."""
    students = results.students
    totals = {s: sum(r.points for r in rows) for s, rows in students.items()}
    by_check: dict[tuple[str, str], dict[str, Row]] = {}
    for student, rows in students.items():
        for row in rows:
            by_check.setdefault((row.topic, row.check), {})[student] = row
    checks = []
    for (topic, check), rows in by_check.items():
        points = {s: r.points for s, r in rows.items()}
        item = _item(topic, check, points, {s: r.passed for s, r in rows.items()},
                     {s: r.attempted for s, r in rows.items()}, totals,
                     max(r.max_points for r in rows.values()))
        item["failures"] = sum(1 for r in rows.values() if not r.passed)  # wrong + not attempted
        item["misconceptions"] = _counted(r.hint for r in rows.values() if not r.passed and r.attempted and r.hint)
        checks.append(item)
    return {"version": FORMAT_VERSION, "source": results.source, "students": len(students),
            "max_score": _max_score(students),
            "mean_score": sum(totals.values()) / len(totals),
            "checks": checks, "topics": _topics(students, totals), "clusters": clusters(students),
            "histogram": histogram(list(totals.values()), _max_score(students)),
            "weakest_topics": weakest_topics(students)}


def _counted(names) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _max_score(students: dict[str, list[Row]]) -> float:
    return max((sum(r.max_points for r in rows) for rows in students.values()), default=0.0)


def _topic_points(rows: list[Row]) -> dict[str, tuple[float, float]]:
    found: dict[str, tuple[float, float]] = {}
    for row in rows:
        got, top = found.get(row.topic, (0.0, 0.0))
        found[row.topic] = (got + row.points, top + row.max_points)
    return found


def _topics(students: dict[str, list[Row]], totals: dict[str, float]) -> list[dict]:
    """Per topic: its numbers, and what to re-teach — the misconceptions hinted to the
    students who tried it (each student once per misconception), the most frequent first,
    each with its share of those who tried."""
    per_student = {s: _topic_points(rows) for s, rows in students.items()}
    order = list(dict.fromkeys(row.topic for rows in students.values() for row in rows))
    topics = []
    for topic in order:
        present = {s: p[topic] for s, p in per_student.items() if topic in p}
        points = {s: got for s, (got, _) in present.items()}
        passed = {s: got >= top - 1e-9 for s, (got, top) in present.items()}
        attempted = {s: any(r.attempted for r in students[s] if r.topic == topic) for s in present}
        item = _item(topic, None, points, passed, attempted, {s: totals[s] for s in present},
                     max(top for _, top in present.values()))
        hinted = _counted(hint for s in present if attempted[s]
                          for hint in {r.hint for r in students[s] if r.topic == topic and r.hint and not r.passed})
        tried = sum(attempted.values())
        item["reteach"] = [{"misconception": name, "students": count, "share_of_attempted": count / tried}
                           for name, count in list(hinted.items())[:RETEACH]]
        topics.append(item)
    return topics


def clusters(students: dict[str, list[Row]], smallest: int = 2) -> list[dict]:
    """Wrong answers identical across students, largest first: the same values returned
    (their digest), or the same error wherever it happened. Unfilled blanks and missing
    functions are not answers: never a cluster."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    messages: dict[tuple[str, str, str], str] = {}
    for student, rows in students.items():
        for row in rows:
            if not row.passed and row.attempted and row.signature:
                key = (row.topic, row.check, row.signature)
                groups.setdefault(key, []).append(student)
                messages.setdefault(key, row.message)
    found = [{"topic": t, "check": c, "outcome": o, "size": len(names), "students": sorted(names),
              "message": messages[(t, c, o)]}
             for (t, c, o), names in groups.items() if len(names) >= smallest]
    return sorted(found, key=lambda g: (-g["size"], g["topic"], g["check"], g["outcome"]))


def histogram(scores: list[float], max_score: float, bins: int = HISTOGRAM_BINS) -> dict:
    """Counts of total scores in ``bins`` equal bins over [0, max_score] (the last closed)."""
    top = max_score if max_score > 0 else max(scores, default=1.0) or 1.0
    edges = [top * i / bins for i in range(bins + 1)]
    counts = [0] * bins
    for score in scores:
        index = min(int(score / top * bins), bins - 1) if score > 0 else 0
        counts[index] += 1
    return {"edges": edges, "counts": counts, "scores": sorted(scores)}


def weakest_topics(students: dict[str, list[Row]], limit: int = WEAKEST) -> dict[str, list[dict]]:
    """Each student's topics below full marks, lowest share first (course order breaks ties)."""
    found = {}
    for student, rows in sorted(students.items()):
        points = _topic_points(rows)
        order = {topic: i for i, topic in enumerate(points)}
        weak = [(got / top if top else 1.0, order[topic], topic, got, top)
                for topic, (got, top) in points.items() if got < top - 1e-9]
        found[student] = [{"topic": topic, "points": got, "max_points": top}
                          for _, _, topic, got, top in sorted(weak)[:limit]]
    return found
