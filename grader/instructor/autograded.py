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
    points: float | None  # None: nbgrader leaves it to a manual grade (a written answer)
    max_points: float


def topic_of(grade_id: object) -> str | None:
    """The topic a check cell grades; None for any other id (a number included)."""
    if not isinstance(grade_id, str) or not grade_id.startswith(CHECK_PREFIX):
        return None
    return grade_id[len(CHECK_PREFIX):]


def fill_outputs(nb: NotebookNode, rows: list[dict], missing: list[str]) -> list[CellScore]:
    """Write every grade cell's output; the score of each (the gradebook's auto_score), read
    back from the outputs by nbgrader's own ``determine_grade``, as its SaveAutoGrades does."""
    from nbgrader.utils import determine_grade

    by_topic: dict[str, list[dict]] = {}
    for row in rows:
        by_topic.setdefault(row["topic"], []).append(row)
    scores, count = [], 0
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade") or "grade_id" not in meta:
            continue
        grade_id, max_points = str(meta["grade_id"]), float(meta.get("points", 0))
        if cell.cell_type == "code" and not meta.get("solution"):  # a test cell: its verdict
            count += 1
            cell.execution_count = count
            cell.outputs = _outputs(grade_id, topic_of(meta["grade_id"]), by_topic, missing, count)
        points, _ = determine_grade(cell)
        scores.append(CellScore(grade_id, None if points is None else min(float(points), max_points), max_points))
    return scores


def _outputs(grade_id: str, topic: str | None, by_topic: dict[str, list[dict]], missing: list[str],
             count: int) -> list[NotebookNode]:
    if grade_id in missing:
        return [_error("GradeCellMissing", " / ".join(
            t("instructor.cell_missing", lang, cell=grade_id) for lang in LANGS))]
    if topic is None or topic not in by_topic:
        return [_error("NotGraded", " / ".join(
            t("instructor.cell_not_graded", lang, cell=grade_id) for lang in LANGS))]
    return _verdict_outputs(_feedback(topic, by_topic[topic]), count)


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
