"""Running code answers across the process boundary the exercises use.

The student's answer runs in a child of the quiz's one sandboxed server
(:mod:`grader.quiz.boundary_slot`: the slot, limits, process-tree kill and wire format of
`grader batch` and the sandboxed `grader check`), one check per seed; the model
answer runs here, in the grader's process, on the same setup and seed. The child only
ever sends values; the comparison happens here, so an answer that patches ``json`` or
numpy in the child changes nothing but its own values. Where no forking server can run
(no fork or no Unix sockets: Windows), each answer gets a spawned child of the same
boundary instead (:class:`grader.boundary.runner.Child`), with the limits that system has.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.boundary.bwrap import missing_for_servers
from grader.boundary.pool import SlotFailed
from grader.boundary.runner import Child, TopicRequest, run_topics
from grader.boundary.wire import Other
from grader.boundary.wire_types import AnswerErrorFacts, AnswerOutcome, AnswerSpec, ErrorFacts
from grader.boundary.zygote import ZygoteChild
from grader.quiz import boundary_slot, code_probe

DEFAULT_TIMEOUT = 10.0
DEFAULT_SEEDS = (0, 1, 2)
PROBE = "grader.quiz.code_probe:answer"
TOPIC = "code_answer"


@dataclass(frozen=True)
class RunReport:
    """``status`` is ``ok``, ``timeout`` or ``crashed``; ``model`` and ``student`` are
    ``{"ok": True, "values": [...]}`` (one value per seed) or ``{"ok": False, "error": {...}}``."""

    status: str
    model: dict[str, Any] | None = None
    student: dict[str, Any] | None = None
    exit_code: str | None = None


def run_code_answer(setup: str, model: str, student: str, *, compare: list[str] | None,
                    seeds: list[int] | None = None, timeout: float | None = None,
                    bare_functions: list[str] | None = None) -> RunReport:
    """The model's values (computed here) and the student's (computed in a child).

    ``bare_functions``: the course functions also available by their bare names (``relu``)."""
    seeds, bare = list(seeds or DEFAULT_SEEDS), list(bare_functions or [])
    expected = model_values(setup, model, compare, seeds, bare)
    if not expected["ok"]:
        return RunReport("ok", model=expected)
    return student_values(setup, student, compare, seeds, timeout or DEFAULT_TIMEOUT, expected, bare)


def model_values(setup: str, model: str, compare: list[str] | None, seeds: list[int],
                 bare_functions: list[str]) -> dict:
    """The model answer, run in the grader's process: it is the quiz author's code."""
    values = []
    for seed in seeds:
        outcome = code_probe.run(model, setup, seed, compare, bare_functions)
        if "value" not in outcome:
            return {"ok": False, "error": outcome.get("setup_error") or outcome.get("answer_error")}
        values.append(plain(outcome["value"]))
    return {"ok": True, "values": values}


def student_values(setup: str, student: str, compare: list[str] | None, seeds: list[int],
                   timeout: float, expected: dict, bare_functions: list[str]) -> RunReport:
    checks = [(f"seed {seed}", answer_spec(student, setup, seed, compare, bare_functions)) for seed in seeds]
    try:
        if missing_for_servers():
            outcomes = _spawned_outcomes(checks, timeout)
        else:
            with boundary_slot.turn() as slot:
                outcomes = _outcomes(slot, checks, timeout)
    except SlotFailed as problem:  # no child can start at all: nothing of the answer ran
        return RunReport("crashed", model=expected, exit_code=str(problem)[:200] or None)
    if isinstance(outcomes, RunReport):
        return RunReport(outcomes.status, model=expected, exit_code=outcomes.exit_code)
    values = []
    for name, _ in checks:
        outcome = outcomes.get(name, {})
        problem = outcome.get("answer_error") or outcome.get("setup_error") or outcome.get("error")
        if problem or "value" not in outcome:
            return RunReport("ok", model=expected,
                             student={"ok": False, "error": _error(problem), "seed": name})
        value = plain(outcome["value"])
        unsupported = _unsupported(value)
        if unsupported:
            return RunReport("ok", model=expected, student={"ok": False, "error": {
                "kind": "unsupported", "type": unsupported, "message": "", "line": None}})
        values.append(value)
    return RunReport("ok", model=expected, student={"ok": True, "values": values})


def answer_spec(student: str, setup: str, seed: int, compare: list[str] | None,
                bare_functions: list[str]) -> AnswerSpec:
    """What the child is sent to run one answer for one seed."""
    return {"probe": PROBE, "code": student, "setup": setup, "seed": seed, "compare": compare,
            "bare_functions": bare_functions}


def _outcomes(slot, checks: list[tuple[str, AnswerSpec]], timeout: float) -> dict[str, AnswerOutcome] | RunReport:
    """Each check's outcome from one child of the quiz's server, or how the child ended."""
    start = lambda _path: ZygoteChild(slot, planned=False, topics=1)  # noqa: E731
    return _collect(slot.submission_path, checks, timeout, start)


def _spawned_outcomes(checks: list[tuple[str, AnswerSpec]],
                      timeout: float) -> dict[str, AnswerOutcome] | RunReport:
    """The same, from a spawned child reading an empty submission folder (no server here)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="grader-quiz-") as empty:
        return _collect(Path(empty), checks, timeout, Child)


def _collect(where, checks: list[tuple[str, AnswerSpec]], timeout: float,
             start) -> dict[str, AnswerOutcome] | RunReport:
    outcomes: dict[str, AnswerOutcome] = {}
    for event in run_topics(where, [TopicRequest(TOPIC, checks)], timeout, start=start):
        if event.kind == "outcome":
            outcomes[event.check] = event.outcome
        elif event.kind == "timeout":
            return RunReport("timeout")
        elif event.kind == "died":
            return RunReport("crashed", exit_code=event.detail or None)
    return outcomes


def plain(value: Any) -> Any:
    """Values as the comparison reads them: sequences as tuples, NumPy scalars as Python numbers."""
    if isinstance(value, (list, tuple)):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _unsupported(value: Any) -> str:
    """The type name of the first value the comparison cannot read ("" when there is none)."""
    if isinstance(value, Other):
        return value.type_name
    if isinstance(value, np.ndarray) and value.dtype.kind not in "biuf":
        return f"array of {value.dtype}"
    if isinstance(value, complex):
        return "complex"
    if isinstance(value, tuple):
        return next((found for found in map(_unsupported, value) if found), "")
    if isinstance(value, dict):
        return next((found for found in map(_unsupported, value.values()) if found), "")
    return ""


def _error(problem: AnswerErrorFacts | ErrorFacts | None) -> AnswerErrorFacts | ErrorFacts:
    """The student's error in the quiz's terms (an error the boundary described is an exception)."""
    if not isinstance(problem, dict):
        return {"kind": "exception", "type": "", "message": "", "line": None}
    if problem.get("kind") in ("syntax", "undefined", "need_expression", "exception", "exit", "memory", "setup"):
        return problem
    return {"kind": "exception", "type": str(problem.get("type", "")),
            "message": str(problem.get("message", "")), "line": None}
