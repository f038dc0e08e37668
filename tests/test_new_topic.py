"""`python -m grader.authoring.new_topic NAME --module M` scaffolds a topic whose first run
is green: run in a copy of the repository, its output passes the checks, the drift checks,
the coverage tests and its hints (each broken copy shows exactly its own)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".git", ".venv*", "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info",
                              ".benchmarks")


def run(copy: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    copy = tmp_path_factory.mktemp("repo") / "repo"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    return copy, run(copy, "-m", "grader.authoring.new_topic", "cube", "--module", "functions")


@pytest.mark.slow
def test_the_scaffold_writes_the_topic_and_regenerates(scaffolded) -> None:
    copy, done = scaffolded
    assert done.returncode == 0, done.stdout + done.stderr
    written = {line.removeprefix("wrote ") for line in done.stdout.splitlines() if line.startswith("wrote ")}
    assert {"grader/topics/cube/__init__.py", "grader/topics/cube/checks.py", "grader/topics/cube/messages.yaml",
            "tests/test_reference_cube.py", "solutions/functions.py", "reference/functions.py",
            "tests/variants/broken.yaml", "tests/variants/correct.yaml"} <= written
    for command in (["exercises", "--check"], ["readme", "--check"]):
        check = run(copy, "-m", "grader.authoring.build", *command)
        assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.slow
def test_the_solutions_get_full_marks_with_the_new_topic(scaffolded) -> None:
    copy, _ = scaffolded
    done = run(copy, "-m", "grader", "check", "--submission", "solutions", "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["score"] == report["max_score"], done.stdout[-2000:]
    assert {r["topic"] for r in report["results"]} >= {"cube", "softmax"}


@pytest.mark.slow
def test_the_scaffold_passes_the_authoring_tests(scaffolded) -> None:
    copy, _ = scaffolded
    done = run(copy, "-m", "pytest", "-n", "0", "-q", "-p", "no:cacheprovider",
               "tests/test_topic_coverage.py", "tests/test_reference_cube.py", "tests/test_blank_rules.py",
               "tests/test_hints.py", "tests/test_codebase.py", timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.slow
def test_each_broken_copy_of_the_new_topic_shows_exactly_its_hint(scaffolded) -> None:
    copy, _ = scaffolded
    script = (
        "import json, sys, tempfile\nfrom pathlib import Path\nsys.path[:0] = ['tests', '.']\n"
        "from variants import variants\n"
        "chosen = [v for v in variants.broken() if v.name.startswith('cube.')]\n"
        "chosen += [v for v in variants.correct() if 'cube' in v.topics]\n"
        "patterns = variants.hint_patterns()\n"
        "with tempfile.TemporaryDirectory() as d:\n"
        "    graded = variants.grade_all(chosen, Path(d))\n"
        "print(json.dumps({n: [s, sorted(variants.hints_shown(r, patterns))] for n, (s, r) in graded.items()}))\n"
    )
    done = run(copy, "-c", script)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == {
        "cube.not_squared": [1, ["hint.cube_not_squared"]],
        "cube.doubled": [1, ["hint.cube_doubled"]],
        "cube_product": [0, []],
    }


@pytest.mark.parametrize(("args", "reason"), [
    (["softmax", "--module", "functions"], "the topic 'softmax' exists already"),
    (["tanh", "--module", "nowhere"], "'nowhere' is not a course module"),
    (["Tanh", "--module", "functions"], "is not a topic name"),
    (["tanh", "--module", "functions", "--function", "relu"], "'relu' is graded by another topic already"),
], ids=["taken", "no module", "bad name", "function taken"])
def test_a_bad_request_writes_nothing(tmp_path: Path, args: list[str], reason: str) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*[".git", ".venv*", "__pycache__", "notebooks",
                                                                ".pytest_cache", ".hypothesis", "*.egg-info"]))
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    done = run(copy, "-m", "grader.authoring.new_topic", *args)
    assert done.returncode == 2
    assert reason in done.stderr and "nothing written" in done.stderr
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == before
