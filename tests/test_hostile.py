"""Hostile submissions in one class: `grader batch` finishes, each fails only its own topics.

Every file in tests/hostile/ is appended to one module of a copy of solutions/ (its first
line names the module). They share the class with three ordinary students, whose results
must be what `grader check` gives them. The class is graded once per isolation mode:
bubblewrap (when installed) and process limits only.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, as_check_json, check_json, without_isolation
from test_batch import a_class, batch, results, wait_until_no_zygotes

HOSTILE = Path(__file__).with_name("hostile")
TIME_LIMIT = "2"  # seconds: what the spinners burn; correct topics take well under 1 s
LEFT_BEHIND = "left-behind.txt"
TMP_FILE = Path("/tmp/grader-hostile-left-behind.txt")
HOME_FILE = Path.home() / "grader-hostile-left-behind.txt"
SLEEPS = ("987654", "987655", "987656")  # what leave_process.py starts

# case -> (the topics it must fail, words in their messages); every other topic keeps full marks
EXPECTED: dict[str, tuple[set[str], str | tuple[str, ...]]] = {
    "loop_at_import": ({"minibatch", "training"}, f"did not finish within {TIME_LIMIT} s"),
    "loop_in_function": ({"softmax", "training"}, f"did not finish within {TIME_LIMIT} s"),
    "exhaust_memory": ({"mse"}, "ran out of memory"),
    "sys_exit": ({"mse"}, "ended the program (SystemExit / sys.exit)"),
    "os_exit": ({"numerical_gradient"}, "ended abruptly (3)"),
    "keyboard_interrupt": ({"activations"}, "KeyboardInterrupt"),
    # A C-stack overflow ends the child with SIGSEGV; on a loaded machine the deep nesting
    # before it can outlast the time limit instead. Either way only weight_init is lost.
    "stack_overflow": ({"weight_init"}, ("ended abruptly (SIGSEGV)", f"did not finish within {TIME_LIMIT} s")),
    "print_megabytes": (set(), ""),
    "fake_json": ({"activations"}, "step_function"),
    "patch_numpy": ({"activations"}, "d_sigmoid"),
    "patch_grader": ({"sgd"}, "params['W"),
    "write_outside": (set(), ""),
    # Its softmax returns x: training, which calls it, falls short too (and names softmax).
    "import_solutions": ({"softmax", "training"}, "softmax"),
    "leave_process": (set(), ""),
    "fork_bomb": ({"weight_init"}, f"did not finish within {TIME_LIMIT} s"),
}
ROOT_USER = os.geteuid() == 0
MODES = [pytest.param("bwrap", marks=pytest.mark.skipif(shutil.which("bwrap") is None,
                                                         reason="bubblewrap is not installed")),
         "none"]


def test_every_fixture_has_an_expectation():
    assert {p.stem for p in HOSTILE.glob("*.py")} == set(EXPECTED)


def hostile(submissions: Path, case: str, targets: list[Path]) -> None:
    source = (HOSTILE / f"{case}.py").read_text(encoding="utf-8")
    module = source.splitlines()[0].removeprefix("# appended to: ").strip()
    source = source.replace('PROJECT_FOLDER = ""', f"PROJECT_FOLDER = {str(ROOT)!r}")
    source = source.replace("TARGETS = []", f"TARGETS = {[str(t) for t in targets]!r}")
    folder = submissions / case
    shutil.copytree(ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    with open(folder / module, "a", encoding="utf-8") as f:
        f.write("\n\n" + source)


# What other processes change meanwhile (tests running in parallel compile bytecode, a
# virtual environment inside the clone, git): not the project's files.
NOT_THE_PROJECT = {".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "grades"}


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")
            if not NOT_THE_PROJECT.intersection(p.relative_to(folder).parts)}


def sleeping() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if command.startswith("sleep ") and command.split()[1] in SLEEPS:
            found.append(command)
    return found


@pytest.fixture(scope="module", params=MODES)
def graded(request, tmp_path_factory):
    """The class graded in one isolation mode, with what the file system looked like."""
    mode = request.param
    tmp = tmp_path_factory.mktemp(f"hostile-{mode}")
    submissions = a_class(tmp)
    out = tmp / "grades"
    targets = [submissions / LEFT_BEHIND, tmp / LEFT_BEHIND, ROOT / LEFT_BEHIND, out / LEFT_BEHIND]
    for case in EXPECTED:
        hostile(submissions, case, targets)
    for stray in (TMP_FILE, HOME_FILE):
        stray.unlink(missing_ok=True)
    before = tree(submissions), tree(ROOT)
    done = batch(submissions, out, "-j", "2", "--time-limit", TIME_LIMIT, "--sandbox", mode, timeout=600)
    after = tree(submissions), tree(ROOT)
    left = {"targets": [t for t in targets if t.exists()],
            "tmp": TMP_FILE.exists(), "home": HOME_FILE.exists()}
    for stray in (TMP_FILE, HOME_FILE, *targets):
        stray.unlink(missing_ok=True)
    yield {"mode": mode, "done": done, "results": results(out) if done.returncode == 0 else {},
           "submissions": submissions, "before": before, "after": after, "left": left}


def answers_readable_by_children() -> bool:
    """Without bubblewrap, children run as `nobody` under root (else as the user): can they
    read solutions/functions.py? Only if every folder above it lets others through."""
    answers = ROOT / "solutions" / "functions.py"
    if os.geteuid() != 0:
        return True
    folders_open = all(folder.stat().st_mode & 0o001 for folder in answers.parents)
    return folders_open and bool(answers.stat().st_mode & 0o004)


def test_the_batch_finishes_and_grades_everyone(graded):
    assert graded["done"].returncode == 0, graded["done"].stderr
    assert set(graded["results"]) == set(EXPECTED) | {"alice", "bob", "carol"}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_a_hostile_submission_fails_only_its_own_topics(graded, case):
    failing, words = EXPECTED[case]
    if case == "import_solutions" and graded["mode"] == "none" and answers_readable_by_children():
        failing = set()  # without a sandbox the model answers' file can be read (README)
    report = graded["results"][case]
    lost = {r["topic"] for r in report["results"] if not r["passed"]}
    assert lost == failing, [r["message"] for r in report["results"] if not r["passed"]][:3]
    messages = " ".join(r["message"] for r in report["results"] if r["topic"] in failing)
    assert any(w in messages for w in ((words,) if isinstance(words, str) else words)) or not failing
    for row in report["results"]:
        if not row["passed"]:
            assert row["points"] == 0 and row["message"]
        if row["topic"] not in failing:
            assert row["points"] == row["max_points"], row


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, dict]:
    """What `grader check` gives each ordinary student, once for both modes' classes (their
    folders are copies of the same sources; the check does not depend on the batch's mode)."""
    folder = a_class(tmp_path_factory.mktemp("hostile-check"))
    return {name: without_isolation(check_json(folder / name, extra=("--time-limit", TIME_LIMIT))[1])
            for name in ("alice", "bob", "carol")}


def test_ordinary_students_get_what_grader_check_gives_them(graded, checked):
    for name in ("alice", "bob", "carol"):
        assert as_check_json(graded["results"][name]) == checked[name], name


def test_no_process_is_left_behind(graded):
    assert sleeping() == []
    assert wait_until_no_zygotes() == []


def test_no_file_appears_outside_the_temporary_folders(graded):
    assert graded["after"] == graded["before"]  # the submissions and the project: untouched
    if graded["mode"] == "bwrap" or ROOT_USER:
        assert graded["left"]["targets"] == []
        assert not graded["left"]["home"]
    if graded["mode"] == "bwrap":
        assert not graded["left"]["tmp"]  # its /tmp was private to the sandbox
