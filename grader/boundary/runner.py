"""The parent's side of the process boundary: start the child, stream its outcomes.

One child per submission serves all its topics; when it hangs past a topic's time limit
or dies, it is killed (with anything it started) and a fresh one takes the remaining
topics, so one bad topic costs only that topic. A module whose import hung is not
imported again: the topics that need it fail at once with the same timeout.
"""
from __future__ import annotations

import json
import os
import queue
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from grader.boundary import limits, wire

USE_FORK = hasattr(os, "fork") and os.environ.get("GRADER_SPAWN") != "1"
MEMORY_HEADROOM = limits.Limits().memory_headroom  # bytes a child may add to what it has


class TopicRequest:
    """One topic's checks with their inputs, as (check name, spec) pairs. Given ``build``
    instead, they are made when the child is about to need them: the parent prepares the
    next topic while the child works on this one."""

    def __init__(self, name: str, checks: list[tuple[str, dict]] | None = None,
                 build: Callable[[], list[tuple[str, dict]]] | None = None) -> None:
        self.name = name
        self._checks, self._build = checks, build

    @property
    def checks(self) -> list[tuple[str, dict]]:
        if self._checks is None:
            self._checks = self._build() if self._build is not None else []
        return self._checks


@dataclass
class Event:
    """One thing the child told us (or did): an outcome, a finished topic, or its end."""
    kind: str  # "outcome" | "done" | "timeout" | "died"
    topic: str = ""
    check: str = ""
    outcome: dict = field(default_factory=dict)
    detail: str = ""
    raw: Any = None  # the outcome as sent, still encoded (when run_topics(decode=False))
    digest: bytes = b""  # hash of the frame's bytes as they arrived (children that keep digests)


class ChildBase:
    """What the runner needs of a child process: requests in, frames out.

    Frames are read by the caller itself, with a deadline for each wait (poll on the
    non-blocking pipe); where poll does not exist, a thread reads them into a queue."""

    pid: int = 0
    digests = False  # hash every frame as read: a cache of verdicts keys on it

    def __init__(self) -> None:
        self.replies: queue.Queue = queue.Queue()
        self.importing: list[str] = []  # student modules whose import has begun, innermost last
        self.requests: Any = None
        self._frames: _Frames | None = None

    @property
    def streams(self) -> bool:
        """Whether requests go out without blocking (one topic at a time, as the child reads)."""
        return self._frames is not None

    def _listen(self, to_child: int, from_child: int) -> None:
        """Take over both pipe ends (the caller closes its own copies)."""
        _widen(from_child)
        if hasattr(select, "poll"):
            _widen(to_child)
            self._frames = _Frames(os.dup(from_child), self.digests, _Outbox(os.dup(to_child)))
        else:
            self.requests = os.fdopen(os.dup(to_child), "wb")
            self._reader = threading.Thread(target=self._read, args=(os.dup(from_child),), daemon=True)
            self._reader.start()

    def _read(self, fd: int) -> None:
        # Only where poll is missing (Windows): no digests here, which only `grader batch`
        # keeps, and it runs its children through poll on POSIX.
        with os.fdopen(fd, "rb") as stream:
            while True:
                try:
                    message = wire.receive(stream)
                except Exception:  # noqa: BLE001 - a garbled or hostile frame: the child is done
                    message = None
                self.replies.put(message)
                if message is None:
                    return

    def request(self, topics: list[TopicRequest], hung: Sequence[str]) -> dict:
        return encoded_request(topics, hung)

    def send(self, topics: list[TopicRequest], hung: Sequence[str] = ()) -> None:
        frame = wire.frame(self.request(topics, hung))
        if self._frames is not None:
            self._frames.outbox.add(frame)
            return
        try:
            self.requests.write(frame)
            self.requests.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the child is gone; the reader reports it

    def next_reply(self, timeout: float) -> Any:
        """The child's next message; None once it is gone; queue.Empty after ``timeout``."""
        if self._frames is not None:
            return self._frames.next(timeout)
        return self.replies.get(timeout=max(timeout, 0.001))

    def _close_pipes(self) -> None:
        if self.requests is not None:
            try:
                self.requests.close()
            except OSError:
                pass
        if self._frames is not None:
            self._frames.close()

    def stop(self) -> None:
        raise NotImplementedError

    def exit_detail(self) -> str:
        """How the child ended (exit code or signal), when that is known yet."""
        return ""


def encoded_request(topics: list[TopicRequest], hung: Sequence[str] = ()) -> dict:
    """What the child is sent: every topic's checks with their encoded inputs."""
    return {"topics": [{"name": t.name,
                        "checks": [{"name": n, "spec": wire.encode(s)} for n, s in t.checks]}
                       for t in topics], "hung": list(hung)}


def _widen(fd: int, size: int = 1024 * 1024) -> None:
    """A larger pipe buffer: the child writes its outcomes without waiting for our reader."""
    try:
        import fcntl
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except (ImportError, OSError, ValueError):
        pass


_INCOMPLETE = object()
_LENGTH = struct.Struct("<I")  # wire's frame: a little-endian length, then that much JSON


