"""Topic batch_norm: the training-mode forward and its backward."""
from __future__ import annotations

import numpy as np

from grader.boundary.wire_types import BatchnormOutcome, BatchnormSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.misconceptions import Misconception, diagnoser, equals, value_of
from grader.judging.relations import outputs
from grader.judging.compare import all_of, compare, describe_inputs, error_verdict, same, show, with_warnings
from grader.topics.families.gradients import central_differences
from grader.topics.families.gradients import relative_error
from reference import batch_norm as ref

EPS = 1e-5  # passed explicitly, as the contract says; large enough that forgetting it shows


def _normalise(x, gamma, beta, axis=0, ddof=0, eps=EPS):
    mu = x.mean(axis=axis, keepdims=True)
    return gamma * (x - mu) / np.sqrt(x.var(axis=axis, ddof=ddof, keepdims=True) + eps) + beta


MISCONCEPTIONS = (
    Misconception("batch_norm.axis", value_of("out"), "hint.bn_axis",
                  equals(lambda x, gamma, beta, **_: _normalise(x, gamma, beta, axis=1)),
                  "normalised per sample (axis=1), not per feature over the batch"),
    Misconception("batch_norm.ddof", value_of("out"), "hint.bn_ddof",
                  equals(lambda x, gamma, beta, **_: _normalise(x, gamma, beta, ddof=1)),
                  "the unbiased variance (ddof=1)"),
    Misconception("batch_norm.variance_not_std", value_of("out"), "hint.bn_std_without_sqrt",
                  equals(lambda x, gamma, beta, **_: gamma * (x - x.mean(0)) / (x.var(0) + EPS) + beta),
                  "divided by σ² + eps instead of √(σ² + eps)"),
    Misconception("batch_norm.eps_outside_sqrt", value_of("out"), "hint.bn_eps_outside_sqrt",
                  equals(lambda x, gamma, beta, eps=EPS, **_: gamma * (x - x.mean(0)) / (np.sqrt(x.var(0)) + eps) + beta,
                         rtol=1e-9),
                  "(x − μ)/(√σ² + ε): ε added outside the square root"),
    Misconception("batch_norm.no_eps", value_of("out"), "hint.bn_eps",
                  equals(lambda x, gamma, beta, **_: _normalise(x, gamma, beta, eps=0.0), rtol=1e-9),
                  "exactly (x − μ)/σ: eps left out"),
    Misconception("batch_norm.no_gamma_beta", value_of("out"), "hint.bn_gamma_beta",
                  equals(lambda x, **_: (x - x.mean(0)) / np.sqrt(x.var(0) + EPS)), "x̂ returned without γ and β"),
    Misconception("batch_norm.dbeta_mean", value_of("dbeta"), "hint.bn_dbeta_mean",
                  equals(lambda dout, **_: dout.mean(axis=0)), "the mean of dout, batch_size times too small"),
    Misconception("batch_norm.dgamma_raw_x", value_of("dgamma"), "hint.bn_dgamma_x",
                  equals(lambda dout, x, **_: np.sum(dout * x, axis=0)), "Σ dout·x with the raw x"),
    Misconception("batch_norm.dx_direct_only", value_of("dx"), "hint.bn_dx_direct_only",
                  equals(lambda dout, gamma, std, **_: dout * gamma / std),
                  "dout·γ/√(σ² + eps): only the direct path, none through μ and σ²"),
    Misconception("batch_norm.dx_without_gamma", value_of("dx"), "hint.bn_dx_gamma",
                  equals(lambda dx, gamma, **_: dx / gamma), "dx with dx̂ = dout instead of dout·γ"),
)


def declare() -> Topic:
    topic = Topic("batch_norm")
    topic.add("forward", 2, lambda rng: _spec(rng, 8, 5, backward=False), _judge_forward)
    topic.add("forward_batch_of_two", 1, lambda rng: _spec(rng, 2, 3, backward=False), _judge_forward)
    topic.add("backward", 3, lambda rng: _spec(rng, 8, 5, backward=True), _judge_backward)
    return topic


