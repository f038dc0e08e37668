"""Topic weight_init: Xavier and He, graded by distribution, not by one exact draw."""
from __future__ import annotations

from typing import Callable

import numpy as np

from grader.boundary.wire_types import DrawOutcome, DrawSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.misconceptions import Evidence, Misconception, Recogniser, diagnose, value_of
from grader.judging.compare import as_array, error_verdict, same, with_warnings

# 37,500 samples: enough that the sample std lies within 2 % of the true one (≈ 5 standard
# errors) and the one-sigma share within 0.02 (≈ 7 standard errors) for any correct draw,
# small enough that sending it back costs little. n_in ≠ n_out shows which one scales.
N_IN, N_OUT = 250, 150
SCALE = {"xavier_init": lambda n_in: 1 / np.sqrt(n_in), "he_init": lambda n_in: np.sqrt(2 / n_in)}
ONE_SIGMA = 0.6827  # share of a normal sample within one standard deviation of the mean
ONE_SIGMA_UNIFORM = 1 / np.sqrt(3)  # the same share for a uniform distribution


def _std_is(*candidates: Callable[[str, int, int], float]) -> Recogniser:
    """A recogniser: the draw's standard deviation is one a mistaken formula gives (within 2 %)."""
    def recognise(e: Evidence) -> bool:
        std = float(np.std(e.actual))
        return any(abs(std / s - 1) < 0.02 for s in candidates_for(candidates, **e.inputs))
    return recognise


def candidates_for(candidates, func: str, n_in: int, n_out: int) -> list[float]:
    return [c(func, n_in, n_out) for c in candidates]


def _within_one_std(draw: np.ndarray) -> float:
    w = np.asarray(draw, dtype=float).ravel()
    return float(np.mean(np.abs(w - w.mean()) < w.std()))


def _same_form(scale_of_n):
    """Xavier's or He's own form (1/√n or √(2/n)) applied to ``scale_of_n``(n_in, n_out)."""
    return lambda func, n_in, n_out: SCALE[func](scale_of_n(n_in, n_out))


MISCONCEPTIONS = (
    Misconception("weight_init.fan_out", value_of("draw"), "hint.init_fan_out", _std_is(_same_form(lambda i, o: o)),
                  "standard deviation 1/√n_out or √(2/n_out)"),
    Misconception("weight_init.no_sqrt", value_of("draw"), "hint.init_no_sqrt",
                  _std_is(lambda f, i, o: 1 / i, lambda f, i, o: 2 / i, lambda f, i, o: 2 / np.sqrt(i)),
                  "standard deviation 1/n_in, 2/n_in or 2/√n_in: no square root"),
    Misconception("weight_init.unscaled", value_of("draw"), "hint.init_unscaled", _std_is(lambda f, i, o: 1.0),
                  "standard deviation 1: the standard normal draw left unscaled"),
    Misconception("weight_init.he_factor", value_of("draw"), "hint.he_factor",
                  _std_is(lambda f, i, o: SCALE["xavier_init" if f == "he_init" else "he_init"](i)),
                  "Xavier's scale in he_init or He's in xavier_init: off by √2"),
    Misconception("weight_init.uniform", value_of("draw"), "hint.init_normal",
                  lambda e: abs(_within_one_std(e.actual) - ONE_SIGMA_UNIFORM) < 0.02,
                  "57.7 % of the draw within one standard deviation: uniform, not normal"),
    Misconception("weight_init.rng_not_used", value_of("rng"), "hint.rng_not_used",
                  lambda e: not same(e.actual[0], e.actual[1], 0, 0) or same(e.actual[0], e.actual[2], 0, 0),
                  "the same seed gives different arrays (or different seeds the same)"),
)


def declare() -> Topic:
    topic = Topic("weight_init")
    for func in SCALE:
        topic.add(f"{func}_shape", 1, lambda rng, func=func: _draw_spec(func, 3, 5, [1]), _judge_shape)
        topic.add(f"{func}_distribution", 2, lambda rng, func=func: _draw_spec(func, N_IN, N_OUT, [11]),
                  _judge_distribution)
        topic.add(f"{func}_uses_rng", 1, lambda rng, func=func: _draw_spec(func, 20, 10, [5, 5, 6]), _judge_rng)
    return topic


