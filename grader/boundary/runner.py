"""The parent's side of the process boundary: start the child, stream its outcomes.

One child per submission serves all its topics; when it hangs past a topic's time limit
or dies, it is killed (with anything it started) and a fresh one takes the remaining
topics, so one bad topic costs only that topic. A module whose import hung is not
imported again: the topics that need it fail at once with the same timeout.
"""
from __future__ import annotations

import os
import queue
import select
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from grader.boundary import ending, limits, wire
from grader.boundary.frames import Frames, Outbox, Reader, threaded, widen
from grader.boundary.wire_types import Outcome, Request, Spec

USE_FORK = hasattr(os, "fork") and os.environ.get("GRADER_SPAWN") != "1"
# Whether a pipe can be polled (Linux, macOS); Windows selects sockets only: threads read it.
POLL_PIPES = hasattr(select, "poll")
MEMORY_HEADROOM = limits.Limits().memory_headroom  # bytes a child may add to what it has


class TopicRequest:
    """One topic's checks with their inputs, as (check name, spec) pairs. Given ``build``
    instead, they are made when the child is about to need them: the parent prepares the
    next topic while the child works on this one."""

    def __init__(self, name: str, checks: list[tuple[str, Spec]] | None = None,
                 build: Callable[[], list[tuple[str, Spec]]] | None = None) -> None:
        self.name = name
        self._checks, self._build = checks, build

    @property
    def checks(self) -> list[tuple[str, Spec]]:
        if self._checks is None:
            self._checks = self._build() if self._build is not None else []
        return self._checks


@dataclass
class Event:
    """One thing the child told us (or did): an outcome, a finished topic, or its end."""
    kind: str  # "outcome" | "done" | "timeout" | "died"
    topic: str = ""
    check: str = ""
    outcome: Outcome = field(default_factory=dict)
    detail: str = ""
    raw: Any = None  # the outcome as sent, still encoded (when run_topics(decode=False))
    digest: bytes = b""  # hash of the frame's bytes as they arrived (children that keep digests)


class ChildBase:
    """What the runner needs of a child process: requests in, frames out.

    Frames are read by the caller itself, with a deadline for each wait: a poll on the
    non-blocking pipe, or, where pipes cannot be polled, a queue that a reading thread fills
    (frames.threaded); requests never block the caller either way."""

    pid: int = 0
    digests = False  # hash every frame as read: a cache of verdicts keys on it

    def __init__(self) -> None:
        self.importing: list[str] = []  # student modules whose import has begun, innermost last
        self._frames: Reader | None = None

    @property
    def streams(self) -> bool:
        """Whether requests go out without blocking (one topic at a time, as the child reads)."""
        return self._frames is not None

    def _listen(self, to_child: int, from_child: int) -> None:
        """Take over both pipe ends (the caller closes its own copies)."""
        if POLL_PIPES:
            widen(from_child)
            widen(to_child)
            self._frames = Frames(os.dup(from_child), self.digests, Outbox(os.dup(to_child)))
        else:
            self._frames = threaded(os.dup(from_child), os.dup(to_child), self.digests)

    def request(self, topics: list[TopicRequest], hung: Sequence[str]) -> Request:
        return encoded_request(topics, hung)

    def send(self, topics: list[TopicRequest], hung: Sequence[str] = ()) -> None:
        if self._frames is not None:
            self._frames.outbox.add(wire.frame(self.request(topics, hung)))

    def next_reply(self, timeout: float) -> Any:
        """The child's next message; None once it is gone; queue.Empty after ``timeout``."""
        if self._frames is None:
            return None
        return self._frames.next(timeout)

    def _close_pipes(self) -> None:
        if self._frames is not None:
            self._frames.close()

    def stop(self) -> None:
        raise NotImplementedError

    def exit_detail(self) -> str:
        """How the child ended (exit code or signal), when that is known yet."""
        return ""


def encoded_request(topics: list[TopicRequest], hung: Sequence[str] = ()) -> Request:
    """What the child is sent: every topic's checks with their encoded inputs."""
    return {"topics": [{"name": t.name,
                        "checks": [{"name": n, "spec": wire.encode(s)} for n, s in t.checks]}
                       for t in topics], "hung": list(hung)}


