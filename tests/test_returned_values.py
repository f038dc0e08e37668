"""What comes back is said as what it is: an object array, a huge integer (issue 20, 12c)."""
from __future__ import annotations

import io

import pytest

from conftest import check_json, messages_of


@pytest.mark.parametrize("body, words", [
    ("return np.array([x, [1.0]], dtype=object)",
     "softmax returned an object array (dtype object), not an array of numbers"),
    ("return np.array(['a'] * len(x))", "softmax returned an object array (dtype <U1)"),
    ("return 10 ** 5000", "softmax returned a huge integer (about 5001 digits)"),
    ("return [10 ** 5000]", "softmax returned list,"),  # the child lives on to say so
])
def test_a_value_that_is_not_numbers_is_named_for_what_it_is(submission, body, words):
    status, report = check_json(submission(append={"functions": f"def softmax(x):\n    {body}"}), "softmax", "adam")
    assert status == 1
    said = messages_of(report, "softmax")
    assert words in said, said
    assert "ended abruptly" not in said
    assert "not a NumPy array or number" not in said or "returned list" in words
    adam = [r for r in report["results"] if r["topic"] == "adam"]
    assert adam and all(r["passed"] for r in adam)  # the child lived on


def test_a_huge_integer_is_sent_without_its_digits():
    from grader.boundary import wire

    sent = wire.frame(wire.encode({"value": -(10 ** 100000)}))
    assert len(sent) < 200
    value = wire.decode(wire.receive(io.BytesIO(sent)))["value"]
    assert isinstance(value, wire.Other) and value.kind == "huge_int" and value.detail == "100001"
    forged = wire.decode({"__other__": "x", "kind": "rm -rf", "detail": "y" * 500})
    assert forged.kind == "" and forged.detail == ""
