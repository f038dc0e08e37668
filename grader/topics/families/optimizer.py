"""The optimizer topics' shared shape: trajectories of several update() calls, judged.

Each optimizer topic (sgd, momentum, adagrad, rmsprop, adam, …) declares its class, its
settings and its own mistaken update rules; the checks, the simulation of a mistake over
the same gradients and the mistakes every optimizer can make live here once.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from grader.boundary.wire_types import OptimizerOutcome, OptimizerSpec
from grader.judging import relations
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import as_array, compare, error_verdict, with_warnings
from grader.judging.misconceptions import (Evidence, Misconception, diagnose, raised_by, updated_in_place_by,
                                           value_of)
from grader.topics.families.in_place import changed_in_place, rebound
from reference import optimizers as ref

PROBE = "grader.topics.families.optimizer_probe:optimizer"


EPS = 1e-7


STEPS = 5

# The parts of an optimizer check its misconceptions are about: the parameters after each
# update (or the error a constructor or update raised), and the arrays the caller holds.
TRAJECTORY = value_of("trajectory")
UPDATED = updated_in_place_by("update")


# A mistaken update: (state of one key, w, g, hyper-parameters, t) -> new w.
Step = Callable[[dict, np.ndarray, np.ndarray, dict, int], np.ndarray]


def root(h: np.ndarray, hp: dict) -> np.ndarray:
    """√h + ε, where the contract places ε; the ε family of mistakes moves it (``eps_form``)."""
    form = hp.get("eps_form", "outside")
    if form == "inside":
        return np.sqrt(h + EPS)
    return np.sqrt(h) if form == "none" else np.sqrt(h) + EPS


def simulate(step: Step, params: dict, grads: list[dict], hp: dict, shared_state: bool = False,
             keep_state: bool = True, negate: bool = False) -> list[dict]:
    """Parameters after each update when every key's update is ``step``: with one state per
    key (correct), one state for all keys (``shared_state``), or a state forgotten after
    every call (``keep_state=False``); ``negate``: the update taken along +gradient."""
    if negate:
        grads = [{k: -g for k, g in step_grads.items()} for step_grads in grads]
    params = {k: v.copy() for k, v in params.items()}
    shared: dict = {}
    states: dict[str, dict] = {k: shared if shared_state else {} for k in params}
    seen = []
    for t, g in enumerate(grads, start=1):
        if not keep_state:
            states = {k: {} for k in params}
        for key in params:
            params[key] = step(states[key], params[key], g[key], hp, t)
        seen.append({k: v.copy() for k, v in params.items()})
    return seen


def same_trajectory(actual, expected: list[dict]) -> bool:
    """Every update's parameters agree (nan where the mistake gives nan counts as agreeing)."""
    if not isinstance(actual, list) or len(actual) != len(expected):
        return False
    for got, want in zip(actual, expected):
        for key, value in want.items():
            array = as_array(got.get(key)) if isinstance(got, dict) else None
            if array is None or array.shape != value.shape or not np.allclose(
                    array.astype(float), value, rtol=1e-4, atol=1e-7, equal_nan=True):
                return False
    return True


def follows(step: Step, **how) -> Callable[[Evidence], bool]:
    """A recogniser: the student's trajectory is the one ``step`` makes (on the same inputs)."""
    return follows_fresh(lambda: step, **how)


def follows_fresh(make_step: Callable[[], Step], hp_extra: dict | None = None, **how) -> Callable[[Evidence], bool]:
    """The same, for a mistaken step that counts its own calls (a fresh one per trajectory)."""
    def recognise(e: Evidence) -> bool:
        return same_trajectory(e.actual, simulate(make_step(), e.inputs["params"], e.inputs["grads"],
                                                  {**e.inputs["hp"], **(hp_extra or {})}, **how))
    return recognise


