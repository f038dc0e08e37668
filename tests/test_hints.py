"""The misconception catalogue: every entry is triggered by a broken copy carrying exactly
that mistake, and no correct formulation a real class writes triggers any hint.

All copies run through the real `grader check` on real folders, each on its own topic
only, several at a time (tests/variants/variants.py); the whole file takes about 30 s.
"""
from __future__ import annotations

import re
import string

import pytest

from grader.topics.registry import misconceptions as catalogue
from grader.i18n import LANGS, catalogue as messages
from grader.topics.registry import names
from variants import variants

BROKEN = {v.name: v for v in variants.broken()}
CORRECT = {v.name: v for v in variants.correct()}
ENTRIES = {entry.id: entry for entry in catalogue()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    """Every broken and correct copy, graded once for the whole module."""
    workdir = tmp_path_factory.mktemp("variants")
    return {"broken": variants.grade_all(list(BROKEN.values()), workdir / "broken"),
            "correct": variants.grade_all(list(CORRECT.values()), workdir / "correct")}


@pytest.fixture(scope="module")
def patterns() -> dict:
    return variants.hint_patterns()


def test_the_catalogue_covers_every_topic_with_at_least_40_entries():
    assert len(ENTRIES) >= 40
    assert {entry.topic for entry in ENTRIES.values()} == set(names())
    for entry in ENTRIES.values():
        assert re.fullmatch(r"[a-z_][a-z_0-9]*\.[a-z_0-9]+", entry.id), entry.id
        assert entry.evidence.strip(), entry.id


def test_every_hint_is_in_both_languages_and_reads_as_a_hint():
    for entry in ENTRIES.values():
        texts = messages()[entry.key]
        assert set(texts) == set(LANGS), entry.key
        assert texts["en"].startswith("Hint: ") and texts["ja"].startswith("ヒント: "), entry.key


def test_every_hint_with_fields_gets_them_from_its_entry():
    for entry in ENTRIES.values():
        wanted = {name for _, name, _, _ in string.Formatter().parse(messages()[entry.key]["en"]) if name}
        if wanted:
            assert entry.fields is not type(entry).fields, f"{entry.id} must fill {wanted}"


def test_every_entry_has_exactly_one_broken_copy_and_every_copy_an_entry():
    assert set(BROKEN) == set(ENTRIES)


def test_hint_texts_tell_apart_which_hint_a_message_shows(patterns):
    """Reading hints back from rendered text is only sound when no text matches another's pattern."""
    for key, pattern in patterns.items():
        others = [k for k in patterns if k != key and pattern.search(messages()[k]["en"])]
        assert not others, (key, others)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_copy_triggers_exactly_its_hint(graded, patterns, name):
    status, report = graded["broken"][name]
    entry = ENTRIES[name]
    assert status == 1, f"{name}: the broken copy passed every check"
    assert {r["topic"] for r in report["results"] if not r["passed"]} == {entry.topic}
    shown = variants.hints_shown(report, patterns)
    assert shown == {entry.key}, [r["message"] for r in report["results"] if not r["passed"]]


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_a_correct_formulation_gets_full_marks_and_no_hint(graded, patterns, name):
    status, report = graded["correct"][name]
    failures = [r["message"] for r in report["results"] if not r["passed"]]
    assert status == 0 and variants.full_marks(report), failures
    assert set(report_topics(report)) == set(CORRECT[name].topics)
    assert variants.hints_shown(report, patterns) == set()


def report_topics(report: dict) -> list[str]:
    return [r["topic"] for r in report["results"]]
