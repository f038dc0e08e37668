"""Topic weight_init: Xavier and He, graded by distribution, not by one exact draw."""
from __future__ import annotations

import numpy as np

from grader.checks import Topic, Verdict
from grader.judge import as_array, error_verdict, same, show, with_warnings

N_IN, N_OUT = 400, 250  # a large draw: 100,000 samples; n_in ≠ n_out shows which one scales
SCALE = {"xavier_init": lambda n_in: 1 / np.sqrt(n_in), "he_init": lambda n_in: np.sqrt(2 / n_in)}
ONE_SIGMA = 0.6827  # share of a normal sample within one standard deviation of the mean


def weight_init() -> Topic:
    topic = Topic("weight_init")
    for func in SCALE:
        topic.add(f"{func}_shape", 1, lambda rng, func=func: _draw_spec(func, 3, 5, [1]), _judge_shape)
        topic.add(f"{func}_distribution", 2, lambda rng, func=func: _draw_spec(func, N_IN, N_OUT, [11]),
                  _judge_distribution)
        topic.add(f"{func}_uses_rng", 1, lambda rng, func=func: _draw_spec(func, 20, 10, [5, 5, 6]), _judge_rng)
    return topic


def _draw_spec(func: str, n_in: int, n_out: int, seeds: list[int]) -> dict:
    return {"probe": "draw", "func": func, "n_in": n_in, "n_out": n_out, "seeds": seeds}


def _draws(spec: dict, outcome: dict) -> list | Verdict:
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


def _judge_shape(spec: dict, outcome: dict) -> Verdict:
    draws = _draws(spec, outcome)
    return draws if isinstance(draws, Verdict) else with_warnings(Verdict.ok(), outcome)


def _judge_distribution(spec: dict, outcome: dict) -> Verdict:
    draws = _draws(spec, outcome)
    if isinstance(draws, Verdict):
        return draws
    w = draws[0].astype(float).ravel()
    func, n_in, n_out = spec["func"], spec["n_in"], spec["n_out"]
    want = SCALE[func](n_in)
    std, mean = float(w.std()), float(w.mean())
    inputs = f"n_in={n_in}, n_out={n_out}"
    # 6 standard errors: a correct draw fails with odds far below one in a million.
    if abs(mean) > 6 * want / np.sqrt(w.size):
        return Verdict.fail(("fail.init_mean", {"what": func, "inputs": inputs, "actual": f"{mean:.4g}"}))
    if abs(std / want - 1) > 0.02:
        return Verdict.fail(("fail.init_std", {"what": func, "inputs": inputs, "expected": f"{want:.4g}",
                                               "actual": f"{std:.4g}"}), *_scale_hints(func, std, n_in, n_out))
    within = float(np.mean(np.abs(w - mean) < std))
    if abs(within - ONE_SIGMA) > 0.01:
        return Verdict.fail(("fail.init_not_normal", {"what": func, "actual": f"{within:.3f}"}),
                            ("hint.init_normal", {}))
    return with_warnings(Verdict.ok(), outcome)


def _scale_hints(func: str, std: float, n_in: int, n_out: int) -> tuple:
    candidates = {
        "hint.init_fan_out": [1 / np.sqrt(n_out), np.sqrt(2 / n_out)],
        "hint.init_no_sqrt": [1 / n_in, 2 / n_in, 2 / np.sqrt(n_in)],
        "hint.init_unscaled": [1.0],
        "hint.he_factor": [1 / np.sqrt(n_in)] if func == "he_init" else [np.sqrt(2 / n_in)],
    }
    for key, stds in candidates.items():
        if any(abs(std / s - 1) < 0.02 for s in stds):
            return ((key, {}),)
    return ()


def _judge_rng(spec: dict, outcome: dict) -> Verdict:
    draws = _draws(spec, outcome)
    if isinstance(draws, Verdict):
        return draws
    first, again, other = draws
    if same(first, again, 0, 0) and not same(first, other, 0, 0):
        return with_warnings(Verdict.ok(), outcome)
    return Verdict.fail(("fail.rng_not_used", {"what": spec["func"]}), ("hint.rng_not_used", {}))
