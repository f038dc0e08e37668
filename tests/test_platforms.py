"""The student-facing commands on Windows and macOS, simulated: we cannot run those systems
here, so each test runs the real CLI in a Python whose ``sitecustomize``
(tests/platforms/<kind>/, see tests/platforms/simulate.py) removes what that system lacks —
Windows: pwd, resource, fcntl, termios, tty, pty, grp, fork, setsid, killpg, getuid,
pidfd, waitid, SIGKILL/SIGSTOP/SIGXCPU, AF_UNIX, select.poll and select on pipes, folder
descriptors, /proc, Linux's libc, bubblewrap; macOS: pidfd, waitid, SEQPACKET sockets,
/proc, prctl, bubblewrap. Every Python the grader starts there keeps the simulation.

Scores, messages and exit statuses must equal this machine's (Linux) run; only the
isolation the run states differs.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

from conftest import EXERCISES, ROOT, SOLUTIONS, without_isolation
from grader.authoring.blanks import strip_markers
from grader.topics import registry

pytestmark = pytest.mark.platforms

PLATFORMS = Path(__file__).resolve().parent / "platforms"
KINDS = ("windows", "macos")
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\r")
HANG = "\n\ndef softmax(x):\n    while True:\n        pass\n"
CRASH = "\n\ndef softmax(x):\n    import ctypes\n    return ctypes.string_at(0)\n"
POINTS = {name: registry.declare(name).max_points for name in registry.names()}
FUNCTIONS_DONE = f"{sum(p for name, p in POINTS.items() if registry.about(name).module == 'functions'):g}"


def environment(tmp_path: Path, kind: str | None, **extra: str) -> dict:
    """A student's environment on ``kind`` (None: this machine as it is)."""
    paths = ([str(PLATFORMS / kind)] if kind else []) + [str(ROOT)]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "GRADER_DATA_DIR": str(tmp_path / "data"),
            "LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", **extra}


def grader(tmp_path: Path, kind: str | None, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, env=environment(tmp_path, kind, **extra),
                          capture_output=True, text=True, timeout=timeout)


def check(tmp_path: Path, kind: str | None, submission: Path, *args: str) -> tuple[int, dict]:
    done = grader(tmp_path, kind, "check", *args, "--submission", str(submission), "--json", "--lang", "en")
    assert done.stdout.strip(), done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done.returncode, json.loads(done.stdout)


@pytest.fixture(scope="module")
def on_linux(tmp_path_factory):
    """This machine's run of a command (the reference both simulated systems must equal),
    made once per module, each in a fresh data folder, instead of once per system."""
    runs: dict[tuple[str, ...], subprocess.CompletedProcess] = {}

    def run(*args: str) -> subprocess.CompletedProcess:
        if args not in runs:
            runs[args] = grader(tmp_path_factory.mktemp("linux"), None, *args)
        return runs[args]
    return run


def copy_of(folder: Path, tmp_path: Path, name: str = "submission") -> Path:
    target = tmp_path / name
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def solved(module: str) -> str:
    return strip_markers((SOLUTIONS / f"{module}.py").read_text(encoding="utf-8"))


def save(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # as an editor saves


@pytest.fixture(scope="module")
def linux(tmp_path_factory) -> dict:
    """This machine's own results, to compare with: solutions/ and a fresh exercises/."""
    tmp = tmp_path_factory.mktemp("linux")
    return {"solutions": check(tmp, None, SOLUTIONS), "exercises": check(tmp, None, copy_of(EXERCISES, tmp))}


@pytest.mark.parametrize("kind", KINDS)
def test_check_gives_full_marks_and_zero_with_the_same_messages_as_on_linux(kind, linux, tmp_path):
    status, report = check(tmp_path, kind, SOLUTIONS)
    assert status == 0 and report["score"] == report["max_score"] > 0
    assert (status, without_isolation(report)) == (linux["solutions"][0], without_isolation(linux["solutions"][1]))
    status, exercises = check(tmp_path, kind, copy_of(EXERCISES, tmp_path))
    assert status == 1 and exercises["score"] == 0
    assert all(r["message"] for r in exercises["results"])
    assert (status, without_isolation(exercises)) == (linux["exercises"][0], without_isolation(linux["exercises"][1]))
    # What the run had is stated: no sandbox (bubblewrap cannot exist there); a spawned child
    # where there is no fork.
    isolation = report["isolation"]
    assert isolation["sandbox"] == "none" and "time" in isolation["limits"]
    assert isolation["child"] == ("spawn" if kind == "windows" else "fork")
    if kind == "windows":  # no rlimits, no process groups; on a real Windows a job object holds them
        assert isolation["limits"] == ["time"] and isolation["ends_tree_by"] in ("job_object", "taskkill", "process")
    else:  # rlimits, but no /proc to measure the address space already taken
        assert "file_size" in isolation["limits"] and "memory" not in isolation["limits"]
        assert isolation["ends_tree_by"] == "process_group"


@pytest.mark.parametrize("kind", KINDS)
def test_the_table_states_the_isolation_in_its_footer(kind, tmp_path):
    done = grader(tmp_path, kind, "check", "softmax", "--submission", str(SOLUTIONS))
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())  # the terminal's width may wrap the footer
    child = "child process started as a new Python" if kind == "windows" else "forked child process"
    assert "Isolation: no sandbox" in text and child in text


