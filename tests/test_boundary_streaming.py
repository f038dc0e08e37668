"""The parent streams each topic's inputs to the child as they are made, and never blocks on
a child that does not read: the time limit holds while later inputs wait to be sent."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from conftest import SOLUTIONS
from grader.boundary import wire
from grader.boundary.frames import Outbox
from grader.boundary.runner import Child, TopicRequest, run_topics
from grader.grading.engine import DEFAULT_SEED, Plan


def test_an_outbox_takes_megabytes_at_once_and_delivers_them_whole_in_order():
    read_end, write_end = os.pipe()
    outbox = Outbox(write_end)
    frames = [wire.frame({"n": n, "data": "x" * 1_000_000}) for n in range(4)]
    for frame in frames:
        outbox.add(frame)  # nobody reads yet: this must not wait
    assert outbox.waiting
    received = bytearray()
    reader = threading.Thread(target=lambda: received.extend(_read_all(read_end)))
    reader.start()
    while outbox.waiting:
        outbox.flush()
        time.sleep(0.001)
    outbox.close()
    reader.join(timeout=30)
    assert bytes(received) == b"".join(frames)


def test_an_outbox_whose_reader_is_gone_drops_what_is_left_without_raising():
    read_end, write_end = os.pipe()
    os.close(read_end)
    outbox = Outbox(write_end)
    outbox.add(wire.frame({"data": "x" * 100_000}))
    assert outbox.broken and not outbox.waiting
    outbox.close()


def test_inputs_are_made_topic_by_topic_as_the_child_needs_them():
    plan, made = Plan(DEFAULT_SEED), []

    def inputs(name: str):
        made.append(name)
        return plan.inputs(name)

    topics = ["softmax", "mse", "cross_entropy_error"]
    requests = [TopicRequest(name, build=lambda name=name: inputs(name)) for name in topics]
    made_by_first_outcome, done = None, []
    for event in run_topics(SOLUTIONS, requests, 10.0):
        if made_by_first_outcome is None:
            made_by_first_outcome = list(made)
        if event.kind == "done":
            done.append(event.topic)
    assert made_by_first_outcome == ["softmax"]  # the child was at work before mse's inputs existed
    assert made == topics and done == topics  # each made once, in order, and every topic graded


def test_a_grader_error_while_making_inputs_leaves_no_child_behind(tmp_path):
    def broken():
        raise RuntimeError("the grader's own bug")

    child = Child(Path(SOLUTIONS).resolve())
    requests = [TopicRequest("softmax", build=lambda: Plan(DEFAULT_SEED).inputs("softmax")),
                TopicRequest("mse", build=broken)]
    with pytest.raises(RuntimeError, match="own bug"):
        for _ in run_topics(SOLUTIONS, requests, 10.0, child):
            pass
    deadline = time.monotonic() + 5
    while _alive(child.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _alive(child.pid)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_every_topics_inputs_are_made_before_the_first_outcome_is_judged(monkeypatch):
    """Judging waits while a topic still to run has no inputs: the child is never kept
    waiting for inputs by judging, and every verdict is the same as judged at once."""
    from grader.grading import engine

    order: list[tuple[str, str]] = []
    make, judge = engine.Plan.inputs, engine.judge_safely
    monkeypatch.setattr(engine.Plan, "inputs", lambda self, topic: order.append(("make", topic)) or make(self, topic))
    monkeypatch.setattr(engine, "judge_safely", lambda check, spec, outcome: order.append(("judge", check.topic)) or judge(check, spec, outcome))
    topics = ["softmax", "mse", "cross_entropy_error", "sgd_update"]
    results = engine.grade(Path(SOLUTIONS), topics, sandbox="none")
    first_judged = next(i for i, (what, _) in enumerate(order) if what == "judge")
    assert [t for what, t in order[:first_judged]] == topics  # all made, in order, before any verdict
    assert {t for what, t in order if what == "judge"} == set(topics)
    assert results and all(r.passed for r in results)
