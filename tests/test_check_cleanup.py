"""Bad options and what a child leaves behind end in a message, never a traceback."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import messages_of, run_grader

DEEP_FOLDERS = '''
_made = []


def softmax(x):
    import os
    if not _made:  # once per child
        for _ in range(3000):  # deeper than any recursive cleaner can go
            os.mkdir("d")
            os.chdir("d")
        _made.append(True)
    raise ValueError("made 3000 folders")
'''


@pytest.fixture
def temp():
    """A temporary folder of the grader's own, one a root grader's child can pass through
    (pytest's own are private to their user)."""
    folder = Path(tempfile.mkdtemp(prefix="test-cleanup-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_child_that_leaves_thousands_of_nested_folders_is_cleaned_up(submission, temp):
    folder = submission(append={"functions": DEEP_FOLDERS})
    for sandbox in ("none", "auto"):
        done = run_grader("check", "softmax", "--submission", str(folder),
                          "--json", "--lang", "en", "--sandbox", sandbox, env={"TMPDIR": str(temp)})
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
        assert "made 3000 folders" in messages_of(json.loads(done.stdout), "softmax")
        assert list(temp.iterdir()) == []  # the child's folder and the staging, all gone


@pytest.mark.parametrize("command", [("batch", "{tmp}", "--out", "{tmp}/out"), ("check",), ("watch",)])
@pytest.mark.parametrize("seed", ["-1", str(2 ** 64)])
def test_a_seed_numpy_cannot_take_is_a_usage_error(command, seed, tmp_path):
    done = run_grader(*[part.format(tmp=tmp_path) for part in command], "--seed", seed, "--lang", "en")
    assert done.returncode == 2
    assert f"--seed must be a whole number from 0 to {2 ** 63 - 1}, not {seed}" in done.stderr
    assert "Traceback" not in done.stderr
