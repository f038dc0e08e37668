"""Every topic carries what the recipe asks of it (ARCHITECTURE.md, "Adding a topic"):
at least two misconceptions, each with a broken copy in tests/variants/broken.yaml, and
every graded function a test of reference/ against an oracle that is not reference/ itself.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from grader.topics import registry

TESTS = Path(__file__).resolve().parent
BROKEN = TESTS / "variants" / "broken.yaml"
MINIMUM_MISCONCEPTIONS = 2


def reference_test_text() -> str:
    """The tests of reference/: each compares it with a numerical gradient, a closed form,
    plain loops or PyTorch (tests/oracles.py, tests/test_reference_*.py)."""
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(TESTS.glob("test_reference_*.py")))


@pytest.fixture(scope="module")
def broken_ids() -> set[str]:
    return set(yaml.safe_load(BROKEN.read_text(encoding="utf-8")))


@pytest.mark.parametrize("topic", registry.names())
def test_every_misconception_has_a_broken_copy(topic: str, broken_ids: set[str]) -> None:
    missing = [m.id for m in registry.topic_misconceptions(topic) if m.id not in broken_ids]
    assert missing == []


def test_every_topic_has_enough_misconceptions() -> None:
    short = {name: n for name in registry.names()
             if (n := len(registry.topic_misconceptions(name))) < MINIMUM_MISCONCEPTIONS}
    assert short == {}


def test_every_graded_function_has_a_reference_test() -> None:
    text = reference_test_text()
    untested = [name for name in registry.defined_names()
                if not re.search(rf"\b{re.escape(name)}\b", text)]
    assert untested == []