class _Outbox:
    """Requests on their way to the child, written as fast as its pipe takes them: a child
    still busy with one topic (or hung in it) never blocks the parent past a deadline."""

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self.chunks: list[memoryview] = []
        self.broken = False  # the child is gone: what is left is dropped

    @property
    def waiting(self) -> bool:
        return bool(self.chunks)

    def add(self, frame: bytes) -> None:
        if not self.broken:
            self.chunks.append(memoryview(frame))
            self.flush()

    def flush(self) -> None:
        while self.chunks:
            try:
                written = os.write(self.fd, self.chunks[0])
            except BlockingIOError:
                return
            except OSError:  # a closed pipe: the reader reports the child's end
                self.broken = True
                self.chunks.clear()
                return
            self.chunks[0] = self.chunks[0][written:]
            if not len(self.chunks[0]):
                self.chunks.pop(0)

    def close(self) -> None:
        self.chunks.clear()
        try:
            os.close(self.fd)
        except OSError:
            pass


class _Frames:
    """wire's frames from a non-blocking pipe: a child that stops in the middle of a frame
    cannot block the reader past its deadline. The same wait writes what ``outbox`` holds."""

    def __init__(self, fd: int, digests: bool, outbox: _Outbox) -> None:
        os.set_blocking(fd, False)
        self.fd, self.digests, self.outbox = fd, digests, outbox
        self.buffer = bytearray()
        self.start = 0  # where the next frame begins in buffer (what is before it is read)
        self.ended = False
        self.received = 0  # bytes of frames read from this child so far
        self.poll = select.poll()
        self.poll.register(fd, select.POLLIN)
        self.writing = False  # whether the poll also waits for room in the outbox's pipe

    def next(self, timeout: float) -> Any:
        deadline = time.monotonic() + max(timeout, 0.001)
        while True:
            message = self._message()
            if message is not _INCOMPLETE:
                return message
            if self.ended:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise queue.Empty
            self._watch_outbox()
            for fd, _ in self.poll.poll(min(max(1, int(left * 1000)), 3_600_000)):
                if fd == self.fd:
                    self._fill()
                else:
                    self.outbox.flush()

    def _watch_outbox(self) -> None:
        if self.outbox.waiting != self.writing:
            if self.writing:
                self.poll.unregister(self.outbox.fd)
            else:
                self.poll.register(self.outbox.fd, select.POLLOUT)
            self.writing = not self.writing

    def _fill(self) -> None:
        try:
            chunk = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.ended = True
            return
        if self.start:  # drop what was read already, once, before the buffer grows
            del self.buffer[:self.start]
            self.start = 0
        self.buffer += chunk

    def _message(self) -> Any:
        available = len(self.buffer) - self.start
        if self.ended and not available:
            return None
        if available < _LENGTH.size:
            return _INCOMPLETE
        (size,) = _LENGTH.unpack_from(self.buffer, self.start)
        end = self.start + _LENGTH.size + size
        if size > wire.MAX_FRAME or self.received + size > wire.MAX_CHILD_BYTES:
            return self._garbled()  # more than any check returns: before a byte of it is kept
        if len(self.buffer) < end:
            return _INCOMPLETE
        frame = memoryview(self.buffer)[self.start:end]
        try:
            message = json.loads(str(frame[_LENGTH.size:], "utf-8"))
        except Exception:  # noqa: BLE001 - not JSON, or nested too deep: a hostile child
            frame.release()
            return self._garbled()
        if isinstance(message, dict) and self.digests:
            import hashlib  # only `grader batch` keeps digests
            message["__digest__"] = hashlib.sha256(frame).digest()
        frame.release()
        self.start = end
        self.received += size
        return message

    def _garbled(self) -> None:
        """A frame that cannot be read: the child is treated as gone."""
        self.ended = True
        self.buffer.clear()
        self.start = 0
        return None

    def close(self) -> None:
        try:
            self.poll.unregister(self.fd)
            os.close(self.fd)
        except (OSError, KeyError, ValueError):
            pass
        self.outbox.close()


class Child(ChildBase):
    """A child forked from this process (or spawned with GRADER_SPAWN=1) for one submission."""

    def __init__(self, submission: Path) -> None:
        super().__init__()
        self._reaped = False
        self.workdir = tempfile.mkdtemp(prefix="grader-child-")
        if USE_FORK:
            self.pid, to_child, from_child = _fork_child(submission, self.workdir)
            self.proc = None
        else:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "grader.boundary.child", str(submission), self.workdir],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                start_new_session=hasattr(os, "setsid"))
            self.pid = self.proc.pid
            to_child, from_child = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        self._listen(to_child, from_child)
        if USE_FORK:
            os.close(to_child)
            os.close(from_child)

    def stop(self) -> None:
        self._close_pipes()
        if self._reaped:  # its pid may be another process's by now: only its group is ours
            limits.kill_group(self.pid)
        else:
            limits.kill_tree(self.pid)
        if self.proc is not None:
            self.proc.wait()
        elif not self._reaped:
            _reap(self.pid)
        _remove_folder(self.workdir)

    def exit_detail(self) -> str:
        time.sleep(0.05)  # the pipe closes a moment before the process is gone
        try:
            if self.proc is not None:
                code = self.proc.poll()
                return "" if code is None else str(code)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            self._reaped = bool(pid)
            return limits.exit_detail(status) if pid else ""
        except (ChildProcessError, ValueError, OSError):
            return ""


def _remove_folder(folder: str) -> None:
    try:
        os.rmdir(folder)  # as a check that wrote no file leaves it, without importing shutil
    except OSError:
        import shutil
        shutil.rmtree(folder, ignore_errors=True)


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
            limits.apply_limits(limits.Limits(memory_headroom=MEMORY_HEADROOM))
            limits.no_new_privileges()
            limits.adopt_orphans()  # what student code starts stays in our tree, to be killed
            from grader.boundary.child import serve
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
    limits.limit_memory(MEMORY_HEADROOM)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def decode_outcome(raw: Any) -> dict:
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
