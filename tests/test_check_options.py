"""Bad options and early-leaving readers: a clear message and the contract's exit status,
never a traceback, and no child process or temporary folder left behind."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SOLUTIONS, run_grader
from grader.topics.registry import declare as _declare

SOFTMAX = _declare("softmax").max_points  # the points follow its checks


def child_folders(tmp: Path) -> set[str]:
    return {p.name for p in tmp.glob("grader-child-*")}


@pytest.mark.parametrize("option, value, words", [
    ("--seed", "-1", "--seed must be a whole number from 0"),
    ("--seed", "99999999999999999999999", "--seed must be a whole number from 0"),
    ("--time-limit", "nan", "--time-limit must be a number of seconds above 0"),
    ("--time-limit", "inf", "--time-limit must be a number of seconds above 0"),
    ("--time-limit", "-5", "--time-limit must be a number of seconds above 0"),
    ("--time-limit", "0", "--time-limit must be a number of seconds above 0"),
])
def test_a_bad_number_is_refused_before_anything_runs(option, value, words, tmp_path):
    done = run_grader("check", "softmax", "--submission", str(SOLUTIONS), option, value, "--lang", "en",
                      env={"TMPDIR": str(tmp_path)})
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
    assert child_folders(tmp_path) == set()  # no child was started, so none is left


def test_a_bad_number_is_refused_in_japanese_too():
    done = run_grader("check", "--time-limit", "nan", "--lang", "ja")
    assert done.returncode == 2 and "--time-limit には" in done.stderr


def test_a_short_time_limit_that_is_a_real_number_is_used():
    done = run_grader("check", "softmax", "--submission", str(SOLUTIONS), "--time-limit", "0.5", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["score"] == SOFTMAX


def test_a_picture_that_cannot_be_written_keeps_the_grades_and_their_exit_status(tmp_path):
    impossible = tmp_path / ("x" * 300 + ".png")  # a name longer than the file system allows
    done = run_grader("check", "training", "--submission", str(SOLUTIONS), "--json", "--plot", str(impossible))
    assert "Traceback" not in done.stderr
    assert done.returncode == 0  # every check passed: the lost picture does not change that
    assert json.loads(done.stdout)["score"] == json.loads(done.stdout)["max_score"]
    assert "could not be written" in done.stderr


def test_a_picture_into_a_folder_path_is_refused_up_front(tmp_path):
    done = run_grader("check", "softmax", "--plot", str(tmp_path) + "/", "--lang", "en")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_a_reader_that_leaves_early_gets_no_traceback():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "grader", "check", "--submission", str(SOLUTIONS),
                                "--json"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    process.stdout.close()  # gone before the grader writes a byte
    _, errors = process.communicate(timeout=120)
    assert b"Traceback" not in errors and b"BrokenPipeError" not in errors
    assert process.returncode == 1
