"""Every spec the grader sends and every outcome it receives is what grader/boundary/wire_types.py
declares, and nothing else: every topic through the real boundary (no sandbox, and bubblewrap),
and the quiz's code answers.

Graded: the solutions, the blank exercises, and a submission of the mistakes that make the
rarer outcomes (an error with where training stopped, a constructor that raises, a missing
function, an import that fails, printed output, warnings). Which declaration applies is read
from the probe the spec names: its signature (``def call(get, spec: CallSpec) -> CallOutcome``)
is the one place that pairs them. A key a builder or a probe adds without declaring it, a
declared required key left out, or a value of another type fails here, named by topic, check
and path.
"""
from __future__ import annotations

import functools
import shutil
import types
import typing
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from grader.boundary import bwrap, wire, wire_types
from grader.boundary.child import probe_of
from grader.boundary.runner import TopicRequest, decode_outcome
from grader.topics import registry

ROOT = Path(__file__).resolve().parents[1]
needs_bwrap = pytest.mark.skipif(bwrap.find_bwrap() is None, reason="bubblewrap is not installed")


# ---------------------------------------------------------------------------------------
# Whether a value is of a declared type


def problems(value: Any, hint: Any, where: str) -> list[str]:
    """What in ``value`` does not fit ``hint`` (a TypedDict or a typing form), by path."""
    if hint is Any:
        return []
    if typing.is_typeddict(hint):
        return _typed_dict_problems(value, hint, where)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        found = [problems(value, option, where) for option in args]
        return [] if any(not p for p in found) else [f"{where}: {_show(value)} is none of {hint}"]
    if origin is typing.Literal:
        return [] if value in args else [f"{where}: {value!r} is not one of {args}"]
    if origin is list:
        if type(value) is not list:
            return [f"{where}: {_show(value)} is not a list"]
        return [p for i, item in enumerate(value) for p in problems(item, args[0], f"{where}[{i}]")]
    if origin is tuple:
        if type(value) is not tuple:
            return [f"{where}: {_show(value)} is not a tuple"]
        items = args[:1] * len(value) if len(args) == 2 and args[1] is Ellipsis else args
        if len(items) != len(value):
            return [f"{where}: {len(value)} items, not {len(items)}"]
        return [p for i, (item, h) in enumerate(zip(value, items)) for p in problems(item, h, f"{where}[{i}]")]
    if origin is dict:
        if type(value) is not dict:
            return [f"{where}: {_show(value)} is not a dict"]
        return [p for k, v in value.items()
                for p in [*problems(k, args[0], f"{where} key"), *problems(v, args[1], f"{where}[{k!r}]")]]
    return [] if _is_instance(value, hint) else [f"{where}: {_show(value)} is not {getattr(hint, '__name__', hint)}"]


def _typed_dict_problems(value: Any, declared: type, where: str) -> list[str]:
    if type(value) is not dict:
        return [f"{where}: {_show(value)} is not a dict ({declared.__name__})"]
    hints = typing.get_type_hints(declared)
    found = [f"{where}: {key!r} is not declared in {declared.__name__}" for key in value if key not in hints]
    found += [f"{where}: {key!r}, required by {declared.__name__}, is missing"
              for key in sorted(declared.__required_keys__ - value.keys())]
    for key, item in value.items():
        if key in hints:
            found += problems(item, hints[key], f"{where}[{key!r}]")
    return found


def _is_instance(value: Any, hint: Any) -> bool:
    if hint is type(None):
        return value is None
    if hint is float:  # an int is a float where a float is declared (PEP 484), a bool is not
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _show(value: Any) -> str:
    return f"{type(value).__name__} {str(value)[:60]!r}"


def test_the_checker_itself_finds_what_does_not_fit() -> None:
    good = {"probe": "grader.topics.families.probes:call", "module": "functions", "func": "relu",
            "args": [np.zeros(3)], "names": ["x"]}
    assert problems(good, wire_types.CallSpec, "spec") == []
    assert problems({**good, "kwargs": {}}, wire_types.CallSpec, "spec") == [
        "spec: 'kwargs' is not declared in CallSpec"]
    assert problems({k: v for k, v in good.items() if k != "names"}, wire_types.CallSpec, "spec") == [
        "spec: 'names', required by CallSpec, is missing"]
    assert problems({**good, "helpers": "relu"}, wire_types.CallSpec, "spec") == [
        "spec['helpers']: str 'relu' is not a list"]
    assert problems({"error": {"kind": "blank"}, "warnings": []}, wire_types.CallOutcome, "o") == []
    assert problems({"error": {"kind": "no such"}}, wire_types.CallOutcome, "o") != []
    assert problems({"steps": [{"do": "seed", "seed": 1.5}]}, dict[str, list[wire_types.Step]], "s") != []
    assert problems([(1, 2)], list[tuple[Any, ...]], "r") == []
    assert problems([[1, 2]], list[tuple[Any, ...]], "r") == ["r[0]: list '[1, 2]' is not a tuple"]


