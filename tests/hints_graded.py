"""Every broken and correct copy of solutions/ graded by the real grader (tests/variants/variants.py).

The copies are dealt into SHARDS by their sorted position, and each
tests/test_hints_graded_N.py grades shard N with the tests :func:`shard_tests` makes:
separate files, so that pytest-xdist's workers share the work (`--dist loadfile` keeps a
file on one worker). A copy added to tests/variants/ lands in a shard by itself; no list
to edit.

A shard's copies are one class graded by ONE `grader batch` (every topic, a fraction of a
second each) rather than one `grader check` process per copy (a second of start-up each);
each copy's result is read back as `grader check --json` would print it (conftest's
``as_check_json``; tests/test_batch.py proves every student gets what `grader check` gives).
One broken and one correct copy per shard still go through the student's own
`grader check --json`, which must give exactly the batch's JSON for them.
"""
from __future__ import annotations

import pytest

from conftest import as_check_json, without_isolation
from grader.topics.registry import misconceptions as catalogue
from variants import variants

SHARDS = 4
BROKEN = {v.name: v for v in variants.broken()}
CORRECT = {v.name: v for v in variants.correct()}
ENTRIES = {entry.id: entry for entry in catalogue()}


def shard(names, index: int) -> list[str]:
    return [name for position, name in enumerate(sorted(names)) if position % SHARDS == index]


def checked_by_grader_check(index: int) -> list[str]:
    """The copies of shard ``index`` also graded by `grader check`: its first broken and its
    first correct copy (sorted), so the choice never changes between runs."""
    return [names[0] for names in (shard(BROKEN, index), shard(CORRECT, index)) if names]


def graded_fixture(index: int):
    """A module fixture grading shard ``index``'s broken and correct copies as one class by one
    `grader batch`: each copy's `grader check --json` object and its folder."""
    @pytest.fixture(scope="module")
    def graded(tmp_path_factory) -> dict:
        workdir = tmp_path_factory.mktemp(f"variants{index}")
        copies = [BROKEN[name] for name in shard(BROKEN, index)] + [CORRECT[name] for name in shard(CORRECT, index)]
        results = variants.grade_class(copies, workdir)  # raises when the batch fails or leaves a copy out
        return {"reports": {name: as_check_json(result) for name, result in results.items()},
                "folders": {copy.name: variants.copy_folder(workdir / "class", copy) for copy in copies}}
    return graded


@pytest.fixture(scope="module")
def patterns() -> dict:
    return variants.hint_patterns()


def on_topics(report: dict, topics: tuple[str, ...]) -> list[dict]:
    """The report's results of ``topics``, asserting each of them was graded."""
    rows = [r for r in report["results"] if r["topic"] in topics]
    assert {r["topic"] for r in rows} == set(topics), f"not graded: {set(topics) - {r['topic'] for r in rows}}"
    return rows


def check_broken(graded: dict, patterns: dict, name: str) -> None:
    """Among the topics the copy is about, exactly its catalogue topic fails and exactly its
    hint shows. Other topics are not asserted: a composite topic (training, cnn_training)
    runs the student's own parts, and some topics share a class (momentum, nesterov)."""
    rows = on_topics(graded["reports"][name], BROKEN[name].topics)
    entry = ENTRIES[name]
    assert not all(r["passed"] for r in rows), f"{name}: the broken copy passed every check"
    assert {r["topic"] for r in rows if not r["passed"]} == {entry.topic}
    shown = variants.hints_shown({"results": rows}, patterns)
    assert shown == {entry.key}, [r["message"] for r in rows if not r["passed"]]


def check_correct(graded: dict, patterns: dict, name: str) -> None:
    """Full marks and no hint on every topic, the copy's own topics among them."""
    report = graded["reports"][name]
    on_topics(report, CORRECT[name].topics)
    failures = [r["message"] for r in report["results"] if not r["passed"]]
    assert variants.full_marks(report), failures
    assert variants.hints_shown(report, patterns) == set()


def check_same_as_grader_check(graded: dict, name: str) -> None:
    """The student's command on the copy: the batch's JSON, and the exit status it implies."""
    status, report = variants.grade(graded["folders"][name], ())
    assert status == (1 if name in BROKEN else 0), report
    assert without_isolation(report) == graded["reports"][name]


def shard_tests(index: int) -> dict:
    """Shard ``index``'s fixture and three tests, for its file's namespace:
    ``globals().update(shard_tests(N))``."""
    @pytest.mark.parametrize("name", shard(BROKEN, index))
    def test_a_broken_copy_triggers_exactly_its_hint(graded, patterns, name):
        check_broken(graded, patterns, name)

    @pytest.mark.parametrize("name", shard(CORRECT, index))
    def test_a_correct_formulation_gets_full_marks_and_no_hint(graded, patterns, name):
        check_correct(graded, patterns, name)

    @pytest.mark.parametrize("name", checked_by_grader_check(index))
    def test_grader_check_gives_a_copy_what_the_batch_gives(graded, name):
        check_same_as_grader_check(graded, name)

    tests = (test_a_broken_copy_triggers_exactly_its_hint, test_a_correct_formulation_gets_full_marks_and_no_hint,
             test_grader_check_gives_a_copy_what_the_batch_gives)
    return {"graded": graded_fixture(index), "patterns": patterns, **{test.__name__: test for test in tests}}