def _spec(rng: np.random.Generator, batch: int, features: int, backward: bool) -> BatchnormSpec:
    return {"probe": "grader.topics.batch_norm.probe:batchnorm", "x": rng.normal(size=(batch, features)) * 3 + 2,
            "gamma": rng.uniform(0.5, 2, size=features), "beta": rng.normal(size=features),
            "dout": rng.normal(size=(batch, features)), "eps": EPS, "backward": backward}


def _judge_forward(spec: BatchnormSpec, outcome: BatchnormOutcome) -> Verdict:
    failed = error_verdict(outcome, "batchnorm_forward")
    if failed:
        return failed
    x, gamma, beta = spec["x"], spec["gamma"], spec["beta"]
    expected, _ = ref.batchnorm_forward(x, gamma, beta, spec["eps"])
    given = {"x": x, "gamma": gamma, "beta": beta}
    verdict = compare(outcome["out"], expected, inputs=describe_inputs(x=x) + f", eps={spec['eps']}",
                      what="batchnorm_forward → out", diagnose=diagnoser(MISCONCEPTIONS, value_of("out"), given),
                      given=given, recompute=lambda **kw: ref.batchnorm_forward(**kw, eps=spec["eps"])[0])
    return with_warnings(all_of(verdict, _unmodified_x(spec, outcome)), outcome)


def _unmodified_x(spec: BatchnormSpec, outcome: BatchnormOutcome) -> Verdict:
    if same(outcome.get("x_after"), spec["x"], 0, 0):
        return Verdict.ok()
    return Verdict.fail(("fail.modified", {"what": "batchnorm_forward", "arg": "x"}))


def _judge_backward(spec: BatchnormSpec, outcome: BatchnormOutcome) -> Verdict:
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
    given = {"x": x, "gamma": gamma, "beta": beta, "dout": dout, "std": std, "dx": dx}
    inputs = describe_inputs(x=x, dout=dout)
    def recompute(index: int):
        return lambda x, gamma, beta, dout: ref.batchnorm_backward(
            dout, ref.batchnorm_forward(x, gamma, beta, spec["eps"])[1])[index]

    isolated = {"x": x, "gamma": gamma, "beta": beta, "dout": dout}
    # dbeta first: the simplest; dx last, as it builds on the other two
    verdicts = {what: (index, compare(grads[index], expected, inputs=inputs, what=what, rtol=rtol, atol=1e-8,
                                      diagnose=diagnoser(MISCONCEPTIONS, value_of(what), given), given=isolated,
                                      recompute=recompute(index)))
                for index, what, expected, rtol in ((2, "dbeta", dbeta, 1e-6), (1, "dgamma", dgamma, 1e-6),
                                                    (0, "dx", dx, 1e-5))}
    for what, (index, verdict) in verdicts.items():
        if not verdict.passed:
            numeric = numerical_gradients(x, gamma, beta, dout, spec["eps"])[what]
            which = outputs("batchnorm_backward", {w: v.passed for w, (_, v) in verdicts.items()})
            return with_warnings(Verdict.fail(*verdict.messages, ("fail.numeric_check", {
                "what": what, "loss": "Σ dout·out", "error": relative_error(grads[index], numeric)}), *which), outcome)
    return with_warnings(Verdict.ok(), outcome)


def numerical_gradients(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, dout: np.ndarray,
                        eps: float) -> dict[str, np.ndarray]:
    """Central differences of Σ dout·out (whose gradients backward returns), independent of any backward."""
    values = {"dx": x.copy(), "dgamma": gamma.copy(), "dbeta": beta.copy()}
    return central_differences(lambda: float(np.sum(
        dout * ref.batchnorm_forward(values["dx"], values["dgamma"], values["dbeta"], eps)[0])), values)
