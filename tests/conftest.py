"""Shared helpers: run the real `grader` command on real folders."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import scheduling

# rfc3987_syntax left out of the test processes and of every process they start (nbgrader,
# jupyter lab, grader), as the grader's own nbgrader commands leave it out
# (grader/instructor/autograde.py): jsonschema, which nbformat imports, compiles its IRI
# grammars when it is importable, a second or two per process, for formats no schema here
# uses. tests/shims/rfc3987_syntax stands first on the path and fails to import. A test that
# sets PYTHONPATH itself does without.
SHIMS = Path(__file__).resolve().parent / "shims"
sys.path.insert(0, str(SHIMS))
if str(SHIMS) not in os.environ.get("PYTHONPATH", "").split(os.pathsep):  # xdist's workers inherit it
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(SHIMS), os.environ.get("PYTHONPATH", "")) if p)

# A shell starts a background job (`pytest &`, nohup) with Ctrl-C ignored, and every process
# the tests start would inherit that: Python then never turns Ctrl-C into KeyboardInterrupt,
# and the tests of what Ctrl-C does would fail. Restored here as at a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"


def run_grader(*args: str, cwd: Path | None = None, env: dict | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m grader ARGS` as a student would run it, with an English locale by default."""
    full_env = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", **(env or {})}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd or ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def check_json(submission: Path, *topics: str, extra: tuple[str, ...] = (), **kwargs) -> tuple[int, dict]:
    """Exit status and parsed JSON of `grader check --json` on ``submission``."""
    done = run_grader("check", *topics, "--submission", str(submission), "--json", "--lang", "en",
                      *extra, **kwargs)
    assert done.stdout.strip(), f"no JSON on stdout; stderr: {done.stderr[-2000:]}"
    return done.returncode, json.loads(done.stdout)


def as_check_json(report: dict) -> dict:
    """A `grader batch` result without the fields it adds to `grader check --json`'s."""
    from grader.batch.output import BATCH_ONLY_FIELDS

    rows = [{k: v for k, v in row.items() if k not in BATCH_ONLY_FIELDS} for row in report["results"]]
    return {**report, "results": rows}


def without_isolation(report: dict) -> dict:
    """`grader check --json` without what isolation the run had: the scores and messages,
    which every entry point and every platform must give alike."""
    return {k: v for k, v in report.items() if k != "isolation"}


def topic_scores(report: dict) -> dict[str, tuple[float, float]]:
    scores: dict[str, tuple[float, float]] = {}
    for r in report["results"]:
        got, total = scores.get(r["topic"], (0.0, 0.0))
        scores[r["topic"]] = (got + r["points"], total + r["max_points"])
    return scores


def failing_topics(report: dict) -> set[str]:
    return {r["topic"] for r in report["results"] if not r["passed"]}


def messages_of(report: dict, topic: str) -> str:
    return "\n".join(r["message"] for r in report["results"] if r["topic"] == topic)


@pytest.fixture
def submission(tmp_path: Path):
    """A copy of solutions/ with the given edits: {module: [(old, new), ...]} or appended code."""
    def make(edits: dict[str, list[tuple[str, str]]] | None = None,
             append: dict[str, str] | None = None, remove: tuple[str, ...] = ()) -> Path:
        folder = tmp_path / "submission"
        shutil.copytree(SOLUTIONS, folder)
        for module, replacements in (edits or {}).items():
            path = folder / f"{module}.py"
            text = path.read_text(encoding="utf-8")
            for old, new in replacements:
                assert old in text, f"{old!r} not in solutions/{module}.py"
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        for module, code in (append or {}).items():
            path = folder / f"{module}.py"
            path.write_text(path.read_text(encoding="utf-8") + "\n\n" + code + "\n", encoding="utf-8")
        for module in remove:
            (folder / f"{module}.py").unlink()
        return folder
    return make


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory: pytest.TempPathFactory):
    """A python3 kernelspec that starts this very Python, whatever PATH says; yields its
    Jupyter data folder while JUPYTER_DATA_DIR points at it."""
    from ipykernel.kernelspec import write_kernel_spec

    data = tmp_path_factory.mktemp("jupyter-data")
    write_kernel_spec(data / "kernels" / "python3")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_DATA_DIR", str(data))
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        yield data


