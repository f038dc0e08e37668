"""Ending a child and everything it started, and learning how it ended.

POSIX: a process group killed at once, after every process of the tree was stopped and
found by parentage (where /proc lists it); a pidfd (Linux) or waitid says when a process
is gone. Where the system has no process groups (Windows) these do nothing: a spawned
child's tree is ended through boundary/spawned.py.
"""
from __future__ import annotations

import os
import signal

from grader.boundary.limits import posix_signal, proc_path

def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc), or [] when that cannot be read."""
    found: list[int] = []
    try:
        tasks = os.listdir(proc_path(pid, "task"))
    except OSError:
        return found
    for task in tasks:
        try:
            with open(proc_path(pid, "task", task, "children")) as f:
                found += [int(p) for p in f.read().split()]
        except (OSError, ValueError):
            continue
    return found


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def process_groups() -> bool:
    """Whether a whole process group can be killed at once (POSIX: killpg and SIGKILL)."""
    return hasattr(os, "killpg") and posix_signal("SIGKILL") is not None


def kill_group(pgid: int) -> None:
    if not process_groups():
        return
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid``, its process group and every process descended from it.

    Each process is stopped before its children are listed, so that none can fork a
    replacement while the tree is walked; a child that set up its own session is still
    found, by parentage (where /proc lists it). Only for processes of a POSIX system:
    a spawned child elsewhere is ended by boundary/spawned.py."""
    if not process_groups():
        return
    try:
        os.killpg(pid, signal.SIGSTOP)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    seen: set[int] = set()
    frontier = [pid]
    while frontier and len(seen) < 100_000:
        current = frontier.pop()
        if current in seen:
            continue
        seen.add(current)
        _signal(current, signal.SIGSTOP)
        frontier.extend(children_of(current))
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    for current in seen:
        _signal(current, signal.SIGKILL)


def wait_process(proc, timeout: float) -> bool:
    """Whether the subprocess ``proc`` ends within ``timeout`` seconds (not reaped, where a
    pidfd tells; else by its own wait, which reaps it)."""
    if hasattr(os, "waitid"):  # a pidfd, or waitid(WNOWAIT) in small steps
        return wait_exit(proc.pid, timeout)
    import subprocess

    try:
        proc.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        return False


def wait_exit(pid: int, timeout: float) -> bool:
    """Whether our child ``pid`` ends within ``timeout`` seconds (left for its owner to reap).

    A pidfd wakes the moment it ends; subprocess's own wait sleeps in growing steps, and
    would notice a server that takes 9 ms to end only after 15."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux 5.3 or newer: in small steps
        import time
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _ended(pid):
                return True
            time.sleep(0.001)
        return _ended(pid)
    import select
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(timeout * 1000))
    finally:
        os.close(fd)


def _ended(pid: int) -> bool:
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def exit_detail(status: int) -> str:
    """How a process ended, as the student reads it: a signal name or an exit code."""
    if os.WIFSIGNALED(status):
        try:
            return signal.Signals(os.WTERMSIG(status)).name
        except ValueError:
            return f"signal {os.WTERMSIG(status)}"
    if os.WIFEXITED(status):
        return str(os.WEXITSTATUS(status))
    return ""
