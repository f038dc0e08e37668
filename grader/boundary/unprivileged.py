"""A root grader's child becomes a user of its own before it runs student code.

Root reads every process's ``/proc/PID/environ`` (the grader's tokens and keys), every file,
everything: so a `grader check` child of a root grader (a Docker image, a hub's root
shell) changes to a fresh unprivileged id, as each slot of `grader batch` does. What it
will import is imported first, while the standard library and the grader can surely be
read (a Python in ``/root/.pyenv`` cannot be by another user).
"""
from __future__ import annotations

import importlib
import os

from grader.boundary import limits


def leave_root_if_root(workdir: str) -> None:
    """A root grader's child becomes a user of its own before it runs student code."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        import_while_root()
        _leave_root(workdir)


def import_while_root() -> None:
    """What a check's probes import, imported while it can surely be read: by a user of
    its own (``_leave_root``) a Python or grader in a private folder (``/root/.pyenv``)
    cannot be, and a module imported later would fail. Every topic's child-side code then,
    as `grader batch`'s server imports it for its children (bwrap.python_hidden_from_children)."""
    from grader.boundary import bwrap
    from grader.boundary.preload import CHECK_PROBES, WARM_MODULES

    hidden = bwrap.python_hidden_from_children() or not bwrap.readable_by_anyone(bwrap.grader_package())
    names = ["tempfile", *CHECK_PROBES]
    if hidden:  # numpy.testing (unittest with it) would cost a check 0.2 s: left out
        names += [*(m for m in WARM_MODULES if m != "numpy.testing"), *CHILD_SIDE, *_topic_modules()]
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            continue


# The grader's child-side modules besides the topics' own (pyproject.toml's contract
# "child-side-without-oracle" lists them).
CHILD_SIDE = ("grader.topics.registry", "grader.topics.families.course", "grader.topics.families.digits",
              "grader.topics.training.data", "grader.quiz.code_probe")


def _topic_modules() -> list[str]:
    """Every topic's package and, where it has one, its probe module."""
    import importlib.util

    registry = importlib.import_module("grader.topics.registry")  # by name, as probe_of imports probes
    modules = []
    for name in registry.names():
        package = f"grader.topics.{name}"
        modules.append(package)
        try:
            if importlib.util.find_spec(f"{package}.probe") is not None:
                modules.append(f"{package}.probe")
        except ImportError:
            continue
    return modules


def _leave_root(workdir: str) -> None:
    """A root grader's child becomes a user of its own (as a batch's children do): root reads
    every process's /proc/PID/environ (the grader's tokens and keys), every file, everything.
    Its working folder becomes that user's; a fresh id, so RLIMIT_NPROC counts this child only."""
    import resource  # here: only a root POSIX grader gets this far (Windows has no resource module)

    uid, gid = limits.slot_ids(0, os.getpid())
    os.chown(workdir, uid, gid)
    processes = limits.Limits().processes + 2  # counted for this fresh user alone
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    limits.drop_privileges(uid, gid)
    limits.die_with_parent()  # after the change of user, which clears it
