"""One staging, one score: a submission folder is graded alike by every entry point.

The folder has what a real course folder has (a helper package ``common/``, a data file
the code reads, a module in a subfolder) and what a hostile one has (a FIFO named
``zz.py``, a sparse 3 GiB ``big.py``, links out of the folder). `grader check` (without a
sandbox and under ``auto``), `grader batch` and `grader watch`'s grading path must give it
the same score — full marks: the helpers are staged, the hostile entries are refused
(without being opened or copied) and said so.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import SOLUTIONS, run_grader, topic_scores
from grader.grading.defaults import DEFAULT_SEED

TOPICS = ("softmax", "adam")

HELPED_SOFTMAX = '''
from pathlib import Path as _Path
import sys as _sys
from common.shifts import shift_by_max  # a helper package of the student's
_SCALE = float((_Path(__file__).parent / "data" / "scale.txt").read_text())  # a data file
_sys.path.insert(0, str(_Path(__file__).parent / "lib"))
import normalise_mod  # a module in a subfolder


def softmax(x):
    return normalise_mod.normalise(np.exp(shift_by_max(x)) * _SCALE)
'''


def course_folder(folder: Path, outside: Path) -> Path:
    shutil.copytree(SOLUTIONS, folder)
    functions = folder / "functions.py"
    functions.write_text(functions.read_text(encoding="utf-8") + "\n" + HELPED_SOFTMAX, encoding="utf-8")
    (folder / "common").mkdir()
    (folder / "common" / "__init__.py").write_text("")
    (folder / "common" / "shifts.py").write_text(
        "def shift_by_max(x):\n    return x - x.max(axis=-1, keepdims=True)\n")
    (folder / "data").mkdir()
    (folder / "data" / "scale.txt").write_text("1.0\n")
    (folder / "lib").mkdir()
    (folder / "lib" / "normalise_mod.py").write_text(
        "def normalise(e):\n    return e / e.sum(axis=-1, keepdims=True)\n")
    os.mkfifo(folder / "zz.py")  # opened, it would block the grader forever
    with open(folder / "big.py", "wb") as sparse:
        sparse.truncate(3 * 1024 ** 3)  # 3 GiB that take no disk: never copied
    outside.mkdir()
    (outside / "secret.txt").write_text("the instructor's\n")
    os.symlink(outside / "secret.txt", folder / "data" / "answers.txt")
    os.symlink(outside, folder / "reference_copy")
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return course_folder(tmp_path / "student", tmp_path / "outside")


def full_marks(scores: dict) -> bool:
    return all(got == total > 0 for got, total in scores.values())


def check_scores(folder: Path, sandbox: str) -> tuple[dict, str]:
    done = run_grader("check", *TOPICS, "--submission", str(folder), "--json", "--lang", "en",
                      "--sandbox", sandbox, timeout=180)
    assert done.stdout.strip(), done.stderr[-2000:]
    return topic_scores(json.loads(done.stdout)), done.stderr


def test_every_entry_point_stages_the_same_folder_and_gives_it_the_same_score(folder, tmp_path):
    scores = {}
    for sandbox in ("none", "auto"):
        scores[f"check {sandbox}"], told = check_scores(folder, sandbox)
        assert "zz.py" in told and "not a regular file" in told  # the FIFO, refused unopened
        assert "big.py" in told and "10 MiB" in told  # the sparse file, refused by its size
        assert "links are never followed" in told and "data/answers.txt" in told

    submissions = tmp_path / "submissions"
    submissions.mkdir()
    os.rename(folder, submissions / "student")
    out = tmp_path / "grades"
    done = run_grader("batch", str(submissions), "--out", str(out), "--lang", "en", timeout=240)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    result = json.loads((out / "results.json").read_text(encoding="utf-8"))["students"]["student"]
    scores["batch"] = topic_scores({"results": [r for r in result["results"] if r["topic"] in TOPICS]})
    notes = " ".join(result.get("notes", []))
    assert "zz.py" in notes and "big.py" in notes and "data/answers.txt" in notes

    from grader.grading.warm import WarmGrader

    watch = WarmGrader(submissions / "student", list(TOPICS), seed=DEFAULT_SEED, time_limit=10.0)
    try:
        watched = watch.grade(list(TOPICS))
    finally:
        watch.close()
    scores["watch"] = topic_scores({"results": [r.__dict__ for r in watched]})
    assert {key for key, _ in watch.staged.notes} >= {"batch.links_refused", "batch.not_regular",
                                                      "batch.files_too_large"}

    assert all(s == scores["check none"] for s in scores.values()), scores
    assert full_marks(scores["check none"]), scores


def test_staging_refuses_what_is_not_a_regular_file_without_opening_it(folder, tmp_path):
    from grader.boundary.staging import MAX_FILE, stage

    staging = tmp_path / "staging"
    staging.mkdir()
    collected = stage(folder, staging)
    names = dict(collected.files)
    assert "common/shifts.py" in names and "data/scale.txt" in names and "lib/normalise_mod.py" in names
    assert "data/answers.txt" not in names and not any(n.startswith("reference_copy") for n in names)
    assert set(collected.refused) == {"zz.py", "big.py"}
    assert collected.refused["zz.py"][0] == "batch.module_not_regular"
    assert "zz.py is not a regular file" in (staging / "zz.py").read_text()  # fails to import, saying why
    assert collected.refused["big.py"][0] == "batch.module_too_large"
    assert (staging / "big.py").stat().st_size < MAX_FILE
    assert not any(p.is_symlink() for p in staging.rglob("*"))


@pytest.mark.slow
def test_the_gradescope_bundle_gives_the_same_folder_the_same_score(tmp_path):
    """The bundle grades an upload through `grader batch`'s staging: the same score as
    `grader check`, the hostile entries refused there too."""
    import zipfile

    from test_instructor_gradescope import run_autograder

    bundle = tmp_path / "autograder.zip"
    done = run_grader("gradescope", "build", str(bundle), "--topics", *TOPICS)
    assert done.returncode == 0, done.stderr[-2000:]
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # zipfile drops the modes: restore them as unzip does
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(root / "source" / info.filename, mode)
    student = course_folder(root / "submission" / "exercises", tmp_path / "outside")
    expected, _ = check_scores(student, "none")

    results = run_autograder(root)
    scores: dict = {}
    for test in results["tests"]:
        topic = test["name"].split(" › ")[0]
        got, total = scores.get(topic, (0.0, 0.0))
        scores[topic] = (got + test["score"], total + test["max_score"])
    assert scores == expected and full_marks(scores)
    assert "zz.py" in results.get("output", "") + json.dumps(results["tests"], ensure_ascii=False)
