"""Topics of network.py: forward, backward, sgd_update."""
from __future__ import annotations

import numpy as np

from grader.checks import Topic, Verdict
from grader.hints import Evidence, Misconception, any_of, diagnose, diagnoser, equals
from grader.judge import all_of, compare, describe_inputs, error_verdict, same, show, with_warnings
from grader.topics.common import call_spec, central_differences
from grader.topics.optimizers import changed_in_place, rebound
from reference import network as ref
from reference.functions import d_sigmoid, relu, sigmoid

M = "network"
KEYS = ("W1", "b1", "W2", "b2")


def _u1(network: dict, x: np.ndarray) -> np.ndarray:
    return x @ network["W1"] + network["b1"]


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


MISCONCEPTIONS = (
    Misconception("forward.no_activation", "z1", "hint.forward_no_activation",
                  equals(lambda network, x: _u1(network, x)), "z1 equals u1 = x·W1 + b1: relu not applied"),
    Misconception("forward.sigmoid_hidden", "z1", "hint.forward_sigmoid_hidden",
                  equals(lambda network, x: sigmoid(_u1(network, x))), "z1 equals sigmoid(u1) instead of relu(u1)"),
    Misconception("forward.no_bias", ("z1", "y"), "hint.forward_no_bias",
                  any_of(equals(lambda network, x: relu(x @ network["W1"])),
                         equals(lambda network, x: ref.forward(network, x)[0] @ network["W2"])),
                  "z1 or y equals the product without + b"),
    Misconception("forward.returns_swapped", "z1", "hint.forward_order",
                  equals(lambda network, x: ref.forward(network, x)[1]), "the first value returned is y: (y, z1)"),
    Misconception("forward.output_activation", "y", "hint.forward_output_activation",
                  equals(lambda network, x: relu(ref.forward(network, x)[1])), "y equals relu(z1·W2 + b2)"),
    Misconception("backward.no_batch_mean", "grad", "hint.backward_batch_mean",
                  equals(lambda key, expected, x, **_: expected[key] * x.shape[0]),
                  "every gradient exactly batch_size times the reference"),
    Misconception("backward.sign", "grad", "hint.backward_sign",
                  equals(lambda key, expected, **_: -expected[key]), "every gradient with its sign flipped"),
    Misconception("backward.transpose", "grad", "hint.backward_transpose",
                  equals(lambda key, expected, **_: expected[key].T), "grad['W'] has the transposed shape and values"),
    Misconception("backward.no_relu_mask", "grad", "hint.backward_no_relu_mask",
                  _grad(lambda network, x, d, z1, y, **_: _backward_with(None, network, x, d, z1, y)),
                  "W1 and b1 equal the backward without ⊙ d_relu(z1)"),
    Misconception("backward.sigmoid_derivative", "grad", "hint.backward_sigmoid_derivative",
                  _grad(lambda network, x, d, z1, y, **_: _backward_with(d_sigmoid, network, x, d, z1, y)),
                  "W1 and b1 equal the backward with d_sigmoid(z1), as in the course's notebook"),
    Misconception("backward.bias_mean", "grad", "hint.backward_bias_sum",
                  lambda e: e.inputs["key"].startswith("b") and equals(
                      lambda key, expected, x, **_: expected[key] / x.shape[0])(e),
                  "grad['b'] is the mean of delta over the batch: divided by batch_size twice"),
    Misconception("sgd_update.sign", "network", "hint.sgd_sign",
                  equals(lambda before, grad, lr, key: before[key] + lr * grad[key]), "w + ε·∇E"),
    Misconception("sgd_update.no_learning_rate", "network", "hint.sgd_no_learning_rate",
                  equals(lambda before, grad, lr, key: before[key] - grad[key]), "w − ∇E: no learning rate"),
    Misconception("sgd_update.not_in_place", "sgd_update.in_place", "hint.not_in_place", rebound,
                  "the dict holds new values but the arrays the caller holds are unchanged"),
)


def make_network(rng: np.random.Generator, d: int, h: int, o: int) -> dict:
    return {"W1": rng.normal(size=(d, h)) * 0.5, "b1": rng.normal(size=h) * 0.1,
            "W2": rng.normal(size=(h, o)) * 0.5, "b2": rng.normal(size=o) * 0.1}


SHAPES = {"batch": (6, 4, 5, 3), "batch_of_one": (1, 3, 4, 2)}  # B, D, H, O


def forward() -> Topic:
    topic = Topic("forward")
    for name, (b, d, h, o) in SHAPES.items():
        topic.add(name, 1, lambda rng, b=b, d=d, h=h, o=o: call_spec(M, "forward", {
            "network": make_network(rng, d, h, o), "x": rng.normal(size=(b, d))}), _judge_forward)
    return topic


