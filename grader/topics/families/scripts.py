"""Parent side of the stateful topics: the same script run on the reference's class, compared
step by step; a wrong output is named by its step, and mistaken classes explain it.

A misconception about a class is itself a class: the reference's with the mistake in it
(a subclass in the topic's checks.py). ``behaves_like`` recognises it by running the same
script on that class and finding the student's output at the first differing step.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from grader.boundary.wire_types import CallStep, ChangeStep, ReadStep, ScriptOutcome, ScriptSpec, SeedStep, Step
from grader.judging.checks import Topic, Verdict
from grader.judging.compare import compare, error_verdict, show, with_warnings
from grader.judging.misconceptions import Evidence, Misconception, diagnose, raised_by, value_of
from grader.topics.families.objects import perform

PROBE = "grader.topics.families.objects:script"


def script_spec(module: str, cls: str, args: Sequence = (), steps: Sequence[Step] = (),
                kwargs: dict | None = None, inject: Sequence[str] = ()) -> ScriptSpec:
    return {"probe": PROBE, "module": module, "cls": cls, "args": list(args), "kwargs": dict(kwargs or {}),
            "steps": list(steps), "inject": list(inject)}


def call(method: str, *args: Any, label: str = "", **kwargs: Any) -> CallStep:
    return {"do": "call", "method": method, "args": list(args), "kwargs": kwargs, "label": label or method}


def read(attr: str) -> ReadStep:
    return {"do": "read", "attr": attr, "label": attr}


def change(arg: int, value: Any) -> ChangeStep:
    return {"do": "change", "arg": arg, "value": value}


def seed(value: int) -> SeedStep:
    return {"do": "seed", "seed": value}


def judged_steps(spec: ScriptSpec) -> list[int]:
    return [i for i, step in enumerate(spec["steps"]) if step["do"] in ("call", "read")]


def describe_step(spec: ScriptSpec, index: int) -> str:
    """'Affine(W, b): forward(x) → backward(dout) → dW', up to the step named."""
    done = []
    for step in spec["steps"][:index + 1]:
        if step["do"] == "call":
            done.append(f"{step['method']}({_arguments(step['args'], step['kwargs'])})")
        elif step["do"] == "read":
            done.append(f".{step['attr']}")
        elif step["do"] == "change":
            done.append(f"(argument {step['arg']} changed in place)")
        elif step["do"] == "seed":
            done.append(f"np.random.seed({step['seed']})")
    return f"{spec['cls']}({_arguments(spec['args'], spec['kwargs'])}): " + " → ".join(done)


def _arguments(args: Sequence, kwargs: dict) -> str:
    return ", ".join([*(show_shape(a) for a in args), *(f"{k}={v!r}" for k, v in kwargs.items())])


def show_shape(value: Any) -> str:
    shape = getattr(value, "shape", None)
    return f"array{tuple(shape)}" if shape is not None else show(value, 40)


@dataclass(frozen=True)
class Tolerance:
    rtol: float = 1e-6
    atol: float = 1e-8


def judge_script(spec: ScriptSpec, outcome: ScriptOutcome, reference_cls: type, misconceptions: Sequence[Misconception],
                 given: dict | None = None, tolerance: Tolerance = Tolerance(),
                 steps: Sequence[int] | None = None) -> Verdict:
    """Each judged step's output against the reference class's on the same script; the first
    that differs fails the check, with the hint of the mistaken class that gives that output."""
    cls = spec["cls"]
    failed = error_verdict(outcome, cls)
    if failed:
        hint = diagnose(misconceptions, raised_by(cls), Evidence(None, {"spec": spec, **(given or {})},
                                                                 outcome["error"]))
        return Verdict.fail(*failed.messages, *hint)
    outputs = outcome.get("outputs")
    if not isinstance(outputs, list) or len(outputs) != len(spec["steps"]):
        return Verdict.fail(("fail.type", {"what": cls, "inputs": "", "actual": show(outputs)}))
    expected = perform(reference_cls, spec)
    for index in (judged_steps(spec) if steps is None else steps):
        step = spec["steps"][index]
        evidence = {"spec": spec, "step": index, "outputs": outputs, **(given or {})}
        verdict = compare(outputs[index], expected[index], inputs=describe_step(spec, index),
                          what=f"{cls}.{step['label']}", rtol=tolerance.rtol, atol=tolerance.atol,
                          diagnose=lambda actual, evidence=evidence: diagnose(
                              misconceptions, value_of(cls), Evidence(actual, evidence)))
        if not verdict.passed:
            return with_warnings(verdict, outcome)
    return with_warnings(Verdict.ok(), outcome)


def behaves_like(mistaken: Callable[[], type] | type, rtol: float = 1e-6, atol: float = 1e-8):
    """A recogniser: the student's output at the differing step is the mistaken class's there."""
    from grader.judging.compare import same

    def recognise(e: Evidence) -> bool:
        spec, index = e.inputs["spec"], e.inputs["step"]
        cls = mistaken if isinstance(mistaken, type) else mistaken()
        return same(e.actual, perform(cls, spec)[index], rtol=rtol, atol=atol)
    return recognise


def script_topic(name: str, cases: dict[str, tuple], make_spec: Callable[..., ScriptSpec], reference_cls: type,
                 misconceptions: Sequence[Misconception]) -> Topic:
    """A topic of one class's scripts: each case ``name: (points, *arguments)`` is a check
    whose spec is ``make_spec(rng, *arguments)``, judged against ``reference_cls``."""
    topic = Topic(name)

    def judge(spec: ScriptSpec, outcome: ScriptOutcome) -> Verdict:
        return judge_script(spec, outcome, reference_cls, misconceptions)

    for case, (points, *arguments) in cases.items():
        topic.add(case, points, lambda rng, arguments=arguments: make_spec(rng, *arguments), judge)
    return topic
