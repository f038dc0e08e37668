"""`grader stats` on damaged results.json files (issue 20, item 11): wrong types, missing
keys, bad values, absurd nesting — a message saying where and why, exit 2, never a
traceback; a hypothesis fuzz test mutates a valid file field by field."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import run_grader


def _row(topic: str, check: str, passed: bool, points: float, hint: str | None = None) -> dict:
    return {"topic": topic, "check": check, "passed": passed, "points": points if passed else 0.0,
            "max_points": points, "message": "" if passed else "wrong", "hint": hint, "outcome": "ab12",
            **({} if passed else {"failure": {"key": "check.wrong_value", "signature": "cd34"}})}


VALID = {"students": {
    "alice": {"score": 3.0, "max_score": 3.0, "results": [_row("softmax", "1d", True, 1.0), _row("mse", "basic", True, 2.0)]},
    "bob": {"score": 1.0, "max_score": 3.0, "results": [_row("softmax", "1d", True, 1.0),
                                                        _row("mse", "basic", False, 2.0, "mse.no_half")]},
    "carol": {"score": 0.0, "max_score": 3.0, "results": [
        {**_row("softmax", "1d", False, 1.0), "failure": {"key": "error.blank", "signature": "ef56"}},
        _row("mse", "basic", False, 2.0, "mse.no_half")]},
}}


def _damaged(change) -> dict:
    data = copy.deepcopy(VALID)
    change(data)
    return data


def _set(student: str, index: int, key: str, value: object):
    def change(data: dict) -> None:
        data["students"][student]["results"][index][key] = value
    return change


def _drop(student: str, index: int, key: str):
    def change(data: dict) -> None:
        del data["students"][student]["results"][index][key]
    return change


CASES = {
    "points as text": (_set("bob", 0, "points", "1"), "'points'"),
    "passed as text": (_set("bob", 0, "passed", "yes"), "'passed'"),
    "topic a number": (_set("alice", 1, "topic", 5), "'topic'"),
    "hint a list": (_set("bob", 1, "hint", ["mse.no_half"]), "'hint'"),
    "no points": (_drop("alice", 0, "points"), "'points'"),
    "no check": (_drop("alice", 0, "check"), "'check'"),
    "no max_points": (_drop("carol", 1, "max_points"), "'max_points'"),
    "points NaN": (_set("bob", 0, "points", float("nan")), "'points'"),
    "max_points Infinity": (_set("bob", 0, "max_points", float("inf")), "'max_points'"),
    "negative points": (_set("bob", 0, "points", -1), "'points'"),
    "points above max": (_set("bob", 0, "points", 7.0), "above"),
    "failure a string": (_set("bob", 1, "failure", "error.blank"), "'failure'"),
    "row a number": (lambda d: d["students"]["bob"]["results"].__setitem__(0, 3), "not an object"),
    "results an object": (lambda d: d["students"]["bob"].__setitem__("results", {}), "'results'"),
    "student a list": (lambda d: d["students"].__setitem__("bob", []), "'results'"),
    "students a list": (lambda d: d.__setitem__("students", []), "'students'"),
    "top a list": (lambda d: d.clear() or None, "'students'"),
}


@pytest.mark.parametrize("name", CASES)
def test_a_damaged_results_file_is_refused_with_where_and_why(tmp_path: Path, name: str) -> None:
    change, words = CASES[name]
    data = _damaged(change)
    text = json.dumps(data if data else [1, 2])  # json.dumps writes NaN and Infinity as Python reads them
    (tmp_path / "results.json").write_text(text, encoding="utf-8")
    done = run_grader("stats", str(tmp_path), "--html", str(tmp_path / "page.html"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "error:" in done.stderr and words in done.stderr
    assert not (tmp_path / "page.html").exists()


def test_absurdly_nested_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text('{"students": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    done = run_grader("stats", str(tmp_path), "--lang", "ja")
    assert done.returncode == 2 and "エラー" in done.stderr and "Traceback" not in done.stderr


def test_the_valid_file_of_these_tests_is_read(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text(json.dumps(VALID), encoding="utf-8")
    done = run_grader("stats", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    softmax = next(c for c in stats["checks"] if c["topic"] == "softmax")
    assert (softmax["not_attempted"], softmax["wrong"]) == (1, 0)


# -- fuzz: any JSON value in any field, any field gone ---------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6)
FIELDS = ("topic", "check", "passed", "points", "max_points", "message", "hint", "outcome", "failure", "results")


@st.composite
def damaged_files(draw) -> dict:
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        student = draw(st.sampled_from(sorted(data["students"])))
        report = data["students"][student]
        field = draw(st.sampled_from(FIELDS))
        if field == "results":
            report["results"] = draw(JSON_VALUES)
            continue
        rows = report.get("results")
        if not isinstance(rows, list) or not rows:
            continue
        row = rows[draw(st.integers(0, len(rows) - 1))]
        if not isinstance(row, dict):
            continue
        if draw(st.booleans()):
            row.pop(field, None)
        else:
            row[field] = draw(JSON_VALUES)
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=damaged_files())
def test_fuzzed_results_never_end_in_a_traceback(tmp_path: Path, capsys, data: dict) -> None:
    from grader.instructor.stats_cli import main

    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    status = main([str(path), "--json", "--lang", "en"])  # an exception here fails the test
    out, err = capsys.readouterr()
    assert status in (0, 2)
    if status == 2:
        assert err.startswith("error:") and not out
    else:
        json.loads(out)


def test_markup_in_names_and_messages_is_shown_never_run(tmp_path: Path) -> None:
    data = copy.deepcopy(VALID)
    data["students"]["<script>alert(1)</script>"] = data["students"].pop("bob")
    for row in data["students"]["carol"]["results"]:
        row["message"] = '<img src=x onerror="alert(2)">'
    data["students"]["dave"] = copy.deepcopy(data["students"]["carol"])  # a cluster shows the message
    (tmp_path / "results.json").write_text(json.dumps(data), encoding="utf-8")
    page = tmp_path / "page.html"
    done = run_grader("stats", str(tmp_path), "--html", str(page))
    assert done.returncode == 0, done.stderr
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;img src=x" in text
