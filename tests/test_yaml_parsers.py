"""Quiz and answers files are read by libyaml's parser when PyYAML has it, and by the
pure-Python parser otherwise or when libyaml refuses a text: a student must get the same data,
the same line numbers and the same messages either way."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grader.quiz import yamlsource
from grader.quiz.yamlsource import YamlSyntaxError, duplicate_keys, parse

ROOT = Path(__file__).resolve().parents[1]
QUIZ_FILES = sorted((ROOT / "quizzes").glob("*.yaml"))

# What students and instructors get wrong in YAML, and what an attacker sends.
BAD_TEXTS = [
    "a: [1, 2", "a: b: c", "\tkey: 1", "a: 1\n a: 2\n", "- a\nb: 1", "a: \x07", "a: *x",
    "&a [*a]", "a: 'unterminated", "{a: 1", "a:\n  - 1\n  b: 2", "key: \ud800",
    "%YAML 2.0\n---\na: 1", "a: 1\n---\nb: 2", "[" * 100, "a: &x [1, 2]\nb: [*x, *x]\n" + "c: 1\n" * 3,
]


def pure_python(text: str):
    """What the pure-Python parser alone makes of ``text``: the document or the error."""
    saved = yamlsource._FAST_LOADER
    yamlsource._FAST_LOADER = None
    try:
        return outcome(text)
    finally:
        yamlsource._FAST_LOADER = saved


def outcome(text: str):
    try:
        doc = parse(text)
    except YamlSyntaxError as exc:
        return ("refused", exc.line, exc.detail)
    return ("read", doc.data, lines_of(doc.root), duplicate_keys(doc))


def lines_of(node) -> list:
    """Every node's line and kind, depth first: what the messages' line numbers come from."""
    if node is None:
        return []
    found = [(type(node).__name__, node.start_mark.line)]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found += lines_of(key) + lines_of(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += lines_of(item)
    return found


def test_this_pyyaml_has_libyaml_so_the_fast_path_is_the_one_tested() -> None:
    assert yamlsource._FAST_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.name)
def test_every_shipped_quiz_file_reads_the_same_with_either_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert outcome(text) == pure_python(text)


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_a_broken_or_hostile_text_gets_the_pure_python_parsers_verdict_and_words(text: str) -> None:
    assert outcome(text) == pure_python(text)


def test_a_tab_is_named_as_the_character_at_fault() -> None:
    with pytest.raises(YamlSyntaxError, match=r"'\\t' that cannot start any token"):
        parse("q1:\n\tanswer: 1\n")


def test_duplicate_keys_are_found_on_the_lines_where_they_stand() -> None:
    doc = parse("q1: a\nq2: b\nq1: c\n")
    assert doc.data == {"q1": "c", "q2": "b"}
    assert [(d.key, d.line) for d in duplicate_keys(doc)] == [("q1", 3)]