def _state_family(cls: str, rule: Step, eps: tuple[str, ...], counts_steps: bool) -> list[tuple]:
    """The mistakes every optimizer with state can make, simulated from its correct rule:
    (name, hint key, recogniser, evidence)."""
    family = [
        ("sign", "hint.update_sign", follows(rule, negate=True), "every update along +gradient"),
        ("state_shared", "hint.state_shared", follows(rule, shared_state=True),
         "equal shapes: one state for all keys; different shapes crash"),
        ("state_not_kept", "hint.state_not_kept", follows(rule, keep_state=False),
         "the state starts from zero at every call"),
    ]
    if "none" in eps:
        family.append(("eps_missing", "hint.eps_missing", follows_fresh(lambda: rule, {"eps_form": "none"}),
                       "nan where a gradient is exactly 0: no ε in the denominator"))
    if "inside" in eps:
        family.append(("eps_inside", "hint.eps_inside", follows_fresh(lambda: rule, {"eps_form": "inside"}),
                       "√(h + ε) instead of √h + ε: shows with gradients of 1e-4"))
    if counts_steps:
        family.append(("step_counter_fixed", "hint.step_counter", follows(lambda s, w, g, hp, t: rule(s, w, g, hp, 1)),
                       "t stays 1: the step counter is never advanced"))
    return family


def _state_shape(e: Evidence) -> bool:
    """update() crashed on a shape: the state was made once with another key's shape (or a scalar)."""
    error = e.error or {}
    return error.get("type") == "ValueError" and any(w in error.get("message", "") for w in ("broadcast", "shape"))


def _constructor_defaults_missing(e: Evidence) -> bool:
    error = e.error or {}
    return (e.inputs.get("kwargs") == {} and error.get("type") == "TypeError"
            and "argument" in error.get("message", ""))


def _explicit_defaults_right(e: Evidence) -> bool:
    """Wrong when built with no arguments, right when given the defaults by name: the defaults are off."""
    return (e.inputs["kwargs"] == {} and e.inputs["explicit"] is not None
            and same_trajectory(e.inputs["explicit"], e.inputs["expected"]))


def family_entries(topic: str, cls: str, defaults: dict, specific: list[tuple[str, str, Callable, str]],
                   rule: Step | None = None, eps: tuple[str, ...] = (),
                   counts_steps: bool = False, same_as_own: tuple[str, ...] = ()) -> tuple[Misconception, ...]:
    """A topic's own mistakes, then the ones every optimizer can make: with state (``rule``,
    its correct per-key update) the whole family of state mistakes and the update's sign,
    ε left out or moved (``eps``: "none", "inside"), a step counter never advanced; for all,
    the defaults, a constructor that needs arguments, a state of the wrong shape, not in place.
    ``same_as_own``: family members that make the same trajectory as one of the topic's own
    (AdaGrad's state forgotten is its h replaced): its own, more specific hint stands."""
    entries = [Misconception(f"{topic}.{name}", TRAJECTORY, key, recognise, evidence)
               for name, key, recognise, evidence in specific]
    own = {name for name, *_ in specific} | set(same_as_own)
    entries += [Misconception(f"{topic}.{name}", TRAJECTORY, key, recognise, evidence, fields=lambda e: {"cls": cls})
                for name, key, recognise, evidence in (_state_family(cls, rule, eps, counts_steps) if rule else [])
                if name not in own]
    entries.append(Misconception(f"{topic}.constructor_defaults", raised_by("trajectory"), "hint.constructor_defaults",
                                 _constructor_defaults_missing, f"{cls}() raises TypeError: a parameter without its default",
                                 fields=lambda e: {"cls": cls, "defaults": defaults}))
    if rule is not None:
        entries.append(Misconception(f"{topic}.state_shape", raised_by("trajectory"), "hint.state_shared", _state_shape,
                                     "update() raises a shape error: the state made with one key's shape for all"))
    entries.append(Misconception(f"{topic}.defaults", TRAJECTORY, "hint.optimizer_defaults",
                                 _explicit_defaults_right,
                                 f"{cls}() goes wrong, {cls}(**the course's defaults) is right",
                                 fields=lambda e: {"cls": cls, "defaults": defaults}))
    entries.append(Misconception(f"{topic}.not_in_place", UPDATED, "hint.not_in_place", rebound,
                                 "new arrays in the dict, the caller's arrays unchanged"))
    return tuple(entries)


