"""Comparing what the student's code returned with what the reference computes.

Every function here runs in the grader's own process on decoded plain values. A failing
comparison names the input, the expected and actual shape or value at the first
differing index, and, when a hint's recogniser matches the actual output, the hint.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from grader.judging import relations
from grader.judging.error_relations import explain_error
from grader.judging.checks import Message, Verdict
from grader.boundary.wire import Other
from grader.boundary.wire_types import ErrorFacts, Outcome

# The hint (at most one) that names the mistake an output shows: see grader.judging.misconceptions.
Diagnose = Callable[[Any], tuple[Message, ...]]


def no_hint(actual: Any) -> tuple[Message, ...]:
    return ()

ERROR_KEYS = {
    "blank": "error.blank", "exception": "error.exception", "exit": "error.exit",
    "interrupt": "error.interrupt", "memory": "error.memory", "recursion": "error.recursion",
    "syntax": "error.syntax", "missing": "error.missing_function",
    "missing_module": "error.missing_module", "unsendable": "error.unsendable",
}


def show(value: Any, limit: int = 160) -> str:
    """A short, readable rendering of an input or output value."""
    if isinstance(value, np.ndarray) and value.ndim >= 3 and value.size and value.dtype.kind in "biuf":
        # Nested brackets of a 4-D batch of images say nothing: its shape and range do.
        return f"array of shape {value.shape}, values {float(value.min()):.4g} … {float(value.max()):.4g}"
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=4, threshold=12, edgeitems=2, linewidth=limit):
            text = np.array2string(value, separator=", ")
        text = " ".join(text.split())
        return f"{text} (shape {value.shape})" if value.ndim else text
    if isinstance(value, float):
        return f"{value:.6g}"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


class Described:
    """A check's inputs as a failure message shows them, rendered only when a message needs
    them: most comparisons pass, and printing their arrays would take a third of judging."""

    def __init__(self, inputs: dict[str, Any], more: str = "") -> None:
        self.inputs, self.more = inputs, more

    def __add__(self, more: str) -> "Described":
        return Described(self.inputs, self.more + more)

    def __str__(self) -> str:
        return ", ".join(f"{name}={show(value)}" for name, value in self.inputs.items()) + self.more


def describe_inputs(**inputs: Any) -> Described:
    return Described(inputs)


def error_verdict(outcome: Outcome, function: str, hint: tuple[Message, ...] = ()) -> Verdict | None:
    """The verdict for an outcome that is an error (a blank, an exception, ...), else None;
    with the catalogue's ``hint`` when one matched, else what the exception itself says."""
    error = outcome.get("error")
    if error is None:
        return None
    kind = error.get("kind", "exception")
    if error.get("phase") == "import" and kind not in ("blank", "syntax", "missing_module"):
        kind = "import"
    key = ERROR_KEYS.get(kind, "error.import")
    fields = {"function": error.get("function") or function, "module": error.get("module", ""),
              "label": error.get("label", ""), "type": error.get("type", ""),
              "message": error.get("message", ""), "where": _where(error, with_code=kind != "blank")}
    return Verdict.fail((key, fields), *(hint or explain_error(error)), *warning_messages(outcome))


def _where(error: ErrorFacts, with_code: bool = True) -> str:
    if not error.get("file"):
        return ""
    code = f" `{error['code']}`" if error.get("code") and with_code else ""
    return f"{error['file']}:{error.get('line', '?')}{code}"


def warning_messages(outcome: Outcome) -> list[Message]:
    """The first two distinct warnings: one line warning for W and for b is told once."""
    messages: list[Message] = []
    for w in outcome.get("warnings", []):
        where = f" ({w['file']}:{w['line']})" if w.get("file") else ""
        message = ("note.warning", {"category": w.get("category", ""), "message": w.get("message", ""), "where": where})
        if message not in messages:
            messages.append(message)
        if len(messages) == 2:
            break
    return messages


PRINTED_LINES = 5  # lines of the student's printed output shown under a failure
PRINTED_WIDTH = 100  # characters per line shown


def printed_messages(outcome: Outcome) -> list[Message]:
    """What the student's code printed during the check, its first lines, marked as theirs.

    The child keeps at most a few thousand characters (grader/boundary/printed.py); here
    they are cut to a few short lines so that a print in a loop cannot bury the verdict."""
    printed = outcome.get("printed")
    if not isinstance(printed, dict) or not isinstance(printed.get("text"), str):
        return []
    lines = printed["text"].splitlines() or [""]
    shown = [line if len(line) <= PRINTED_WIDTH else line[:PRINTED_WIDTH - 1] + "…"
             for line in lines[:PRINTED_LINES]]
    more = len(lines) - len(shown)
    dropped = printed.get("dropped", 0)
    key = "note.printed_more" if more > 0 or (isinstance(dropped, int) and dropped > 0) else "note.printed"
    return [(key, {"output": "\n".join(f"    | {line}" for line in shown)})]


def as_array(value: Any) -> np.ndarray | None:
    """The student's value as a numeric array, or None when it is not array-like."""
    if isinstance(value, Other) or value is None or isinstance(value, (str, dict)):
        return None
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    if array.dtype == object or array.dtype.kind not in "biuf":
        return None
    return array


