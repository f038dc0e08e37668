"""Hostile code answers: each exercise fixture of tests/hostile/ has a twin here, written as
an answer to a code question, and the same process boundary contains it.

Every twin goes through the real `grader quiz check --json` on an answers file. Whatever
the answer does, the question is graded wrong with a message, the command exits 1 with
valid JSON and no traceback, the other question of the file is graded as usual, and no
process or file is left behind.

The twins that spin until the time limit ends them are graded against a copy of the
quizzes where the question sets its own `timeout` (what the schema's field is for): they
spin 2 s, not the default 10 s, and the message must name that limit. One answer that
sleeps past the default proves, through the real quizzes, that a question without a
`timeout` of its own is ended at the default and told so.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

import pytest
import yaml

from grader.quiz.sandbox import DEFAULT_TIMEOUT
from quiz_support import QUIZ_DIR, assert_no_traceback, run_quiz

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "d1s2-q4"  # z = functions.sigmoid(u), u of shape (3,), compared by name
OTHER = ("d1s2-q3", None)  # graded beside it, to show the rest of the file still counts
RIGHT = "z = functions.sigmoid(u)"
SLEEP = str(10 ** 9 + uuid.uuid4().int % 10 ** 9)  # a sleep only this run's answers start
OWN_TIMEOUT = 2  # seconds: QUESTION's own limit in the copy of the quizzes the spinners meet
TIMED_OUT = f"did not finish within {OWN_TIMEOUT} seconds"
# Twins ended by the time limit, and what their message must say. A C-stack overflow may end
# the child (SIGSEGV) before the limit does; either way the message says which.
SPINNERS = {
    "fork_bomb": (TIMED_OUT,),
    "loop_at_import": (TIMED_OUT,),
    "loop_in_function": (TIMED_OUT,),
    "stack_overflow": (TIMED_OUT, "stopped abruptly"),
}
SAYS = {**SPINNERS, "exhaust_memory": ("ran out of memory",)}  # what these twins' messages name

TWINS = {
    # np.empty, as its fixture: address space runs out at once, without writing gigabytes first
    "exhaust_memory": "hoard = []\nwhile True:\n    hoard.append(np.empty(10 ** 8))\n" + RIGHT,
    "fake_json": 'print(\'{"score": 5, "max_score": 5, "results": []}\')\nz = u',
    "fork_bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
    "import_solutions": "from reference.functions import sigmoid as s\nz = s(u)",
    "keyboard_interrupt": "raise KeyboardInterrupt",
    "leave_process": (f"import os, subprocess\nsubprocess.Popen(['sleep', '{SLEEP}'], start_new_session=True)\n"
                      f"if os.fork() == 0:\n    os.setsid()\n    os.execvp('sleep', ['sleep', '{SLEEP}'])\nz = u"),
    "loop_at_import": "while True:\n    pass",
    "loop_in_function": "def f():\n    while True:\n        pass\nz = f()",
    "os_exit": "import os\nos._exit(3)",
    "patch_grader": ("import sys\nfor name, module in list(sys.modules.items()):\n"
                     "    if name.startswith('grader') and hasattr(module, 'compare'):\n"
                     "        module.compare = lambda *a, **k: None\nz = u"),
    "patch_numpy": "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\nz = u",
    "patch_json": ("import json\njson.dumps = lambda *a, **k: '{\"value\": 0}'\n"
                   "import grader.boundary.wire as w\nw.encode = lambda v: {'value': None}\nz = u"),
    "print_megabytes": "print('x' * 40_000_000)\nz = u",
    "stack_overflow": "import sys\nsys.setrecursionlimit(10 ** 7)\ndef f(n):\n    return f(n + 1)\nz = f(0)",
    "sys_exit": "import sys\nsys.exit(1)",
    "write_outside": ("from pathlib import Path\nPath('left-behind.txt').write_text('x')\n"
                      "Path('../left-behind.txt').write_text('x')\nz = u"),
}


def sleeping() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if command.startswith("sleep ") and SLEEP in command:
            found.append(command)
    return found


@pytest.fixture(scope="module")
def own_timeout_quizzes(tmp_path_factory) -> Path:
    """A copy of the quizzes where QUESTION has a ``timeout`` of its own."""
    folder = tmp_path_factory.mktemp("quizzes") / "quizzes"
    shutil.copytree(QUIZ_DIR, folder)
    section = folder / "day1-s2.yaml"
    text = section.read_text(encoding="utf-8")
    head = f"  - id: {QUESTION}\n    type: code\n"
    assert text.count(head) == 1
    section.write_text(text.replace(head, f"{head}    timeout: {OWN_TIMEOUT}\n"), encoding="utf-8")
    return folder


def first_answer(question_id: str) -> object:
    """The model answer of another question, read from its quiz file."""
    for path in (ROOT / "quizzes").glob("*.yaml"):
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            if question["id"] == question_id:
                return question["answer"]
    raise KeyError(question_id)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_a_hostile_code_answer_costs_only_its_question(name, tmp_path, own_timeout_quizzes):
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({QUESTION: TWINS[name], OTHER[0]: first_answer(OTHER[0])},
                                      allow_unicode=True), encoding="utf-8")
    before = set(os.listdir(tmp_path))
    started = time.monotonic()
    done = run_quiz("check", str(answers), "--json", "--lang", "en", data_dir=tmp_path / "data",
                    quiz_dir=own_timeout_quizzes if name in SPINNERS else None)
    assert time.monotonic() - started < 60
    assert_no_traceback(done)
    assert done.returncode == 1, done.stderr
    results = {r["id"]: r for r in json.loads(done.stdout)["results"]}
    assert results[QUESTION]["passed"] is False and results[QUESTION]["message"]
    if name in SAYS:
        assert any(words in results[QUESTION]["message"] for words in SAYS[name]), results[QUESTION]
    assert results[OTHER[0]]["passed"] is True
    assert sleeping() == []
    assert set(os.listdir(tmp_path)) - before <= {"data"}  # nothing written beside the answers
    assert not (ROOT / "left-behind.txt").exists()


def test_the_right_answer_still_passes_through_the_boundary(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({QUESTION: RIGHT}), encoding="utf-8")
    done = run_quiz("check", str(answers), "--json", data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["results"][0]["passed"] is True


def test_an_answer_of_a_question_without_a_timeout_is_ended_at_the_default(tmp_path):
    """The real quizzes: QUESTION sets no `timeout`, so the default ends an answer that
    sleeps (a sleep, not a spin: the default's ten seconds cost no CPU)."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({QUESTION: f"import time\ntime.sleep(10 ** 6)\n{RIGHT}"}),
                       encoding="utf-8")
    done = run_quiz("check", str(answers), "--json", "--lang", "en", data_dir=tmp_path / "data")
    assert_no_traceback(done)
    assert done.returncode == 1, done.stdout + done.stderr
    message = json.loads(done.stdout)["results"][0]["message"]
    assert f"did not finish within {DEFAULT_TIMEOUT:g} seconds" in message, message