def reference_trajectory(cls: str, params: dict, grads: list[dict], hp: dict) -> list[dict]:
    optimizer = getattr(ref, cls)(**hp)
    params = {k: v.copy() for k, v in params.items()}
    seen = []
    for g in grads:
        optimizer.update(params, g)
        seen.append({k: v.copy() for k, v in params.items()})
    return seen


def gradients(rng: np.random.Generator, shapes: dict, steps: int) -> list[dict]:
    """Gradients with |g| ≥ 1e-2, where both correct forms of Adam agree within tolerance."""
    grads = []
    for _ in range(steps):
        g = {}
        for key, shape in shapes.items():
            raw = rng.normal(size=shape)
            g[key] = np.sign(raw) * (0.02 + np.abs(raw))
        grads.append(g)
    return grads


def small_gradients(rng: np.random.Generator, shapes: dict, steps: int, tiny: bool) -> list[dict]:
    """Gradients with entries exactly 0 at every update (a missing ε divides 0 by 0: nan) and,
    when ``tiny``, entries of ±1e-4 (where √(h + ε) and √h + ε differ by a factor of 3)."""
    grads = gradients(rng, shapes, steps)
    for g in grads:
        for key, value in g.items():
            flat = value.reshape(-1)
            flat[::3] = 0.0
            if tiny:
                flat[1::3] = np.sign(flat[1::3]) * 1e-4
    return grads


def optimizer_topic(topic_name: str, cls: str, settings: dict, defaults: dict,
                    misconceptions: tuple[Misconception, ...], small: str = "") -> Topic:
    """Five updates with non-default settings, the defaults, same-shaped keys, in place, and
    for an optimizer that divides by √h + ε (``small``: "zeros" or "tiny") gradients that
    show where ε is."""
    topic = Topic(topic_name)
    shapes = {"W": (3, 4), "b": (4,)}
    same_shapes = {"W1": (3, 3), "W2": (3, 3)}  # shared state would not crash here: values show it

    def spec(rng: np.random.Generator, shapes: dict = shapes, kwargs: dict = settings) -> OptimizerSpec:
        params = {k: rng.normal(size=s) for k, s in shapes.items()}
        return {"probe": PROBE, "cls": cls, "kwargs": dict(kwargs), "params": params,
                "grads": gradients(rng, shapes, STEPS)}

    def defaults_spec(rng: np.random.Generator) -> OptimizerSpec:
        # The same run once more with the defaults given by name: tells wrong defaults from a wrong update.
        return {**spec(rng, kwargs={}), "explicit": dict(defaults)}

    def judge_trajectory(spec: OptimizerSpec, outcome: OptimizerOutcome) -> Verdict:
        return _judge_trajectory(spec, outcome, defaults, misconceptions)

    def judge_in_place(spec: OptimizerSpec, outcome: OptimizerOutcome) -> Verdict:
        return _judge_in_place(spec, outcome, misconceptions)

    topic.add("trajectory", 2, spec, judge_trajectory)
    topic.add("defaults", 1, defaults_spec, judge_trajectory)
    topic.add("state_per_key", 1, lambda rng: spec(rng, shapes=same_shapes), judge_trajectory)
    topic.add("in_place", 1, spec, judge_in_place)
    if small:
        def small_spec(rng: np.random.Generator) -> OptimizerSpec:
            made = spec(rng)
            if small == "tiny":  # small parameters: an update's relative error shows in them
                made["params"] = {k: v * 1e-3 for k, v in made["params"].items()}
            return {**made, "grads": small_gradients(rng, shapes, 3, tiny=small == "tiny")}
        topic.add("zero_gradients", 1, small_spec, judge_trajectory)
    return topic