def compare(actual: Any, expected: np.ndarray, *, inputs: str | Described, what: str,
            rtol: float = 1e-6, atol: float = 1e-8, diagnose: Diagnose = no_hint,
            scalar: bool = False, given: dict | None = None, recompute: Callable[..., Any] | None = None,
            previous: Any = None) -> Verdict:
    """Pass when ``actual`` matches ``expected`` within tolerance; else say where and why.

    The hint is the catalogue's (``diagnose``) when one of its entries matches, else how
    the wrong value relates to the right one (``relations``): ``given`` (the check's named
    inputs) and ``recompute`` (the reference on such inputs) let it isolate terms, and
    ``previous`` (the right value of the call before) shows a stale value."""
    expected = np.asarray(expected, dtype=float)
    _with_hint = _hinting(expected, what, given, recompute, previous)
    array = as_array(actual)
    if array is None:
        if isinstance(actual, Other) and actual.kind:  # what came back, where its type would mislead
            return Verdict.fail((f"fail.type_{actual.kind}", {"what": what, "inputs": str(inputs),
                                                              "detail": actual.detail}))
        return Verdict.fail(("fail.type", {"what": what, "inputs": str(inputs),
                                           "actual": _type_name(actual)}))
    if scalar:
        if array.size != 1:
            return _with_hint(diagnose, array, ("fail.not_scalar", {
                "what": what, "inputs": str(inputs), "shape": str(array.shape)}))
        array = array.reshape(())
    elif array.shape != expected.shape:
        return _with_hint(diagnose, array, ("fail.shape", {
            "what": what, "inputs": str(inputs), "expected": str(expected.shape),
            "actual": str(array.shape)}))
    array = array.astype(float)
    finite = np.isfinite(array)
    if not finite.all() and np.isfinite(expected).all():
        index = _first(~finite)
        return _with_hint(diagnose, array, ("fail.not_finite", {
            "what": what, "inputs": str(inputs), "index": index, "actual": show(array[index] if index else array)}))
    close = close_to(array, expected, rtol, atol)
    if close.all():
        return Verdict.ok()
    index = _first(~close)
    picked = (lambda a: a[index]) if index else (lambda a: a)
    shown_expected, shown_actual = distinct(float(picked(expected)), float(picked(array)))
    return _with_hint(diagnose, array, ("fail.value" if index else "fail.scalar_value", {
        "what": what, "inputs": str(inputs), "index": index or "-",
        "expected": shown_expected, "actual": shown_actual, **errors(array, expected)}))


def distinct(expected: float, actual: float) -> tuple[str, str]:
    """Both values with as few digits as show them apart (6 at least): "expected 2.17178,
    got 2.17178" tells a student nothing."""
    for digits in range(6, 18):
        a, b = f"{expected:.{digits}g}", f"{actual:.{digits}g}"
        if a != b:
            return a, b
    return a, b


def errors(actual: np.ndarray, expected: np.ndarray) -> dict[str, str]:
    """Largest absolute and relative error: how far off, and whether it is rounding or a bug."""
    difference = np.abs(actual - expected)
    relative = difference / np.maximum(np.abs(expected), 1e-12)
    return {"max_error": f"{np.max(difference):.3g}", "rel_error": f"{np.max(relative):.3g}"}


def _first(mask: np.ndarray) -> tuple | str:
    if mask.ndim == 0:
        return ""
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _type_name(value: Any) -> str:
    return value.type_name if isinstance(value, Other) else type(value).__name__


def _hinting(expected: np.ndarray, what: str, given: dict | None, recompute: Callable[..., Any] | None,
             previous: Any) -> Callable[[Diagnose, np.ndarray, Message], Verdict]:
    def with_hint(diagnose: Diagnose, actual: np.ndarray, failure: Message) -> Verdict:
        hint = diagnose(actual) or relations.explain(actual, expected, what, given, recompute, previous)
        return Verdict.fail(failure, *hint)
    return with_hint


def same(a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-8) -> bool:
    """True when the two are arrays of one shape and equal within tolerance (for recognisers)."""
    a, b = as_array(a), as_array(b)
    if a is None or b is None:
        return False
    if a.size == 1 and b.size == 1:
        a, b = a.reshape(()), b.reshape(())
    if a.shape != b.shape:
        return False
    with np.errstate(all="ignore"):
        return bool(close_to(a.astype(float), b.astype(float), rtol, atol).all())


def close_to(actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """``np.isclose(actual, expected, rtol, atol)`` for float arrays, elementwise. Where both
    are finite (nearly always) its formula directly: isclose's own checks cost more than the
    comparison on the small arrays a check holds, hundreds of times a run."""
    if np.isfinite(actual).all() and np.isfinite(expected).all():
        return np.abs(actual - expected) <= atol + rtol * np.abs(expected)
    return np.isclose(actual, expected, rtol=rtol, atol=atol)


def with_warnings(verdict: Verdict, outcome: Outcome) -> Verdict:
    """Attach the NumPy warnings the student's code raised to the check's message."""
    notes = warning_messages(outcome)
    return Verdict(verdict.passed, verdict.messages + tuple(notes)) if notes else verdict


def all_of(*verdicts: Verdict) -> Verdict:
    """The first failing verdict, or a pass."""
    for verdict in verdicts:
        if not verdict.passed:
            return verdict
    return Verdict.ok()
