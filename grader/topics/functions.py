"""Topics of functions.py: activations, softmax, mse, cross_entropy_error, numerical_gradient."""
from __future__ import annotations

from typing import Callable

import numpy as np

from grader import probes
from grader.checks import Topic, Verdict
from grader.hints import Evidence, Misconception, any_of, diagnose, equals, not_finite, raised
from grader.judge import all_of, as_array, compare, describe_inputs, error_verdict, same, with_warnings
from grader.topics.common import add_call_check, call_spec, unmodified
from reference import functions as ref

M = "functions"


# ---------------------------------------------------------------- the mistakes' own formulas
def _softmax_axis0(x: np.ndarray) -> np.ndarray:
    """The course's `x = x - np.max(x, axis=0)` for a batch, without transposing it first."""
    e = np.exp(x - x.max(axis=0))
    return e / e.sum(axis=0)


def _step_reversed(e: Evidence) -> bool:
    x, actual = e.inputs["x"], as_array(e.actual)
    decided = x != 0  # at exactly 0 either value is allowed, so only the rest is evidence
    return actual.shape == x.shape and same(actual[decided], (x < 0)[decided])


def _global_sum(e: Evidence) -> bool:
    """Each row has the right proportions, but the whole batch sums to 1 instead of each row."""
    x, actual = e.inputs["x"], as_array(e.actual).astype(float)
    rows = actual / actual.sum(axis=-1, keepdims=True)
    return x.ndim == 2 and x.shape[0] > 1 and same(rows, ref.softmax(x)) and same(actual.sum(), 1.0)


def _cee_without_delta(d, y):
    y2 = np.atleast_2d(y)
    labels = ref.labels_of(d, y2)
    return -np.sum(np.log(y2[np.arange(labels.size), labels])) / labels.size


def _cee_all_classes(d, y):
    return -np.sum(np.log(y + 1e-7)) / np.atleast_2d(y).shape[0]


def _cee_times_labels(d, y):
    """−Σ d·log y taken literally with class indices d, as if they were one-hot rows."""
    y2 = np.atleast_2d(y)
    d2 = np.reshape(d, (1, -1)) if np.ndim(y) == 1 else np.asarray(d)
    return -np.sum(d2 * np.log(y2 + 1e-7)) / y2.shape[0]


def _labels(d, y) -> bool:
    return np.size(d) != np.size(y)


def _one_hot(d, y) -> bool:
    return np.size(d) == np.size(y)


def _zeros_for_lambda(e: Evidence) -> bool:
    """A loss that reads x by reference never sees a perturbed copy: every difference is 0."""
    return e.inputs["by_reference"] and same(e.actual, np.zeros_like(e.inputs["x"]), rtol=0, atol=1e-12)


def _left_shifted(e: Evidence) -> bool:
    """x came back moved by about ±h: entries were perturbed and not put back."""
    after, x = as_array(e.actual), e.inputs["x"]
    return after.shape == x.shape and bool(np.allclose(after, x, rtol=0, atol=2.5 * ref.H))


