"""`grader check --sandbox auto|bwrap|none`: bubblewrap by default where it works."""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from conftest import check_json, run_grader
from grader.boundary import bwrap

needs_bwrap = pytest.mark.skipif(bwrap.find_bwrap() is None, reason="bubblewrap is not installed")


def _escaping(submission, marker: Path) -> Path:
    """A submission whose import writes a file next to the grader's own temporary files."""
    return submission(append={"functions": f"open({str(marker)!r}, 'w').write('out')"})


@needs_bwrap
@pytest.mark.parametrize("mode", [[], ["--sandbox", "auto"], ["--sandbox", "bwrap"]])
def test_by_default_the_submission_cannot_write_outside_its_sandbox(submission, tmp_path, mode):
    marker = Path("/tmp") / f"grader-escape-{uuid.uuid4().hex}"
    try:
        status, report = check_json(_escaping(submission, marker), "softmax", extra=tuple(mode))
        assert status == 0 and report["score"] == report["max_score"]
        assert not marker.exists()
    finally:
        marker.unlink(missing_ok=True)


def test_sandbox_none_runs_the_submission_with_limits_only(submission):
    marker = Path("/tmp") / f"grader-escape-{uuid.uuid4().hex}"
    try:
        status, report = check_json(_escaping(submission, marker), "softmax", extra=("--sandbox", "none"))
        assert status == 0 and marker.exists()
    finally:
        marker.unlink(missing_ok=True)


@needs_bwrap
def test_errors_name_the_students_file_inside_the_sandbox(submission):
    folder = submission(append={"functions": "def softmax(x):\n    raise ValueError('oops')"})
    status, report = check_json(folder, "softmax", extra=("--sandbox", "bwrap"))
    assert status == 1
    assert "raised ValueError: oops — at functions.py:" in report["results"][0]["message"]


@needs_bwrap
def test_bytecode_is_never_staged(submission):
    """Only the .py sources reach the sandbox: a pycache of another solution is not graded."""
    folder = submission(append={"functions": "def softmax(x):\n    return x"})
    shutil.copytree(Path(__file__).resolve().parents[1] / "solutions", folder / "__pycache__")
    status, report = check_json(folder, "softmax", extra=("--sandbox", "bwrap"))
    assert status == 1


def test_an_unknown_sandbox_mode_is_a_usage_error(tmp_path):
    done = run_grader("check", "--sandbox", "docker", "--submission", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
