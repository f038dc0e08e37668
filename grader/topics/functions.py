"""Topics of functions.py: activations, softmax, mse, cross_entropy_error, numerical_gradient."""
from __future__ import annotations

import numpy as np

from grader import probes
from grader.checks import Topic, Verdict
from grader.judge import all_of, as_array, compare, describe_inputs, error_verdict, same, with_warnings
from grader.topics.common import add_call_check, call_spec, not_finite, output_is, unmodified
from reference import functions as ref

M = "functions"


def activations() -> Topic:
    topic = Topic("activations")
    topic.add("step_function", 1,
              lambda rng: call_spec(M, "step_function", {"x": _with_zeros(rng.normal(size=(4, 5)) * 3)}),
              _judge_step_function)
    add_call_check(topic, "sigmoid", 1, M, "sigmoid",
                   lambda rng: {"x": rng.uniform(-20, 20, size=(3, 6))}, expected=ref.sigmoid)
    add_call_check(topic, "d_sigmoid", 1, M, "d_sigmoid",
                   lambda rng: {"x": rng.uniform(-6, 6, size=(3, 6))}, expected=ref.d_sigmoid,
                   hints=lambda x: [("hint.d_sigmoid_of_output", output_is(lambda: x * (1 - x))),
                                    ("hint.d_sigmoid_formula", output_is(lambda: ref.sigmoid(x) * (1 + ref.sigmoid(x))))])
    add_call_check(topic, "relu", 1, M, "relu",
                   lambda rng: {"x": _with_zeros(rng.normal(size=(4, 5)) * 3)}, expected=ref.relu,
                   hints=lambda x: [("hint.relu_minimum", output_is(lambda: np.minimum(0, x)))])
    add_call_check(topic, "d_relu", 1, M, "d_relu",
                   lambda rng: {"x": _with_zeros(rng.normal(size=(4, 5)) * 3)}, expected=ref.d_relu,
                   hints=lambda x: [("hint.d_relu_at_zero", output_is(lambda: np.where(x >= 0, 1.0, 0.0))),
                                    ("hint.d_relu_is_relu", output_is(lambda: ref.relu(x)))])
    return topic


def _with_zeros(x: np.ndarray) -> np.ndarray:
    x.flat[::4] = 0.0  # the kink: where step_function and d_relu are decided
    return x


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
                      hints=[("hint.step_negative", output_is(lambda: (x < 0).astype(float)))])
    return with_warnings(all_of(verdict, unmodified(spec, outcome, "step_function")), outcome)


def softmax_topic() -> Topic:
    topic = Topic("softmax")

    def hints(x):
        return [("hint.softmax_overflow", not_finite),
                ("hint.softmax_axis", output_is(lambda: _softmax_axis0(x))),
                ("hint.softmax_global_sum", output_is(lambda: np.exp(x - x.max()) / np.exp(x - x.max()).sum()))]

    cases = {
        "1d": lambda rng: {"x": rng.normal(size=6)},
        "batch": lambda rng: {"x": rng.normal(size=(5, 4)) * 2},
        "batch_of_one": lambda rng: {"x": rng.normal(size=(1, 7))},
        "large_inputs": lambda rng: {"x": 1000 + rng.normal(size=(3, 4)) * 5},
        "large_1d": lambda rng: {"x": np.array([1000.0, 1000.0 + np.log(3.0), -1000.0])},
    }
    for name, make in cases.items():
        add_call_check(topic, name, 1, M, "softmax", make, expected=ref.softmax, hints=hints)
    topic.add("rows_sum_to_one", 1, lambda rng: _softmax_call(rng.normal(size=(6, 3)) * 50), _judge_rows_sum_to_one)
    return topic


def _softmax_axis0(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=0))
    return e / e.sum(axis=0)


def _softmax_call(x: np.ndarray) -> dict:
    return call_spec(M, "softmax", {"x": x})


def _judge_rows_sum_to_one(spec: dict, outcome: dict) -> Verdict:
    failed = error_verdict(outcome, "softmax")
    if failed:
        return failed
    x = spec["args"][0]
    result = outcome["result"]
    array = as_array(result)
    sums = array.sum(axis=-1) if array is not None and array.shape == x.shape else result
    verdict = compare(sums, np.ones(x.shape[0]), inputs=describe_inputs(x=x), what="softmax(x).sum(axis=1)",
                      hints=[("hint.softmax_overflow", not_finite)], rtol=1e-9, atol=1e-9)
    return with_warnings(verdict, outcome)


def mse() -> Topic:
    topic = Topic("mse")

    def loss_hints(d, y):
        return [("hint.mse_no_half", output_is(lambda: 2 * ref.mean_squared_error(d, y))),
                ("hint.mse_element_mean", output_is(lambda: 0.5 * np.mean((y - d) ** 2))),
                ("hint.mse_no_batch_mean", output_is(lambda: 0.5 * np.sum((y - d) ** 2)))]

    def grad_hints(d, y):
        return [("hint.d_mse_element_mean", output_is(lambda: (y - d) / y.size)),
                ("hint.d_mse_sign", output_is(lambda: -ref.d_mean_squared_error(d, y)))]

    one = lambda rng: {"d": rng.normal(size=4), "y": rng.normal(size=4)}  # noqa: E731
    batch = lambda rng: {"d": rng.normal(size=(5, 3)), "y": rng.normal(size=(5, 3))}  # noqa: E731
    add_call_check(topic, "one_sample", 1, M, "mean_squared_error", one,
                   ref.mean_squared_error, loss_hints, scalar=True)
    add_call_check(topic, "batch", 1, M, "mean_squared_error", batch,
                   ref.mean_squared_error, loss_hints, scalar=True)
    add_call_check(topic, "gradient_one_sample", 1, M, "d_mean_squared_error", one,
                   ref.d_mean_squared_error, grad_hints)
    add_call_check(topic, "gradient_batch", 1, M, "d_mean_squared_error", batch,
                   ref.d_mean_squared_error, grad_hints)
    return topic


def cross_entropy() -> Topic:
    topic = Topic("cross_entropy_error")

    def hints(d, y):
        labels = ref.labels_of(d, np.atleast_2d(y))
        picked = np.atleast_2d(y)[np.arange(labels.size), labels]
        return [("hint.cee_delta", not_finite),
                ("hint.cee_batch_mean", output_is(lambda: ref.cross_entropy_error(d, y) * labels.size)),
                ("hint.cee_sign", output_is(lambda: -ref.cross_entropy_error(d, y))),
                ("hint.cee_all_entries", output_is(lambda: -np.sum(np.log(y + 1e-7)) / labels.size)),
                ("hint.cee_delta", output_is(lambda: -np.sum(np.log(picked)) / labels.size, rtol=1e-9))]

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
                       hints, rtol=1e-6, scalar=True)
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
    loss = probes.LOSSES[spec["loss"]]
    inputs = describe_inputs(x=spec["x"]) + f", f={spec['loss']}"
    hints = [("hint.numgrad_forward_difference", output_is(lambda: _forward_difference(loss, spec["x"]), rtol=1e-4)),
             ("hint.numgrad_no_2h", output_is(lambda: expected * 2, rtol=1e-4))]
    verdict = compare(outcome["result"], expected, inputs=inputs, what="numerical_gradient",
                      rtol=1e-5, atol=1e-7, hints=hints)
    restored = Verdict.ok() if same(outcome.get("x_after"), spec["x"], rtol=0, atol=0) else \
        Verdict.fail(("fail.modified", {"what": "numerical_gradient", "arg": "x"}), ("hint.numgrad_restore", {}))
    return with_warnings(all_of(verdict, restored), outcome)


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
