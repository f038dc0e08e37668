"""Grading one submission: declare topics, run the checks in a child, judge each outcome."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from grader.grading.defaults import DEFAULT_SEED, DEFAULT_TIME_LIMIT  # noqa: F401 - also the engine's
from grader.judging.checks import Check, Message, Verdict, check_rng
from grader.boundary.runner import Child, Event, TopicRequest, fresh_child, run_topics
from grader.boundary.wire_types import Outcome, Spec

if TYPE_CHECKING:
    from grader.grading.sandboxed import Sandbox



@dataclass(frozen=True)
class Result:
    topic: str
    check: str
    passed: bool
    points: float
    max_points: float
    messages: tuple[Message, ...]
    hint: str | None = None  # the id of the misconception the hint names (see hint_of)
    outcome: str | None = None  # digest of the values the child sent (batch only): identical outputs


def grade(submission: Path, topic_names: list[str], seed: int = DEFAULT_SEED,
          time_limit: float = DEFAULT_TIME_LIMIT, sandbox: "str | Sandbox | None" = "none",
          notes: list | None = None) -> list[Result]:
    """One result per check of every named topic, in declaration order; ``sandbox``: "none"
    (limits only), "bwrap" (bubblewrap, or SandboxUnavailable) or "auto" (bubblewrap where it
    works), or a sandbox launched already (sandboxed.launch; None: there is none), closed here.
    The children read a staged copy of ``submission`` (:func:`grader.boundary.staging.stage`),
    never the folder itself; ``notes`` receives what the staging left out (catalogue keys
    and fields)."""
    submission = submission.resolve()
    box = None if isinstance(sandbox, str) else sandbox
    if isinstance(sandbox, str) and sandbox != "none":  # decided before the reference is imported below
        from grader.grading import sandboxed
        box = sandboxed.prepare(sandbox)
    own: StagedCopy | None = None
    try:
        # Forked before the reference is imported: the child that runs the submission without
        # bubblewrap, and under `auto` the one that stands by in case bubblewrap fails to
        # start (not needed when its server has said it is ready by now).
        standby = box is not None and box.mode == "auto" and not box.running()
        first_child = None
        if box is None or standby:
            own = StagedCopy(submission)
            first_child = Child(own.folder)
        results, staged = _grade(submission, topic_names, seed, time_limit, first_child, box, own)
        if notes is not None and staged is not None:
            notes.extend(staged.notes)
        return results
    finally:
        if box is not None:
            box.close()
        if own is not None:
            own.close()


class StagedCopy:
    """The submission staged into a temporary folder of its own, for children without a
    sandbox: they read the same files, within the same limits, as every other entry point."""

    def __init__(self, submission: Path) -> None:
        import tempfile

        from grader.boundary import staging
        from grader.boundary.environment import children_temp

        self.folder = Path(tempfile.mkdtemp(prefix="grader-staged-", dir=children_temp())) / "submission"
        self.folder.mkdir()
        self.folder.parent.chmod(0o711)  # a root grader's child is another user: it passes through
        self.collected = staging.stage(submission, self.folder)

    def close(self) -> None:
        from grader.boundary.cleanup import remove_tree

        remove_tree(self.folder.parent)


def _grade(submission: Path, topic_names: list[str], seed: int, time_limit: float,
           first_child: Child | None, box, own: "StagedCopy | None") -> tuple[list[Result], object]:
    plan = Plan(seed)
    requests = [TopicRequest(name, build=functools.partial(plan.inputs, name)) for name in topic_names]
    verdicts: dict[tuple[str, str], Verdict] = {}
    lost_in = LostFunctions()
    try:
        where, start = box.start(submission, requests, time_limit) if box else (own.folder, fresh_child)
    except BaseException:
        if first_child is not None:
            first_child.stop()  # no child or temporary folder outlives a grading that never began
        raise
    staged = own.collected if own is not None else None
    if start is None:  # bubblewrap did not start (auto): limits only, from the child standing by
        start = fresh_child
        where = own.folder if own is not None else where  # else the sandbox's staged copy
        staged = own.collected if own is not None else box.staged
    elif box is not None:
        staged = box.staged
        if first_child is not None:
            first_child.stop()  # the sandbox runs: the child standing by is not needed
            first_child = None
    # The topics' checks are declared and their inputs made as the child needs them
    # (TopicRequest.build): the child works on one topic while the next is prepared here.
    # Outcomes wait to be judged until every topic still to run has its inputs: the child
    # is never kept waiting for inputs by judging it could have been working beside.
    ended: set[str] = set()
    backlog: list[Event] = []
    for event in run_topics(where, requests, time_limit, first_child, start=start, keep=lost_in.keep):
        if event.kind == "outcome" and plan.unbuilt(topic_names, ended):
            backlog.append(event)
            continue
        if event.kind != "outcome":
            ended.add(event.topic)
        for waiting in backlog:  # in the order they came: a lost topic's verdicts after its outcomes
            _take(waiting, plan, verdicts, lost_in)
        backlog.clear()
        _take(event, plan, verdicts, lost_in)
    for waiting in backlog:
        _take(waiting, plan, verdicts, lost_in)
    return settled_results([(check, verdicts.get((name, check.name)) or lost(Event("died", topic=name)))
                            for name in topic_names for check in plan.checks(name).values()]), staged


def settled_results(judged: list[tuple[Check, Verdict]], make=None) -> list[Result]:
    """One result per (check, verdict), in order, with each topic's hints settled together
    (grader.judging.precision: a catalogue hint alone, a relation stated as a diagnosis only
    where every failing check of its function agrees)."""
    from grader.judging.precision import settle
    make = make or (lambda check, verdict, index: _result(check, verdict))
    settled: dict[int, Verdict] = {}
    for topic in dict.fromkeys(check.topic for check, _ in judged):
        indices = [i for i, (check, _) in enumerate(judged) if check.topic == topic]
        settled.update(zip(indices, settle([judged[i][1] for i in indices])))
    return [make(check, settled[i], i) for i, (check, _) in enumerate(judged)]


def _take(event: Event, plan: "Plan", verdicts: dict, lost_in: "LostFunctions") -> None:
    """One event from the child: a check's verdict, or the verdicts of a topic that was lost."""
    if event.kind == "outcome" and event.check in plan.checks(event.topic):
        check = plan.checks(event.topic)[event.check]
        verdicts[(event.topic, event.check)] = judge_safely(check, plan.spec(check), event.outcome)
    elif event.kind in ("timeout", "died", "skipped"):
        lost_in.lose(event, plan.checks(event.topic).values(), verdicts)


