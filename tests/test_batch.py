"""`grader batch`: a class graded like `grader check` grades each student, resumably.

Every test runs the real command on real folders of submissions.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import EXERCISES, ROOT, SOLUTIONS, as_check_json, check_json, without_isolation, run_grader

BROKEN_SOFTMAX = "\n\ndef softmax(x):\n    return x\n"

from grader.grading.defaults import DEFAULT_TIME_LIMIT
from grader.topics.registry import declare, names

TOTAL = sum(declare(name).max_points for name in names())  # every topic's points


def student(folder: Path, name: str, source: Path = SOLUTIONS, append: dict[str, str] | None = None) -> Path:
    """A student's submission: a copy of ``source`` with code appended to some modules."""
    path = folder / name
    shutil.copytree(source, path, ignore=shutil.ignore_patterns("__pycache__"))
    for module, code in (append or {}).items():
        with open(path / f"{module}.py", "a", encoding="utf-8") as f:
            f.write(code)
    return path


def a_class(tmp_path: Path) -> Path:
    """alice solved everything, bob nothing, carol all but softmax (and so training)."""
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    student(submissions, "alice")
    student(submissions, "bob", EXERCISES)
    student(submissions, "carol", append={"functions": BROKEN_SOFTMAX})
    return submissions


def batch(submissions: Path, out: Path, *extra: str, env: dict | None = None,
          timeout: float = 180) -> subprocess.CompletedProcess:
    return run_grader("batch", str(submissions), "--out", str(out), "--lang", "en", *extra,
                      env=env, timeout=timeout)


def results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["students"]


def grades(out: Path) -> dict:
    """Each student's grades without the digests of the values sent: iterate_minibatches called
    with rng=None draws a fresh order every run, so its outcome's bytes differ (its grade does not)."""
    return {name: as_check_json(report) for name, report in results(out).items()}


