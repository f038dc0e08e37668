"""Every broken and correct copy of solutions/ graded by the real `grader check`, each on its
own topic only, several at a time (tests/variants/variants.py).

The copies are dealt into SHARDS by their sorted position, and each
tests/test_hints_graded_N.py grades shard N with the tests :func:`shard_tests` makes:
separate files, so that pytest-xdist's workers share the work (`--dist loadfile` keeps a
file on one worker). A copy added to tests/variants/ lands in a shard by itself; no list
to edit.
"""
from __future__ import annotations

import pytest

from grader.topics.registry import misconceptions as catalogue
from variants import variants

SHARDS = 4
BROKEN = {v.name: v for v in variants.broken()}
CORRECT = {v.name: v for v in variants.correct()}
ENTRIES = {entry.id: entry for entry in catalogue()}


def shard(names, index: int) -> list[str]:
    return [name for position, name in enumerate(sorted(names)) if position % SHARDS == index]


def graded_fixture(index: int):
    """A module fixture grading shard ``index`` of the broken and of the correct copies."""
    @pytest.fixture(scope="module")
    def graded(tmp_path_factory) -> dict:
        workdir = tmp_path_factory.mktemp(f"variants{index}")
        broken = [BROKEN[name] for name in shard(BROKEN, index)]
        correct = [CORRECT[name] for name in shard(CORRECT, index)]
        return {"broken": variants.grade_all(broken, workdir / "broken"),
                "correct": variants.grade_all(correct, workdir / "correct")}
    return graded


@pytest.fixture(scope="module")
def patterns() -> dict:
    return variants.hint_patterns()


def check_broken(graded: dict, patterns: dict, name: str) -> None:
    status, report = graded["broken"][name]
    entry = ENTRIES[name]
    assert status == 1, f"{name}: the broken copy passed every check"
    assert {r["topic"] for r in report["results"] if not r["passed"]} == {entry.topic}
    shown = variants.hints_shown(report, patterns)
    assert shown == {entry.key}, [r["message"] for r in report["results"] if not r["passed"]]


def check_correct(graded: dict, patterns: dict, name: str) -> None:
    status, report = graded["correct"][name]
    failures = [r["message"] for r in report["results"] if not r["passed"]]
    assert status == 0 and variants.full_marks(report), failures
    assert {r["topic"] for r in report["results"]} == set(CORRECT[name].topics)
    assert variants.hints_shown(report, patterns) == set()


def shard_tests(index: int) -> dict:
    """Shard ``index``'s fixture and two tests, for its file's namespace:
    ``globals().update(shard_tests(N))``."""
    @pytest.mark.parametrize("name", shard(BROKEN, index))
    def test_a_broken_copy_triggers_exactly_its_hint(graded, patterns, name):
        check_broken(graded, patterns, name)

    @pytest.mark.parametrize("name", shard(CORRECT, index))
    def test_a_correct_formulation_gets_full_marks_and_no_hint(graded, patterns, name):
        check_correct(graded, patterns, name)

    return {"graded": graded_fixture(index), "patterns": patterns,
            test_a_broken_copy_triggers_exactly_its_hint.__name__: test_a_broken_copy_triggers_exactly_its_hint,
            test_a_correct_formulation_gets_full_marks_and_no_hint.__name__:
                test_a_correct_formulation_gets_full_marks_and_no_hint}
