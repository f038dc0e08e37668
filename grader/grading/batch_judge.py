"""Judging a whole class against the same inputs, each expected value computed once.

Every submission of a batch gets the same inputs (one seed), so the reference's answer
to each input is the same for every student. Two caches make that count:

* the reference's pure functions are memoised by the bytes of their arguments, so
  however many students a check judges, the reference runs once per input set;
* a verdict is remembered by the hash of the exact bytes the child sent: every student
  whose code returns the same values (each correct copy, each untouched blank) gets the
  verdict of the first without a second decoding or judging. The hash is taken here, in
  the parent, of what arrived, so a child cannot claim someone else's verdict.

The verdicts are the ones ``grader check`` gives: the same checks, judges and seed.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import importlib
import threading
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from grader.judging.checks import Check, Verdict, check_rng
from grader.grading.engine import DEFAULT_SEED, LostFunctions, Result, hint_of, judge_safely, lost, settled_results
from grader.boundary.runner import Event, TopicRequest, decode_outcome
from grader.boundary.wire_types import Spec

# Reference functions that neither keep state nor change their arguments: safe to
# answer from memory. (sgd_update works in place; numerical_gradient calls back;
# iterate_minibatches and the initialisers draw from a generator: never memoised.)
PURE_REFERENCE = {
    "reference.functions": ("step_function", "sigmoid", "d_sigmoid", "relu", "d_relu", "softmax",
                            "mean_squared_error", "d_mean_squared_error", "labels_of",
                            "cross_entropy_error"),
    "reference.network": ("forward", "backward"),
    "reference.batch_norm": ("batchnorm_forward", "batchnorm_backward"),
    "reference.minibatch": ("get_minibatch",),
}
MEMO_LIMIT = 20_000  # answers kept per function: a class never needs more
_memo_lock = threading.Lock()


class _Unkeyable(Exception):
    pass


def _key(value: Any) -> Any:
    """A hashable stand-in for ``value`` that two equal inputs share, bit for bit."""
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise _Unkeyable
        return ("nd", value.dtype.str, value.shape, np.ascontiguousarray(value).tobytes())
    if isinstance(value, np.generic):
        return ("np", value.dtype.str, value.tobytes())
    if type(value) is float:
        return ("float", value.hex())  # -0.0 and 0.0 are equal, but not the same input
    if value is None or type(value) in (bool, int, str):
        return (type(value).__name__, value)
    if type(value) in (tuple, list):
        return (type(value).__name__, tuple(_key(v) for v in value))
    if type(value) is dict:
        return ("dict", tuple((k, _key(v)) for k, v in value.items()))
    raise _Unkeyable


def memoised(function: Callable) -> Callable:
    """``function`` answering repeated inputs from memory, with a fresh copy each time."""
    answers: dict[Any, Any] = {}

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            key = (_key(args), _key(kwargs))
        except _Unkeyable:
            return function(*args, **kwargs)
        if key not in answers:
            result = function(*args, **kwargs)
            with _memo_lock:
                if len(answers) < MEMO_LIMIT:
                    answers[key] = result
            return copy.deepcopy(result)
        return copy.deepcopy(answers[key])

    wrapper.__memoised__ = True  # type: ignore[attr-defined]
    return wrapper


def memoise_reference() -> None:
    """Replace the reference's pure functions by memoised ones, in this process only.

    Must run before ``grader.topics`` is imported: some topics bind reference functions
    by name at import time."""
    for module_name, names in PURE_REFERENCE.items():
        module = importlib.import_module(module_name)
        for name in names:
            function = getattr(module, name, None)
            if callable(function) and not getattr(function, "__memoised__", False):
                setattr(module, name, memoised(function))


class BatchJudge:
    """The checks of a batch, their inputs, and the verdicts seen so far."""

    def __init__(self, topic_names: list[str], seed: int = DEFAULT_SEED) -> None:
        memoise_reference()
        from grader.topics.registry import declare

        topics = [declare(name) for name in topic_names]
        self.checks: dict[tuple[str, str], Check] = {(c.topic, c.name): c for t in topics for c in t.checks}
        self.specs: dict[tuple[str, str], Spec] = {key: c.build(check_rng(seed, c.topic, c.name))
                                                   for key, c in self.checks.items()}
        self.requests = [TopicRequest(t.name, [(c.name, self.specs[(t.name, c.name)]) for c in t.checks])
                         for t in topics]
        self.topic_names = [t.name for t in topics]
        self._verdicts: dict[tuple[str, str, bytes], Verdict] = {}
        self.hits = self.misses = 0

    def verdict(self, event: Event) -> Verdict:
        """The verdict on one outcome event (encoded, with the digest of its frame)."""
        check = self.checks[(event.topic, event.check)]
        key = (event.topic, event.check, event.digest or _digest(event.raw))
        cached = self._verdicts.get(key)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        spec = copy.deepcopy(self.specs[(check.topic, check.name)])  # a judge must not change it
        verdict = judge_safely(check, spec, decode_outcome(event.raw))
        self._verdicts[key] = verdict
        return verdict

    def results(self, events: Iterable[Event], lost_in: LostFunctions | None = None) -> list[Result]:
        """One result per check, in declaration order: ``grader check``'s list. ``lost_in``:
        the functions that hung or died in their own topic (the ``keep`` of the events' run)."""
        verdicts: dict[tuple[str, str], Verdict] = {}
        lost_in = lost_in or LostFunctions()
        events_seen = []
        for event in events:
            events_seen.append(event)
            if event.kind == "outcome" and (event.topic, event.check) in self.checks:
                verdicts[(event.topic, event.check)] = self.verdict(event)
            elif event.kind in ("timeout", "died", "skipped"):
                lost_in.lose(event, [c for c in self.checks.values() if c.topic == event.topic], verdicts)
        outcomes = {(e.topic, e.check): (e.digest or _digest(e.raw)).hex()[:16]
                    for e in events_seen if e.kind == "outcome"}
        keys = list(self.checks)
        judged = [(check, verdicts.get(key) or lost(Event("died", topic=check.topic))) for key, check in self.checks.items()]
        return settled_results(judged, lambda check, verdict, i: _result(check, verdict, outcomes.get(keys[i])))

    def failing_everything(self, message: tuple[str, dict]) -> list[Result]:
        """Every check failed for one reason (a submission that cannot even be staged)."""
        verdict = Verdict.fail(message)
        return [_result(check, verdict) for check in self.checks.values()]

    def plan_file(self, path: Path) -> Path:
        """Every check's encoded inputs, once, for the forking servers to decode once."""
        from grader.boundary import wire
        from grader.boundary.runner import encoded_request

        with open(path, "wb") as stream:
            wire.send(stream, encoded_request(self.requests))
        path.chmod(0o644)
        return path


def _digest(raw: Any) -> bytes:
    import json

    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).digest()


def _result(check: Check, verdict: Verdict, outcome: str | None = None) -> Result:
    return Result(check.topic, check.name, verdict.passed, check.points if verdict.passed else 0.0,
                  check.points, verdict.messages, hint_of(check.topic, verdict.messages), outcome)
