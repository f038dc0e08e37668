"""Symbolic work on what a student typed, bounded in time and memory.

Reading a formula and deciding its equivalence is sympy's work on untrusted text: a
tower such as ``exp(exp(exp(exp(exp(y)))))`` makes mpmath compute numbers of astronomical
size, and a signal-based time limit only works on the main thread. So where the
platform can fork, the whole decision runs in a forked child with a CPU-time and
address-space limit and a wall-clock deadline the parent enforces (the child inherits
the imported sympy: no start-up to pay); it answers with one JSON line. Where it cannot
fork, the work runs here, under the signal time limit when on the main thread.

No student code runs here: only the grader's parser and sympy on text.
"""
from __future__ import annotations

import json
import os
import select
import signal
import time
from typing import Any, Callable

CPU_SECONDS = 6.0  # CPU time of the whole decision, sympy's 3-second simplification included
WALL_SECONDS = 20.0  # the parent's deadline: CPU_SECONDS on a machine shared with others
MEMORY_HEADROOM = 1024 ** 3  # bytes the child may add to the parent's address space
MAX_REPLY = 1 << 20


class OutOfBounds(Exception):
    """The work did not finish within its time or memory."""


def can_fork() -> bool:
    return hasattr(os, "fork") and hasattr(os, "pipe")


def call(work: Callable[..., Any], *args: Any, seconds: float = WALL_SECONDS,
         cpu_seconds: float = CPU_SECONDS) -> Any:
    """``work(*args)`` (a JSON-able result), in a limited child when the platform forks.
    Raises OutOfBounds when it runs out of time (``cpu_seconds`` of CPU, ``seconds`` of
    wall-clock time) or memory."""
    if not can_fork():
        return work(*args)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limits, the work, one line back, and out without cleanup
        status = 0
        try:
            os.close(read_end)
            _limit_self(min(seconds, cpu_seconds))
            reply = json.dumps({"result": work(*args)}).encode()
        except MemoryError:
            reply = b'{"memory": true}'
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, never raised there
            reply = json.dumps({"error": type(exc).__name__, "message": str(exc)[:300]}).encode()
        try:
            os.write(write_end, reply[:MAX_REPLY])
        except BaseException:  # noqa: BLE001
            status = 1
        os._exit(status)
    os.close(write_end)
    try:
        data = _read_until(read_end, time.monotonic() + seconds)
    finally:
        os.close(read_end)
        _end(pid)
    if data is None:
        raise OutOfBounds("time")
    try:
        reply = json.loads(data)
    except ValueError:
        raise OutOfBounds("memory") from None  # died mid-reply: killed by its limits
    if "result" in reply:
        return reply["result"]
    if reply.get("memory"):
        raise OutOfBounds("memory")
    raise RuntimeError(f"{reply.get('error')}: {reply.get('message')}")


def _limit_self(seconds: float) -> None:
    try:
        import resource
    except ImportError:
        return
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (used + MEMORY_HEADROOM, used + MEMORY_HEADROOM))
    except (OSError, ValueError):
        pass  # no /proc: the CPU limit and the parent's deadline remain


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes before it closes its end; None past the deadline."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _end(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
