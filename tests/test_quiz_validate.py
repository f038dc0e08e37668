"""`grader quiz validate` and the loader on malformed files: one line per problem naming file,
line and field, exit 1, never a traceback; commands that need the quizzes refuse them (exit 2)."""
from __future__ import annotations

import json
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


# --- the fields of issue 12: what a question allows is declared and checked -------------

NUMERIC = '''section: day9-s1
title: {{ja: "数値", en: "Numbers"}}
questions:
  - id: t-number
    type: numeric
    prompt: {{ja: "1/4 は？", en: "What is 1/4?"}}
    answer: {answer}
{extra}
    explanation: {{ja: "0.25 です。", en: "It is 0.25."}}
'''


@pytest.mark.parametrize("answer,extra,message", [
    ('"1/4"', "    sig_figs: 2\n    tolerance: 0.1", "give only one of tolerance, sig_figs"),
    ('"a quarter"', "", "should be number, not string that is not a formula"),
    ("0.25", "    units: {個: 0}", "questions[0].units.個: 0 is less than or equal to the minimum of 0"),
    ("0.25", "    constants: [φ]", "constants[0]"),
])
def test_numeric_rules_are_checked(tmp_path, answer, extra, message):
    target = tmp_path / "day9-s1.yaml"
    target.write_text(NUMERIC.format(answer=answer, extra=extra), encoding="utf-8")
    result = run_quiz("validate", "--lang", "en", str(target), data_dir=tmp_path)
    assert result.returncode == 1, result.stdout
    assert message in result.stdout
    assert "unknown field" not in result.stdout  # a known field with a bad value is not "unknown"
    assert_no_traceback(result)


def test_exact_numeric_answer_and_units_are_valid(tmp_path):
    target = tmp_path / "day9-s1.yaml"
    target.write_text(NUMERIC.format(answer='"1/4"', extra='    rtol: 0.001\n    units: {"%": 0.01}'), encoding="utf-8")
    result = run_quiz("validate", "--lang", "en", str(target), data_dir=tmp_path)
    assert result.returncode == 0, result.stdout


def test_declared_course_names_agree_with_the_code():
    """The schema's names for `functions` and `bare_functions` are the ones the grader has."""
    import json

    from grader.quiz import code_probe
    from grader.quiz.mathparse import COURSE_FUNCTIONS, CONSTANTS
    schema = json.loads((FIXTURES.parents[1] / "quizzes" / "schema.json").read_text(encoding="utf-8"))["$defs"]
    assert set(schema["expression"]["properties"]["functions"]["additionalProperties"]["enum"]) == set(COURSE_FUNCTIONS)
    assert set(schema["constants"]["items"]["enum"]) == set(CONSTANTS)
    child_names = set(vars(code_probe.course_functions()))
    assert set(schema["code"]["properties"]["bare_functions"]["items"]["enum"]) == child_names


# --- a model answer that cannot be read: `validate` names it, grading says so ------------

UNREADABLE_MODELS = '''section: day9-s1
title: {ja: "読めない模範解答", en: "Unreadable model answers"}
questions:
  - id: t-number
    type: numeric
    prompt: {ja: "3/√5 は？", en: "What is 3/√5?"}
    answer: "3/sqrt(5"
    explanation: {ja: "約 1.34 です。", en: "About 1.34."}
  - id: t-formula
    type: expression
    prompt: {ja: "σ の微分は？", en: "The derivative of σ?"}
    variables: [s]
    answer: "s*(1 - s"
    explanation: {ja: "s(1 - s) です。", en: "s(1 - s)."}
  - id: t-choice
    type: single_choice
    prompt: {ja: "どれ？", en: "Which?"}
    choices:
      - {key: a, ja: "あ", en: "a"}
      - {key: b, ja: "い", en: "b"}
    answer: a
    explanation: {ja: "a です。", en: "It is a."}
'''


def test_an_unreadable_model_answer_is_named_by_validate_and_told_when_graded(tmp_path):
    """Loading for students does not read model answers with sympy (a third of every quiz
    command); `grader quiz validate` does, and grading an unvalidated file says what is wrong
    with the question instead of a traceback, the other questions graded as usual."""
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    (quizzes / "day9-s1.yaml").write_text(UNREADABLE_MODELS, encoding="utf-8")
    validated = run_quiz("validate", "--lang", "en", str(quizzes / "day9-s1.yaml"), data_dir=tmp_path)
    assert validated.returncode == 1
    assert "questions[0].answer" in validated.stdout and "questions[1].answer" in validated.stdout

    answers = tmp_path / "answers.yaml"
    answers.write_text('t-number: "1.34"\nt-formula: "s*(1 - s)"\nt-choice: a\n', encoding="utf-8")
    for lang, said in (("en", "its model answer cannot be read"), ("ja", "模範解答が読み取れません")):
        graded = run_quiz("check", str(answers), "--json", "--lang", lang, data_dir=tmp_path, quiz_dir=quizzes)
        assert_no_traceback(graded)
        assert graded.returncode == 1, graded.stderr
        results = {r["id"]: r for r in json.loads(graded.stdout)["results"]}
        assert results["t-choice"]["passed"] is True
        for qid in ("t-number", "t-formula"):
            assert results[qid]["passed"] is False and said in results[qid]["message"], results[qid]