class Child(ChildBase):
    """A child forked from this process (or spawned with GRADER_SPAWN=1) for one submission.

    ``fork=False`` spawns a fresh interpreter instead: what a grader that has imported the
    reference starts, so that the oracle is not in the memory of the child (``fresh_child``).
    Either way the child has the children's environment, never the grader's (a spawned one
    is exec'd with it; a forked one scrubs what it inherited: grader.boundary.environment)."""

    def __init__(self, submission: Path, fork: bool = USE_FORK) -> None:
        super().__init__()
        from grader.boundary.environment import children_temp, hide_own_environment

        self._reaped = False
        self.workdir = tempfile.mkdtemp(prefix="grader-child-", dir=children_temp())
        hide_own_environment()  # before the fork: the child cannot read its parent's either
        if fork:
            self.pid, to_child, from_child = _fork_child(submission, self.workdir)
            self.proc = None
        else:
            self.proc = _spawn_child(submission, self.workdir)
            self.pid = self.proc.pid
            to_child, from_child = self.proc.proc.stdin.fileno(), self.proc.proc.stdout.fileno()
        self._listen(to_child, from_child)
        if fork:
            os.close(to_child)
            os.close(from_child)
        else:  # the copies _listen took are the parent's only ends
            self.proc.proc.stdin.close()
            self.proc.proc.stdout.close()

    def stop(self) -> None:
        # Killed before its pipes close: at the end of its requests a child exits by itself,
        # and what it started would be orphaned out of reach of the kill.
        if self.proc is not None:  # spawned: its tree as this system ends one (spawned.py)
            self.proc.kill()
        elif self._reaped:  # its pid may be another process's by now: only its group is ours
            ending.kill_group(self.pid)
        else:
            ending.kill_tree(self.pid)
        self._close_pipes()
        if self.proc is not None:
            self.proc.wait()
        elif not self._reaped:
            _reap(self.pid)
        _remove_folder(self.workdir)

    def exit_detail(self) -> str:
        if self.proc is not None:
            return self.proc.exit_detail()
        time.sleep(0.05)  # the pipe closes a moment before the process is gone
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            self._reaped = bool(pid)
            return ending.exit_detail(status) if pid else ""
        except (ChildProcessError, ValueError, OSError):
            return ""


def fresh_child(submission: Path) -> Child:
    """A child for the topics after a timeout or a crash, started once the grader holds the
    reference: a new interpreter (a fork would carry the oracle's objects along, where
    gc.get_objects() finds them). It costs a Python start-up, after a time limit ran out."""
    return Child(submission, fork=False)


def _remove_folder(folder: str) -> None:
    try:
        os.rmdir(folder)  # as a check that wrote no file leaves it
    except OSError:
        from grader.boundary.cleanup import remove_tree  # however deep the child made it, no traceback
        remove_tree(folder)


def _spawn_child(submission: Path, workdir: str):
    """A fresh interpreter, and the means to end its tree on this system (spawned.py)."""
    from grader.boundary import spawned  # here: a grader that never spawns a child does not import it
    from grader.boundary.environment import child_environment

    return spawned.start(submission, workdir, env=child_environment(home=workdir))


def _fork_child(submission: Path, workdir: str) -> tuple[int, int, int]:
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into the parent's code
        status = 0
        try:
            from grader.boundary.environment import scrub_inherited_environment
            scrub_inherited_environment(workdir)  # first: nothing of the grader's is left to find
            os.setsid()
            os.close(to_child_w)
            os.close(from_child_r)
            limits.apply_limits(limits.Limits(memory_headroom=MEMORY_HEADROOM))
            limits.no_new_privileges()
            limits.adopt_orphans()  # what student code starts stays in our tree, to be killed
            from grader.boundary.child import serve
            from grader.boundary.unprivileged import leave_root_if_root
            leave_root_if_root(workdir)
            serve(to_child_r, from_child_w, str(submission), workdir)
        except BaseException:  # noqa: BLE001
            status = 70
        finally:
            os._exit(status)
    os.close(to_child_r)
    os.close(from_child_w)
    return pid, to_child_w, from_child_r


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def limit_memory() -> None:
    """Let the child grow by a bounded amount, so a runaway allocation fails inside it."""
    limits.limit_memory(MEMORY_HEADROOM)


