"""How a wrong array relates to the right one, in words: the layer beneath the catalogue.

The catalogue (``misconceptions.py``) recognises mistakes somebody wrote down; this layer
explains any wrong value by how it relates to the right one — exactly −1×, a constant
factor it can name, another axis order, right on some rows only, right except where an
input is 0 or extreme, one additive term missing, extra or with its sign flipped (term
isolation: the reference re-run with one input zeroed), the previous call's value, one
number for an array, the right number of values in another shape, values far outside the
right ones' range. Each
relation is a small function of one ``Case``; the first that holds gives the hint.
Nothing here knows a topic: every array a check compares gets it, new topics included.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from itertools import permutations
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from grader.judging.checks import Message

RTOL, ATOL = 1e-5, 1e-9
APPROXIMATE = 1e-3  # a factor constant to 0.1 % (a difference quotient's error, say) is named "about"
NOT_APPLICABLE = (ValueError, TypeError, IndexError, KeyError, AttributeError, ZeroDivisionError,
                  FloatingPointError, OverflowError, np.exceptions.AxisError)


@dataclass(frozen=True)
class Case:
    actual: np.ndarray  # the student's value (float)
    expected: np.ndarray  # the reference's (float)
    what: str  # how the report names the value: "softmax", "grad['W1']"
    inputs: Mapping[str, Any] = field(default_factory=dict)  # the check's named inputs
    recompute: Callable[..., Any] | None = None  # inputs -> the expected value (for term isolation)
    previous: np.ndarray | None = None  # the right value of the call before (for staleness)


Relation = Callable[[Case], "Message | None"]


def close(a: Any, b: Any) -> bool:
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _nontrivial(array: np.ndarray) -> bool:
    return bool(np.any(np.abs(array) > ATOL * 100))


# ---------------------------------------------------------------- the relations, most telling first
def stale(case: Case) -> Message | None:
    """The value the previous call should have given: computed before the update reached it."""
    if case.previous is not None and close(case.actual, case.previous) and not close(case.previous, case.expected):
        return "relation.stale", {"what": case.what}
    return None


def empty(case: Case) -> Message | None:
    if case.actual.size == 0 and case.expected.size > 0:
        return "relation.empty", {"what": case.what}
    return None


def collapsed(case: Case) -> Message | None:
    """One number where an array is expected: the whole array was reduced (a sum, a max, a
    len, a loop's last value) where the operation should work element by element."""
    if case.actual.size == 1 and case.expected.size > 1:
        return "relation.collapsed", {"what": case.what, "shape": str(case.expected.shape)}
    return None


def reshaped(case: Case) -> Message | None:
    """As many values as the right answer, in another shape: a reshape (or a view) with the
    wrong sizes, or a reshape or transpose left out."""
    if case.actual.shape != case.expected.shape and case.actual.size == case.expected.size > 1:
        return "relation.reshaped", {"what": case.what, "shape": str(case.actual.shape),
                                     "expected": str(case.expected.shape)}
    return None


def out_of_range(case: Case) -> Message | None:
    """Values far outside the range the right ones keep to on these inputs (a sigmoid above 1,
    a derivative past its largest value): no rounding error, a part of the formula is wrong."""
    e, a = case.expected, case.actual
    if a.shape != e.shape or e.size < 2:
        return None
    low, high = float(e.min()), float(e.max())
    margin = max(high - low, 1e-6 * max(abs(low), abs(high), 1.0)) / 2
    outside = (a > high + margin) | (a < low - margin)
    if not outside.any():
        return None
    index = tuple(int(i) for i in np.argwhere(outside)[0])
    return "relation.range", {"what": case.what, "value": f"{float(a[index]):.4g}",
                              "low": f"{low:.4g}", "high": f"{high:.4g}"}


def all_zero(case: Case) -> Message | None:
    """0 everywhere: nothing at all, not merely small (3e-08 where 3 is right is a factor, not a loss)."""
    if case.actual.shape == case.expected.shape and _nontrivial(case.expected) and \
            np.max(np.abs(case.actual), initial=0.0) <= 1e-12 * np.max(np.abs(case.expected)):
        return "relation.zero", {"what": case.what}
    return None


def constant(case: Case) -> Message | None:
    """The same value everywhere (and for a scalar: nothing to tell), where the right one varies."""
    if case.actual.shape != case.expected.shape or case.actual.size < 2 or np.ptp(case.expected) < 1e-9:
        return None
    if np.ptp(case.actual) <= 1e-12 * max(1.0, float(np.max(np.abs(case.actual)))):
        return "relation.constant", {"what": case.what, "value": f"{float(case.actual.flat[0]):.4g}"}
    return None


def negated(case: Case) -> Message | None:
    if _nontrivial(case.expected) and close(case.actual, -case.expected):
        return "relation.sign", {"what": case.what}
    return None


def other_axis_order(case: Case) -> Message | None:
    """The right values, transposed (or with the axes in another order)."""
    expected = case.expected
    if expected.ndim < 2 or case.actual.ndim != expected.ndim:
        return None
    for order in permutations(range(expected.ndim)):
        if order == tuple(range(expected.ndim)):
            continue
        moved = np.transpose(expected, order)
        if moved.shape == case.actual.shape and close(case.actual, moved) and not close(case.actual, expected):
            text = ".T" if expected.ndim == 2 else f"transpose{order}"
            return "relation.axes", {"what": case.what, "order": text}
    return None


def constant_factor(case: Case) -> Message | None:
    """actual = c · expected for one constant c ≠ ±1, named where the inputs explain it."""
    if case.actual.shape != case.expected.shape or not _nontrivial(case.expected):
        return None
    big = np.abs(case.expected) > 1e-6 * np.max(np.abs(case.expected))
    ratios = case.actual[big] / case.expected[big]
    if not np.all(np.isfinite(ratios)):
        return None
    factor = float(np.median(ratios))
    spread = np.ptp(ratios) / max(abs(factor), 1e-12)
    if spread > APPROXIMATE or abs(factor - 1) < 1e-3 or abs(factor + 1) < 1e-5 or abs(factor) < 1e-12:
        return None
    exact = close(case.actual, factor * case.expected)
    name = name_factor(factor, case, 1e-6 if exact else APPROXIMATE)
    return "relation.factor", {"what": case.what, "factor": name if exact else f"about {name}"}


def name_factor(factor: float, case: Case, tolerance: float = 1e-6) -> str:
    """The factor in the course's words: ½, 2, the batch size, 1/(1 − p), √n_in, …, else its value."""
    for value, name in _named_constants(case):
        if abs(factor / value - 1) < tolerance:
            return name
    return f"{factor:.4g}"


def _named_constants(case: Case) -> Iterator[tuple[float, str]]:
    yield 2.0, "2"
    yield 0.5, "½"
    for batch in _batch_sizes(case):
        yield float(batch), f"the batch size ({batch})"
        yield 1.0 / batch, f"1/batch size (1/{batch})"
    if case.expected.size > 1:
        yield float(case.expected.size), f"the number of elements ({case.expected.size})"
        yield 1.0 / case.expected.size, f"1/number of elements (1/{case.expected.size})"
    for name, value in case.inputs.items():
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
                and 0 < abs(value) and abs(value) != 1:
            p = float(value)
            yield p, name
            yield 1 / p, f"1/{name}"
            if p > 0:
                yield np.sqrt(p), f"√{name}"
                yield 1 / np.sqrt(p), f"1/√{name}"
            if p < 1:
                yield 1 / (1 - p), f"1/(1−{name})"
                yield 1 - p, f"(1−{name})"
    yield np.sqrt(2.0), "√2"
    yield 1 / np.sqrt(2.0), "1/√2"
    for sign in (-1.0,):
        yield sign * 2.0, "−2"
        yield sign * 0.5, "−½"


def _batch_sizes(case: Case) -> list[int]:
    sizes = {int(v.shape[0]) for v in case.inputs.values() if isinstance(v, np.ndarray) and v.ndim >= 2}
    return sorted(s for s in sizes if s > 1)


def term_isolation(case: Case) -> Message | None:
    """Re-run the reference with one input (or one entry of a dict input) zeroed: the
    student's value is the reference without that term, with it twice, or with it negated."""
    if case.recompute is None:
        return None
    for term, zeroed in _without_each_term(case.inputs):
        try:
            with np.errstate(all="ignore"):
                alternative = np.asarray(case.recompute(**zeroed), dtype=float)
        except NOT_APPLICABLE:
            continue
        if alternative.shape != case.expected.shape or close(alternative, case.expected):
            continue  # the term does not enter this value
        contribution = case.expected - alternative
        if close(case.actual, alternative):
            return "relation.term_missing", {"what": case.what, "term": term}
        if close(case.actual, case.expected + contribution):
            return "relation.term_extra", {"what": case.what, "term": term}
        if close(case.actual, alternative - contribution):
            return "relation.term_sign", {"what": case.what, "term": term}
    return None


def _without_each_term(inputs: Mapping[str, Any]) -> Iterator[tuple[str, dict]]:
    for name, value in inputs.items():
        if _float_array(value):
            yield name, {**copy.deepcopy(dict(inputs)), name: np.zeros_like(value)}
        elif isinstance(value, dict):
            for key, entry in value.items():
                if _float_array(entry):
                    changed = copy.deepcopy(dict(inputs))
                    changed[name] = {**changed[name], key: np.zeros_like(entry)}
                    yield f"{name}['{key}']", changed


def _float_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind == "f" and _nontrivial(value)


def where_an_input(case: Case) -> Message | None:
    """Right everywhere except where an input is 0, negative, positive or extreme."""
    if case.actual.shape != case.expected.shape or case.expected.ndim == 0:
        return None
    wrong = ~_close_mask(case.actual, case.expected)
    if not wrong.any() or wrong.all():
        return None
    with np.errstate(all="ignore"):
        relative = np.abs(case.actual - case.expected) / np.maximum(np.abs(case.expected), ATOL)
    if relative[wrong].min() < 1e-3:
        return None  # an error that fades in (a wrong constant), not a boundary in the inputs
    for name, value in case.inputs.items():
        if not isinstance(value, np.ndarray) or value.shape != case.expected.shape or value.dtype.kind not in "iuf":
            continue
        for where, condition in (*_conditions(name, value), *_threshold(name, value, wrong)):
            if condition.any() and not condition.all() and not (wrong & ~condition).any():
                return "relation.where_input", {"what": case.what, "condition": where}
    return None


def _conditions(name: str, value: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    """Where an input is special, in the order a bug most often hides there."""
    magnitude = np.abs(value.astype(float))
    yield f"{name} = 0", value == 0
    typical = float(np.median(magnitude)) or 1.0
    if magnitude.max() > 50 * typical or magnitude.max() >= 100:
        threshold = 10 * typical
        yield f"|{name}| > {threshold:.3g}", magnitude > threshold
    yield f"{name} < 0", value < 0
    yield f"{name} > 0", value > 0


def _threshold(name: str, value: np.ndarray, wrong: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    """Wrong exactly on one side of a boundary of the input's values: name the boundary."""
    v = value.astype(float)
    if not wrong.any() or wrong.all():
        return
    size = np.abs(v)
    if size[wrong].max() < size[~wrong].min() and v.min() < 0 < v.max():
        yield f"|{name}| < {(size[wrong].max() + size[~wrong].min()) / 2:.3g}", size < size[~wrong].min()
    elif v[wrong].max() < v[~wrong].min():
        yield f"{name} < {(v[wrong].max() + v[~wrong].min()) / 2:.3g}", v < v[~wrong].min()
    elif v[wrong].min() > v[~wrong].max():
        yield f"{name} > {(v[wrong].min() + v[~wrong].max()) / 2:.3g}", v > v[~wrong].max()


def _close_mask(actual: np.ndarray, expected: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.isclose(actual, expected, rtol=RTOL, atol=ATOL)


def some_rows(case: Case) -> Message | None:
    """Right on some rows (samples) or some columns (channels) only: name them."""
    if case.actual.shape != case.expected.shape or case.expected.ndim < 1 or case.expected.shape[0] < 2:
        return None
    ok = _close_mask(case.actual, case.expected)
    for axis, word in ((0, "rows"), (case.expected.ndim - 1, "columns")):
        if case.expected.ndim == 1 and axis == 0 and word == "columns":
            continue
        others = tuple(i for i in range(case.expected.ndim) if i != axis)
        right = ok.all(axis=others) if others else ok
        if right.any() and not right.all():
            word = word if case.expected.ndim > 1 else "entries"
            return f"relation.{word}", {"what": case.what, "right": _indices(right), "wrong": _indices(~right)}
    return None


def right_direction(case: Case) -> Message | None:
    """Every entry has the right sign but the wrong size (meaningful where the right value
    has both signs): the direction is right, a scale inside the formula is not."""
    e, a = case.expected, case.actual
    if a.shape != e.shape or not ((e > 0).any() and (e < 0).any()):
        return None
    big = np.abs(e) > 1e-6 * np.max(np.abs(e))
    if np.array_equal(np.sign(a[big]), np.sign(e[big])):
        return "relation.direction", {"what": case.what}
    return None


def _indices(mask: np.ndarray, limit: int = 6) -> str:
    found = [str(i) for i in np.flatnonzero(mask)]
    return ", ".join(found[:limit]) + (" …" if len(found) > limit else "")


# right_direction is not among them: the same signs with other sizes follow from nearly any
# mistake (a term with its sign flipped, ε moved, a state reset), so "a scale is wrong" misled
# more often than it helped (benchmarks/hint_precision.py).
RELATIONS: tuple[Relation, ...] = (empty, collapsed, stale, all_zero, negated, other_axis_order, reshaped,
                                   constant_factor, term_isolation, where_an_input, some_rows, constant,
                                   out_of_range)


def explain(actual: Any, expected: Any, what: str, inputs: Mapping[str, Any] | None = None,
            recompute: Callable[..., Any] | None = None, previous: Any = None) -> tuple[Message, ...]:
    """The first relation that holds between the student's and the right value, as a hint."""
    try:
        case = Case(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), what, inputs or {},
                    recompute, None if previous is None else np.asarray(previous, dtype=float))
    except (TypeError, ValueError):
        return ()
    for relation in RELATIONS:
        try:
            with np.errstate(all="ignore"):
                message = relation(case)
        except NOT_APPLICABLE:
            continue
        if message is not None:
            return (message,)
    return ()


def outputs(function: str, verdicts: Mapping[str, bool]) -> tuple[Message, ...]:
    """For a check of several outputs: which are right and which are wrong (when some are right)."""
    right = [name for name, ok in verdicts.items() if ok]
    wrong = [name for name, ok in verdicts.items() if not ok]
    if not right or not wrong:
        return ()
    return (("relation.outputs", {"function": function, "right": ", ".join(right), "wrong": ", ".join(wrong)}),)
