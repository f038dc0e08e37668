"""`grader watch` as a student uses it: a real pseudo-terminal of 80×24, real saves.

The screen tests read what the terminal shows (escape sequences stripped); the plain test
reads the one-line-per-topic output a pipe gets.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from conftest import EXERCISES, ROOT, SOLUTIONS
from grader.authoring.blanks import strip_markers
from grader.topics import registry

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\r")
HANG = "\n\ndef softmax(x):\n    while True:\n        pass\n"
TOPICS = registry.names()
POINTS = {name: registry.declare(name).max_points for name in TOPICS}
TOTAL = f"{sum(POINTS.values()):g}"
# Once functions.py is solved: the points of its own topics (every other module still blank).
FUNCTIONS_DONE = f"{sum(p for name, p in POINTS.items() if registry.about(name).module == 'functions'):g}"


def env(tmp_path: Path, lang: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "GRADER_DATA_DIR": str(tmp_path / "data"),
            "LANG": "ja_JP.UTF-8" if lang == "ja" else "en_US.UTF-8", "LC_ALL": "", "TERM": "xterm-256color"}


def folder(tmp_path: Path) -> Path:
    work = tmp_path / "exercises"
    shutil.copytree(EXERCISES, work, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
    return work


def save(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # as an editor saves


def solved(module: str) -> str:
    return strip_markers((SOLUTIONS / f"{module}.py").read_text(encoding="utf-8"))


OPEN: list = []  # every watch a test started: ended after the test, whatever it asserted


@pytest.fixture(autouse=True)
def end_every_watch():
    yield
    while OPEN:
        child = OPEN.pop()
        if child.isalive():
            child.close(force=True)


class Screen:
    """A `grader watch` in a pseudo-terminal, and what it has shown since the last look."""

    def __init__(self, work: Path, environment: dict, *extra: str) -> None:
        self.child = pexpect.spawn(sys.executable, ["-m", "grader", "watch", "--submission", str(work), *extra],
                                   cwd=str(ROOT), env=environment, dimensions=(24, 80), encoding="utf-8",
                                   timeout=90)
        OPEN.append(self.child)

    def wait_for(self, pattern: str, timeout: float = 90) -> str:
        """Everything shown up to ``pattern`` (a regex over the text without escape codes)."""
        seen, deadline = "", time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                seen += self.child.read_nonblocking(100_000, timeout=0.5)
            except pexpect.TIMEOUT:
                pass
            text = ANSI.sub("", seen)
            if re.search(pattern, text):
                return text
        raise AssertionError(f"{pattern!r} never shown; last screen:\n{ANSI.sub('', seen)[-2000:]}")

    def key(self, key: str) -> None:
        self.child.send(key)


def test_a_save_that_fixes_a_topic_is_graded_and_keys_work_in_japanese(tmp_path):
    work = folder(tmp_path)
    screen = Screen(work, env(tmp_path, "ja"))
    first = screen.wait_for(r"q 終了")
    assert "grader watch — exercises" in first and f"0/{TOTAL} 点" in first
    assert "▶ activations" in first and "空欄（あ）がまだ埋められていません" in first
    screen.key("h")
    hint = screen.wait_for(r"ヒント 1/\d")
    assert "step_function" in hint
    save(work / "functions.py", solved("functions"))
    after = screen.wait_for(r"activations に合格しました: 5/5 点")
    # Issue 22: the topic that passes gets its moment and stays; moving on is the learner's key
    assert "▶ activations" in after.split(f"{FUNCTIONS_DONE}/{TOTAL} 点")[-1]
    screen.key("s")  # its model code, now that it passes
    screen.wait_for(r"np\.where\(x > 0, 1, 0\)")
    screen.key("n")
    screen.wait_for(r"▶ forward")  # the next unfinished topic in the course's order
    screen.key("l")
    listing = screen.wait_for(rf"softmax\s+{POINTS['softmax']:g}/{POINTS['softmax']:g}")
    assert re.search(r"activations\s+5/5", listing)
    screen.key("n")
    screen.wait_for(r"▶ backward")
    screen.key("q")
    screen.child.expect(pexpect.EOF, timeout=30)
    screen.child.close()
    assert screen.child.exitstatus == 0


def test_a_syntax_error_and_a_hang_are_feedback_and_the_watch_goes_on(tmp_path):
    work = folder(tmp_path)
    screen = Screen(work, env(tmp_path, "en"), "--time-limit", "2")
    screen.wait_for(r"q quit")
    save(work / "functions.py", solved("functions").replace("def relu(x):", "def relu(x)"))
    # The message may reach the terminal in two pieces: wait for the file's name too.
    broken = screen.wait_for(r"(?i)syntax error in\s+functions\.py")
    assert "functions.py" in broken.split("Saved")[-1]
    save(work / "functions.py", solved("functions") + HANG)
    # activations passes now: its moment, and the watch stays on it until the learner moves on
    screen.wait_for(r"activations passes: 5/5 points")
    screen.key("n")
    screen.wait_for(r"did not finish within 2 s")
    save(work / "functions.py", solved("functions"))
    screen.wait_for(rf"{FUNCTIONS_DONE}/{TOTAL} points")
    screen.key("n")  # from softmax, which passes now, on to the next unfinished topic
    screen.wait_for(r"▶ forward")
    screen.key("s")
    screen.wait_for(r"model code of forward is shown once the topic passes")
    screen.key("q")
    screen.child.expect(pexpect.EOF, timeout=30)


def test_without_a_terminal_each_regrade_is_one_line(tmp_path):
    work = folder(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "grader", "watch", "--submission", str(work)],
                               cwd=ROOT, env=env(tmp_path, "en"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline().strip() for _ in TOPICS]  # every topic once
        assert lines == [f"{name} 0/{POINTS[name]:g} ✘" for name in TOPICS]
        save(work / "functions.py", solved("functions"))
        own = [n for n in TOPICS if registry.about(n).module == "functions"]
        regraded = [process.stdout.readline().strip() for _ in range(len(own) + 1)]
        assert regraded[:len(own)] == [f"{name} {POINTS[name]:g}/{POINTS[name]:g} ✔" for name in own]
        assert regraded[-1] == f"training 0/{POINTS['training']:g} ✘"  # it also calls minibatch, still blank
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_watch_refuses_a_missing_folder_with_a_message(tmp_path):
    done = subprocess.run([sys.executable, "-m", "grader", "watch", "--submission", str(tmp_path / "none")],
                          cwd=ROOT, env=env(tmp_path, "en"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "no such folder" in done.stderr and "Traceback" not in done.stderr


def test_h_opens_the_ladder_of_the_failing_function_under_its_failure(tmp_path):
    """Issue 22: step_function passes and d_sigmoid fails: h shows d_sigmoid's ladder, below the
    failing check's message (which stays on the screen)."""
    from grader.authoring.blanks import parse_file
    work = folder(tmp_path)
    screen = Screen(work, env(tmp_path, "en"))
    screen.wait_for(r"q quit")
    save(work / "functions.py", solved("functions").replace("return (1 - sigmoid(x)) * sigmoid(x)",
                                                            "return x * (1 - x)"))
    screen.wait_for(r"d_sigmoid: at index")
    screen.key("h")
    label = next(r.label for r in parse_file(SOLUTIONS / "functions.py") if r.qualname == "d_sigmoid")
    shown = screen.wait_for(rf"blank \({label}\) in d_sigmoid, hint 1/3")
    last = shown.split("grader watch — ")[-1]  # the screen drawn last
    assert "first failing check is activations › d_sigmoid" in shown
    assert last.rfind("d_sigmoid: at index") < last.rfind(f"blank ({label}) in d_sigmoid")
    screen.key("q")
    screen.child.expect(pexpect.EOF, timeout=30)