def csv_rows(out: Path) -> list[dict]:
    with open(out / "results.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def graded_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("[")]


def zygotes() -> list[str]:
    """Command lines of the forking servers left behind on this machine: those whose owner is
    gone. A server whose parent is still a live Python or bubblewrap process belongs to a
    grader that is still running (another test's, or the one-per-process server of the quiz's
    code answers in a test worker); a server a killed grader left is an orphan (its parent is
    the machine's init or a sub-reaper, never one of ours)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = _command_line(entry)
        except OSError:
            continue
        if "grader.boundary.server" in command and not _owner_is_alive(entry):
            found.append(command)
    return found


def _command_line(entry: Path) -> str:
    return (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


def _owner_is_alive(entry: Path) -> bool:
    try:
        status = (entry / "status").read_text()
        parent = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:"))
        owner = _command_line(Path("/proc") / str(parent)).split(" ")[0]
    except (OSError, StopIteration, ValueError):
        return False
    return parent > 1 and ("python" in owner or owner.endswith("bwrap"))


def wait_until_no_zygotes(seconds: float = 10) -> list[str]:
    deadline = time.monotonic() + seconds
    while zygotes() and time.monotonic() < deadline:
        time.sleep(0.1)
    return zygotes()


# -- the results ---------------------------------------------------------------------------

def test_each_student_gets_exactly_what_grader_check_gives(tmp_path):
    submissions, out = a_class(tmp_path), tmp_path / "grades"
    done = batch(submissions, out, "-j", "2")
    assert done.returncode == 0, done.stderr
    graded = results(out)
    assert sorted(graded) == ["alice", "bob", "carol"]
    for name in graded:
        _, expected = check_json(submissions / name)
        assert as_check_json(graded[name]) == without_isolation(expected), name
    assert graded["alice"]["score"] == graded["alice"]["max_score"]
    assert graded["bob"]["score"] == 0
    # Her softmax returns x: training, which calls it, falls short too.
    assert {r["topic"] for r in graded["carol"]["results"] if not r["passed"]} == {"softmax", "training"}


def test_results_csv_has_a_column_per_topic_and_the_total(tmp_path):
    submissions, out = a_class(tmp_path), tmp_path / "grades"
    assert batch(submissions, out).returncode == 0
    rows = csv_rows(out)
    graded = results(out)
    topics = list(dict.fromkeys(r["topic"] for r in graded["alice"]["results"]))
    assert list(rows[0]) == ["student", *topics, "total"]
    for row in rows:
        points = {t: 0.0 for t in topics}
        for r in graded[row["student"]]["results"]:
            points[r["topic"]] += r["points"]
        assert {t: float(row[t]) for t in topics} == points
        assert float(row["total"]) == graded[row["student"]]["score"]


def test_plain_progress_lines_and_the_isolation_in_use_when_not_a_terminal(tmp_path):
    done = batch(a_class(tmp_path), tmp_path / "grades")
    lines = graded_lines(done.stdout)
    assert len(lines) == 3 and lines[-1].startswith("[3/3]")
    assert any(line.endswith(f"alice: {TOTAL:g}/{TOTAL:g}") for line in lines)
    assert "Isolation:" in done.stdout
    assert "Graded 3 submissions" in done.stdout


def test_a_progress_bar_on_a_terminal(tmp_path):
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "LANG": "en_US.UTF-8", "COLUMNS": "100"}
    proc = subprocess.Popen([sys.executable, "-m", "grader", "batch", str(a_class(tmp_path)), "--out",
                             str(tmp_path / "grades")], cwd=ROOT, stdin=follower, stdout=follower,
                            stderr=follower, env=env)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    assert proc.wait(timeout=120) == 0
    text = output.decode(errors="replace")
    assert "━" in text and "3/3" in text  # rich's bar and its count
    assert "[1/3]" not in text  # no plain lines on a terminal


def test_gradescope_results_for_each_student(tmp_path):
    submissions, out = a_class(tmp_path), tmp_path / "grades"
    assert batch(submissions, out, "--gradescope").returncode == 0
    graded = results(out)
    for name in ("alice", "bob", "carol"):
        report = json.loads((out / "gradescope" / name / "results.json").read_text(encoding="utf-8"))
        assert report["score"] == graded[name]["score"]
        assert len(report["tests"]) == len(graded[name]["results"])
        for test, row in zip(report["tests"], graded[name]["results"]):
            assert test["name"] == f"{row['topic']} › {row['check']}"
            assert (test["score"], test["max_score"]) == (row["points"], row["max_points"])
            assert test["status"] == ("passed" if row["passed"] else "failed")
            assert test["output"] == row["message"]


def test_messages_in_japanese(tmp_path):
    submissions, out = a_class(tmp_path), tmp_path / "grades"
    done = run_grader("batch", str(submissions), "--out", str(out), "--lang", "ja")
    assert done.returncode == 0
    assert "採点" in done.stdout
    assert "空欄" in " ".join(r["message"] for r in results(out)["bob"]["results"])


# -- only what changed, and nothing lost ----------------------------------------------------

def test_unchanged_submissions_are_skipped_and_changed_ones_graded_again(tmp_path):
    submissions, out = a_class(tmp_path), tmp_path / "grades"
    assert batch(submissions, out).returncode == 0
    first = results(out)
    again = batch(submissions, out)
    assert again.returncode == 0
    assert all("unchanged" in line for line in graded_lines(again.stdout))
    assert results(out) == first

    os.utime(submissions / "alice" / "functions.py")  # touched, not changed: still skipped
    with open(submissions / "carol" / "functions.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef softmax(x):\n    e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
                "    return e / e.sum(axis=-1, keepdims=True)\n")
    changed = batch(submissions, out)
    lines = graded_lines(changed.stdout)
    assert sum("unchanged" in line for line in lines) == 2
    assert any(f"carol: {TOTAL:g}/{TOTAL:g}" in line for line in lines)
    assert results(out)["carol"]["score"] == results(out)["carol"]["max_score"]

    forced = batch(submissions, out, "--force")
    assert not any("unchanged" in line for line in graded_lines(forced.stdout))

    # No --time-limit means the default one: spelled out, the settings are the same and nothing
    # is graded again (the default proven without waiting it out); under another limit, every
    # result is graded again (a result is reused only under the limit it was graded with).
    spelled = graded_lines(batch(submissions, out, "--time-limit", f"{DEFAULT_TIME_LIMIT:g}").stdout)
    assert len(spelled) == 3 and all("unchanged" in line for line in spelled), spelled
    longer = graded_lines(batch(submissions, out, "--time-limit", f"{2 * DEFAULT_TIME_LIMIT:g}").stdout)
    assert len(longer) == 3 and not any("unchanged" in line for line in longer), longer


def test_a_function_that_hangs_in_its_own_topic_costs_one_time_limit_per_student(tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for name in ("dan", "eve"):
        student(submissions, name, append={"functions": "\n\ndef softmax(x):\n    while True:\n        pass\n"})
    out = tmp_path / "grades"
    done = batch(submissions, out, "-j", "1", "--time-limit", "2")
    assert done.returncode == 0, done.stderr
    for name, report in results(out).items():
        messages = {r["topic"]: r["message"] for r in report["results"] if not r["passed"]}
        assert set(messages) == {"softmax", "training"}, (name, messages)
        assert "did not finish within 2 s" in messages["softmax"]
        # Skipped, not run: training never waits out a time limit of its own.
        assert messages["training"] == (
            "Skipped: softmax timed out in its own topic (softmax); make that topic finish first.")


def _hanging_class(tmp_path: Path) -> Path:
    submissions = a_class(tmp_path)
    student(submissions, "zoe", append={"functions": "\n\nwhile True:\n    pass\n"})  # graded last
    return submissions


# zoe's hang is waited out once, by the resumed run (the limit is part of what a result was
# graded with, so both runs use it); the interrupted run is stopped within this many seconds
# of printing carol's line, before zoe's limit ends her.
HANG_LIMIT = "3"


def _start(submissions: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "LANG": "en_US.UTF-8"}
    return subprocess.Popen([sys.executable, "-m", "grader", "batch", str(submissions), "--out", str(out),
                             "-j", "1", "--time-limit", HANG_LIMIT, *extra], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _read_until_graded(proc: subprocess.Popen, count: int) -> list[str]:
    lines = []
    while len([line for line in lines if line.startswith("[")]) < count:
        line = proc.stdout.readline()
        assert line, f"batch ended early: {proc.stderr.read()}"
        lines.append(line)
    return lines


def test_ctrl_c_keeps_every_finished_result_and_the_next_run_resumes(tmp_path):
    submissions, out = _hanging_class(tmp_path), tmp_path / "grades"
    proc = _start(submissions, out)
    _read_until_graded(proc, 3)  # alice, bob, carol done; zoe's import hangs
    proc.send_signal(signal.SIGINT)
    stdout, _ = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Interrupted" in stdout
    assert sorted(results(out)) == ["alice", "bob", "carol"]
    assert [row["student"] for row in csv_rows(out)] == ["alice", "bob", "carol"]
    assert wait_until_no_zygotes() == []

    resumed = batch(submissions, out, "--time-limit", HANG_LIMIT)
    lines = graded_lines(resumed.stdout)
    assert sum("unchanged" in line for line in lines) == 3
    assert any(line.startswith("[4/4] zoe:") for line in lines)
    assert sorted(results(out)) == ["alice", "bob", "carol", "zoe"]


def test_a_killed_batch_leaves_no_process_behind_and_resumes(tmp_path):
    submissions, out = _hanging_class(tmp_path), tmp_path / "grades"
    proc = _start(submissions, out, "--sandbox", "none")
    _read_until_graded(proc, 3)
    proc.kill()  # SIGKILL: no chance to clean up
    proc.wait(timeout=30)
    assert wait_until_no_zygotes() == []
    assert sorted(json.loads(p.read_text())["student"] for p in (out / ".batch").glob("*.json")) == \
        ["alice", "bob", "carol"]
    resumed = batch(submissions, out, "--time-limit", HANG_LIMIT, "--sandbox", "none")
    assert resumed.returncode == 0
    assert sum("unchanged" in line for line in graded_lines(resumed.stdout)) == 3
    assert sorted(results(out)) == ["alice", "bob", "carol", "zoe"]
    # The killed batch's temporary folder is removed by the next run.
    assert not list(Path(tempfile.gettempdir()).glob(f"grader-batch-{proc.pid}-*"))


# -- isolation modes ------------------------------------------------------------------------

def test_without_bubblewrap_the_batch_says_so_and_grades_the_same(tmp_path):
    submissions = a_class(tmp_path)
    with_limits = batch(submissions, tmp_path / "limits", "--sandbox", "none")
    assert with_limits.returncode == 0
    assert "Isolation: process limits only" in with_limits.stdout
    no_bwrap_env = {"PATH": "/nonexistent"}  # bwrap cannot be found
    auto = batch(submissions, tmp_path / "auto", env=no_bwrap_env)
    assert auto.returncode == 0
    assert "process limits only (bwrap not found)" in auto.stdout
    assert grades(tmp_path / "limits") == grades(tmp_path / "auto")
    required = batch(submissions, tmp_path / "required", "--sandbox", "bwrap", env=no_bwrap_env)
    assert required.returncode == 2
    assert "bubblewrap cannot be used here (bwrap not found)" in required.stderr


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_with_bubblewrap_the_batch_says_so_and_grades_the_same(tmp_path):
    submissions = a_class(tmp_path)
    sandboxed = batch(submissions, tmp_path / "bwrap", "--sandbox", "bwrap")
    assert sandboxed.returncode == 0, sandboxed.stderr
    assert "Isolation: bubblewrap" in sandboxed.stdout
    limits = batch(submissions, tmp_path / "limits", "--sandbox", "none")
    assert grades(tmp_path / "bwrap") == grades(tmp_path / "limits")


# -- nbgrader's layout ----------------------------------------------------------------------

def _blank_solutions(notebook: dict) -> dict:
    """The notebook with every solution region replaced by nbgrader's stub."""
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        kept, inside = [], False
        for line in source.splitlines():
            if line.strip() == "### BEGIN SOLUTION":
                inside = True
                kept.append(line.replace("### BEGIN SOLUTION", "raise NotImplementedError()"))
            elif line.strip() == "### END SOLUTION":
                inside = False
            elif not inside:
                kept.append(line)
        cell["source"] = "\n".join(kept)
    return notebook


def test_nbgrader_submitted_notebooks_are_read_and_graded(tmp_path):
    generate = pytest.importorskip("grader.authoring.notebooks")
    from grader.authoring.assignments import assignment

    source = json.loads(generate.generate_notebooks(SOLUTIONS)["day1.ipynb"])
    course = tmp_path / "course"
    for name, notebook in (("alice", source), ("bob", _blank_solutions(json.loads(json.dumps(source))))):
        folder = course / "submitted" / name / "day1"
        folder.mkdir(parents=True)
        (folder / "day1.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (course / "submitted" / "dan" / "day1").mkdir(parents=True)
    (course / "submitted" / "dan" / "day1" / "day1.ipynb").write_text("{not json", encoding="utf-8")
    out = tmp_path / "grades"
    done = batch(course, out)
    assert done.returncode == 0, done.stderr
    from grader.topics.registry import names

    graded = results(out)
    assert list(csv_rows(out)[0])[1:-1] == [t for t in names() if t in assignment("day1").topics]
    assert graded["alice"]["score"] == graded["alice"]["max_score"] > 0
    assert graded["bob"]["score"] == 0
    assert "not filled" in " ".join(r["message"] for r in graded["bob"]["results"])
    assert graded["dan"]["score"] == 0
    assert "day1.ipynb is not a notebook the grader can read" in graded["dan"]["results"][0]["message"]


# -- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["{tmp}/nowhere"], "is not a folder"),
    (["{tmp}/empty"], "has no sub-folders"),
    (["{tmp}/class/alice"], "looks like one submission"),
    (["{tmp}/class", "-j", "0"], "-j must be at least 1"),
    (["{tmp}/class", "--out", "{tmp}/a-file"], "is a file, not a folder"),
    (["{tmp}/class", "--time-limit", "0"], "--time-limit must be a positive number"),
    (["{tmp}/class", "--sandbox", "docker"], "invalid choice"),
    ([], "the following arguments are required"),
])
def test_bad_input_gets_a_clear_message_and_exit_status_2(tmp_path, args, words):
    (tmp_path / "empty").mkdir()
    (tmp_path / "class").mkdir()
    student(tmp_path / "class", "alice")
    (tmp_path / "a-file").write_text("x")
    done = run_grader("batch", *[a.format(tmp=tmp_path) for a in args], "--lang", "en")
    assert done.returncode == 2
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_several_nbgrader_assignments_need_a_choice(tmp_path):
    for assignment in ("day1", "day2-optimizers"):
        folder = tmp_path / "submitted" / "alice" / assignment
        folder.mkdir(parents=True)
        (folder / f"{assignment}.ipynb").write_text(json.dumps({"cells": []}))
    done = run_grader("batch", str(tmp_path), "--lang", "ja", "--out", str(tmp_path / "g"))
    assert done.returncode == 2
    assert "--assignment" in done.stderr and "day1, day2-optimizers" in done.stderr
    assert "複数の課題" in done.stderr