@pytest.fixture(scope="module")
def hanging_submission(tmp_path_factory) -> Path:
    """The solutions with a softmax that never returns (one folder: the reference run on it is shared)."""
    folder = copy_of(SOLUTIONS, tmp_path_factory.mktemp("hanging"))
    (folder / "functions.py").write_text(solved("functions") + HANG, encoding="utf-8")
    return folder


@pytest.mark.parametrize("kind", KINDS)
def test_a_hanging_topic_is_stopped_at_its_time_limit_and_the_rest_is_graded(kind, tmp_path, hanging_submission,
                                                                              on_linux):
    args = ("check", "softmax", "activations", "--time-limit", "2", "--submission", str(hanging_submission),
            "--json", "--lang", "en")
    start = time.monotonic()
    status, report = check(tmp_path, kind, hanging_submission, "softmax", "activations", "--time-limit", "2")
    assert time.monotonic() - start < 60
    assert status == 1
    softmax = [r for r in report["results"] if r["topic"] == "softmax"]
    assert softmax and all("did not finish within 2 s" in r["message"] for r in softmax)
    assert all(r["passed"] for r in report["results"] if r["topic"] == "activations")
    linux = on_linux(*args)
    assert "Traceback" not in linux.stderr, linux.stderr[-3000:]
    assert without_isolation(report) == without_isolation(json.loads(linux.stdout))


@pytest.mark.parametrize("kind", KINDS)
def test_a_crash_is_reported_as_on_linux(kind, tmp_path):
    folder = copy_of(SOLUTIONS, tmp_path)
    (folder / "functions.py").write_text(solved("functions") + CRASH, encoding="utf-8")
    status, report = check(tmp_path, kind, folder, "softmax", "activations")
    assert status == 1
    softmax = [r for r in report["results"] if r["topic"] == "softmax"]
    assert softmax and all("ended abruptly" in r["message"] for r in softmax)
    assert all(r["passed"] for r in report["results"] if r["topic"] == "activations")
    assert without_isolation(report) == without_isolation(check(tmp_path, None, folder, "softmax", "activations")[1])


@pytest.mark.parametrize("kind", KINDS)
def test_sandbox_bwrap_says_bubblewrap_cannot_be_used_there(kind, tmp_path):
    done = grader(tmp_path, kind, "check", "softmax", "--submission", str(SOLUTIONS), "--sandbox", "bwrap")
    assert done.returncode == 2 and done.stdout == ""
    assert "bubblewrap cannot be used here" in done.stderr and "Traceback" not in done.stderr
    if kind == "windows":
        assert "bubblewrap needs Linux" in done.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_watch_starts_regrades_a_saved_fix_and_quits(kind, tmp_path):
    work = copy_of(EXERCISES, tmp_path, "exercises")
    env = {**environment(tmp_path, kind), "TERM": "xterm-256color"}
    child = pexpect.spawn(sys.executable, ["-m", "grader", "watch", "--submission", str(work)], cwd=str(ROOT),
                          env=env, dimensions=(24, 80), encoding="utf-8", timeout=120)
    try:
        seen = _wait_for(child, r"q quit")
        if kind == "windows":  # no termios: keys are typed lines, and the watch says so
            assert "type the key, then Enter" in seen
        save(work / "functions.py", solved("functions"))
        _wait_for(child, rf"{FUNCTIONS_DONE}/\d+ points")
        child.send("q\r" if kind == "windows" else "q")
        child.expect(pexpect.EOF, timeout=60)
        child.close()
        assert child.exitstatus == 0
    finally:
        if child.isalive():
            child.close(force=True)


def test_watch_without_file_notifications_polls_and_says_so(tmp_path):
    """Windows without watchfiles' compiled part: the folder is scanned, and the watch says so."""
    work = copy_of(EXERCISES, tmp_path, "exercises")
    env = environment(tmp_path, "windows", GRADER_SIMULATE_WITHOUT="watchfiles")
    process = subprocess.Popen([sys.executable, "-m", "grader", "watch", "--submission", str(work)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline().strip() for _ in POINTS]  # every topic once
        assert lines == [f"{name} 0/{POINTS[name]:g} ✘" for name in POINTS]
        save(work / "functions.py", solved("functions"))
        own = [n for n in POINTS if registry.about(n).module == "functions"]
        regraded = [process.stdout.readline().strip() for _ in own]
        assert regraded == [f"{name} {POINTS[name]:g}/{POINTS[name]:g} ✔" for name in own]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=60)
    assert "checking the folder for saves twice a second" in stderr