def decode_outcome(raw: Any) -> Outcome:
    """The outcome of a check as plain values; a frame the grader cannot read becomes the
    student's error (never the grader's crash)."""
    try:
        outcome = wire.decode(raw)
    except Exception as exc:  # noqa: BLE001 - forged or garbled arrays
        outcome = {"error": {"kind": "unsendable", "type": type(exc).__name__, "message": str(exc)[:200]}}
    return outcome if isinstance(outcome, dict) else {}


def run_topics(submission: Path, topics: list[TopicRequest], time_limit: float,
               first_child: ChildBase | None = None,
               start: Callable[[Path], ChildBase] | None = None,
               decode: bool = True, keep: Callable[[str], bool] | None = None) -> Iterator[Event]:
    """Every check's outcome, topic by topic; a hang or crash ends only the current topic.

    ``first_child`` may be started early, before the grader imports the reference, so
    that the oracle is not even in the memory of the process that runs student code;
    ``start`` makes the next child (default: :class:`Child`); with ``decode=False``
    outcomes stay encoded in ``Event.raw`` (for a caller that caches by them); ``keep``,
    asked before each fresh child, drops a topic not worth running any more (a "skipped" event)."""
    pending = list(topics)
    hung: list[str] = []  # modules whose import never finished: not imported again
    while pending:
        for dropped in [t for t in pending if keep is not None and not keep(t.name)]:
            pending.remove(dropped)
            yield Event("skipped", topic=dropped.name)
        if not pending:
            if first_child is not None:
                first_child.stop()
            break
        child, first_child = first_child or (start or Child)(submission), None
        try:
            sent = 0  # how many of pending this child has been sent
            if not child.streams:  # writes that may block: everything at once, before any wait
                child.send(pending, hung)
                sent = len(pending)
            deadline = time.monotonic() + time_limit
            while pending:
                if sent < len(pending):  # one more topic, made while the child works on the last
                    child.send([pending[sent]], hung)
                    sent += 1
                event = _next_event(child, pending[0].name, deadline, time_limit, decode)
                if event.topic != pending[0].name and event.kind in ("outcome", "done", "hung"):
                    continue  # not what was asked for: a forged or garbled reply
                if event.kind == "hung":  # the child refused a module that hung before
                    event = Event("timeout", topic=event.topic, detail=f"{time_limit:g}")
                    yield event
                    pending.pop(0)
                    sent -= 1
                    deadline = time.monotonic() + time_limit
                    continue
                if event.kind == "timeout" and child.importing:
                    hung.append(child.importing[-1])
                yield event
                if event.kind in ("done", "timeout", "died"):
                    pending.pop(0)
                    sent -= 1
                    deadline = time.monotonic() + time_limit
                if event.kind in ("timeout", "died"):
                    break  # start a fresh child for the rest
        finally:
            child.stop()


def _next_event(child: ChildBase, topic: str, deadline: float, time_limit: float,
                decode: bool = True) -> Event:
    while True:
        try:
            message = child.next_reply(deadline - time.monotonic())
        except queue.Empty:
            return Event("timeout", topic=topic, detail=f"{time_limit:g}")
        if message is None or not isinstance(message, dict):
            return Event("died", topic=topic, detail=child.exit_detail())
        if "importing" in message:
            child.importing.append(str(message["importing"]))
        elif "imported" in message:
            if child.importing and child.importing[-1] == str(message["imported"]):
                child.importing.pop()
        elif "hung" in message:
            return Event("hung", topic=str(message["hung"]))
        elif "done" in message:
            return Event("done", topic=str(message["done"]))
        else:
            raw = message.get("outcome")
            return Event("outcome", topic=str(message.get("topic")), check=str(message.get("check")),
                         outcome=decode_outcome(raw) if decode else {}, raw=None if decode else raw,
                         digest=message.get("__digest__", b""))
