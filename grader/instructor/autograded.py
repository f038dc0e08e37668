"""The autograded notebook: each check cell's output is the verdict the student saw.

``grader autograde`` grades outside the kernel and so runs no cell; it writes into each
``check("TOPIC")`` cell the output that cell gives in the student's kernel
(:mod:`grader.nb.feedback`): the HTML verdict as the cell's value, whose plain text is
the points (nbgrader's partial credit), or, when the topic scores nothing, the verdict
and the ``CheckFailed`` error. nbgrader's own ``determine_grade`` therefore reads from
these cells the score written to the gradebook, and ``generate_feedback`` shows them.
"""
from __future__ import annotations

from dataclasses import dataclass

import nbformat
from nbformat import NotebookNode

from grader.i18n import t
from grader.nb.feedback import CheckFailed, CheckResult, TopicFeedback

CHECK_PREFIX = "check-"
LANGS = ("ja", "en")


@dataclass(frozen=True)
class CellScore:
    grade_id: str
    points: float
    max_points: float


def topic_of(grade_id: str) -> str | None:
    return grade_id[len(CHECK_PREFIX):] if grade_id.startswith(CHECK_PREFIX) else None


def fill_outputs(nb: NotebookNode, rows: list[dict], missing: list[str]) -> list[CellScore]:
    """Write every grade cell's output; the score of each (the gradebook's auto_score)."""
    by_topic: dict[str, list[dict]] = {}
    for row in rows:
        by_topic.setdefault(row["topic"], []).append(row)
    scores = []
    for count, cell in enumerate((c for c in nb.cells if _is_grade(c)), start=1):
        meta = cell.metadata.nbgrader
        grade_id, max_points = meta["grade_id"], float(meta.get("points", 0))
        topic = topic_of(grade_id)
        if cell.cell_type != "code":
            scores.append(CellScore(grade_id, 0.0, max_points))
            continue
        cell.execution_count = count
        if grade_id in missing:
            cell.outputs = [_error("GradeCellMissing", " / ".join(
                t("instructor.cell_missing", lang, cell=grade_id) for lang in LANGS))]
            scores.append(CellScore(grade_id, 0.0, max_points))
        elif topic is None or topic not in by_topic:
            cell.outputs = [_error("NotGraded", " / ".join(
                t("instructor.cell_not_graded", lang, cell=grade_id) for lang in LANGS))]
            scores.append(CellScore(grade_id, 0.0, max_points))
        else:
            feedback = _feedback(topic, by_topic[topic])
            cell.outputs = _verdict_outputs(feedback, count)
            scores.append(CellScore(grade_id, min(feedback.points, max_points), max_points))
    return scores


def _is_grade(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution") and "grade_id" in meta


def _feedback(topic: str, rows: list[dict]) -> TopicFeedback:
    results = tuple(CheckResult(r["check"], bool(r["passed"]), float(r["points"]), float(r["max_points"]),
                                _messages(r)) for r in rows)
    return TopicFeedback(topic, results, LANGS)


def _messages(row: dict) -> dict[str, str]:
    both = row.get("messages")
    if isinstance(both, dict):
        return {lang: str(both.get(lang, "")) for lang in LANGS}
    return {lang: str(row.get("message", "")) for lang in LANGS}


def _verdict_outputs(feedback: TopicFeedback, count: int) -> list[NotebookNode]:
    data = {"text/html": feedback.html(), "text/plain": feedback.text()}
    if feedback.points == 0:  # the kernel shows the verdict, then raises CheckFailed
        failed = CheckFailed(feedback)
        return [nbformat.v4.new_output("display_data", data=data),
                _error(type(failed).__name__, str(failed))]
    # The cell's value: its plain text is the points, which nbgrader reads as partial credit.
    value = {"text/html": feedback.html(), "text/plain": repr(feedback)}
    return [nbformat.v4.new_output("execute_result", data=value, execution_count=count)]


def _error(name: str, value: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=name, evalue=value,
                                  traceback=[f"\x1b[0;31m{name}\x1b[0m: {value}"])
