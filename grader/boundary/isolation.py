"""What isolation a run had, as `grader check` states it (``--json`` and the table's footer).

Detected from what this system has, never from its name: a bubblewrap sandbox or none;
a forked child or a spawned one (a fresh Python, where there is no fork); the limits the
system can hold the child to; how a child's whole tree is ended at its time limit.
"""
from __future__ import annotations

import os
from typing import TypedDict

from grader.boundary import ending, limits


class Isolation(TypedDict):
    sandbox: str  # "bwrap" | "none"
    child: str  # "fork" | "spawn"
    limits: list[str]  # of LIMITS, those this system enforces
    ends_tree_by: str  # "process_group" | "job_object" | "taskkill" | "process"


LIMITS = ("time", "memory", "cpu", "processes", "file_size", "open_files")


def of_run(sandboxed: bool) -> Isolation:
    """The isolation of a run in a bubblewrap sandbox (``sandboxed``) or beside it."""
    if sandboxed:  # the sandbox's server: Linux, forks, every limit
        return Isolation(sandbox="bwrap", child="fork", limits=list(LIMITS), ends_tree_by="process_group")
    from grader.boundary.runner import USE_FORK

    child = "fork" if USE_FORK else "spawn"
    return Isolation(sandbox="none", child=child, limits=enforced(child), ends_tree_by=tree_ending(child))


def enforced(child: str) -> list[str]:
    """The limits this system holds a `grader check` child to (runner._fork_child, child.main:
    no CPU time or process count of their own, but a root grader's child, a user of its own;
    the sandbox's children have them all):
    the wall-clock time limit everywhere."""
    found = {"time"}
    if limits._resource() is not None:  # POSIX rlimits
        found |= {"file_size", "open_files"}
        if _proc_readable():  # the address space a child may add to what it has (limit_memory)
            found.add("memory")
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # a user of its own, counted alone (child._leave_root)
            found.add("processes")
    elif child == "spawn":
        from grader.boundary.spawned import job_objects
        if job_objects():
            found |= {"memory", "processes"}
    return [name for name in LIMITS if name in found]


def tree_ending(child: str) -> str:
    if ending.process_groups():
        return "process_group"
    from grader.boundary.spawned import job_objects
    if job_objects():
        return "job_object"
    import shutil
    return "taskkill" if shutil.which("taskkill") else "process"


def _proc_readable() -> bool:
    try:
        return bool(os.listdir(limits.proc_path("self", "fd")))
    except OSError:
        return False
