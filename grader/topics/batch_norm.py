"""Topic batch_norm: the training-mode forward and its backward."""
from __future__ import annotations

import numpy as np

from grader.checks import Topic, Verdict
from grader.judge import all_of, compare, describe_inputs, error_verdict, same, show, with_warnings
from grader.topics.common import output_is
from reference import batch_norm as ref

EPS = 1e-5  # passed explicitly, as the contract says; large enough that forgetting it shows


def batch_norm() -> Topic:
    topic = Topic("batch_norm")
    topic.add("forward", 2, lambda rng: _spec(rng, 8, 5, backward=False), _judge_forward)
    topic.add("forward_batch_of_two", 1, lambda rng: _spec(rng, 2, 3, backward=False), _judge_forward)
    topic.add("backward", 3, lambda rng: _spec(rng, 8, 5, backward=True), _judge_backward)
    return topic


def _spec(rng: np.random.Generator, batch: int, features: int, backward: bool) -> dict:
    return {"probe": "batchnorm", "x": rng.normal(size=(batch, features)) * 3 + 2,
            "gamma": rng.uniform(0.5, 2, size=features), "beta": rng.normal(size=features),
            "dout": rng.normal(size=(batch, features)), "eps": EPS, "backward": backward}


def _alternatives(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> list:
    def normalise(axis=0, ddof=0, eps=EPS):
        mu = x.mean(axis=axis, keepdims=True)
        return gamma * (x - mu) / np.sqrt(x.var(axis=axis, ddof=ddof, keepdims=True) + eps) + beta
    return [("hint.bn_axis", output_is(lambda: normalise(axis=1))),
            ("hint.bn_ddof", output_is(lambda: normalise(ddof=1))),
            ("hint.bn_std_without_sqrt", output_is(lambda: gamma * (x - x.mean(0)) / (x.var(0) + EPS) + beta)),
            ("hint.bn_eps", output_is(lambda: normalise(eps=0.0), rtol=1e-9)),
            ("hint.bn_gamma_beta", output_is(lambda: (x - x.mean(0)) / np.sqrt(x.var(0) + EPS)))]


def _judge_forward(spec: dict, outcome: dict) -> Verdict:
    failed = error_verdict(outcome, "batchnorm_forward")
    if failed:
        return failed
    x, gamma, beta = spec["x"], spec["gamma"], spec["beta"]
    expected, _ = ref.batchnorm_forward(x, gamma, beta, spec["eps"])
    verdict = compare(outcome["out"], expected, inputs=describe_inputs(x=x) + f", eps={spec['eps']}",
                      what="batchnorm_forward → out", hints=_alternatives(x, gamma, beta))
    return with_warnings(all_of(verdict, _unmodified_x(spec, outcome)), outcome)


def _unmodified_x(spec: dict, outcome: dict) -> Verdict:
    if same(outcome.get("x_after"), spec["x"], 0, 0):
        return Verdict.ok()
    return Verdict.fail(("fail.modified", {"what": "batchnorm_forward", "arg": "x"}))


def _judge_backward(spec: dict, outcome: dict) -> Verdict:
    failed = error_verdict(outcome, "batchnorm_backward")
    if failed:
        return failed
    x, gamma, beta, dout = spec["x"], spec["gamma"], spec["beta"], spec["dout"]
    grads = outcome.get("grads")
    if not (isinstance(grads, (tuple, list)) and len(grads) == 3):
        return Verdict.fail(("fail.return_triple", {"what": "batchnorm_backward", "actual": show(grads)}))
    _, cache = ref.batchnorm_forward(x, gamma, beta, spec["eps"])
    dx, dgamma, dbeta = ref.batchnorm_backward(dout, cache)
    xn, std, _ = cache
    inputs = describe_inputs(x=x, dout=dout)
    verdict = all_of(
        compare(grads[2], dbeta, inputs=inputs, what="dbeta", hints=[
            ("hint.bn_dbeta_mean", output_is(lambda: dout.mean(axis=0)))]),
        compare(grads[1], dgamma, inputs=inputs, what="dgamma", hints=[
            ("hint.bn_dgamma_x", output_is(lambda: np.sum(dout * x, axis=0)))]),
        compare(grads[0], dx, inputs=inputs, what="dx", rtol=1e-5, atol=1e-8, hints=[
            ("hint.bn_dx_direct_only", output_is(lambda: dout * gamma / std)),
            ("hint.bn_dx_gamma", output_is(lambda: dx / gamma))]))
    return with_warnings(verdict, outcome)
