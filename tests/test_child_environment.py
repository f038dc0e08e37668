"""Secrets in the grader's environment never reach student code, in any mode.

A submission's softmax looks for a fake token everywhere a child could find it: its
``os.environ`` and ``posix.environ``, its own ``/proc/self/environ``, every other
``/proc/PID/environ`` it can read (the grader's among them) and its whole memory (a forked
child's freed copies), then fails with what it found.
The token must appear nowhere in what `grader check`, `grader batch` and a notebook's
``check()`` print or write; the probe's own words prove it ran.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SOLUTIONS, check_json, messages_of, run_grader

TOKEN = "s3cr3t-TOKEN-4711"
SECRETS = {"JUPYTERHUB_API_TOKEN": TOKEN, "AWS_SECRET_ACCESS_KEY": TOKEN + "-aws"}
PATTERN = rb"s3cr3t-TOKEN-47(1)1"  # matches TOKEN, yet is not TOKEN: only real copies match

LOOK_FOR_SECRETS = f'''
def softmax(x):
    import os, posix, re
    pattern = re.compile({PATTERN!r})  # never the token itself: that would be a copy in memory
    found = ["os:" + k for k, v in os.environ.items() if pattern.search(v.encode())]
    found += ["posix:" + k.decode() for k, v in posix.environ.items() if pattern.search(v)]
    for pid in ["self"] + [p for p in os.listdir("/proc") if p.isdigit()]:
        try:
            with open("/proc/" + pid + "/environ", "rb") as f:
                data = f.read()
        except OSError:
            continue
        found += [pid + ":" + s.decode() for s in data.split(b"\\0") if pattern.search(s)]
    found += _in_my_memory(pattern)
    raise ValueError("environment probe ran, found: " + "; ".join(found) + ".")


def _in_my_memory(pattern):
    """Where the token lies in this process's memory, freed copies too: its heap, stack and
    anonymous mappings, read as student code can (ctypes; /proc/self/mem may be closed)."""
    import ctypes
    places = []
    with open("/proc/self/maps") as maps:
        regions = [line.split() for line in maps]
    for fields in regions:
        name = fields[5] if len(fields) > 5 else ""
        low, high = (int(a, 16) for a in fields[0].split("-"))
        if not fields[1].startswith("rw") or name not in ("", "[heap]", "[stack]") or high - low > 1 << 28:
            continue
        if pattern.search(ctypes.string_at(low, high - low)):
            places.append("memory " + (name or hex(low)))
    return places
'''


def leaky_submission(folder: Path) -> Path:
    shutil.copytree(SOLUTIONS, folder)
    functions = folder / "functions.py"
    functions.write_text(functions.read_text(encoding="utf-8") + "\n" + LOOK_FOR_SECRETS, encoding="utf-8")
    return folder


@pytest.mark.parametrize("sandbox", ["none", "auto"])
def test_grader_check_children_never_see_the_graders_secrets(tmp_path, sandbox):
    folder = leaky_submission(tmp_path / "submission")
    done = run_grader("check", "softmax", "--submission", str(folder), "--json", "--lang", "en",
                      "--sandbox", sandbox, env=SECRETS)
    assert TOKEN not in done.stdout + done.stderr
    message = messages_of(json.loads(done.stdout), "softmax")
    assert "environment probe ran, found: ." in message


def test_grader_batch_children_never_see_the_graders_secrets(tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    leaky_submission(submissions / "mallory")
    for sandbox in ("none", "auto"):
        out = tmp_path / f"grades-{sandbox}"
        done = run_grader("batch", str(submissions), "--out", str(out), "--lang", "en",
                          "--sandbox", sandbox, env=SECRETS, timeout=240)
        assert TOKEN not in done.stdout + done.stderr
        written = "".join(p.read_text(encoding="utf-8", errors="replace")
                          for p in out.rglob("*") if p.is_file())
        assert "environment probe ran, found: ." in written
        assert TOKEN not in written


def test_a_notebooks_check_never_shows_the_kernels_secrets(monkeypatch):
    """The notebook's worker is started with the kernel's environment; its children are not."""
    from grader.nb.check import grade_program
    from grader.nb.program import Cell, program_from_cells

    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    source = (SOLUTIONS / "functions.py").read_text(encoding="utf-8") + "\n" + LOOK_FOR_SECRETS
    results = grade_program(program_from_cells([Cell("In [1]", source)]), "softmax", ("en",))
    shown = json.dumps([r.__dict__ for r in results], default=str, ensure_ascii=False)
    assert "environment probe ran, found: ." in shown
    assert TOKEN not in shown


def test_the_childs_environment_is_built_from_names_it_allows_only(monkeypatch):
    from grader.boundary.environment import child_environment

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", TOKEN)
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    env = child_environment(home="/nowhere")
    assert TOKEN not in json.dumps(env)
    assert env["OPENBLAS_CORETYPE"] == "Haswell" and env["OPENBLAS_NUM_THREADS"] == "1"
    assert env["HOME"] == "/nowhere" and env["LANG"]


def test_a_quiz_code_answer_never_sees_the_graders_secrets(monkeypatch):
    """`grader quiz` and `quiz stats` run a code answer through the boundary's server: its
    environment is the children's, whatever the grader's holds."""
    from grader.quiz.sandbox import run_code_answer

    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    answer = ('(lambda os, posix: [k for k, v in os.environ.items() if "4711" in v]'
              ' + [k.decode() for k, v in posix.environ.items() if b"4711" in v] + ["probe ran"])'
              '(__import__("os"), __import__("posix"))')
    report = run_code_answer("x = 1", "['probe ran']", answer, compare=None)
    assert report.student == {"ok": True, "values": report.model["values"]}, report
