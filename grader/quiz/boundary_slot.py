"""The one place code answers run: a forking server of the process boundary, sandboxed.

Every caller that evaluates a student's code answer (`grader quiz check`, `take`,
`quiz stats`, the notebook's ``show_quiz``) reaches the student's code only through the
children of this server, which is the same slot `grader batch` and the sandboxed
`grader check` use (:class:`grader.boundary.pool.Slot`): inside bubblewrap where it runs
(nothing of the instructor's files but the grader's own code, no network, a private
/tmp), and always with the boundary's limits; a root grader's children become a user of
their own, so they read nothing only root may read (``/etc/shadow``) and write nowhere
the grader's user could. Where bubblewrap does not start, the same server runs with the
limits only (what ``--sandbox auto`` does for `grader check`).

One server per process, started on the first code answer and ended at exit. Its children
run one at a time (the server ends every other process in its sandbox when one child is
done), so the threads of :func:`grader.quiz.grading.grade_all` take turns: :func:`turn`.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from grader.boundary import bwrap, limits as process_limits
from grader.boundary.pool import Slot, SlotFailed

# Wall-clock and CPU seconds one code answer's child may use (all its seeds together).
TIME_LIMIT = 10.0
# The staged "submission" of a code answer: nothing (the answer comes with its check).


class _SharedSlot(Slot):
    """A slot whose control socket several threads may use: one request at a time."""

    _guard = threading.RLock()

    def _ask(self, request, fds=()):
        with self._guard:
            return super()._ask(request, fds)

    def spawn(self, read_fd, write_fd, topics=None):
        with self._guard:
            return super().spawn(read_fd, write_fd, topics)


_lock = threading.Lock()
_turn = threading.Lock()
_state: dict = {"slot": None, "root": None}


def settings_for(isolation: bwrap.Isolation, limits: process_limits.Limits):
    """The server's settings: a root grader's children become a user nothing else runs as;
    without bubblewrap the child leaves the network itself."""
    from grader.boundary.server import Settings

    drop_to = process_limits.slot_ids(0) if isolation.as_root else None
    if isolation.as_root:
        processes = limits.processes + 2
    elif isolation.sandboxed:
        processes = limits.processes
    else:
        processes = process_limits.processes_allowed(os.getuid(), limits.processes + 2)
    return Settings(limits=limits, topics=1, workroot="/tmp", drop_to=drop_to, processes=processes,
                    leave_network=not isolation.sandboxed, own_pid_namespace=isolation.sandboxed)


def _isolations(root: Path) -> list[bwrap.Isolation]:
    """Bubblewrap first when it is installed (its own start is the test), then limits only."""
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    found = None if os.environ.get("GRADER_QUIZ_SANDBOX") == "none" else bwrap.find_bwrap()
    choices = [bwrap.Isolation("bwrap", found, "", as_root)] if found else []
    return choices + [bwrap.Isolation("limits", as_root=as_root, reason="bwrap did not start")]


def shared_slot() -> Slot:
    """The running server (started on first use); SlotFailed when none can start at all."""
    with _lock:
        slot = _state["slot"]
        if slot is not None and slot.proc is not None and slot.proc.poll() is None:
            return slot
        _close_locked()
        root = Path(tempfile.mkdtemp(prefix="grader-quiz-"))
        os.chmod(root, 0o711)  # the children of another user reach their staging folder
        _state["root"] = root
        limits = process_limits.Limits(time_limit=TIME_LIMIT, cpu_seconds=TIME_LIMIT)
        problem = "no isolation"
        for index, isolation in enumerate(_isolations(root)):
            home = root / f"try{index}"
            home.mkdir()
            os.chmod(home, 0o711)
            slot = _SharedSlot(0, isolation, None, home, settings_for(isolation, limits), limits)
            try:
                slot.start()
            except (SlotFailed, OSError) as failed:
                slot.close()
                problem = str(failed)
                continue
            _state["slot"] = slot
            _state["isolation"] = isolation
            return slot
        raise SlotFailed(problem)


@contextmanager
def turn() -> Iterator[Slot]:
    """The running server, for one code answer's child at a time."""
    with _turn:
        yield shared_slot()


def isolation_in_use() -> str:
    """``bwrap`` or ``limits``: how the running server is confined ("" before the first answer)."""
    isolation = _state.get("isolation")
    return isolation.kind if isolation is not None else ""


def _close_locked() -> None:
    slot, root = _state["slot"], _state["root"]
    _state["slot"] = _state["root"] = None
    if slot is not None:
        slot.close()
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


@atexit.register
def close() -> None:
    """End the server and its folder (at exit; tests may call it too)."""
    with _lock:
        _close_locked()