@pytest.fixture(autouse=True, scope="session")
def private_data_dir(tmp_path_factory: pytest.TempPathFactory):
    """No test touches a developer's own progress: `grader check` on ./exercises records
    it, so every grader a test starts keeps quiz and exercise progress in a private
    folder unless the test names its own GRADER_DATA_DIR."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADER_DATA_DIR", str(tmp_path_factory.mktemp("grader-data")))
        yield


# The fast tier (`pytest -m fast`): what an author runs after changing a topic, a blank or a
# hint, in about two minutes on two cores: the layout and layering, exercises/ and README in
# sync with their sources, the blank rule, the catalogue with every topic's broken and
# correct copies, and solutions/ and reference/ against their oracles. A whole file is in
# the tier or not (tests/README.md lists them); the rest of the suite runs in CI.
FAST_FILES = frozenset({
    "test_layout.py", "test_codebase.py", "test_topic_coverage.py",
    "test_exercises_sync.py", "test_readme_generated.py", "test_blank_rules.py", "test_messages.py",
    "test_hints.py", "test_hints_graded_0.py", "test_hints_graded_1.py", "test_hints_graded_2.py",
    "test_hints_graded_3.py",
    "test_relations.py", "test_exercises_solutions.py", "test_exercises_solutions_day2.py",
    "test_reference_gradients.py", "test_reference_closed_forms.py", "test_reference_layers.py",
    "test_reference_cnn.py",
})


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than the machine has cores. Some tests mostly wait (a
    sleeping answer ended at a default time limit, an attack's fixed window beside honest
    students, a kernel or a browser starting): with a worker per core, its core then sat
    idle (60 of 780 CPU-seconds of a run on two cores); the extra worker's tests fill it."""
    return (os.cpu_count() or 1) + 1


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # once, before xdist starts its workers
        compile_the_grader()


def compile_the_grader() -> None:
    """Byte-compile grader/ and reference/ where Python looks for them (their __pycache__).

    The environment here sets PYTHONDONTWRITEBYTECODE=1, so no process writes a cache: every
    `grader` command the tests start, and every sandboxed child (whose environment always
    says so), compiled the grader's modules from source, 60 of the 370 CPU-ms of a one-topic
    `grader check`, which a student's machine spends once. Python still reads the caches
    that exist; the environment is left as it is. solutions/ and exercises/ stay without a
    __pycache__ (they are copied as students' folders)."""
    import compileall
    for package in ("grader", "reference"):
        compileall.compile_dir(ROOT / package, quiet=1, workers=1)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """`-m fast` does not even import the files outside the tier (collecting the whole suite
    takes a worker about 12 s of CPU); any other selection collects everything."""
    if (collection_path.name.startswith("test_") and collection_path.suffix == ".py"
            and collection_path.name not in FAST_FILES and _only_the_fast_tier(config)):
        return True
    return None


def _only_the_fast_tier(config: pytest.Config) -> bool:
    if not hasattr(config, "_only_the_fast_tier"):
        config._only_the_fast_tier = scheduling.only_outside_files_deselected(  # type: ignore[attr-defined]
            config.getoption("markexpr"), scheduling.registered_marks(config), "fast")
    return config._only_the_fast_tier  # type: ignore[attr-defined]


@pytest.hookimpl(tryfirst=True)  # before --lf/--ff reorder what they reorder
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in FAST_FILES:
            item.add_marker(pytest.mark.fast)
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    items[:] = scheduling.file_order(items, cache.get(scheduling.CACHE_KEY, {}) if cache else {})


_REPORTS: list[pytest.TestReport] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _REPORTS.append(report)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run's seconds per file, for the next run's order (kept by the controller only)."""
    cache = getattr(session.config, "cache", None)
    if hasattr(session.config, "workerinput") or cache is None or not _REPORTS:
        return
    seconds = cache.get(scheduling.CACHE_KEY, {})
    cache.set(scheduling.CACHE_KEY, {**seconds, **scheduling.seconds_per_file(_REPORTS)})