def _draw_spec(func: str, n_in: int, n_out: int, seeds: list[int]) -> DrawSpec:
    return {"probe": "grader.topics.weight_init.probe:draw", "func": func, "n_in": n_in, "n_out": n_out, "seeds": seeds}


def _draws(spec: DrawSpec, outcome: DrawOutcome) -> list | Verdict:
    failed = error_verdict(outcome, spec["func"])
    if failed:
        return failed
    draws = [as_array(d) for d in outcome.get("draws", [])]
    shape = (spec["n_in"], spec["n_out"])
    for draw in draws:
        if draw is None or draw.shape != shape:
            actual = "?" if draw is None else str(draw.shape)
            return Verdict.fail(("fail.shape", {"what": spec["func"], "inputs": f"n_in={shape[0]}, n_out={shape[1]}",
                                                "expected": str(shape), "actual": actual}))
    return draws


def _judge_shape(spec: DrawSpec, outcome: DrawOutcome) -> Verdict:
    draws = _draws(spec, outcome)
    return draws if isinstance(draws, Verdict) else with_warnings(Verdict.ok(), outcome)


def _judge_distribution(spec: DrawSpec, outcome: DrawOutcome) -> Verdict:
    draws = _draws(spec, outcome)
    if isinstance(draws, Verdict):
        return draws
    w = draws[0].astype(float).ravel()
    func, n_in, n_out = spec["func"], spec["n_in"], spec["n_out"]
    hint = diagnose(MISCONCEPTIONS, value_of("draw"), Evidence(w, {"func": func, "n_in": n_in, "n_out": n_out}))
    want = SCALE[func](n_in)
    std, mean = float(w.std()), float(w.mean())
    inputs = f"n_in={n_in}, n_out={n_out}"
    # 6 standard errors: a correct draw fails with odds far below one in a million.
    if abs(mean) > 6 * want / np.sqrt(w.size):
        return Verdict.fail(("fail.init_mean", {"what": func, "inputs": inputs, "actual": f"{mean:.4g}"}), *hint)
    if abs(std / want - 1) > 0.02:
        return Verdict.fail(("fail.init_std", {"what": func, "inputs": inputs, "expected": f"{want:.4g}",
                                               "actual": f"{std:.4g}"}), *(hint or _std_factor(std, want, spec)))
    within = float(np.mean(np.abs(w - mean) < std))
    if abs(within - ONE_SIGMA) > 0.02:
        return Verdict.fail(("fail.init_not_normal", {"what": func, "actual": f"{within:.3f}"}), *hint)
    return with_warnings(Verdict.ok(), outcome)


def _std_factor(std: float, want: float, spec: DrawSpec) -> tuple:
    """How far off the spread is, as a factor named from n_in and n_out (a draw's std is
    known to about 1 %, so the factor is named within 2 %)."""
    from grader.judging.relations import Case, name_factor
    case = Case(np.asarray(std), np.asarray(want), "std", {"n_in": spec["n_in"], "n_out": spec["n_out"]})
    factor = name_factor(std / want, case, tolerance=0.02)
    return (("relation.factor", {"what": f"the standard deviation of {spec['func']}'s draw",
                                 "factor": f"about {factor}"}),)


def _judge_rng(spec: DrawSpec, outcome: DrawOutcome) -> Verdict:
    draws = _draws(spec, outcome)
    if isinstance(draws, Verdict):
        return draws
    first, again, other = draws
    if same(first, again, 0, 0) and not same(first, other, 0, 0):
        return with_warnings(Verdict.ok(), outcome)
    hint = diagnose(MISCONCEPTIONS, value_of("rng"), Evidence(draws, {}))
    return Verdict.fail(("fail.rng_not_used", {"what": spec["func"]}), *hint)
