"""A misconception names the part of a check it is about with a constructor (``value_of``,
``raised_by``, ``modified_by``, ``updated_in_place_by``), never with a string: a misspelt
part is refused when the topic is imported, where a misspelt "f.eror" was a hint that
silently never showed."""
from __future__ import annotations

import pytest

from grader.judging.misconceptions import (Evidence, Misconception, Part, about_any, diagnose, diagnoser,
                                           modified_by, raised, raised_by, updated_in_place_by, value_of)
from grader.topics import registry


def _entry(part) -> Misconception:
    return Misconception("demo.keepdims", part, "hint.demo", raised("exception", "ValueError"), "a ValueError")


ERROR = {"kind": "exception", "type": "ValueError", "message": "operands could not be broadcast"}


@pytest.mark.parametrize("part", ["softmax.error", "softmax", ("softmax", "softmax.error"),
                                  (value_of("softmax"), "softmax.error"), ()])
def test_a_part_given_as_a_string_is_refused_when_the_entry_is_made(part) -> None:
    with pytest.raises(TypeError) as refused:
        _entry(part)
    message = str(refused.value)
    assert "demo.keepdims" in message and "raised_by" in message and "value_of" in message


@pytest.mark.parametrize("part,instead", [("softmax.error", "raised_by('softmax')"),
                                          ("softmax.modified", "modified_by('softmax')"),
                                          ("softmax", "value_of('softmax')")])
def test_a_string_part_is_told_which_constructor_says_the_same(part, instead) -> None:
    with pytest.raises(TypeError) as refused:
        _entry(part)
    assert str(refused.value).endswith(f"not {part!r}: write {instead}")


@pytest.mark.parametrize("name,instead", [("softmax.error", "raised_by('softmax')"),
                                          ("softmax.modified", "modified_by('softmax')"),
                                          ("sgd_update.in_place", "updated_in_place_by('sgd_update')")])
def test_an_old_suffix_inside_a_constructor_is_refused_and_told_what_to_write(name, instead) -> None:
    with pytest.raises(ValueError) as refused:
        value_of(name)
    assert str(refused.value).endswith(f"not {name!r}: write {instead}")


@pytest.mark.parametrize("name", ["", "two words", "soft-max", None])
def test_a_name_that_is_no_identifier_is_refused(name) -> None:
    with pytest.raises(ValueError, match="identifier"):
        raised_by(name)


def test_a_part_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        Part("softmax", "eror")


def test_a_check_that_asks_with_a_string_is_refused_rather_than_silently_hintless() -> None:
    entries = (_entry(raised_by("softmax")),)
    with pytest.raises(TypeError, match="raised_by"):
        diagnose(entries, "softmax.error", Evidence(None, {}, ERROR))
    with pytest.raises(TypeError, match="raised_by"):
        diagnoser(entries, "softmax", {})
    with pytest.raises(TypeError, match="raised_by"):
        about_any(entries, "softmax.error")


def test_an_entry_answers_only_for_its_own_part() -> None:
    entries = (_entry(raised_by("softmax")),)
    evidence = Evidence(None, {}, ERROR)
    assert diagnose(entries, raised_by("softmax"), evidence) == (("hint.demo", {}),)
    for other in (value_of("softmax"), modified_by("softmax"), updated_in_place_by("softmax"), raised_by("relu")):
        assert diagnose(entries, other, evidence) == ()


def test_an_entry_about_several_parts_answers_for_each() -> None:
    entry = _entry((value_of("im2col"), raised_by("im2col")))
    assert entry.about(value_of("im2col")) and entry.about(raised_by("im2col"))
    assert not entry.about(modified_by("im2col"))
    assert about_any([entry, _entry(value_of("col2im"))], raised_by("im2col")) == (entry,)


def test_every_catalogue_entry_names_its_parts_with_constructors() -> None:
    for entry in registry.misconceptions():
        parts = entry.part if isinstance(entry.part, tuple) else (entry.part,)
        assert parts and all(isinstance(part, Part) for part in parts), entry.id