def _judge_trajectory(spec: OptimizerSpec, outcome: OptimizerOutcome, defaults: dict,
                      misconceptions: tuple[Misconception, ...]) -> Verdict:
    cls = spec["cls"]
    if outcome.get("error") is not None:
        hint = diagnose(misconceptions, raised_by("trajectory"), Evidence(None, {"kwargs": spec["kwargs"]}, outcome["error"]))
        return error_verdict(outcome, f"{cls}.update", hint)
    hp = {**defaults, **spec["kwargs"]}
    expected = reference_trajectory(cls, spec["params"], spec["grads"], hp)
    actual = outcome.get("params")
    if not isinstance(actual, list) or len(actual) != len(expected):
        return Verdict.fail(("fail.type", {"what": f"{cls}.update", "inputs": "", "actual": "?"}))
    settings = ", ".join(f"{k}={v}" for k, v in spec["kwargs"].items()) or "defaults"
    evidence = Evidence(actual, {"params": spec["params"], "grads": spec["grads"], "hp": hp,
                                 "kwargs": spec["kwargs"], "explicit": outcome.get("explicit"),
                                 "expected": expected})
    for step, (got, want) in enumerate(zip(actual, expected), start=1):
        for key in want:
            verdict = compare(got.get(key) if isinstance(got, dict) else None, want[key],
                              inputs=f"{cls}({settings}), update #{step}", what=f"params['{key}']",
                              rtol=1e-4, atol=1e-7)
            if not verdict.passed:
                hint = diagnose(misconceptions, TRAJECTORY, evidence) or _related(
                    spec, actual, expected, step, key)
                return with_warnings(Verdict.fail(*verdict.messages, *hint), outcome)
    return with_warnings(Verdict.ok(), outcome)


def _related(spec: OptimizerSpec, actual: list, expected: list, step: int, key: str) -> tuple:
    """How the student's update #step of one key relates to the right one (the change made,
    not the parameters: a sign or a factor shows in the update)."""
    before = spec["params"][key] if step == 1 else expected[step - 2][key]
    got_before = spec["params"][key] if step == 1 else as_array(actual[step - 2].get(key))
    got = as_array(actual[step - 1].get(key)) if isinstance(actual[step - 1], dict) else None
    if got is None or got_before is None:
        return ()
    what = f"update #{step} of params['{key}']"
    if step > 1 and relations.close(got, before):
        return (("relation.stale", {"what": f"params['{key}'] after update #{step}"}),)
    given = {"learning_rate": spec["kwargs"].get("learning_rate", 0.0),
             **{k: v for k, v in spec["kwargs"].items() if k != "learning_rate"},
             f"grads['{key}']": np.asarray(spec["grads"][step - 1][key], dtype=float)}
    return relations.explain(got - got_before, expected[step - 1][key] - before, what, given
                             ) or _leaking(actual, expected, key)


def _leaking(actual: list, expected: list, key: str) -> tuple:
    """The first key is right at every update and a later one is not: state leaks between keys."""
    first = next(iter(expected[0]))
    if key == first or expected[0][first].shape != expected[0][key].shape:
        return ()  # only keys of one shape can share a state without a crash
    right = all(isinstance(got, dict) and relations.close(got.get(first), want[first])
                for got, want in zip(actual, expected))
    return (("relation.shared", {"what": f"params['{key}']"}),) if right else ()


def _judge_in_place(spec: OptimizerSpec, outcome: OptimizerOutcome,
                    misconceptions: tuple[Misconception, ...]) -> Verdict:
    """The arrays the caller holds must be the ones that change (whatever their values)."""
    cls = spec["cls"]
    failed = error_verdict(outcome, f"{cls}.update")
    if failed:
        return failed
    held, after = outcome.get("held"), outcome.get("params")
    if changed_in_place(spec["params"], held, after):
        return Verdict.ok()
    hint = diagnose(misconceptions, UPDATED, Evidence((held, after), {"before": spec["params"]}))
    return Verdict.fail(("fail.not_in_place", {"what": f"{cls}.update"}), *hint)
