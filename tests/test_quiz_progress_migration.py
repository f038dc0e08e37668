"""Saved progress across the change of section ids (progress-file version 1 → 2), through the
real command line on real files: old best scores appear under the new ids, damaged and newer
files are moved aside rather than lost, and an old id says where its questions went."""
from __future__ import annotations

import json

import pytest
import yaml

from grader.quiz.section_ids import RENAMED_IN_V2
from quiz_support import assert_no_traceback, run_quiz, shipped_sections

SECTIONS = {s.id: s for s in shipped_sections()}
FILE = "quiz-progress.json"


def old_entry(section_id: str, best: float, attempts: int) -> dict:
    # The max_score the version-1 grader saved: the section's auto-graded points, unchanged since.
    return {"best": best, "max_score": SECTIONS[section_id].max_score, "attempts": attempts,
            "last": "2026-11-20T09:00:00+00:00"}


# Written by the grader before the renames: ids are the old ones (day2-s2 = weight init, …).
OLD_FILE = {"version": 1, "sections": {
    "day1-s2": old_entry("day1-s2", 4.0, 1),
    "day2-s1": old_entry("day2-s1", 6.0, 3),
    "day2-s2": old_entry("day2-s1-init", 3.0, 2),
    "day2-s3": old_entry("day2-s1-bn", 2.0, 1),
    "day2-s4": old_entry("day2-s1-challenge", 5.0, 4),
    "day2-s5": old_entry("day2-s2", 1.0, 5),
}}


def list_rows(data_dir) -> tuple[dict, str]:
    result = run_quiz("list", "--json", "--lang", "en", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    return {r["id"]: r for r in json.loads(result.stdout)["sections"]}, result.stderr


def write_old(data_dir, content) -> str:
    text = content if isinstance(content, str) else json.dumps(content, indent=2)
    (data_dir / FILE).write_text(text, encoding="utf-8")
    return text


def test_old_progress_appears_under_the_new_ids(tmp_path):
    original = write_old(tmp_path, OLD_FILE)
    rows, stderr = list_rows(tmp_path)
    expected = {"day1-s2": (4.0, 1), "day2-s1": (6.0, 3), "day2-s1-init": (3.0, 2),
                "day2-s1-bn": (2.0, 1), "day2-s1-challenge": (5.0, 4), "day2-s2": (1.0, 5)}
    for section_id, (best, attempts) in expected.items():
        assert (rows[section_id]["best_score"], rows[section_id]["attempts"]) == (best, attempts), section_id
    for new_section in ("day2-s3", "day2-s4", "day2-s5"):  # ids that held other questions before
        assert rows[new_section]["best_score"] is None and rows[new_section]["attempts"] == 0
    assert "day2-s5 → day2-s2" in stderr and "quiz-progress.v1.json" in stderr

    saved = json.loads((tmp_path / FILE).read_text(encoding="utf-8"))
    assert saved["version"] == 2
    assert set(saved["sections"]) == set(expected)
    assert (tmp_path / "quiz-progress.v1.json").read_text(encoding="utf-8") == original
    assert not list(tmp_path.glob(".quiz-progress-*"))  # no temporary file left behind

    again, stderr = list_rows(tmp_path)  # migrated once: the second read says nothing
    assert again == rows and stderr == ""


def test_every_renamed_section_kept_its_question_ids():
    # d2s2-… were the questions of the old day2-s2, and so on: the ids did not move with the file.
    for old, new in RENAMED_IN_V2.items():
        prefix = "d2s" + old.removeprefix("day2-s") + "-"
        assert [q.id for q in SECTIONS[new].questions] == [f"{prefix}q{i}" for i in range(1, len(SECTIONS[new].questions) + 1)]


def test_an_attempt_after_the_upgrade_counts_for_the_new_id(tmp_path):
    write_old(tmp_path, OLD_FILE)
    answers = {q.id: q.answer for q in SECTIONS["day2-s1-init"].questions if q.type != "free_text"}
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    result = run_quiz("check", str(path), "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    rows, _ = list_rows(tmp_path)
    assert rows["day2-s1-init"]["best_score"] == SECTIONS["day2-s1-init"].max_score
    assert rows["day2-s1-init"]["attempts"] == 3
    assert rows["day2-s2"]["best_score"] == 1.0  # the optimizers' old best is untouched


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"version": "two", "sections": {}}',
                                     '{"version": 1, "sections": [1]}'])
def test_a_damaged_file_is_set_aside_with_a_message(tmp_path, content):
    write_old(tmp_path, content)
    rows, stderr = list_rows(tmp_path)
    assert all(r["best_score"] is None for r in rows.values())
    assert "cannot be used" in stderr and "moved to" in stderr
    aside = list(tmp_path.glob(f"{FILE}.set-aside-*"))
    assert [p.read_text(encoding="utf-8") for p in aside] == [content]


def test_a_file_from_a_newer_grader_is_set_aside_not_overwritten(tmp_path):
    newer = {"version": 3, "sections": {"day2-s2": {"best": 5, "max_score": 5, "attempts": 1, "last": ""}}}
    text = write_old(tmp_path, newer)
    result = run_quiz("reset", "day1-s2", "--lang", "ja", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "新しいバージョン" in result.stderr and "バージョン 3" in result.stderr
    aside = list(tmp_path.glob(f"{FILE}.set-aside-*"))
    assert [p.read_text(encoding="utf-8") for p in aside] == [text]
    assert json.loads((tmp_path / FILE).read_text(encoding="utf-8")) == {"version": 2, "sections": {}}


@pytest.mark.parametrize("lang,note", [
    ("en", "the questions that were day2-s2 are now in day2-s1-init"),
    ("ja", "以前 day2-s2 だった問題は day2-s1-init にあります"),
])
def test_taking_an_old_id_says_where_its_questions_went(tmp_path, lang, note):
    # A student who saved progress under the old ids (issue 25: only they hear the note).
    (tmp_path / FILE).write_text(json.dumps({"version": 1, "sections": {
        "day2-s2": {"best": 3, "max_score": 5, "attempts": 1, "last": ""}}}), encoding="utf-8")
    result = run_quiz("take", "day2-s2", "--lang", lang, stdin="", data_dir=tmp_path)
    assert note in result.stderr
    assert "(d2s5-q1)" in result.stdout  # day2-s2 now names the optimizers, and says so first
    assert_no_traceback(result)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_student_without_old_progress_hears_no_migration_note(tmp_path, lang):
    result = run_quiz("take", "day2-s2", "--lang", lang, stdin="", data_dir=tmp_path)
    assert "day2-s1-init" not in result.stderr
    assert "(d2s5-q1)" in result.stdout
    assert_no_traceback(result)


def test_template_of_an_old_id_notes_the_move_on_stderr_only(tmp_path):
    (tmp_path / FILE).write_text(json.dumps({"version": 1, "sections": {
        "day2-s3": {"best": 1, "max_score": 4, "attempts": 1, "last": ""}}}), encoding="utf-8")
    result = run_quiz("template", "day2-s3", "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 0
    assert "day2-s1-bn" in result.stderr
    assert set(yaml.safe_load(result.stdout)) == {q.id for q in SECTIONS["day2-s3"].questions}


def test_a_folded_day1_section_starts_the_day2_section_that_holds_it(tmp_path):
    result = run_quiz("take", "day1-s13", "--lang", "en", stdin="", data_dir=tmp_path)
    assert "day1-s13 is part of day2-s3" in result.stderr
    assert "(d2-overfit-q1)" in result.stdout
    assert_no_traceback(result)
