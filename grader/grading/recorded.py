"""Judging from a check bundle: verdicts and hints in a students' kernel that holds no answer key.

A graded course's kernel image holds no reference implementation (and no topic's
``checks.py``, whose judges and misconception formulas are close to answers). What it
holds instead is a *check bundle* the instructor built (``grader kernel-package``): for
one formative seed, every check's inputs and the values the child sent back when it ran

* the reference solutions (the right values, and the verdict the real judge gave them),
* each catalogued misconception's broken copy (its values and the real verdict, hint
  included), and the untouched exercises (what a blank gives),

never any code. A student's outcome here is judged by what it resembles: the very values
of a recorded outcome get that outcome's verdict; values within the judges' tolerance of
the reference's pass; values within tolerance of a recorded mistake get that mistake's
verdict and hint; an exception gets the engine's own error verdict (with the hint of a
recorded mistake that raised the same); anything else fails, naming the first value that
differs from the expected one. The summative grade (``grader autograde``/``batch``/
Gradescope) uses another seed, so the bundle's values answer none of its inputs.

The child side is the one every path uses (``run_topics`` with the topics' probes, which
never import the reference): only the judging in the parent differs.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from grader.boundary import wire
from grader.boundary.runner import Event, TopicRequest, fresh_child, run_topics
from grader.boundary.wire_types import Outcome, Spec
from grader.grading.defaults import DEFAULT_TIME_LIMIT
from grader.grading.engine import LostFunctions, Result, StagedCopy, lost, settled_results
from grader.judging.checks import Message, Verdict
from grader.judging.compare import as_array, compare, describe_inputs, error_verdict, warning_messages

BUNDLE_FORMAT = 1
BUNDLE_FILE = Path(__file__).resolve().parents[1] / "bundle" / "formative.json.gz"
IGNORED_KEYS = frozenset({"warnings", "printed", "stdout", "stderr", "seconds", "curve"})  # not what a judge grades
RTOL, ATOL = 1e-6, 1e-8  # the call checks' tolerance (families/calls.py)
UNJUDGED = ("bundle.drawn", {})  # a draw the bundle cannot judge: the check counts for nothing here
MISTAKE_RTOL = 1e-5  # a misconception's recogniser: misconceptions.equals


@dataclass(frozen=True)
class Recorded:
    """One outcome the instructor's grader saw for a check, and the real judge's verdict."""

    source: str  # "reference", "blank", or the misconception id of a broken copy
    digest: str
    outcome: Outcome
    passed: bool
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class RecordedCheck:
    topic: str
    name: str
    points: float
    function: str  # the name an error verdict speaks of
    rtol: dict[str, float]  # per part of the outcome: how far from right the real judge still passes (probed)
    drawn: bool  # the check grades a random draw: right values other than the recorded ones exist
    spec: Spec  # the inputs sent to the child (formative seed)
    recorded: tuple[Recorded, ...]

    @property
    def reference(self) -> Recorded | None:
        return next((r for r in self.recorded if r.source == "reference" and r.passed), None)


@dataclass(frozen=True)
class Bundle:
    checks: dict[str, tuple[RecordedCheck, ...]]  # topic -> its checks, in declaration order
    hint_keys: dict[str, dict[str, str]]  # topic -> {hint message key: misconception id}

    def topic(self, name: str) -> tuple[RecordedCheck, ...]:
        if name not in self.checks:
            raise KeyError(name)
        return self.checks[name]


def available(path: Path = BUNDLE_FILE) -> bool:
    """Whether this install judges from a bundle (a graded course's kernel package)."""
    return path.is_file()


@cache
def load(path: Path = BUNDLE_FILE) -> Bundle:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        data = json.load(stream)
    if data.get("format") != BUNDLE_FORMAT:
        raise ValueError(f"check bundle {path} has format {data.get('format')!r}, not {BUNDLE_FORMAT}")
    checks = {topic: tuple(_check(topic, c) for c in entries) for topic, entries in data["topics"].items()}
    return Bundle(checks, {topic: dict(keys) for topic, keys in data["hint_keys"].items()})


def _check(topic: str, data: dict) -> RecordedCheck:
    recorded = tuple(Recorded(r["source"], r["digest"], wire.decode(r["outcome"]), r["passed"],
                              tuple((key, fields) for key, fields in r["messages"])) for r in data["recorded"])
    return RecordedCheck(topic, data["name"], float(data["points"]), data["function"],
                         {str(k): IGNORED if v is None else float(v) for k, v in data["rtol"].items()},
                         bool(data["drawn"]),
                         wire.decode(data["spec"]), recorded)


def digest(outcome: Any) -> str:
    """The same hash for the same values, whoever computed them (encoded, keys sorted)."""
    encoded = wire.encode(_graded(outcome))
    return hashlib.sha256(json.dumps(encoded, sort_keys=True).encode()).hexdigest()


def _graded(value: Any) -> Any:
    return {k: v for k, v in value.items() if k not in IGNORED_KEYS} if isinstance(value, dict) else value


# --- judging ------------------------------------------------------------------------


def judge(check: RecordedCheck, outcome: Outcome, hint_keys: dict[str, str]) -> Verdict:
    """The verdict on ``outcome`` from what was recorded for ``check`` (see the module's doc)."""
    try:
        return _judge(check, outcome, hint_keys)
    except Exception as exc:  # noqa: BLE001 - the grader's bug, as engine.judge_safely reports it
        import logging
        logging.getLogger("grader.judging").error("judging %s/%s from the bundle raised", check.topic, check.name,
                                                  exc_info=True)
        return Verdict.fail(("error.grader_judging", {"what": f"{check.topic} › {check.name}",
                                                      "type": type(exc).__name__, "message": str(exc)[:200]}))


def _judge(check: RecordedCheck, outcome: Outcome, hint_keys: dict[str, str]) -> Verdict:
    notes = tuple(warning_messages(outcome))
    found = digest(outcome)
    for record in check.recorded:
        if record.digest == found:
            return _with_notes(Verdict(record.passed, _without_notes(record.messages)), notes)
    if outcome.get("error") is not None:
        return _error(check, outcome, hint_keys)
    right = [r for r in check.recorded if r.passed]
    wrong = [r for r in check.recorded if not r.passed and r.outcome.get("error") is None]
    # Nearest first: a value as close to a recorded mistake as the mistake's own recogniser
    # asks is that mistake, unless it is as close to a right value (a mistake that changes
    # nothing on these inputs); then right within the check's own tolerance (probed from
    # its judge when the bundle was built).
    tight = {key: value if value == IGNORED else min(RTOL, value) for key, value in check.rtol.items()}
    as_mistake = {key: value if value == IGNORED else MISTAKE_RTOL for key, value in check.rtol.items()}
    for record in right:
        if close(outcome, record.outcome, tight):
            return _with_notes(Verdict(True, _without_notes(record.messages)), notes)
    for record in wrong:
        if close(outcome, record.outcome, as_mistake):
            return _with_notes(Verdict.fail(*_without_notes(record.messages)), notes)
    loose = loose_tolerance(check.rtol)
    for record in right:
        if close(outcome, record.outcome, loose):
            return _with_notes(Verdict(True, _without_notes(record.messages)), notes)
    if check.drawn:
        return Verdict.ok(UNJUDGED)  # not a failure: a draw of another right way is just as right
    return _with_notes(_differs(check, outcome, check.reference, loose), notes)


def _error(check: RecordedCheck, outcome: Outcome, hint_keys: dict[str, str]) -> Verdict:
    """The engine's own error verdict, with the hint of a recorded mistake that raised the
    same: the same words, else the one hint every recorded mistake raising that type shares."""
    error = outcome["error"]
    raising = []
    for record in check.recorded:
        theirs = record.outcome.get("error") or {}
        if not record.passed and theirs.get("kind") == error.get("kind") and theirs.get("type") == error.get("type"):
            hints = tuple(m for m in record.messages if m[0] in hint_keys)
            if hints and _same_words(theirs.get("message", ""), error.get("message", "")):
                return error_verdict(outcome, check.function, hints)
            raising.append(hints)
    if raising and all(hints and hints == raising[0] for hints in raising):
        return error_verdict(outcome, check.function, raising[0])
    return error_verdict(outcome, check.function)


def _same_words(a: str, b: str) -> bool:
    """Two exception messages that say the same thing (numbers and names of the user's aside)."""
    def words(text: str) -> set[str]:
        return {w for w in text.replace(",", " ").split() if w.isalpha() and len(w) > 3}
    return words(a) == words(b)


def _differs(check: RecordedCheck, outcome: Outcome, reference: Recorded | None, rtol: Tolerance) -> Verdict:
    """Neither right nor a recorded mistake: the first value that differs from the expected one."""
    unrecorded = ("bundle.unrecorded", {})
    found = first_difference(outcome, reference.outcome, rtol=rtol) if reference is not None else None
    if found is None:  # right, but only next to another right outcome than the reference's
        return Verdict.fail(unrecorded)
    path, actual, expected = found
    what = check.function if path in ("", "result") else f"{check.function}: {path}"
    rtol = max(RTOL, tolerance_at(check.rtol, path))
    inputs = describe_inputs(**dict(zip(check.spec["names"], check.spec["args"]))) \
        if "names" in check.spec and "args" in check.spec else "-"
    if as_array(expected) is not None and np.asarray(expected).dtype.kind in "biuf":
        verdict = compare(actual, np.asarray(expected, dtype=float), inputs=inputs, what=what,
                          rtol=rtol, atol=ATOL)
        if not verdict.passed:
            return Verdict.fail(*verdict.messages, unrecorded)
    return Verdict.fail(("bundle.differs", {"what": what, "expected": _show(expected), "actual": _show(actual)}),
                        unrecorded)


def _show(value: Any) -> str:
    from grader.judging.compare import show
    return show(value)


def _with_notes(verdict: Verdict, notes: tuple[Message, ...]) -> Verdict:
    return Verdict(verdict.passed, verdict.messages + notes)


def _without_notes(messages: Iterable[Message]) -> tuple[Message, ...]:
    """A recorded verdict's own messages (the warnings are the student's, added afresh)."""
    return tuple(m for m in messages if m[0] != "note.warning")


# A tolerance for every number (a float), or one per place in an outcome: a leaf's path
# ("result", "args_after[0].b1") or a part's top-level key -> a relative tolerance, or
# IGNORED where the check's judge does not look (probed when the bundle was built).
Tolerance = float | dict[str, float]
IGNORED = float("inf")


def loose_tolerance(rtol: dict[str, float]) -> dict[str, float]:
    """How close to a right outcome a right value may be: the probed tolerance with a floor of
    the call checks' own (a judge that relates two values — held and returned arrays, a row's
    sum — rejects any lone change of one of them when probed)."""
    return {key: value if value == IGNORED else max(RTOL, value) for key, value in rtol.items()}


def close(a: Any, b: Any, rtol: Tolerance = RTOL) -> bool:
    """Whether two outcomes hold the same values within ``rtol``."""
    return first_difference(a, b, rtol=rtol) is None


def tolerance_at(rtol: Tolerance, path: str) -> float:
    """The tolerance of the value at ``path``: its own, else its part's, else exact."""
    if not isinstance(rtol, dict):
        return rtol
    if path in rtol:
        return rtol[path]
    return rtol.get(_part_of(path), 0.0)


def _part_of(path: str) -> str:
    return path.split(".")[0].split("[")[0]


def _all_ignored(rtol: Tolerance, path: str) -> bool:
    """Whether the judge looks at nothing at or below ``path`` (then its shape is free too)."""
    if not isinstance(rtol, dict):
        return False
    below = [v for k, v in rtol.items() if k == path or k.startswith((path + ".", path + "["))]
    return bool(below) and all(v == IGNORED for v in below)


def first_difference(actual: Any, expected: Any, path: str = "",
                     rtol: Tolerance = RTOL) -> tuple[str, Any, Any] | None:
    """(where, actual, expected) of the first value that differs, or None when all agree."""
    if path and _all_ignored(rtol, path):
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return path, actual, expected
        keys = [k for k in expected if k not in IGNORED_KEYS]
        extra = [k for k in actual if k not in IGNORED_KEYS and k not in expected]
        if extra:
            return f"{path}.{extra[0]}".lstrip("."), actual[extra[0]], None
        for key in keys:
            found = first_difference(actual.get(key), expected[key], f"{path}.{key}".lstrip("."), rtol)
            if found:
                return found
        return None
    if isinstance(expected, (list, tuple)) and not _numeric(expected):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            return path, actual, expected
        for index, (x, y) in enumerate(zip(actual, expected)):
            found = first_difference(x, y, f"{path}[{index}]", rtol)
            if found:
                return found
        return None
    if _numeric(expected):
        return None if _close_numbers(actual, expected, tolerance_at(rtol, path)) else (path, actual, expected)
    if isinstance(expected, wire.Other) or isinstance(actual, wire.Other):
        same = isinstance(actual, wire.Other) and isinstance(expected, wire.Other) \
            and actual.type_name == expected.type_name
        return None if same else (path, actual, expected)
    return None if actual == expected and type(actual) is type(expected) else (path, actual, expected)


def numeric_leaves(value: Any, path: str = "") -> list[str]:
    """The paths of the numbers and arrays in an outcome, as first_difference walks them."""
    if isinstance(value, dict):
        return [leaf for key, v in value.items() if key not in IGNORED_KEYS and key != "error"
                for leaf in numeric_leaves(v, f"{path}.{key}".lstrip("."))]
    if isinstance(value, (list, tuple)) and not _numeric(value):
        return [leaf for index, v in enumerate(value) for leaf in numeric_leaves(v, f"{path}[{index}]")]
    return [path] if _numeric(value) else []


def changed_at(value: Any, target: str, change: Callable[[Any], Any], path: str = "") -> Any:
    """``value`` with the leaf at ``target`` replaced by ``change(leaf)``."""
    if path == target:
        return change(value)
    if isinstance(value, dict):
        return {k: changed_at(v, target, change, f"{path}.{k}".lstrip(".")) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not _numeric(value):
        return type(value)(changed_at(v, target, change, f"{path}[{i}]") for i, v in enumerate(value))
    return value


def _numeric(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    array = as_array(value)
    return array is not None and (isinstance(value, (int, float, np.ndarray, np.generic)) or array.ndim > 0)


def _close_numbers(actual: Any, expected: Any, rtol: float) -> bool:
    """As the judges compare numbers: as floats (a boolean step is 0/1), shapes equal."""
    a, e = as_array(actual), as_array(expected)
    if a is None or e is None or a.shape != e.shape:
        return False
    with np.errstate(all="ignore"):
        return bool(np.allclose(a.astype(float), e.astype(float), rtol=rtol, atol=ATOL, equal_nan=True))


# --- grading a submission from the bundle --------------------------------------------


def grade(submission: Path, topic_names: list[str], time_limit: float = DEFAULT_TIME_LIMIT,
          bundle: Bundle | None = None) -> list[Result]:
    """``engine.grade`` for a kernel without the reference: the same staging and child, the
    bundle's inputs, each topic's hints settled together as the engine settles them."""
    bundle = bundle or load()
    checks = {(c.topic, c.name): c for topic in topic_names for c in bundle.topic(topic)}
    requests = [TopicRequest(topic, [(c.name, c.spec) for c in bundle.topic(topic)]) for topic in topic_names]
    verdicts: dict[tuple[str, str], Verdict] = {}
    lost_in = LostFunctions()
    staged = StagedCopy(submission.resolve())
    try:
        for event in run_topics(staged.folder, requests, time_limit, start=fresh_child, keep=lost_in.keep):
            if event.kind == "outcome" and (event.topic, event.check) in checks:
                check = checks[(event.topic, event.check)]
                verdicts[(event.topic, event.check)] = judge(check, event.outcome,
                                                             bundle.hint_keys.get(event.topic, {}))
            elif event.kind in ("timeout", "died", "skipped"):
                lost_in.lose(event, bundle.topic(event.topic), verdicts)
    finally:
        staged.close()
    judged = [(check, verdicts.get(key) or lost(Event("died", topic=check.topic))) for key, check in checks.items()]
    return settled_results(judged, lambda check, verdict, _index: _result(
        check, verdict, bundle.hint_keys.get(check.topic, {})))


def _result(check: RecordedCheck, verdict: Verdict, hint_keys: dict[str, str]) -> Result:
    hint = next((hint_keys[key] for key, _ in verdict.messages if key in hint_keys), None)
    if UNJUDGED in verdict.messages:
        return Result(check.topic, check.name, True, 0.0, 0.0, verdict.messages)
    return Result(check.topic, check.name, verdict.passed, check.points if verdict.passed else 0.0,
                  check.points, verdict.messages, hint)
