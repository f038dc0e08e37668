"""Students who attack the other students of the same batch, not the grader.

Without a sandbox, a root grader used to run every child of every slot as the same
`nobody`: one student's import could kill every process of that user (the neighbours'
children, mid-grading), or reach into another slot's work folder and steer root's
cleanup of it (a folder swapped for a link: root deletes where it points; files added
without end: the cleaner chmods the slot's own folder 0700 and every later student of
that slot gets 0). Each slot's children are now a user of their own, the slot's folders
belong to it alone, and its folder is emptied fd-relative after everything of its user
has been killed. Each attack runs beside honest students, in both isolation modes; the
honest ones must keep full marks and nothing outside the batch may change.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from test_batch import batch, results, student, wait_until_no_zygotes

ROOT_USER = os.geteuid() == 0
HONEST = [f"honest{i}" for i in range(1, 8)]  # graded while the attacker's import runs
MODES = [pytest.param("bwrap", marks=pytest.mark.skipif(shutil.which("bwrap") is None,
                                                         reason="bubblewrap is not installed")),
         # As another user, --sandbox none runs children as that user: README says it
         # protects nothing between students (and kill(-1) would end this test run).
         pytest.param("none", marks=pytest.mark.skipif(not ROOT_USER, reason="needs root: a user per slot"))]

# Sorted first, so that it is graded while the honest students are.
KILLER = "\n\n" + '''
import os as _os, signal as _signal, time as _time
_end = _time.time() + 6
while _time.time() < _end:  # every process this user may signal, again and again
    try:
        _os.kill(-1, _signal.SIGKILL)
    except OSError:
        pass
    _time.sleep(0.005)
'''

# Reaches the other slots' work folders through its own path (the slots' names are known),
# makes a folder of its own there that it keeps filling (so that rmdir fails), swaps it for
# a link to the victim folder, and floods the other children's working folders.
CLEANUP_ATTACK = "\n\n" + '''
import os as _os, time as _time
from pathlib import Path as _Path
VICTIM = "@VICTIM@"
_here = _Path.cwd()
_works = [_here.parents[2] / f"slot{_i}" / "work" for _i in range(8)] if len(_here.parents) > 2 else []
_end, _n = _time.time() + 6, 0
while _time.time() < _end:
    _n += 1
    for _work in _works:
        if _work == _here.parent:
            continue
        try:
            _os.chmod(_work, 0o1777)
        except OSError:
            pass
        _mine = _work / "zz-attack"
        try:
            if _mine.is_symlink():
                _mine.unlink()
            (_mine / "x").mkdir(parents=True, exist_ok=True)
            (_mine / "x" / f"f{_n}").write_text("x")
            _os.rename(_mine, _work / f"zz-moved{_n}")
            _os.symlink(VICTIM, _mine)
        except OSError:
            pass
        try:
            _others = [_p for _p in _work.iterdir() if _p.name.startswith("child-")]
        except OSError:
            _others = []
        for _other in _others:
            try:
                (_other / f"flood{_n}").mkdir()
                (_other / f"flood{_n}" / "f").write_text("x")
            except OSError:
                pass
    _time.sleep(0.002)
'''


def _class(tmp_path: Path, attacker: str, code: str) -> Path:
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    student(submissions, attacker, append={"functions": code})
    for name in HONEST:
        student(submissions, name)
    return submissions


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    (victim / "x").mkdir(parents=True)
    (victim / "x" / "precious.txt").write_text("keep me")
    (victim / "precious.txt").write_text("keep me")
    os.chmod(victim, 0o755)
    return victim


def _honest_scores(out: Path) -> dict[str, tuple[float, float]]:
    graded = results(out)
    return {name: (graded[name]["score"], graded[name]["max_score"]) for name in HONEST}


@pytest.mark.parametrize("mode", MODES)
def test_one_students_kill_minus_one_costs_the_others_nothing(tmp_path, mode):
    submissions, out = _class(tmp_path, "a-killer", KILLER), tmp_path / "grades"
    done = batch(submissions, out, "-j", "3", "--sandbox", mode, timeout=600)
    assert done.returncode == 0, done.stderr
    scores = _honest_scores(out)
    assert all(score == full > 0 for score, full in scores.values()), scores
    assert wait_until_no_zygotes() == []


@pytest.mark.parametrize("mode", MODES)
def test_another_slots_folder_cannot_steer_the_cleanup(tmp_path, mode):
    victim = _victim(tmp_path)
    code = CLEANUP_ATTACK.replace("@VICTIM@", str(victim))
    submissions, out = _class(tmp_path, "a-swapper", code), tmp_path / "grades"
    done = batch(submissions, out, "-j", "3", "--sandbox", mode, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (victim / "precious.txt").read_text() == "keep me"
    assert (victim / "x" / "precious.txt").read_text() == "keep me"
    assert victim.stat().st_mode & 0o777 == 0o755 and (victim / "x").stat().st_mode & 0o777 == 0o755
    scores = _honest_scores(out)  # no slot poisoned: every later student of every slot graded
    assert all(score == full > 0 for score, full in scores.values()), scores
    assert results(out)["a-swapper"]["score"] == results(out)["a-swapper"]["max_score"]