@pytest.fixture(scope="module")
def quiz_answers(tmp_path_factory) -> Path:
    answers = tmp_path_factory.mktemp("quiz") / "answers.yaml"
    answers.write_text(yaml.safe_dump({"d1s2-q4": "z = functions.sigmoid(u)", "d1s2-q3": "z = 1"}), encoding="utf-8")
    return answers


@pytest.mark.parametrize("kind", KINDS)
def test_quiz_code_answers_are_graded_as_on_linux(kind, tmp_path, quiz_answers, on_linux):
    answers = quiz_answers
    done = grader(tmp_path, kind, "quiz", "check", str(answers), "--json", "--lang", "en")
    assert "Traceback" not in done.stderr, done.stderr
    report = json.loads(done.stdout)
    code = [r for r in report["results"] if r["id"] == "d1s2-q4"]
    assert code and code[0]["passed"], (code, done.stderr[-2000:])  # why, when it is not
    linux = on_linux("quiz", "check", str(answers), "--json", "--lang", "en")
    assert (done.returncode, report) == (linux.returncode, json.loads(linux.stdout))


NOTEBOOK = """
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
cells = ["import numpy as np\\nfrom grader.notebook import check",
         {softmax!r},
         "print('SCORE', check('softmax'))"]
for cell in cells:
    result = shell.run_cell(cell, store_history=True)
"""


@pytest.mark.parametrize("kind", KINDS)
def test_the_notebook_check_grades_a_notebooks_cells(kind, tmp_path):
    """check() reads the cells a student ran (IPython's history) and grades them in a child."""
    softmax = "def softmax(x):\n    e = np.exp(x - np.max(x, axis=-1, keepdims=True))\n    return e / e.sum(axis=-1, keepdims=True)"
    script = tmp_path / "notebook.py"
    script.write_text(NOTEBOOK.format(softmax=softmax), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=environment(tmp_path, kind),
                          capture_output=True, text=True, timeout=300)
    assert f"SCORE {POINTS['softmax']:g}" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    broken = tmp_path / "broken.py"
    broken.write_text(NOTEBOOK.format(softmax="def softmax(x):\n    return x"), encoding="utf-8")
    runs = [subprocess.run([sys.executable, str(broken)], cwd=tmp_path, env=environment(tmp_path, k),
                           capture_output=True, text=True, timeout=300) for k in (kind, None)]
    assert "SCORE" not in runs[0].stdout and "softmax" in runs[0].stdout
    assert runs[0].stdout == runs[1].stdout  # the same feedback, word for word


@pytest.mark.parametrize("kind", KINDS)
def test_the_other_student_commands_run(kind, tmp_path, on_linux):
    for args in (("hint", "softmax"), ("solution", "softmax"), ("status",), ("quiz", "list")):
        # each in a fresh data folder: a hint seen is remembered, and the next run shows the next level
        done = grader(tmp_path / kind / args[0], kind, *args)
        linux = on_linux(*args)
        assert "Traceback" not in done.stderr, (args, done.stderr)
        assert (done.returncode, done.stdout) == (linux.returncode, linux.stdout), args


IMPORT_ALL = """
import importlib, pkgutil
import grader
failed = []
for info in pkgutil.walk_packages(grader.__path__, "grader."):
    if not info.name.startswith(STUDENT_SIDE) or info.name.endswith("__main__"):
        continue
    try:
        importlib.import_module(info.name)
    except BaseException as exc:
        failed.append(f"{info.name}: {exc!r}")
print("\\n".join(failed))
"""
# What `check`, `watch`, `hint`, `solution`, `status`, `quiz` and the notebook's check() may import.
STUDENT_SIDE = ("grader.cli", "grader.i18n", "grader.notebook", "grader.check", "grader.learn", "grader.quiz",
                "grader.nb", "grader.grading", "grader.boundary", "grader.judging", "grader.topics")


@pytest.mark.parametrize("kind", KINDS)
def test_no_student_side_module_needs_what_the_system_lacks_at_import(kind, tmp_path):
    done = subprocess.run([sys.executable, "-c", f"STUDENT_SIDE = {STUDENT_SIDE!r}\n" + IMPORT_ALL], cwd=tmp_path,
                          env=environment(tmp_path, kind), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "", done.stdout + done.stderr[-2000:]


def _wait_for(child: pexpect.spawn, pattern: str, timeout: float = 120) -> str:
    seen, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            seen += child.read_nonblocking(100_000, timeout=0.5)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            break
        if re.search(pattern, ANSI.sub("", seen)):
            return ANSI.sub("", seen)
    raise AssertionError(f"{pattern!r} never shown; last screen:\n{ANSI.sub('', seen)[-2000:]}")
