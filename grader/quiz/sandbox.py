"""Running code answers in a child process with a time limit.

The grader's own process never executes a student's code. The child reports through a
result file (not its stdout, which the student's ``print`` owns) and the report is
JSON, decoded here with ``json.loads``: nothing a child sends is ever unpickled.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHILD_SCRIPT = Path(__file__).with_name("_sandbox_child.py")
REAPER_SCRIPT = Path(__file__).with_name("_reaper.py")
REAPER_TIMEOUT_STATUS = 124
REAPER_GRACE = 5.0
DEFAULT_TIMEOUT = 10.0
DEFAULT_SEEDS = (0, 1, 2)


@dataclass(frozen=True)
class RunReport:
    """What the child said: ``status`` is ``ok``, ``timeout`` or ``crashed``."""

    status: str
    model: dict[str, Any] | None = None
    student: dict[str, Any] | None = None
    exit_code: int | None = None


def run_code_answer(setup: str, model: str, student: str, *, compare: list[str] | None,
                    seeds: list[int] | None = None, timeout: float | None = None,
                    bare_functions: list[str] | None = None) -> RunReport:
    """Run ``model`` and then ``student`` after ``setup`` for each seed, in a child."""
    job = {"setup": setup, "model": model, "student": student, "compare": compare,
           "seeds": list(seeds or DEFAULT_SEEDS), "bare_functions": list(bare_functions or [])}
    with tempfile.TemporaryDirectory(prefix="grader-quiz-") as tmp:
        job_path, result_path = Path(tmp, "job.json"), Path(tmp, "result.json")
        job_path.write_text(json.dumps(job), encoding="utf-8")
        status, code = _run_child(job_path, result_path, Path(tmp), timeout or DEFAULT_TIMEOUT)
        if status == "timeout":
            return RunReport("timeout")
        report = _read_report(result_path)
    if report is None:
        return RunReport("crashed", exit_code=code)
    return RunReport("ok", model=report.get("model"), student=report.get("student"), exit_code=code)


def _run_child(job_path: Path, result_path: Path, cwd: Path, timeout: float) -> tuple[str, int | None]:
    # -I: no user site, no PYTHON* variables, no script folder on sys.path: the child
    # sees numpy from this interpreter's site-packages and nothing of the project.
    # The reaper runs the child and then kills whatever it left behind, even processes that
    # left the session with setsid (they are re-parented to the reaper, a subreaper).
    command = [sys.executable, "-I", str(REAPER_SCRIPT), str(timeout),
               sys.executable, "-I", str(CHILD_SCRIPT), str(job_path), str(result_path)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        code = process.wait(timeout=timeout + REAPER_GRACE)
        return ("timeout", None) if code == REAPER_TIMEOUT_STATUS else ("done", code)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return "timeout", None
    except BaseException:
        _kill_group(process)  # Ctrl-C while waiting: leave no child behind
        raise


def _kill_group(process: subprocess.Popen) -> None:
    # First ask the reaper to end the child and everything it detached, then kill the
    # whole process group (the reaper leads its own session) in case it cannot.
    try:
        process.terminate()
        process.wait(timeout=REAPER_GRACE)
    except (subprocess.TimeoutExpired, OSError):
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.kill()
    process.wait()


def _read_report(path: Path) -> dict[str, Any] | None:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None
