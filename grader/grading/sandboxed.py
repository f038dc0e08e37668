"""`grader check` inside bubblewrap: the same slot, server and children `grader batch` uses.

An instructor who checks one untrusted folder is protected as a batch is: the submission is
copied into a staging folder the sandbox shows read-only (the one staging of every entry
point, :func:`grader.boundary.staging.stage`), a forking
server (which never imports the reference) starts inside bubblewrap, and each child it
forks serves the topics. Where bubblewrap does not work, ``auto`` falls back to the
limits-only child of an ordinary `grader check`.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from grader.boundary import bwrap, limits as process_limits, staging
from grader.boundary.cleanup import remove_tree
if TYPE_CHECKING:
    from grader.boundary.runner import ChildBase, TopicRequest


class SandboxUnavailable(Exception):
    """``--sandbox bwrap`` asked for, and bubblewrap does not work here (the reason)."""


def isolation_for(mode: str, root: Path) -> bwrap.Isolation:
    """Bubblewrap when it is installed. Unlike a batch, a check under ``auto`` does not first
    try a sandbox (a Python start-up it would pay on every run): the slot's own start is the
    test, and it falls back to the limits-only child when that fails (``Sandbox.start``)."""
    if mode == "auto":
        found = bwrap.find_bwrap()
        if found is None:
            return bwrap.Isolation("limits", reason=bwrap.why_no_bwrap())
        return bwrap.Isolation("bwrap", found, "", hasattr(os, "geteuid") and os.geteuid() == 0)
    try:
        return bwrap.choose_isolation(mode, root)
    except RuntimeError as problem:
        raise SandboxUnavailable(str(problem)) from None


def _settings(isolation: bwrap.Isolation, limits: process_limits.Limits):
    from grader.boundary.server import Settings

    drop_to = process_limits.unprivileged_ids() if isolation.as_root else None
    processes = limits.processes if not isolation.as_root else (
        process_limits.processes_allowed(drop_to[0], limits.processes + 2))
    # topics=1: each spawn tells its child how many topics it serves (Sandbox.start).
    return Settings(limits=limits, topics=1, workroot="/tmp", drop_to=drop_to, processes=processes,
                    leave_network=False, own_pid_namespace=True)


class Sandbox:
    """A bubblewrap slot for one `grader check`: decided before the reference is imported,
    launched as early as the submission and the topics are known (its server imports numpy
    while the grader prepares the checks), closed with its temporary folder at the end."""

    def __init__(self, isolation: bwrap.Isolation, root: Path, mode: str) -> None:
        self.isolation, self.root, self.mode = isolation, root, mode
        self.slot = None
        self.problem = ""  # why the server could not be launched
        self.staged: staging.Collected | None = None  # what was staged, and what was left out
        self.unreadable: OSError | None = None  # why the submission could not be staged
        self.started = False  # whether the children ran in the sandbox (said by `grader check`)

    def launch(self, submission: Path, time_limit: float) -> None:
        """Stage the submission and start the slot's server, without waiting for it. How many
        topics a child serves is told with each spawn (the topics may not be known yet)."""
        from grader.boundary.pool import Slot

        limits = process_limits.Limits(time_limit=time_limit, cpu_seconds=time_limit)
        slot = Slot(0, self.isolation, None, self.root, _settings(self.isolation, limits), limits)
        self.slot = slot
        try:
            self.staged = staging.stage(submission, slot.staging)
        except OSError as problem:  # the folder cannot be read: said when grading starts (start)
            self.unreadable = problem
            return
        try:
            slot.launch()
        except OSError as problem:  # bwrap cannot even be executed: as a server that never starts
            slot.close()
            self.problem = str(problem)

    def start(self, submission: Path, requests: list["TopicRequest"],
              time_limit: float) -> tuple[Path, Callable[[Path], "ChildBase"] | None]:
        """Where the children see the submission, and how to start one (None: bubblewrap did
        not start, under ``auto``). The topics' inputs are made ahead of the child (engine.Plan),
        as for a child without bubblewrap (all of them first would keep the child waiting)."""
        from grader.boundary.pool import SlotFailed
        from grader.boundary.zygote import ZygoteChild

        if self.slot is None:
            self.launch(submission, time_limit)
        if self.unreadable is not None:
            raise self.unreadable
        if requests and not self.running():
            # The server is still starting: the first topic's inputs are made meanwhile. (A
            # ready server's child is started first: it sets itself up while they are made.)
            requests[0].checks  # noqa: B018
        try:
            if self.problem:
                raise SlotFailed(self.problem)
            self.slot.wait_ready()
        except SlotFailed as problem:
            staged, self.slot = self.slot.staging, None
            if self.mode == "bwrap":
                raise SandboxUnavailable(str(problem)) from None
            return staged, None  # bubblewrap does not run here: limits only (the engine's children), on the staged copy
        slot, topics = self.slot, len(requests)
        self.started = True
        return slot.submission_path, lambda _path: ZygoteChild(slot, planned=False, topics=topics)

    def running(self) -> bool:
        """Whether the sandbox is known to run already: its server has said it is ready."""
        return self.slot is not None and not self.problem and self.slot.said_ready()

    def close(self) -> None:
        if self.slot is not None:
            self.slot.close()
        remove_tree(self.root)  # however deep a child made its folders


def prepare(mode: str) -> Sandbox | None:
    """The sandbox ``mode`` asks for, or None: children run without bubblewrap (``none``, or
    ``auto`` where it does not work). Raises SandboxUnavailable for ``bwrap`` without it."""
    if mode == "none":
        return None
    root = Path(tempfile.mkdtemp(prefix="grader-check-"))
    try:
        os.chmod(root, 0o711)  # children of another user reach their staging folder
        isolation = isolation_for(mode, root)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    if not isolation.sandboxed:
        shutil.rmtree(root, ignore_errors=True)
        return None
    return Sandbox(isolation, root, mode)


def launch(mode: str, submission: Path, time_limit: float) -> Sandbox | None:
    """``prepare``, and the slot's server started at once: called by `grader check` before
    it imports numpy, so that the two start up side by side."""
    box = prepare(mode)
    if box is not None:
        try:
            box.launch(submission.resolve(), time_limit)
        except BaseException:
            box.close()
            raise
    return box
