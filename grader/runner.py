"""The parent's side of the process boundary: start the child, stream its outcomes.

One child per submission serves all its topics; when it hangs past a topic's time limit
or dies, it is killed (with anything it started) and a fresh one takes the remaining
topics, so one bad topic costs only that topic.
"""
from __future__ import annotations

import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from grader import wire

USE_FORK = hasattr(os, "fork") and os.environ.get("GRADER_SPAWN") != "1"
MEMORY_HEADROOM = 2 * 1024 ** 3  # bytes of address space a child may add to what it has


@dataclass
class TopicRequest:
    name: str
    checks: list[tuple[str, dict]]  # (check name, spec)


@dataclass
class Event:
    """One thing the child told us (or did): an outcome, a finished topic, or its end."""
    kind: str  # "outcome" | "done" | "timeout" | "died"
    topic: str = ""
    check: str = ""
    outcome: dict = field(default_factory=dict)
    detail: str = ""


class Child:
    def __init__(self, submission: Path) -> None:
        self.workdir = tempfile.mkdtemp(prefix="grader-child-")
        self.replies: queue.Queue = queue.Queue()
        if USE_FORK:
            self.pid, to_child, from_child = _fork_child(submission, self.workdir)
            self.proc = None
        else:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "grader.child", str(submission), self.workdir],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                start_new_session=hasattr(os, "setsid"))
            self.pid = self.proc.pid
            to_child, from_child = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        self.requests = os.fdopen(os.dup(to_child), "wb")
        self._reader = threading.Thread(target=self._read, args=(os.dup(from_child),), daemon=True)
        self._reader.start()
        if USE_FORK:
            os.close(to_child)
            os.close(from_child)

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as stream:
            while True:
                try:
                    message = wire.receive(stream)
                except (ValueError, OSError):
                    message = None  # a garbled frame is treated like a dead child
                self.replies.put(message)
                if message is None:
                    return

    def send(self, topics: list[TopicRequest]) -> None:
        payload = {"topics": [{"name": t.name,
                               "checks": [{"name": n, "spec": wire.encode(s)} for n, s in t.checks]}
                              for t in topics]}
        try:
            wire.send(self.requests, payload)
        except (BrokenPipeError, OSError):
            pass  # the child is gone; the reader reports it

    def next_reply(self, timeout: float) -> Any:
        return self.replies.get(timeout=max(timeout, 0.001))

    def stop(self) -> None:
        try:
            self.requests.close()
        except OSError:
            pass
        _kill_group(self.pid)
        if self.proc is not None:
            self.proc.wait()
        else:
            _reap(self.pid)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _fork_child(submission: Path, workdir: str) -> tuple[int, int, int]:
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into the parent's code
        status = 0
        try:
            os.setsid()
            os.close(to_child_w)
            os.close(from_child_r)
            limit_memory()
            from grader.child import serve
            serve(to_child_r, from_child_w, str(submission), workdir)
        except BaseException:  # noqa: BLE001
            status = 70
        finally:
            os._exit(status)
    os.close(to_child_r)
    os.close(from_child_w)
    return pid, to_child_w, from_child_r


def limit_memory() -> None:
    """Let the child grow by a bounded amount, so a runaway allocation fails inside it."""
    try:
        with open("/proc/self/status") as status:
            vm = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
        resource.setrlimit(resource.RLIMIT_AS, (vm + MEMORY_HEADROOM, vm + MEMORY_HEADROOM))
    except (OSError, ValueError, StopIteration):
        pass


def _kill_group(pid: int) -> None:
    for kill in (getattr(os, "killpg", None), os.kill):
        if kill is None:
            continue
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def run_topics(submission: Path, topics: list[TopicRequest], time_limit: float,
               first_child: Child | None = None) -> Iterator[Event]:
    """Every check's outcome, topic by topic; a hang or crash ends only the current topic.

    ``first_child`` may be started early, before the grader imports the reference, so
    that the oracle is not even in the memory of the process that runs student code."""
    pending = list(topics)
    while pending:
        child, first_child = first_child or Child(submission), None
        try:
            child.send(pending)
            deadline = time.monotonic() + time_limit
            while pending:
                event = _next_event(child, pending[0].name, deadline, time_limit)
                if event.kind == "outcome" and event.topic != pending[0].name:
                    continue  # not what was asked for: a forged or garbled reply
                yield event
                if event.kind in ("done", "timeout", "died"):
                    pending.pop(0)
                    deadline = time.monotonic() + time_limit
                if event.kind in ("timeout", "died"):
                    break  # start a fresh child for the rest
        finally:
            child.stop()


def _next_event(child: Child, topic: str, deadline: float, time_limit: float) -> Event:
    try:
        message = child.next_reply(deadline - time.monotonic())
    except queue.Empty:
        return Event("timeout", topic=topic, detail=f"{time_limit:g}")
    if message is None or not isinstance(message, dict):
        return Event("died", topic=topic, detail=_exit_detail(child))
    if "done" in message:
        return Event("done", topic=str(message["done"]))
    return Event("outcome", topic=str(message.get("topic")), check=str(message.get("check")),
                 outcome=wire.decode(message.get("outcome")) or {})


def _exit_detail(child: Child) -> str:
    """How the child ended (exit code or signal), when that is known yet."""
    time.sleep(0.05)
    try:
        if child.proc is not None:
            code = child.proc.poll()
            return "" if code is None else str(code)
        pid, status = os.waitpid(child.pid, os.WNOHANG)
        if pid == 0:
            return ""
        if os.WIFSIGNALED(status):
            return signal.Signals(os.WTERMSIG(status)).name
        return str(os.WEXITSTATUS(status))
    except (ChildProcessError, ValueError, OSError):
        return ""
