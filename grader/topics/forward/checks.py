"""Checks of forward (network.py)."""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import CallOutcome, CallSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import all_of, compare, describe_inputs, error_verdict, show, with_warnings
from grader.judging.misconceptions import Misconception, any_of, diagnoser, equals, value_of
from grader.judging.relations import outputs
from grader.topics.families.calls import call_spec
from grader.topics.families.network import M, SHAPES, make_network
from reference import network as ref
from reference.functions import relu, sigmoid


def _u1(network: dict, x: np.ndarray) -> np.ndarray:
    return x @ network["W1"] + network["b1"]


Z1, Y = value_of("z1"), value_of("y")  # the two values forward returns

MISCONCEPTIONS = (
    Misconception("forward.no_activation", Z1, "hint.forward_no_activation",
                  equals(lambda network, x: _u1(network, x)), "z1 equals u1 = x·W1 + b1: relu not applied"),
    Misconception("forward.sigmoid_hidden", Z1, "hint.forward_sigmoid_hidden",
                  equals(lambda network, x: sigmoid(_u1(network, x))), "z1 equals sigmoid(u1) instead of relu(u1)"),
    Misconception("forward.no_bias", (Z1, Y), "hint.forward_no_bias",
                  any_of(equals(lambda network, x: relu(x @ network["W1"])),
                         equals(lambda network, x: ref.forward(network, x)[0] @ network["W2"])),
                  "z1 or y equals the product without + b"),
    Misconception("forward.returns_swapped", Z1, "hint.forward_order",
                  equals(lambda network, x: ref.forward(network, x)[1]), "the first value returned is y: (y, z1)"),
    Misconception("forward.output_activation", Y, "hint.forward_output_activation",
                  equals(lambda network, x: relu(ref.forward(network, x)[1])), "y equals relu(z1·W2 + b2)"),
)


def declare() -> Topic:
    topic = Topic("forward")
    for name, (b, d, h, o) in SHAPES.items():
        topic.add(name, 1, lambda rng, b=b, d=d, h=h, o=o: call_spec(M, "forward", {
            "network": make_network(rng, d, h, o), "x": rng.normal(size=(b, d))}, helpers=("relu",)), _judge_forward)
    return topic


def _judge_forward(spec: CallSpec, outcome: CallOutcome) -> Verdict:
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
    verdicts = {
        "z1": compare(result[0], z1, inputs=inputs, what="forward → z1", diagnose=diagnoser(MISCONCEPTIONS, Z1, given),
                      given=given, recompute=lambda **kw: ref.forward(**kw)[0]),
        "y": compare(result[1], y, inputs=inputs, what="forward → y", diagnose=diagnoser(MISCONCEPTIONS, Y, given),
                     given=given, recompute=lambda **kw: ref.forward(**kw)[1])}
    verdict = all_of(*verdicts.values())
    if not verdict.passed:
        verdict = Verdict.fail(*verdict.messages, *outputs("forward", {k: v.passed for k, v in verdicts.items()}))
    return with_warnings(verdict, outcome)