# ---------------------------------------------------------------------------------------
# What crosses the boundary, recorded where the grader sends and receives it


class Seen:
    """Every spec sent and every outcome received by run_topics, by (topic, check)."""

    def __init__(self) -> None:
        self.specs: list[tuple[str, str, dict]] = []
        self.outcomes: list[tuple[str, str, dict, dict]] = []  # with the spec it answers

    def wrap(self, real: Callable) -> Callable:
        @functools.wraps(real)
        def run_topics(submission: Path, topics: list[TopicRequest], *args: Any, **kwargs: Any):
            received = []
            try:
                for event in real(submission, topics, *args, **kwargs):
                    if event.kind == "outcome":
                        decoded = kwargs.get("decode", True)
                        received.append((event.topic, event.check,
                                         event.outcome if decoded else decode_outcome(event.raw)))
                    yield event
            finally:  # the specs are built by now, as they were sent (TopicRequest keeps them)
                sent = {(topic.name, name): spec for topic in topics for name, spec in topic.checks}
                self.specs += [(topic, check, spec) for (topic, check), spec in sent.items()]
                self.outcomes += [(topic, check, sent[(topic, check)], outcome)
                                  for topic, check, outcome in received]
        return run_topics

    def problems(self) -> list[str]:
        found = []
        for topic, check, spec in self.specs:
            spec_type, _ = declared(spec)
            found += problems(spec, spec_type, f"{topic}/{check} spec")
            # as the child reads it, after the wire: the same declaration holds
            found += problems(wire.decode(wire.encode(spec)), spec_type, f"{topic}/{check} spec as sent")
        for topic, check, spec, outcome in self.outcomes:
            _, outcome_type = declared(spec)
            found += problems(outcome, outcome_type, f"{topic}/{check} outcome")
        return found


def declared(spec: dict) -> tuple[type, type]:
    """The spec and outcome types of the probe ``spec`` names, from the probe's own signature."""
    hints = typing.get_type_hints(probe_of(spec))
    return hints["spec"], hints["return"]


def test_every_probe_declares_its_spec_and_outcome() -> None:
    probes = {check.build(np.random.default_rng(0))["probe"]
              for name in registry.names() for check in registry.declare(name).checks}
    probes.add("grader.quiz.code_probe:answer")
    for probe in sorted(probes):
        spec_type, outcome_type = declared({"probe": probe})
        assert issubclass(spec_type, dict) and typing.is_typeddict(spec_type), probe
        assert wire_types.Spec.__annotations__.keys() <= spec_type.__annotations__.keys(), probe
        assert typing.is_typeddict(outcome_type), probe
        assert wire_types.Outcome.__annotations__.keys() <= outcome_type.__annotations__.keys(), probe


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> Seen:
    from grader.grading import engine, warm
    from grader.quiz import sandbox

    recorder = Seen()
    for module in (engine, warm, sandbox):  # grader check, grader watch (batch's servers), quizzes
        monkeypatch.setattr(module, "run_topics", recorder.wrap(module.run_topics))
    return recorder


# Mistakes that make the outcomes a right or blank submission never sends.
MISTAKES = {
    "functions.py": [
        ("def relu(x):\n", "def relu(x):\n    print('relu was called')\n"),  # printed
        ("def sigmoid(x):\n", "def sigmoid(x):\n    np.exp(np.full(2, 1000.0))\n"),  # a warning
        ("def mean_squared_error(", "def mean_squared_error_renamed("),  # missing
    ],
    "network.py": [("def forward(network, x):\n", "def forward(network, x):\n    raise ValueError('no')\n")],
    "optimizers.py": [("    def __init__(self, learning_rate=0.01, momentum=0.9):\n",  # Momentum's, the first
                       "    def __init__(self, learning_rate=0.01, momentum=0.9):\n        raise ValueError('no')\n")],
}


def _mistaken(folder: Path) -> Path:
    shutil.copytree(ROOT / "solutions", folder)
    for file, edits in MISTAKES.items():
        path = folder / file
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, (file, old)
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    with open(folder / "cnn.py", "a", encoding="utf-8") as cnn:  # cnn_training stops in Pooling.forward
        cnn.write("\n\ndef _raising(self, x):\n    raise ValueError('no')\n\n\nPooling.forward = _raising\n")
    (folder / "batch_norm.py").write_text("def broken(:\n", encoding="utf-8")  # an import error
    return folder


