"""The misconception catalogue: every entry is triggered by a broken copy carrying exactly
that mistake, and no correct formulation a real class writes triggers any hint.

This file holds what needs no grading (the catalogue's shape, its sentences, one copy per
entry); the copies themselves run through the real `grader check` on real folders in
tests/hints_graded.py, split over tests/test_hints_graded_*.py so that pytest-xdist's
workers share them (one file stays on one worker under `--dist loadfile`).
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


def test_the_graded_shards_cover_every_copy_once():
    from pathlib import Path

    import hints_graded
    for copies in (hints_graded.BROKEN, hints_graded.CORRECT):
        dealt = [name for index in range(hints_graded.SHARDS) for name in hints_graded.shard(copies, index)]
        assert sorted(dealt) == sorted(copies)
    here = Path(__file__).parent
    assert {p.name for p in here.glob("test_hints_graded_*.py")} == {
        f"test_hints_graded_{index}.py" for index in range(hints_graded.SHARDS)}
