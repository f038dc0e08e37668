"""What survives from one run of `grader batch` to the next.

A result stays valid while the submission, the settings and the grader's own grading
code are unchanged (:func:`settings_key` is part of every result's key); the temporary
folders of a run that was killed outright are removed by the next one.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from grader.boundary import bwrap

WORKSPACE_PREFIX = "grader-batch-"  # + the batch's pid: a folder whose batch is gone is stale
NOT_GRADING = ("quiz", "authoring", "learn")  # folders of the package that grade no exercise


def clear_stale_workspaces() -> None:
    """Remove the temporary folders of batches that were killed outright (kill -9)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORKSPACE_PREFIX}*-*"):
        try:
            pid = int(folder.name[len(WORKSPACE_PREFIX):].split("-")[0])
            if folder.stat().st_uid != os.getuid() or _alive(pid):
                continue
        except (ValueError, OSError):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def settings_key(seed: int, time_limit: float, lang: str, topics: list[str]) -> str:
    """What else decides a result: the settings, and the code that grades (the boundary,
    the engine, the topics and their messages, the reference, the notebook reader; not the
    quizzes or the authoring tools)."""
    digest = hashlib.sha256(json.dumps([seed, time_limit, lang, topics]).encode())
    package = bwrap.grader_package()
    files = [path for path in package.rglob("*") if path.suffix in (".py", ".yaml")
             and "__pycache__" not in path.parts and path.parts[len(package.parts)] not in NOT_GRADING]
    files += (package.parent / "reference").glob("*.py")
    for path in sorted(files):
        digest.update(str(path.relative_to(package.parent)).encode() + path.read_bytes())
    return digest.hexdigest()
