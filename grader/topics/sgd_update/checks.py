"""Checks of sgd_update (network.py)."""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import CallOutcome, CallSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import compare, error_verdict, same, with_warnings
from grader.judging.misconceptions import (Evidence, Misconception, diagnose, diagnoser, equals,
                                           updated_in_place_by, value_of)
from grader.topics.families.calls import call_spec
from grader.topics.families.in_place import changed_in_place, rebound
from grader.topics.families.network import KEYS, M, make_network


MISCONCEPTIONS = (
    Misconception("sgd_update.sign", value_of("network"), "hint.sgd_sign",
                  equals(lambda before, grad, lr, key: before[key] + lr * grad[key]), "w + ε·∇E"),
    Misconception("sgd_update.no_learning_rate", value_of("network"), "hint.sgd_no_learning_rate",
                  equals(lambda before, grad, lr, key: before[key] - grad[key]), "w − ∇E: no learning rate"),
    Misconception("sgd_update.not_in_place", updated_in_place_by("sgd_update"), "hint.not_in_place", rebound,
                  "the dict holds new values but the arrays the caller holds are unchanged"),
)


def declare() -> Topic:
    topic = Topic("sgd_update")
    topic.add("values", 1, _sgd_spec, _judge_sgd_values)
    topic.add("in_place", 1, _sgd_spec, _judge_sgd_in_place)
    return topic


def _sgd_spec(rng: np.random.Generator) -> CallSpec:
    network = make_network(rng, 3, 4, 2)
    grad = {k: rng.normal(size=v.shape) for k, v in network.items()}
    return call_spec(M, "sgd_update", {"network": network, "grad": grad, "learning_rate": 0.1})


def _expected_network(spec: CallSpec) -> dict:
    network, grad, lr = spec["args"]
    return {k: network[k] - lr * grad[k] for k in network}


def _judge_sgd_values(spec: CallSpec, outcome: CallOutcome) -> Verdict:
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
                          diagnose=diagnoser(MISCONCEPTIONS, value_of("network"), given),
                          given={"network": network, "grad": grad, "learning_rate": lr}, previous=network[key],
                          recompute=lambda network, grad, learning_rate, key=key: network[key] - learning_rate * grad[key])
        if not verdict.passed:
            return with_warnings(verdict, outcome)
    if not all(same(outcome["args_after"][1][k], grad[k], 0, 0) for k in grad):
        return Verdict.fail(("fail.modified", {"what": "sgd_update", "arg": "grad"}))
    return with_warnings(Verdict.ok(), outcome)


def _judge_sgd_in_place(spec: CallSpec, outcome: CallOutcome) -> Verdict:
    failed = error_verdict(outcome, "sgd_update")
    if failed:
        return failed
    network = spec["args"][0]
    held, after = outcome["held_after"][:1], outcome["args_after"][:1]
    if changed_in_place(network, held, after):
        return Verdict.ok()
    hint = diagnose(MISCONCEPTIONS, updated_in_place_by("sgd_update"), Evidence((held, after), {"before": network}))
    return Verdict.fail(("fail.not_in_place", {"what": "sgd_update"}), *hint)
