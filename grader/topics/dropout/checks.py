"""Checks of Dropout (layers.py), by properties rather than equality with one mask.

The student's Dropout draws its own mask (the course's np.random.rand; np.random is
seeded for reproducibility, but another way of drawing is just as right), so each check
judges what every correct mask shares: every training output is 0 or x, the kept share
is 1 − dropout_ratio over a large draw, backward uses the mask of the last training
forward, test mode returns x·(1 − dropout_ratio). The mistakes are recognised the same way.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.boundary.wire_types import ScriptOutcome, ScriptSpec
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import as_array, compare, error_verdict, show, with_warnings
from grader.judging.misconceptions import Evidence, Misconception, diagnose, value_of
from grader.topics.families.scripts import call, describe_step, script_spec, seed

M = "layers"
SHAPE = (30, 100)  # 3 000 draws: the kept share is within ±0.04 of its expectation (4.8 σ),
SHARE_TOLERANCE = 0.04  # far closer than the 0.3 and 0.7 that the mistakes give
RATIO = 0.3  # not the default, so that 1 − ratio and ratio differ


def _values_are(out: Any, x: np.ndarray, scale: float) -> bool:
    """Every element is 0 or scale·x (x has no zeros)."""
    out = as_array(out)
    return out is not None and out.shape == x.shape and bool(np.all(
        np.isclose(out, 0) | np.isclose(out, scale * x)))


def _share(out: Any) -> float:
    return float(np.mean(as_array(out) != 0))


def _outputs(e: Evidence) -> dict:
    return e.inputs["outputs"]


def _inverted(e: Evidence) -> bool:
    o, x, r = _outputs(e), e.inputs["x"], e.inputs["ratio"]
    return _values_are(o["train"], x, 1 / (1 - r)) and not _values_are(o["train"], x, 1.0)


def _new_mask_in_backward(e: Evidence) -> bool:
    o, x, r = _outputs(e), e.inputs["x"], e.inputs["ratio"]
    dx = as_array(o.get("backward"))
    return (dx is not None and dx.shape == x.shape and abs(_share(dx) - (1 - r)) < SHARE_TOLERANCE
            and not np.array_equal(dx != 0, as_array(o["train"]) != 0))


def _no_test_scaling(e: Evidence) -> bool:
    return _close(_outputs(e).get("test"), e.inputs["x"])


def _test_scaled_by_ratio(e: Evidence) -> bool:
    """Only where the ratio tells the two apart: at 0.5, x·ratio is the right x·(1 − ratio)."""
    x, r = e.inputs["x"], e.inputs["ratio"]
    return not _close(x * r, x * (1 - r)) and _close(_outputs(e).get("test"), x * r)


def _mask_reused(e: Evidence) -> bool:
    """Two training forwards dropped exactly the same elements: the mask was drawn once."""
    trains = e.inputs.get("trains", [])
    return len(trains) >= 2 and all(as_array(t) is not None for t in trains) and \
        np.array_equal(as_array(trains[0]) != 0, as_array(trains[1]) != 0)


def _drops_at_test_time(e: Evidence) -> bool:
    test, x = _outputs(e).get("test"), e.inputs["x"]
    return test is not None and _values_are(test, x, 1.0) and 0 < _share(test) < 1


def _ratio_is_kept_share(e: Evidence) -> bool:
    train, r = _outputs(e)["train"], e.inputs["ratio"]
    return abs(_share(train) - r) < SHARE_TOLERANCE and abs(r - 0.5) > SHARE_TOLERANCE


def _close(a: Any, b: np.ndarray) -> bool:
    a = as_array(a)
    return a is not None and a.shape == b.shape and bool(np.allclose(a, b))


DROPOUT = value_of("dropout")  # what the layer did over its script of calls

MISCONCEPTIONS = (
    Misconception("dropout.mask_reused", DROPOUT, "hint.dropout_mask_reused", _mask_reused,
                  "two training forwards drop the very same elements: the mask drawn once and kept"),
    Misconception("dropout.inverted", DROPOUT, "hint.dropout_inverted", _inverted,
                  "training outputs are 0 or x/(1 − ratio), test mode returns x: inverted dropout"),
    Misconception("dropout.new_mask_in_backward", DROPOUT, "hint.dropout_new_mask", _new_mask_in_backward,
                  "backward keeps the right share, but not the elements the forward kept: a new mask"),
    Misconception("dropout.ratio_is_kept_share", DROPOUT, "hint.dropout_ratio_kept", _ratio_is_kept_share,
                  "the share kept in training is dropout_ratio, not 1 − dropout_ratio"),
    Misconception("dropout.drops_at_test_time", DROPOUT, "hint.dropout_test_mask", _drops_at_test_time,
                  "test mode returns 0 or x: a mask drawn at test time too"),
    Misconception("dropout.test_scaled_by_ratio", DROPOUT, "hint.dropout_test_ratio", _test_scaled_by_ratio,
                  "test mode returns x·dropout_ratio instead of x·(1 − dropout_ratio)"),
    Misconception("dropout.no_test_scaling", DROPOUT, "hint.dropout_no_test_scaling", _no_test_scaling,
                  "test mode returns x unscaled, while training keeps 0 or x"),
)


def _x(rng: np.random.Generator) -> np.ndarray:
    """No zeros: every output element is then plainly 0 (dropped) or x (kept)."""
    return rng.uniform(0.5, 2.0, size=SHAPE) * rng.choice([-1.0, 1.0], size=SHAPE)


def _spec(rng: np.random.Generator, order: tuple[str, ...], ratio: float | None = RATIO) -> ScriptSpec:
    x, dout = _x(rng), rng.normal(size=SHAPE)
    steps = [seed(int(rng.integers(2**31)))]
    for what in order:
        if what == "train":
            steps.append(call("forward", x, label="forward (train)"))
        elif what == "test":
            steps.append(call("forward", x, train_flg=False, label="forward (test)"))
        else:
            steps.append(call("backward", dout))
    kwargs = {} if ratio is None else {"dropout_ratio": ratio}
    spec = script_spec(M, "Dropout", kwargs=kwargs, steps=steps)
    spec["order"] = list(order)
    return spec


def _named(spec: ScriptSpec, outputs: list) -> dict:
    """Each output by its role ("train", "test", "backward": the last of each)."""
    return {what: outputs[i + 1] for i, what in enumerate(spec["order"])}


def _judge(spec: ScriptSpec, outcome: ScriptOutcome) -> Verdict:
    failed = error_verdict(outcome, "Dropout")
    if failed:
        return failed
    outputs = outcome.get("outputs")
    if not isinstance(outputs, list) or len(outputs) != len(spec["steps"]):
        return Verdict.fail(("fail.type", {"what": "Dropout", "inputs": "", "actual": show(outputs)}))
    ratio = spec["kwargs"].get("dropout_ratio", 0.5)
    x = spec["steps"][1]["args"][0]
    dout = next(s["args"][0] for s in spec["steps"] if s["do"] == "call" and s["method"] == "backward") \
        if "backward" in spec["order"] else None
    named = _named(spec, outputs)
    trains = [outputs[i + 1] for i, what in enumerate(spec["order"]) if what == "train"]
    evidence = Evidence(None, {"x": x, "ratio": ratio, "outputs": named, "trains": trains})
    failure = _first_failure(spec, named, x, dout, ratio, trains)
    if failure is None:
        return with_warnings(Verdict.ok(), outcome)
    return with_warnings(Verdict.fail(failure, *diagnose(MISCONCEPTIONS, DROPOUT, evidence)), outcome)


def _first_failure(spec: ScriptSpec, named: dict, x: np.ndarray, dout: np.ndarray | None, ratio: float,
                   trains: list = ()):
    where = describe_step(spec, len(spec["steps"]) - 1)
    if len(trains) >= 2 and _mask_reused(Evidence(None, {"trains": trains})):
        return ("fail.dropout_same_mask", {"inputs": where})
    train = named.get("train")
    if train is not None:
        if not _values_are(train, x, 1.0):
            return ("fail.dropout_values", {"inputs": where})
        share = _share(train)
        if abs(share - (1 - ratio)) >= SHARE_TOLERANCE:
            return ("fail.dropout_share", {"inputs": where, "share": f"{share:.3f}", "expected": f"{1 - ratio:.3f}"})
    if "test" in named:
        verdict = compare(named["test"], x * (1 - ratio), inputs=where, what="Dropout.forward(x, train_flg=False)")
        if not verdict.passed:
            return verdict.messages[0]
    if "backward" in named:
        expected = dout * (as_array(train) != 0)
        verdict = compare(named["backward"], expected, inputs=where, what="Dropout.backward")
        if not verdict.passed:
            return ("fail.dropout_backward", {"inputs": where})
    return None


def declare() -> Topic:
    topic = Topic("dropout")
    cases = {
        "train_mask": (2, ("train",), RATIO),
        "backward_same_mask": (2, ("train", "backward"), RATIO),
        "test_mode": (1, ("train", "test"), RATIO),
        "train_then_test_then_backward": (1, ("train", "test", "backward"), RATIO),
        "default_ratio": (1, ("train", "test", "backward"), None),
        # every training forward draws a new mask: 3 000 elements kept alike twice by chance: never
        "new_mask_each_forward": (1, ("train", "train", "backward"), RATIO),
    }
    for name, (points, order, ratio) in cases.items():
        topic.add(name, points, lambda rng, order=order, ratio=ratio: _spec(rng, order, ratio), _judge)
    return topic
