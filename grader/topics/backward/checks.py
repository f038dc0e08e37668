"""Checks of backward (network.py)."""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import CallOutcome, CallSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import compare, describe_inputs, error_verdict, show, with_warnings
from grader.judging.misconceptions import Misconception, diagnoser, equals, value_of
from grader.judging.relations import outputs
from grader.topics.families.calls import call_spec
from grader.topics.families.gradients import central_differences, relative_error
from grader.topics.families.network import KEYS, M, SHAPES, make_network
from reference import network as ref
from reference.functions import d_sigmoid


def _backward_with(derivative, network: dict, x, d, z1, y) -> dict:
    """The course's backward with another factor in place of d_relu(z1) (None: no factor)."""
    delta2 = (y - d) / x.shape[0]
    delta1 = delta2 @ network["W2"].T
    if derivative is not None:
        delta1 = delta1 * derivative(z1)
    return {"W2": z1.T @ delta2, "b2": delta2.sum(axis=0), "W1": x.T @ delta1, "b1": delta1.sum(axis=0)}


def _grad(alternative):
    """A recogniser of one gradient: grad[key] equals ``alternative(...)[key]``."""
    return equals(lambda key, expected, **inputs: alternative(key=key, expected=expected, **inputs)[key])


GRAD = value_of("grad")  # each gradient backward returned

MISCONCEPTIONS = (
    Misconception("backward.no_batch_mean", GRAD, "hint.backward_batch_mean",
                  equals(lambda key, expected, x, **_: expected[key] * x.shape[0]),
                  "every gradient exactly batch_size times the reference"),
    Misconception("backward.sign", GRAD, "hint.backward_sign",
                  equals(lambda key, expected, **_: -expected[key]), "every gradient with its sign flipped"),
    Misconception("backward.transpose", GRAD, "hint.backward_transpose",
                  equals(lambda key, expected, **_: expected[key].T), "grad['W'] has the transposed shape and values"),
    Misconception("backward.no_relu_mask", GRAD, "hint.backward_no_relu_mask",
                  _grad(lambda network, x, d, z1, y, **_: _backward_with(None, network, x, d, z1, y)),
                  "W1 and b1 equal the backward without ⊙ d_relu(z1)"),
    Misconception("backward.sigmoid_derivative", GRAD, "hint.backward_sigmoid_derivative",
                  _grad(lambda network, x, d, z1, y, **_: _backward_with(d_sigmoid, network, x, d, z1, y)),
                  "W1 and b1 equal the backward with d_sigmoid(z1), as in the course's notebook"),
    Misconception("backward.bias_mean", GRAD, "hint.backward_bias_sum",
                  lambda e: e.inputs["key"].startswith("b") and equals(
                      lambda key, expected, x, **_: expected[key] / x.shape[0])(e),
                  "grad['b'] is the mean of delta over the batch: divided by batch_size twice"),
)


def declare() -> Topic:
    topic = Topic("backward")
    for name, (b, d, h, o) in SHAPES.items():
        topic.add(name, 2, lambda rng, b=b, d=d, h=h, o=o: _backward_spec(rng, b, d, h, o), _judge_backward)
    return topic


def _backward_spec(rng: np.random.Generator, b: int, d: int, h: int, o: int) -> CallSpec:
    network = make_network(rng, d, h, o)
    x, target = rng.normal(size=(b, d)), rng.normal(size=(b, o))
    z1, y = ref.forward(network, x)
    return call_spec(M, "backward", {"network": network, "x": x, "d": target, "z1": z1, "y": y},
                     helpers=("d_relu",))


def _judge_backward(spec: CallSpec, outcome: CallOutcome) -> Verdict:
    failed = error_verdict(outcome, "backward")
    if failed:
        return failed
    network, x, d, z1, y = spec["args"]
    grads = outcome["result"]
    if not isinstance(grads, dict) or any(k not in grads for k in KEYS):
        return Verdict.fail(("fail.grad_keys", {"what": "backward", "actual": show(grads)}))
    expected = ref.backward(network, x, d, z1, y)
    inputs = {"network": network, "x": x, "d": d, "z1": z1, "y": y}
    verdicts = {}
    for key in KEYS:
        given = {**inputs, "key": key, "expected": expected}
        verdicts[key] = compare(grads[key], expected[key], inputs=describe_inputs(x=x, d=d),
                                what=f"grad['{key}']", diagnose=diagnoser(MISCONCEPTIONS, GRAD, given),
                                rtol=1e-6, atol=1e-9, given=inputs,
                                recompute=lambda key=key, **kw: ref.backward(**kw)[key])
    for key, verdict in verdicts.items():
        if not verdict.passed:
            error = relative_error(grads[key], numerical_gradients(network, x, d)[key])
            return with_warnings(Verdict.fail(*verdict.messages, ("fail.numeric_gradient", {
                "key": key, "error": error}), *outputs("backward", {f"grad['{k}']": v.passed
                                                                   for k, v in verdicts.items()})), outcome)
    return with_warnings(Verdict.ok(), outcome)


def numerical_gradients(network: dict, x: np.ndarray, d: np.ndarray) -> dict:
    """Central differences of the batch-mean ½‖y − d‖², independent of any backward."""
    network = {k: v.copy() for k, v in network.items()}
    return central_differences(
        lambda: 0.5 * np.sum((ref.forward(network, x)[1] - d) ** 2) / x.shape[0], network)