def _judge_forward(spec: dict, outcome: dict) -> Verdict:
    failed = error_verdict(outcome, "forward")
    if failed:
        return failed
    network, x = spec["args"]
    result = outcome["result"]
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        return Verdict.fail(("fail.return_pair", {"what": "forward", "actual": show(result)}))
    z1, y = ref.forward(network, x)
    inputs = describe_inputs(x=x)
    given = {"network": network, "x": x}
    verdict = all_of(
        compare(result[0], z1, inputs=inputs, what="forward → z1", diagnose=diagnoser(MISCONCEPTIONS, "z1", given)),
        compare(result[1], y, inputs=inputs, what="forward → y", diagnose=diagnoser(MISCONCEPTIONS, "y", given)))
    return with_warnings(verdict, outcome)


def backward() -> Topic:
    topic = Topic("backward")
    for name, (b, d, h, o) in SHAPES.items():
        topic.add(name, 2, lambda rng, b=b, d=d, h=h, o=o: _backward_spec(rng, b, d, h, o), _judge_backward)
    return topic


def _backward_spec(rng: np.random.Generator, b: int, d: int, h: int, o: int) -> dict:
    network = make_network(rng, d, h, o)
    x, target = rng.normal(size=(b, d)), rng.normal(size=(b, o))
    z1, y = ref.forward(network, x)
    return call_spec(M, "backward", {"network": network, "x": x, "d": target, "z1": z1, "y": y})


def _judge_backward(spec: dict, outcome: dict) -> Verdict:
    failed = error_verdict(outcome, "backward")
    if failed:
        return failed
    network, x, d, z1, y = spec["args"]
    grads = outcome["result"]
    if not isinstance(grads, dict) or any(k not in grads for k in KEYS):
        return Verdict.fail(("fail.grad_keys", {"what": "backward", "actual": show(grads)}))
    expected = ref.backward(network, x, d, z1, y)
    for key in KEYS:
        given = {"network": network, "x": x, "d": d, "z1": z1, "y": y, "key": key, "expected": expected}
        verdict = compare(grads[key], expected[key], inputs=describe_inputs(x=x, d=d),
                          what=f"grad['{key}']", diagnose=diagnoser(MISCONCEPTIONS, "grad", given),
                          rtol=1e-6, atol=1e-9)
        if not verdict.passed:
            error = relative_error(grads[key], numerical_gradients(network, x, d)[key])
            return with_warnings(Verdict.fail(*verdict.messages, ("fail.numeric_gradient", {
                "key": key, "error": error})), outcome)
    return with_warnings(Verdict.ok(), outcome)


def numerical_gradients(network: dict, x: np.ndarray, d: np.ndarray) -> dict:
    """Central differences of the batch-mean ½‖y − d‖², independent of any backward."""
    network = {k: v.copy() for k, v in network.items()}
    return central_differences(
        lambda: 0.5 * np.sum((ref.forward(network, x)[1] - d) ** 2) / x.shape[0], network)


def relative_error(actual, expected) -> str:
    try:
        a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
        if a.shape != e.shape:
            return f"shape {a.shape} ≠ {e.shape}"
        return f"{np.max(np.abs(a - e)) / max(np.max(np.abs(a) + np.abs(e)), 1e-12):.2g}"
    except (TypeError, ValueError):
        return "n/a"


def sgd_update() -> Topic:
    topic = Topic("sgd_update")
    topic.add("values", 1, _sgd_spec, _judge_sgd_values)
    topic.add("in_place", 1, _sgd_spec, _judge_sgd_in_place)
    return topic


def _sgd_spec(rng: np.random.Generator) -> dict:
    network = make_network(rng, 3, 4, 2)
    grad = {k: rng.normal(size=v.shape) for k, v in network.items()}
    return call_spec(M, "sgd_update", {"network": network, "grad": grad, "learning_rate": 0.1})


def _expected_network(spec: dict) -> dict:
    network, grad, lr = spec["args"]
    return {k: network[k] - lr * grad[k] for k in network}


def _judge_sgd_values(spec: dict, outcome: dict) -> Verdict:
    failed = error_verdict(outcome, "sgd_update")
    if failed:
        return failed
    network, grad, lr = spec["args"]
    after = outcome["args_after"][0]
    expected = _expected_network(spec)
    for key in KEYS:
        given = {"before": network, "grad": grad, "lr": lr, "key": key}
        verdict = compare(after.get(key) if isinstance(after, dict) else None, expected[key],
                          inputs=f"learning_rate={lr}", what=f"network['{key}']",
                          diagnose=diagnoser(MISCONCEPTIONS, "network", given))
        if not verdict.passed:
            return with_warnings(verdict, outcome)
    if not all(same(outcome["args_after"][1][k], grad[k], 0, 0) for k in grad):
        return Verdict.fail(("fail.modified", {"what": "sgd_update", "arg": "grad"}))
    return with_warnings(Verdict.ok(), outcome)


def _judge_sgd_in_place(spec: dict, outcome: dict) -> Verdict:
    failed = error_verdict(outcome, "sgd_update")
    if failed:
        return failed
    network = spec["args"][0]
    held, after = outcome["held_after"][:1], outcome["args_after"][:1]
    if changed_in_place(network, held, after):
        return Verdict.ok()
    hint = diagnose(MISCONCEPTIONS, "sgd_update.in_place", Evidence((held, after), {"before": network}))
    return Verdict.fail(("fail.not_in_place", {"what": "sgd_update"}), *hint)
