"""Shard 3 of the broken and correct copies (tests/hints_graded.py says why shards)."""
from __future__ import annotations

import pytest

from hints_graded import BROKEN, CORRECT, check_broken, check_correct, graded_fixture, patterns, shard  # noqa: F401

SHARD = 3
graded = graded_fixture(SHARD)


@pytest.mark.parametrize("name", shard(BROKEN, SHARD))
def test_a_broken_copy_triggers_exactly_its_hint(graded, patterns, name):
    check_broken(graded, patterns, name)


@pytest.mark.parametrize("name", shard(CORRECT, SHARD))
def test_a_correct_formulation_gets_full_marks_and_no_hint(graded, patterns, name):
    check_correct(graded, patterns, name)
