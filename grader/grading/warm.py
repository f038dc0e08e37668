"""Grading one folder again and again, each time for the cost of a fork.

`grader watch` re-grades on every save. A fresh interpreter per re-grade would cost more
than the checks themselves, so a warm forking server (:mod:`grader.boundary.server`, the
one `grader batch` uses: numpy and the probes imported, never the reference) forks a new
child per re-grade; every check's inputs are built and encoded once, and each expected
value is computed once (:class:`grader.grading.batch_judge.BatchJudge` memoises the
reference). The submission is staged into the slot's staging folder before each re-grade
(:func:`grader.boundary.staging.stage`, as every entry point stages it), so the child
reads the files as they were saved.

Where this Python cannot run a forking server (no ``fork`` or no Unix sockets: Windows),
:class:`SpawningGrader` starts a fresh child per re-grade instead (a Python start-up each
time, the same staging, checks, inputs and judging): :func:`grader_for` picks.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from grader.boundary import bwrap, limits as process_limits, staging
from grader.boundary.cleanup import remove_tree
from grader.boundary.pool import Slot
from grader.boundary.zygote import ZygoteChild
from grader.boundary.runner import Child, run_topics
from grader.boundary.server import Settings
from grader.grading.batch_judge import BatchJudge
from grader.grading.engine import Result

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
        self.staged: staging.Collected | None = None  # the last re-grade's staging (its notes)
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
        """The student's folder as saved right now, staged as every entry point stages it."""
        self.staged = staging.stage(self.submission, self.slot.staging)

    def close(self) -> None:
        self.slot.close()
        remove_tree(self.root)  # however deep a child made its folders


class SpawningGrader:
    """`grader watch` without a forking server: each re-grade stages the folder and spawns
    one child for its topics."""

    def __init__(self, submission: Path, topics: list[str], seed: int, time_limit: float) -> None:
        from grader.boundary.environment import children_temp

        self.submission, self.time_limit = submission, time_limit
        self.judge = BatchJudge(topics, seed)
        self.root = Path(tempfile.mkdtemp(prefix="grader-watch-", dir=children_temp()))
        self.staging = self.root / "submission"
        self.staged: staging.Collected | None = None  # the last re-grade's staging (its notes)

    def grade(self, topics: list[str]) -> list[Result]:
        remove_tree(self.staging)
        self.staging.mkdir()
        self.staged = staging.stage(self.submission, self.staging)
        wanted = set(topics)
        requests = [r for r in self.judge.requests if r.name in wanted]
        events = run_topics(self.staging, requests, self.time_limit, start=Child, decode=False)
        return [r for r in self.judge.results(events) if r.topic in wanted]

    def close(self) -> None:
        remove_tree(self.root)


def grader_for(submission: Path, topics: list[str], seed: int, time_limit: float) -> WarmGrader | SpawningGrader:
    """A warm forking server where this Python can run one, else a child spawned per re-grade."""
    if bwrap.missing_for_servers():
        return SpawningGrader(submission, topics, seed, time_limit)
    return WarmGrader(submission, topics, seed, time_limit)