def _graded(seen: Seen, submission: Path, sandbox: str = "none") -> None:
    from grader.grading.engine import grade

    results = grade(submission, list(registry.names()), sandbox=sandbox)
    assert results and {r.topic for r in results} == set(registry.names())
    every = {(c.topic, c.name) for name in registry.names() for c in registry.declare(name).checks}
    assert {(t, c) for t, c, _ in seen.specs} == every
    assert {(t, c) for t, c, _, _ in seen.outcomes} == every  # every check came back with values or an error


def test_solutions_send_and_receive_what_is_declared(seen: Seen) -> None:
    _graded(seen, ROOT / "solutions")
    assert not any("error" in outcome for _, _, _, outcome in seen.outcomes)
    assert seen.problems() == []


@needs_bwrap
def test_inside_bubblewrap_too(seen: Seen) -> None:
    _graded(seen, ROOT / "solutions", sandbox="bwrap")
    assert seen.problems() == []


def test_through_a_forking_server_with_a_plan_too(seen: Seen) -> None:
    """`grader watch` and `grader batch`: the server decodes every spec once from its plan file,
    the children are sent topic names only, and the outcomes stay encoded until judged."""
    from grader.grading.defaults import DEFAULT_SEED
    from grader.grading.warm import grader_for

    topics = list(registry.names())
    watch = grader_for(ROOT / "solutions", topics, seed=DEFAULT_SEED, time_limit=60.0)
    try:
        results = watch.grade(topics)
    finally:
        watch.close()
    assert results and all(r.passed for r in results)
    assert len(seen.outcomes) == len(results) and seen.problems() == []


def test_blank_exercises_send_and_receive_what_is_declared(seen: Seen) -> None:
    _graded(seen, ROOT / "exercises")
    kinds = {outcome["error"]["kind"] for _, _, _, outcome in seen.outcomes if "error" in outcome}
    assert "blank" in kinds
    assert seen.problems() == []


def test_mistakes_send_and_receive_what_is_declared(seen: Seen, tmp_path: Path) -> None:
    _graded(seen, _mistaken(tmp_path / "submission"))
    outcomes = {(topic, check): outcome for topic, check, _, outcome in seen.outcomes}
    keys = {key for outcome in outcomes.values() for key in outcome}
    error_keys = {key for outcome in outcomes.values() for key in outcome.get("error", {})}
    kinds = {outcome["error"]["kind"] for outcome in outcomes.values() if "error" in outcome}
    assert {"printed", "stage", "warnings"} <= keys  # each rarer part of an outcome was sent
    assert any(outcome["warnings"] for outcome in outcomes.values())
    assert {"missing", "exception", "syntax"} <= kinds
    assert {"phase", "type", "message", "module", "file", "line", "code", "function"} <= error_keys
    assert seen.problems() == []


def test_quiz_code_answers_send_and_receive_what_is_declared(seen: Seen) -> None:
    from grader.quiz.sandbox import run_code_answer

    assert run_code_answer("x = np.arange(3)", "x * 2", "x * 2", compare=None).student["ok"]
    assert not run_code_answer("x = np.arange(3)", "x * 2", "y * 2", compare=None).student["ok"]
    assert not run_code_answer("x = np.arange(3)", "z = x", "z = x +", compare=["z"]).student["ok"]
    assert not run_code_answer("x = np.arange(3)", "z = x", "w = x", compare=["z"]).student["ok"]
    sent = {key for _, _, _, outcome in seen.outcomes for key in outcome}
    assert {"value", "answer_error", "warnings"} <= sent
    assert len(seen.specs) == len(seen.outcomes) == 4 * 3  # four answers, three seeds each
    assert seen.problems() == []


def test_the_request_frame_is_what_is_declared() -> None:
    from grader.boundary.runner import encoded_request
    from grader.grading.engine import Plan

    plan = Plan(0)
    request = encoded_request([TopicRequest(name, plan.inputs(name)) for name in ("softmax", "layers")],
                              hung=["functions"])
    assert problems(request, wire_types.Request, "request") == []
    assert problems({"plan": ["softmax"], "hung": []}, wire_types.Request, "planned request") == []


def test_every_declared_error_kind_has_its_message_and_no_other() -> None:
    from grader.judging.compare import ERROR_KEYS

    assert set(ERROR_KEYS) == set(typing.get_args(wire_types.ErrorKind))
