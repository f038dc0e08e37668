"""Grading one folder again and again, each time for the cost of a fork.

`grader watch` re-grades on every save. A fresh interpreter per re-grade would cost more
than the checks themselves, so a warm forking server (:mod:`grader.boundary.server`, the
one `grader batch` uses: numpy and the probes imported, never the reference) forks a new
child per re-grade; every check's inputs are built and encoded once, and each expected
value is computed once (:class:`grader.grading.batch_judge.BatchJudge` memoises the
reference). The submission is copied into the slot's staging folder before each re-grade,
so the child reads the files as they were saved.

Where this Python cannot run a forking server (no ``fork`` or no Unix sockets: Windows),
:class:`SpawningGrader` starts a fresh child per re-grade instead (a Python start-up each
time, the same checks, inputs and judging): :func:`grader_for` picks.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from grader.boundary import bwrap, limits as process_limits
from grader.boundary.pool import Slot
from grader.boundary.zygote import ZygoteChild
from grader.boundary.runner import Child, run_topics
from grader.boundary.server import Settings
from grader.grading.batch_judge import BatchJudge
from grader.grading.engine import Result

SOURCE_SUFFIX = ".py"


class WarmGrader:
    """A forking server for one submission folder, started once."""

    def __init__(self, submission: Path, topics: list[str], seed: int, time_limit: float) -> None:
        self.submission, self.time_limit = submission, time_limit
        self.judge = BatchJudge(topics, seed)
        self.root = Path(tempfile.mkdtemp(prefix="grader-watch-"))
        limits = process_limits.Limits(time_limit=time_limit, cpu_seconds=time_limit)
        # The student's own folder, as `grader check` grades it: the limits, not a sandbox.
        isolation = bwrap.Isolation("limits", reason="grader watch grades your own folder")
        settings = Settings(limits=limits, topics=len(self.judge.requests), workroot=str(self.root),
                            processes=process_limits.processes_allowed(os.getuid(), limits.processes + 4))
        self.slot = Slot(0, isolation, self.judge.plan_file(self.root / "plan.bin"), self.root,
                         settings, limits)
        self.slot.start()

    def grade(self, topics: list[str]) -> list[Result]:
        """The results of ``topics``' checks on the folder as it is now, in declaration order."""
        self._stage()
        wanted = set(topics)
        requests = [r for r in self.judge.requests if r.name in wanted]
        events = run_topics(self.slot.submission_path, requests, self.time_limit,
                            start=lambda _path: ZygoteChild(self.slot), decode=False)
        return [r for r in self.judge.results(events) if r.topic in wanted]

    def _stage(self) -> None:
        """The student's modules as saved right now (only the sources: never bytecode)."""
        staging = self.slot.staging
        for old in staging.iterdir():
            if old.is_file() or old.is_symlink():
                old.unlink()
            else:
                shutil.rmtree(old, ignore_errors=True)
        for entry in os.scandir(self.submission):
            if entry.name.endswith(SOURCE_SUFFIX) and entry.is_file(follow_symlinks=False):
                shutil.copyfile(entry.path, staging / entry.name)

    def close(self) -> None:
        self.slot.close()
        shutil.rmtree(self.root, ignore_errors=True)


class SpawningGrader:
    """`grader watch` without a forking server: each re-grade spawns one child for its topics."""

    def __init__(self, submission: Path, topics: list[str], seed: int, time_limit: float) -> None:
        self.submission, self.time_limit = submission, time_limit
        self.judge = BatchJudge(topics, seed)

    def grade(self, topics: list[str]) -> list[Result]:
        wanted = set(topics)
        requests = [r for r in self.judge.requests if r.name in wanted]
        events = run_topics(self.submission, requests, self.time_limit,
                            start=lambda path: Child(path, fork=False), decode=False)
        return [r for r in self.judge.results(events) if r.topic in wanted]

    def close(self) -> None:
        pass


def grader_for(submission: Path, topics: list[str], seed: int, time_limit: float) -> WarmGrader | SpawningGrader:
    """A warm forking server where this Python can run one, else a child spawned per re-grade."""
    if bwrap.missing_for_servers():
        return SpawningGrader(submission, topics, seed, time_limit)
    return WarmGrader(submission, topics, seed, time_limit)