class Plan:
    """Each topic's checks and their inputs, made when first asked for: the child works on
    one topic while the next is being declared and its inputs generated here."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._checks: dict[str, dict[str, Check]] = {}
        self._specs: dict[tuple[str, str], Spec] = {}
        self._built: set[str] = set()  # topics whose inputs were made for the child

    def checks(self, topic: str) -> dict[str, Check]:
        if topic not in self._checks:
            from grader.topics.registry import declare
            self._checks[topic] = {c.name: c for c in declare(topic).checks}
        return self._checks[topic]

    def spec(self, check: Check) -> Spec:
        key = (check.topic, check.name)
        if key not in self._specs:
            self._specs[key] = check.build(check_rng(self.seed, check.topic, check.name))
        return self._specs[key]

    def inputs(self, topic: str) -> list[tuple[str, Spec]]:
        """What the child is sent for ``topic``."""
        made = [(name, self.spec(check)) for name, check in self.checks(topic).items()]
        self._built.add(topic)
        return made

    def unbuilt(self, topics: Iterable[str], ended: set[str]) -> bool:
        """Whether one of ``topics`` may still be sent to a child without its inputs made yet."""
        return any(t not in self._built and t not in ended for t in topics)


class LostFunctions:
    """Functions that hung or killed the child in their own topic: a later topic that calls
    one is skipped, not run into the same time limit again (one limit per hanging function)."""

    def __init__(self) -> None:
        self.lost: dict[str, tuple[str, str]] = {}  # function -> (its topic, "timeout" | "died")

    def note(self, event: Event) -> None:
        if event.kind in ("timeout", "died"):
            from grader.topics.registry import about
            for function in about(event.topic).functions:
                self.lost.setdefault(function, (event.topic, event.kind))

    def lose(self, event: Event, checks: Iterable[Check], verdicts: dict) -> None:
        """A topic that timed out, died or was skipped: noted, and each of its ``checks``
        without a verdict yet fails with the reason."""
        self.note(event)
        verdict = self.verdict(event)
        for check in checks:
            verdicts.setdefault((check.topic, check.name), verdict)

    def keep(self, topic: str) -> bool:
        return not self._culprits(topic)

    def _culprits(self, topic: str) -> list[str]:
        from grader.topics.registry import about
        return [f for f in about(topic).calls if f in self.lost]

    def verdict(self, event: Event) -> Verdict:
        if event.kind != "skipped":
            return lost(event)
        function = self._culprits(event.topic)[0]
        own, kind = self.lost[function]
        return Verdict.fail((f"error.skipped_{kind}", {"function": function, "topic": own}))


def judge_safely(check: Check, spec: Spec, outcome: Outcome) -> Verdict:
    """A verdict even when a judge raises. The values it judges were decoded here, in the
    grader's process, into plain arrays and numbers: an exception while judging them is the
    grader's own error, logged with its traceback and reported as such (the check fails
    without points: it could not be judged), never as output the student's code got wrong."""
    try:
        verdict = check.judge(spec, outcome)
    except Exception as exc:  # noqa: BLE001 - the grader's bug: reported, not blamed on the student
        import logging
        logging.getLogger("grader.judging").error("judging %s/%s raised", check.topic, check.name, exc_info=True)
        return Verdict.fail(("error.grader_judging", {"what": f"{check.topic} › {check.name}",
                                                      "type": type(exc).__name__, "message": str(exc)[:200]}))
    return with_printed(verdict, outcome)


def with_printed(verdict: Verdict, outcome: Outcome) -> Verdict:
    """A failing verdict ends with what the student's code printed during the check: the
    learner's own debugging prints, shown where the failure is (a passing check says nothing)."""
    if verdict.passed:
        return verdict
    from grader.judging.compare import printed_messages
    return Verdict(False, (*verdict.messages, *printed_messages(outcome)))


def lost(event: Event) -> Verdict:
    if event.kind == "timeout":
        return Verdict.fail(("error.timeout", {"seconds": event.detail}))
    return Verdict.fail(("error.died", {"detail": event.detail or "?"}))


def hint_of(topic: str, messages: tuple[Message, ...]) -> str | None:
    """The misconception a verdict's hint came from: ``diagnose`` answers with the entry's
    message key, and within a topic each key belongs to one entry (tests/test_instructor_stats.py)."""
    known = _misconception_keys(topic)
    return next((known[key] for key, _ in messages if key in known), None)


@functools.cache
def _misconception_keys(topic: str) -> dict[str, str]:
    from grader.topics.registry import topic_misconceptions
    keys: dict[str, str] = {}
    for entry in topic_misconceptions(topic):
        keys.setdefault(entry.key, entry.id)  # a hint two faces of one mistake share: the first declared
    return keys


def _result(check: Check, verdict: Verdict) -> Result:
    return Result(check.topic, check.name, verdict.passed, check.points if verdict.passed else 0.0,
                  check.points, verdict.messages, hint_of(check.topic, verdict.messages))
