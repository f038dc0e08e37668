"""`grader quiz validate` and the loader on malformed files: one line per problem naming file,
line and field, exit 1, never a traceback; commands that need the quizzes refuse them (exit 2)."""
from __future__ import annotations

import shutil

import pytest

from quiz_support import FIXTURES, assert_no_traceback, run_quiz

CASES = {
    # fixture folder: (file, line, field, English message part, Japanese message part)
    "wrong_type": ("day9-s1.yaml", 7, "questions[0].answer", "should be number, not string", "number であるべき"),
    "unknown_type": ("day9-s1.yaml", 5, "questions[0].type", "unknown question type 'essay'", "不明な問題タイプ 'essay'"),
    "answer_not_choice": ("day9-s1.yaml", 10, "questions[0].answer", "the answer 5 is not among the choices (1, 2)", "選択肢（1, 2）にありません"),
    "duplicate_id": ("day9-s2.yaml", 9, "questions[1].id", "the question id 't-same' is already used at", "既に使われています"),
    "missing_translation": ("day9-s1.yaml", 6, "questions[0].prompt.en", "missing translation 'en'", "翻訳 'en' がありません"),
    "duplicate_key": ("day9-s1.yaml", 8, "questions[0].answer", "the key 'answer' appears twice", "重複しています"),
    "unknown_field": ("day9-s1.yaml", 8, "questions[0].choices", "unknown field 'choices'", "不明なフィールド 'choices'"),
    "bad_expression": ("day9-s1.yaml", 8, "questions[0].answer", "the formula cannot be parsed", "式を解析できません"),
    "yaml_syntax": ("day9-s1.yaml", 7, "", "not valid YAML", "YAML として正しくありません"),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_malformed_file_names_file_line_and_field(tmp_path, case, lang):
    file, line, field, english, japanese = CASES[case]
    files = sorted(str(p.relative_to(FIXTURES.parent.parent)) for p in (FIXTURES / case).glob("*.yaml"))
    result = run_quiz("validate", "--lang", lang, *files, data_dir=tmp_path)
    assert result.returncode == 1
    assert_no_traceback(result)
    problem_lines = [l for l in result.stdout.splitlines() if l.startswith("tests/")]
    assert len(problem_lines) == 1, result.stdout
    prefix = f"tests/quiz_fixtures/{case}/{file}:{line}:" + (f" {field}:" if field else "")
    assert problem_lines[0].startswith(prefix), problem_lines[0]
    assert (english if lang == "en" else japanese) in problem_lines[0]


def test_valid_fixture_passes(tmp_path):
    result = run_quiz("validate", "--lang", "en", "tests/quiz_fixtures/valid/day9-s1.yaml", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 quiz file(s) valid" in result.stdout


def test_missing_file_is_a_problem(tmp_path):
    result = run_quiz("validate", "--lang", "en", "no/such/day1-s9.yaml", data_dir=tmp_path)
    assert result.returncode == 1
    assert "no/such/day1-s9.yaml: no such file" in result.stdout


def test_section_must_match_file_name(tmp_path):
    target = tmp_path / "day1-s7.yaml"
    shutil.copy(FIXTURES / "valid" / "day9-s1.yaml", target)
    result = run_quiz("validate", "--lang", "en", str(target), data_dir=tmp_path)
    assert result.returncode == 1
    assert f"{target}:1: section: section 'day9-s1' does not match the file name 'day1-s7'" in result.stdout


@pytest.mark.parametrize("command", [["list"], ["take", "day9-s1"], ["template", "day9-s1"]])
def test_commands_refuse_broken_quiz_files_without_traceback(tmp_path, command):
    result = run_quiz(*command, "--lang", "en", data_dir=tmp_path, quiz_dir=FIXTURES / "unknown_type")
    assert result.returncode == 2
    assert_no_traceback(result)
    assert "unknown question type 'essay'" in result.stderr
    assert "grader quiz validate" in result.stderr


def test_another_quiz_folder_can_be_used(tmp_path):
    result = run_quiz("list", "--json", "--lang", "en", data_dir=tmp_path, quiz_dir=FIXTURES / "valid")
    assert result.returncode == 0, result.stderr
    assert '"id": "day9-s1"' in result.stdout
