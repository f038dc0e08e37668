"""One slot of ``grader batch`` kept warm for submissions that come one at a time.

nbgrader's autograde hands the grader's ``GradeOutsideKernel`` one notebook after another,
in one process. Starting a sandboxed forking server for each (bubblewrap, Python, numpy)
was most of its time. Here the first submission starts one slot, as ``grader batch -j 1``
does, and every submission is graded the way the batch grades each student: staged afresh
into the slot's staging folder (the one staging: :func:`grader.batch.inputs.stage`, which
empties it first), run by a fresh child forked from the server (the one boundary), its
outcomes judged in this process against the same inputs and seed. The server never runs a
student's code, and nothing of one submission is left for the next: its files are gone
from the staging and its child has ended before the next is staged. The slot's server and
temporary folder end with :meth:`WarmSlot.close` (at the latest when the process exits).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from grader.batch.resume import WORKSPACE_PREFIX


class WarmSlot:
    """A slot for ``topics`` (sandbox ``auto``/``bwrap``/``none``, seconds per topic), its
    server started with the first submission and kept for the next ones."""

    def __init__(self, topics: list[str], sandbox: str, time_limit: float, seed: int) -> None:
        from grader.batch.cli import Options, make_workspace
        from grader.boundary.pool import Slot
        from grader.grading.batch_judge import BatchJudge

        self.key = (tuple(topics), sandbox, time_limit, seed)
        self.time_limit = time_limit
        self.root = Path(tempfile.mkdtemp(prefix=f"{WORKSPACE_PREFIX}{os.getpid()}-"))  # stale ones: cleared by a batch
        try:
            self.judge = BatchJudge(topics, seed)
            options = Options(submissions=self.root, out=self.root, jobs=1, force=False, gradescope=False,
                              assignment=None, lang="en", seed=seed, time_limit=time_limit, sandbox=sandbox)
            space = make_workspace(options, self.judge, self.root)
            self.slot = Slot(0, space.isolation, space.plan, space.root, space.settings, space.limits)
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        atexit.register(self.close)

    def grade(self, folder: Path) -> tuple[Any, list]:
        """(what was staged, one result per check) of the submission in ``folder`` (its
        notebooks); Refused when a notebook cannot be read, SlotFailed when the server
        cannot be (re)started."""
        from grader.batch.inputs import Submission, stage
        from grader.batch.work import run_in_slot

        staged = stage(Submission("student", folder, notebooks=True), self.slot.staging)
        return staged, run_in_slot(self.judge, self.slot, self.time_limit)

    def close(self) -> None:
        self.slot.close()
        shutil.rmtree(self.root, ignore_errors=True)
        atexit.unregister(self.close)


_current: WarmSlot | None = None


def warm_slot(topics: list[str], sandbox: str, time_limit: float, seed: int) -> WarmSlot:
    """The process's warm slot for these settings: the one already running, or a new one
    (the previous, for other topics, closed)."""
    global _current
    key = (tuple(topics), sandbox, time_limit, seed)
    if _current is not None and _current.key != key:
        _current.close()
        _current = None
    if _current is None:
        _current = WarmSlot(topics, sandbox, time_limit, seed)
    return _current


def close_warm_slot() -> None:
    """Ends the process's warm slot, if any (a server that failed: the next call starts anew)."""
    global _current
    if _current is not None:
        _current.close()
        _current = None