def _forward_difference(loss, x: np.ndarray) -> np.ndarray:
    x = x.copy()
    grad = np.zeros_like(x)
    base = loss(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + ref.H
        grad[idx] = (loss(x) - base) / ref.H
        x[idx] = old
    return grad


def _multiple(factor: float, of: str) -> Callable[..., np.ndarray]:
    return lambda **inputs: factor * inputs[of]


MISCONCEPTIONS = (
    # activations
    Misconception("activations.step_reversed", "step_function", "hint.step_negative", _step_reversed,
                  "1 exactly where x < 0: the comparison turned round"),
    Misconception("activations.sigmoid_sign", "sigmoid", "hint.sigmoid_sign",
                  equals(lambda x: 1 / (1 + np.exp(x))), "equals 1/(1 + exp(+x)) = sigmoid(−x)"),
    Misconception("activations.d_sigmoid_of_output", "d_sigmoid", "hint.d_sigmoid_of_output",
                  equals(lambda x: x * (1 - x)), "equals x·(1 − x): s·(1 − s) applied to u instead of s = sigmoid(u)"),
    Misconception("activations.d_sigmoid_plus", "d_sigmoid", "hint.d_sigmoid_formula",
                  equals(lambda x: ref.sigmoid(x) * (1 + ref.sigmoid(x))), "equals s·(1 + s)"),
    Misconception("activations.relu_minimum", "relu", "hint.relu_minimum",
                  equals(lambda x: np.minimum(0, x)), "equals np.minimum(0, x)"),
    Misconception("activations.d_relu_at_zero", "d_relu", "hint.d_relu_at_zero",
                  equals(lambda x: np.where(x >= 0, 1.0, 0.0)), "right except 1 at exactly x = 0 (x >= 0)"),
    Misconception("activations.d_relu_is_relu", "d_relu", "hint.d_relu_is_relu",
                  equals(lambda x: ref.relu(x)), "equals relu(x) itself"),
    # softmax
    Misconception("softmax.overflow", "softmax", "hint.softmax_overflow", not_finite,
                  "right on small inputs, nan/inf at x ≈ 1000: no maximum subtracted before exp"),
    Misconception("softmax.axis", "softmax", "hint.softmax_axis", equals(lambda x: _softmax_axis0(x)),
                  "a batch's result equals the softmax over axis 0 (columns) instead of rows"),
    Misconception("softmax.global_sum", "softmax", "hint.softmax_global_sum", _global_sum,
                  "rows in the right proportions, but the whole batch sums to 1"),
    Misconception("softmax.keepdims", "softmax.error", "hint.softmax_keepdims",
                  raised("exception", "ValueError", ["broadcast"], when=lambda x: x.ndim == 2),
                  "1-D inputs pass, a (B, C) batch raises a broadcasting ValueError: max/sum without keepdims"),
    Misconception("softmax.in_place", "softmax.modified", "hint.softmax_in_place",
                  equals(lambda x: x - x.max(axis=-1, keepdims=True)),
                  "the caller's x comes back as x − max: `x -= …` changed the argument"),
    # mse
    Misconception("mse.no_half", "mean_squared_error", "hint.mse_no_half",
                  equals(lambda d, y: 2 * ref.mean_squared_error(d, y)), "exactly twice the reference"),
    Misconception("mse.element_mean", "mean_squared_error", "hint.mse_element_mean",
                  equals(lambda d, y: 0.5 * np.mean((y - d) ** 2)), "½·mean over every element"),
    Misconception("mse.no_batch_mean", "mean_squared_error", "hint.mse_no_batch_mean",
                  equals(lambda d, y: 0.5 * np.sum((y - d) ** 2)), "one sample right; a batch off by the batch size"),
    Misconception("mse.d_element_mean", "d_mean_squared_error", "hint.d_mse_element_mean",
                  equals(lambda d, y: (y - d) / y.size), "(y − d) / y.size: the course's element mean"),
    Misconception("mse.d_sign", "d_mean_squared_error", "hint.d_mse_sign",
                  equals(lambda d, y: -ref.d_mean_squared_error(d, y)), "the reference with the sign flipped"),
    Misconception("mse.d_no_batch_mean", "d_mean_squared_error", "hint.d_mse_no_batch_mean",
                  equals(lambda d, y: y - d), "one sample right; a batch's gradient batch_size times too large"),
    # cross_entropy_error
    Misconception("cross_entropy_error.no_delta", "cross_entropy_error", "hint.cee_delta",
                  any_of(not_finite, equals(_cee_without_delta, rtol=1e-9)),
                  "inf where a probability is 0: no 1e-7 inside the log"),
    Misconception("cross_entropy_error.no_batch_mean", "cross_entropy_error", "hint.cee_batch_mean",
                  equals(lambda d, y: ref.cross_entropy_error(d, y) * np.atleast_2d(y).shape[0]),
                  "one sample right; a batch off by exactly the batch size"),
    Misconception("cross_entropy_error.sign", "cross_entropy_error", "hint.cee_sign",
                  equals(lambda d, y: -ref.cross_entropy_error(d, y)), "the reference with the sign flipped"),
    Misconception("cross_entropy_error.all_classes", "cross_entropy_error", "hint.cee_all_entries",
                  equals(_cee_all_classes), "−Σ log(y + 1e-7) over every class, not only the true one"),
    Misconception("cross_entropy_error.one_hot_as_index", "cross_entropy_error.error", "hint.cee_one_hot_index",
                  raised("exception", "IndexError", when=_one_hot),
                  "labels pass; one-hot d raises IndexError: d used as indices without argmax"),
    Misconception("cross_entropy_error.labels_as_one_hot", ("cross_entropy_error", "cross_entropy_error.error"),
                  "hint.cee_labels_as_one_hot",
                  any_of(raised("exception", "ValueError", ["broadcast"], when=_labels),
                         lambda e: _labels(**e.inputs) and equals(_cee_times_labels)(e)),
                  "one-hot d passes; class labels give −Σ d·log y with d the label numbers, or a broadcast error"),
    # numerical_gradient
    Misconception("numerical_gradient.forward_difference", "numerical_gradient", "hint.numgrad_forward_difference",
                  lambda e: same(e.actual, _forward_difference(probes.LOSSES[e.inputs["loss"]], e.inputs["x"]),
                                 rtol=1e-4), "equals (f(x + h) − f(x)) / h"),
    Misconception("numerical_gradient.no_2h", "numerical_gradient", "hint.numgrad_no_2h",
                  equals(_multiple(2, "expected"), rtol=1e-4), "exactly twice the central difference"),
    Misconception("numerical_gradient.perturbs_copy", "numerical_gradient", "hint.numgrad_by_reference",
                  _zeros_for_lambda, "right for f(x); all zeros for the course's lambda W: loss(...) that reads x"),
    Misconception("numerical_gradient.not_restored", "numerical_gradient.modified", "hint.numgrad_restore",
                  _left_shifted, "x comes back moved by ±h: entries not put back"),
)


def _about(*parts: str) -> tuple[Misconception, ...]:
    return tuple(m for m in MISCONCEPTIONS if any(m.about(p) for p in parts))


# ---------------------------------------------------------------- topics
def _curve() -> np.ndarray:
    return np.linspace(-6, 6, 241)  # holds 0, where step_function and d_relu are decided


def activations() -> Topic:
    topic = Topic("activations")
    topic.add("step_function", 1, _step_spec, _judge_step_function)
    funcs = {"sigmoid": (ref.sigmoid, lambda rng: {"x": rng.uniform(-20, 20, size=(3, 6))}),
             "d_sigmoid": (ref.d_sigmoid, lambda rng: {"x": rng.uniform(-6, 6, size=(3, 6))}),
             "relu": (ref.relu, lambda rng: {"x": _with_zeros(rng.normal(size=(4, 5)) * 3)}),
             "d_relu": (ref.d_relu, lambda rng: {"x": _with_zeros(rng.normal(size=(4, 5)) * 3)})}
    for func, (expected, make) in funcs.items():
        add_call_check(topic, func, 1, M, func, make, expected=expected,
                       misconceptions=_about(func, f"{func}.error", f"{func}.modified"), curve=_curve)
    return topic


def _with_zeros(x: np.ndarray) -> np.ndarray:
    x.flat[::4] = 0.0  # the kink: where step_function and d_relu are decided
    return x


def _step_spec(rng: np.random.Generator) -> dict:
    from grader import plots
    return call_spec(M, "step_function", {"x": _with_zeros(rng.normal(size=(4, 5)) * 3)},
                     _curve() if plots.wanted() else None)


def _judge_step_function(spec: dict, outcome: dict) -> Verdict:
    """At exactly 0 the course allows either value, so there the student's 0 or 1 stands."""
    failed = error_verdict(outcome, "step_function")
    if failed:
        return failed
    x = spec["args"][0]
    expected = ref.step_function(x).astype(float)
    actual = as_array(outcome["result"])
    if actual is not None and actual.shape == x.shape and np.isin(actual[x == 0], (0, 1)).all():
        expected[x == 0] = actual[x == 0]
    verdict = compare(outcome["result"], expected, inputs=describe_inputs(x=x), what="step_function",
                      diagnose=lambda a: diagnose(MISCONCEPTIONS, "step_function", Evidence(a, {"x": x})))
    verdict = all_of(verdict, unmodified(spec, outcome, "step_function"))
    if not verdict.passed:
        from grader import plots
        plots.record_curve("activations", "step_function", spec, outcome, ref.step_function)
    return with_warnings(verdict, outcome)


def softmax_topic() -> Topic:
    topic = Topic("softmax")
    cases = {
        "1d": lambda rng: {"x": rng.normal(size=6)},
        "batch": lambda rng: {"x": rng.normal(size=(5, 4)) * 2},
        "batch_of_one": lambda rng: {"x": rng.normal(size=(1, 7))},
        "large_inputs": lambda rng: {"x": 1000 + rng.normal(size=(3, 4)) * 5},
        "large_1d": lambda rng: {"x": np.array([1000.0, 1000.0 + np.log(3.0), -1000.0])},
    }
    for name, make in cases.items():
        add_call_check(topic, name, 1, M, "softmax", make, expected=ref.softmax,
                       misconceptions=_about("softmax", "softmax.error", "softmax.modified"),
                       curve=softmax_curve)
    topic.add("rows_sum_to_one", 1, lambda rng: call_spec(M, "softmax", {"x": rng.normal(size=(6, 3)) * 50}),
              _judge_rows_sum_to_one)
    return topic


def softmax_curve() -> np.ndarray:
    """Rows [s, 0, −1] for s across a range, and the same rows shifted by 1000 (where overflow shows)."""
    s = np.linspace(-8, 8, 161)
    rows = np.stack([s, np.zeros_like(s), -np.ones_like(s)], axis=1)
    return np.concatenate([rows, rows + 1000.0])


def _judge_rows_sum_to_one(spec: dict, outcome: dict) -> Verdict:
    failed = error_verdict(outcome, "softmax")
    if failed:
        return failed
    x = spec["args"][0]
    result = outcome["result"]
    array = as_array(result)
    sums = array.sum(axis=-1) if array is not None and array.shape == x.shape else result
    verdict = compare(sums, np.ones(x.shape[0]), inputs=describe_inputs(x=x), what="softmax(x).sum(axis=1)",
                      diagnose=lambda _: diagnose(MISCONCEPTIONS, "softmax", Evidence(result, {"x": x})),
                      rtol=1e-9, atol=1e-9)
    return with_warnings(verdict, outcome)


def mse() -> Topic:
    topic = Topic("mse")
    one = lambda rng: {"d": rng.normal(size=4), "y": rng.normal(size=4)}  # noqa: E731
    batch = lambda rng: {"d": rng.normal(size=(5, 3)), "y": rng.normal(size=(5, 3))}  # noqa: E731
    for name, func, expected, make, scalar in (
            ("one_sample", "mean_squared_error", ref.mean_squared_error, one, True),
            ("batch", "mean_squared_error", ref.mean_squared_error, batch, True),
            ("gradient_one_sample", "d_mean_squared_error", ref.d_mean_squared_error, one, False),
            ("gradient_batch", "d_mean_squared_error", ref.d_mean_squared_error, batch, False)):
        add_call_check(topic, name, 1, M, func, make, expected,
                       misconceptions=_about(func, f"{func}.error"), scalar=scalar)
    return topic


def cross_entropy() -> Topic:
    topic = Topic("cross_entropy_error")

    def probabilities(rng, shape):
        return ref.softmax(rng.normal(size=shape) * 2)

    cases = {
        "one_hot_1d": lambda rng: {"d": np.eye(5)[rng.integers(5)], "y": probabilities(rng, 5)},
        "label_1d": lambda rng: {"d": np.array(rng.integers(5)), "y": probabilities(rng, 5)},
        "one_hot_batch": lambda rng: {"d": np.eye(4)[rng.integers(4, size=6)], "y": probabilities(rng, (6, 4))},
        "labels_batch": lambda rng: {"d": rng.integers(4, size=6), "y": probabilities(rng, (6, 4))},
        "batch_of_one": lambda rng: {"d": np.array([2]), "y": probabilities(rng, (1, 3))},
        "zero_probability": lambda rng: {"d": np.array([0, 1, 2]), "y": np.array(
            [[0.0, 0.5, 0.5], [0.2, 0.8, 0.0], [0.3, 0.7, 0.0]])},
    }
    for name, make in cases.items():
        add_call_check(topic, name, 1, M, "cross_entropy_error", make, ref.cross_entropy_error,
                       _about("cross_entropy_error", "cross_entropy_error.error"), rtol=1e-6, scalar=True)
    return topic


def numerical_gradient() -> Topic:
    topic = Topic("numerical_gradient")
    cases = {
        "sum_of_squares": (lambda rng: rng.normal(size=(3, 4)), "sum_of_squares", False),
        "smooth_1d": (lambda rng: rng.normal(size=5), "smooth_mix", False),
        "lambda_by_reference": (lambda rng: rng.normal(size=(2, 3)), "smooth_mix", True),
    }
    for name, (make_x, loss, by_reference) in cases.items():
        topic.add(name, 1,
                  lambda rng, make_x=make_x, loss=loss, by_reference=by_reference: {
                      "probe": "numerical_gradient", "x": make_x(rng), "loss": loss,
                      "by_reference": by_reference},
                  _judge_numerical_gradient)
    return topic


def _judge_numerical_gradient(spec: dict, outcome: dict) -> Verdict:
    failed = error_verdict(outcome, "numerical_gradient")
    if failed:
        return failed
    x = spec["x"].copy()
    f = probes.by_reference(spec["loss"], x) if spec["by_reference"] else probes.LOSSES[spec["loss"]]
    expected = ref.numerical_gradient(f, x)
    evidence = {"x": spec["x"], "loss": spec["loss"], "by_reference": spec["by_reference"], "expected": expected}
    # Restoring x comes first: a gradient taken around moved entries is wrong for that reason.
    if not same(outcome.get("x_after"), spec["x"], rtol=0, atol=0):
        hint = diagnose(MISCONCEPTIONS, "numerical_gradient.modified", Evidence(outcome.get("x_after"), evidence))
        return with_warnings(Verdict.fail(("fail.modified", {"what": "numerical_gradient", "arg": "x"}), *hint),
                             outcome)
    verdict = compare(outcome["result"], expected, inputs=describe_inputs(x=spec["x"]) + f", f={spec['loss']}",
                      what="numerical_gradient", rtol=1e-5, atol=1e-7,
                      diagnose=lambda a: diagnose(MISCONCEPTIONS, "numerical_gradient", Evidence(a, evidence)))
    if not verdict.passed:
        verdict = Verdict.fail(*verdict.messages, *_against_exact_derivative(outcome["result"], spec))
    return with_warnings(verdict, outcome)


def _against_exact_derivative(actual, spec: dict) -> tuple:
    """How far the student's gradient is from the loss's exact derivative (not from a method)."""
    exact = probes.EXACT_GRADIENTS[spec["loss"]](spec["x"])
    array = as_array(actual)
    if array is None or array.shape != exact.shape:
        return ()
    error = np.max(np.abs(array - exact)) / max(float(np.max(np.abs(exact))), 1e-12)
    return (("fail.exact_gradient", {"loss": spec["loss"], "error": f"{error:.2g}"}),)
