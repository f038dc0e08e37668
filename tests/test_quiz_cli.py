"""`grader quiz list|template|check|take|reset` as a student uses them: the real command line
in a subprocess, on the shipped quiz files, with a private progress folder."""
from __future__ import annotations

import json

import pytest
import yaml

from quiz_support import REPO, assert_no_traceback, run_quiz, shipped_sections

SECTIONS = {s.id: s for s in shipped_sections()}


def model_answers(section_id: str) -> dict:
    answers = {}
    for q in SECTIONS[section_id].questions:
        answers[q.id] = ({"text": q.answer["ja"], "points": [1]} if q.type == "free_text" else q.answer)
    return answers


def write_answers(path, answers: dict) -> str:
    path.write_text(yaml.safe_dump(answers, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


DAY1_S2 = ["d1s2-q1", "d1s2-q2", "d1s2-q3", "d1s2-q4", "d1s2-q5", "d1s2-q6"]


def whole_section(answers: dict) -> dict:
    """Every question of day1-s2 (those not given left blank): a file that records a best."""
    return {qid: answers.get(qid) for qid in DAY1_S2}


# --- list ----------------------------------------------------------------------------

def test_list_json_has_every_section_with_counts(tmp_path):
    result = run_quiz("list", "--json", "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    rows = {row["id"]: row for row in data["sections"]}
    assert list(rows) == list(SECTIONS)
    assert rows["day1-s3"]["questions"] == len(SECTIONS["day1-s3"].questions)
    assert rows["day1-s3"]["title"].startswith("Day 1 Section 3")
    assert rows["day1-s3"]["best_score"] is None and rows["day1-s3"]["attempts"] == 0


@pytest.mark.parametrize("lang,title,header", [("ja", "活性化関数", "問題数"), ("en", "Activation functions", "Questions")])
def test_list_text_in_both_languages(tmp_path, lang, title, header):
    result = run_quiz("list", "--lang", lang, data_dir=tmp_path)
    assert result.returncode == 0
    # The table fits 80 columns: a long title wraps between its words (never inside one).
    assert all(word in result.stdout.split() for word in title.split()) and header in result.stdout
    assert "day2-s5" in result.stdout


def test_language_follows_the_locale_by_default(tmp_path):
    import os
    import subprocess
    import sys
    pass
    env = {**os.environ, "PYTHONPATH": str(REPO), "GRADER_DATA_DIR": str(tmp_path), "LANG": "ja_JP.UTF-8",
           "PYTHONIOENCODING": "utf-8"}
    env.pop("LC_ALL", None), env.pop("LC_MESSAGES", None)
    result = subprocess.run([sys.executable, "-m", "grader", "quiz", "list"], capture_output=True, text=True,
                            encoding="utf-8", env=env, cwd=REPO)
    assert "未受験" in result.stdout


# --- template and check ----------------------------------------------------------------

def test_template_is_a_commented_yaml_mapping_of_empty_answers(tmp_path):
    result = run_quiz("template", "day1-s3", "--lang", "ja", data_dir=tmp_path)
    assert result.returncode == 0
    data = yaml.safe_load(result.stdout)
    assert data == {q.id: None for q in SECTIONS["day1-s3"].questions}
    assert "# ── 問 4/9【コード】(d1s3-q4) ──" in result.stdout
    assert "ソフトマックス関数" in result.stdout
    english = run_quiz("template", "day1-s3", "--lang", "en", data_dir=tmp_path).stdout
    assert "softmax" in english and "ソフトマックス関数" not in english


def test_untouched_template_checks_as_all_unanswered(tmp_path):
    template = run_quiz("template", "day2-s1", "--lang", "en", data_dir=tmp_path).stdout
    path = tmp_path / "answers.yaml"
    path.write_text(template, encoding="utf-8")
    result = run_quiz("check", str(path), "--json", "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["score"] == 0 and data["max_score"] == 6
    assert {r["message"] for r in data["results"]} == {"No answer given."}


@pytest.mark.parametrize("section_id", ["day1-s3", "day2-s1-challenge", "day2-s4"])
def test_model_answers_pass_through_the_command_line(tmp_path, section_id):
    path = write_answers(tmp_path / "answers.yaml", model_answers(section_id))
    result = run_quiz("check", path, "--json", "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["score"] == data["max_score"] == SECTIONS[section_id].max_score
    assert all(r["passed"] in (True, None) for r in data["results"])


def test_check_json_follows_the_contract(tmp_path):
    answers = {
        "d2s1-q1": "2x + 2y",                        # implicit multiplication
        "d2s1-q2": "②",                               # circled digit
        "d2s1-q3": "０．２５",                         # full-width digits
        "d2s1-q4": 0.5,                               # wrong
        "d1s3-q1": {"text": "打ち消し合うから", "points": [1, 3]},
        "d1s3-q5": "np.exp(np.sum(x))",               # wrong code
    }
    result = run_quiz("check", write_answers(tmp_path / "a.yaml", answers), "--json", "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ""
    data = json.loads(result.stdout)  # nothing but the JSON object on stdout
    assert set(data) == {"score", "max_score", "results"}
    assert data["score"] == 3.0 and data["max_score"] == 5.0
    by_id = {r["id"]: r for r in data["results"]}
    assert set(by_id) == set(answers)
    for r in data["results"]:
        assert set(r) == {"id", "type", "passed", "points", "max_points", "message"}
        assert isinstance(r["points"], float) and isinstance(r["max_points"], float)
    assert by_id["d2s1-q1"] == {"id": "d2s1-q1", "type": "expression", "passed": True,
                                "points": 1.0, "max_points": 1.0, "message": ""}
    free = by_id["d1s3-q1"]
    assert free["passed"] is None and free["points"] == 2.0 and free["max_points"] == 3.0
    assert "Model answer" in free["message"]
    assert by_id["d1s3-q5"]["passed"] is False and by_id["d1s3-q5"]["message"]


def test_check_text_output_in_japanese(tmp_path):
    answers = {"d1s0-q2": "③、④", "d1s0-q3": 17, "d1s0-q1": "入力を出力に変換するモデルを作る"}
    result = run_quiz("check", write_answers(tmp_path / "a.yaml", answers), "--lang", "ja", data_dir=tmp_path)
    assert result.returncode == 1
    assert "✔  d1s0-q2  1/1" in result.stdout
    assert "✘  d1s0-q3  0/1  数値が正しくありません。" in result.stdout
    assert "模範解答:" in result.stdout and "18" in result.stdout
    assert "スコア: 1/2（自動採点）" in result.stdout
    assert "自己採点" in result.stdout


@pytest.mark.parametrize("content,message", [
    ("d1s0-q2: [3, 4\n", "not valid YAML"),
    ("- 3\n- 4\n", "must map question ids to answers"),
    ("", "has no answers"),
    ("d1s0-q2: [3, 4]\nd9-nope: 1\n", "no question has the id 'd9-nope'"),
    ("d1s0-q2: [3, 4]\nd1s0-q2: [3]\n", "appears twice"),
])
def test_unusable_answers_file_exits_2(tmp_path, content, message):
    path = tmp_path / "answers.yaml"
    path.write_text(content, encoding="utf-8")
    result = run_quiz("check", str(path), "--json", "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert str(path) in result.stderr
    assert result.stdout == ""
    assert_no_traceback(result)


def test_missing_answers_file_exits_2(tmp_path):
    result = run_quiz("check", str(tmp_path / "nope.yaml"), "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 2
    assert "no such file" in result.stderr


@pytest.mark.parametrize("args", [["take", "day9-s9"], ["template", "day3-s1"], ["reset", "dayX"], ["frobnicate"], ["check"]])
def test_bad_arguments_exit_2_without_traceback(tmp_path, args):
    result = run_quiz(*args, "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 2
    assert_no_traceback(result)


def test_help_is_translated(tmp_path):
    result = run_quiz("--lang", "ja", "--help", data_dir=tmp_path)
    assert result.returncode == 0
    assert "確認テスト" in result.stdout


# --- progress ------------------------------------------------------------------------

def test_progress_keeps_the_best_score_and_can_be_reset(tmp_path):
    good = write_answers(tmp_path / "good.yaml", whole_section({"d1s2-q3": 1, "d1s2-q5": 0.5}))
    bad = write_answers(tmp_path / "bad.yaml", whole_section({"d1s2-q3": 2}))
    assert run_quiz("check", good, "--lang", "en", data_dir=tmp_path).returncode == 1  # its blanks are wrong
    assert run_quiz("check", bad, "--lang", "en", data_dir=tmp_path).returncode == 1
    rows = {r["id"]: r for r in json.loads(run_quiz("list", "--json", data_dir=tmp_path).stdout)["sections"]}
    assert rows["day1-s2"]["best_score"] == 2.0 and rows["day1-s2"]["attempts"] == 2
    assert (tmp_path / "quiz-progress.json").exists()

    result = run_quiz("reset", "day1-s2", "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 0 and "day1-s2" in result.stdout
    rows = {r["id"]: r for r in json.loads(run_quiz("list", "--json", data_dir=tmp_path).stdout)["sections"]}
    assert rows["day1-s2"]["best_score"] is None

    run_quiz("check", good, data_dir=tmp_path)
    assert run_quiz("reset", "--lang", "en", data_dir=tmp_path).returncode == 0
    rows = {r["id"]: r for r in json.loads(run_quiz("list", "--json", data_dir=tmp_path).stdout)["sections"]}
    assert all(r["best_score"] is None for r in rows.values())


def test_damaged_progress_file_is_a_warning_not_a_crash(tmp_path):
    (tmp_path / "quiz-progress.json").write_text("{not json", encoding="utf-8")
    result = run_quiz("list", "--lang", "en", data_dir=tmp_path)
    assert result.returncode == 0
    assert "Warning: your progress file" in result.stderr and "it was moved to" in result.stderr
    assert [p.read_text() for p in tmp_path.glob("quiz-progress.json.set-aside-*")] == ["{not json"]
    good = write_answers(tmp_path / "good.yaml", whole_section({"d1s2-q3": 1}))
    assert run_quiz("check", good, data_dir=tmp_path).returncode == 1  # the blanks are wrong
    assert json.loads((tmp_path / "quiz-progress.json").read_text())["sections"]["day1-s2"]["best"] == 1.0


@pytest.mark.parametrize("lang, said", [("en", "no best score is recorded"), ("ja", "ベストスコアは記録しません")])
def test_a_partial_answers_file_records_no_best(tmp_path, lang, said):
    partial = write_answers(tmp_path / "partial.yaml", {"d1s2-q3": 1, "d1s2-q5": 0.5})
    done = run_quiz("check", partial, "--lang", lang, data_dir=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr  # what it holds is right
    assert said in done.stderr and "day1-s2" in done.stderr
    rows = {r["id"]: r for r in json.loads(run_quiz("list", "--json", data_dir=tmp_path).stdout)["sections"]}
    assert rows["day1-s2"]["best_score"] is None and rows["day1-s2"]["attempts"] == 0


def test_the_language_is_remembered_from_the_environment(tmp_path):
    import os
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRADER_", "LC_", "LANG"))}
    env.update(LANG="C.UTF-8", GRADER_LANG="ja", GRADER_DATA_DIR=str(tmp_path), PYTHONIOENCODING="utf-8")
    quiz = subprocess.run([sys.executable, "-m", "grader", "quiz", "list"], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=REPO, timeout=120)
    assert "問題数" in quiz.stdout, quiz.stdout
    check = subprocess.run([sys.executable, "-m", "grader", "check", "--submission", str(tmp_path / "none")],
                           capture_output=True,
                           text=True, encoding="utf-8", env=env, cwd=REPO, timeout=120)
    assert check.returncode == 2 and "フォルダがありません" in check.stderr, check.stderr
    english = subprocess.run([sys.executable, "-m", "grader", "quiz", "list", "--lang", "en"], capture_output=True,
                             text=True, encoding="utf-8", env=env, cwd=REPO, timeout=120)
    assert not any("\u3040" <= ch <= "\u30ff" for ch in english.stdout.splitlines()[0])  # --lang wins


# --- take ----------------------------------------------------------------------------

DAY2_S1_RIGHT = ["2(x+y)", "２", "1/4", "0.0009765625", "s(1-s)", "1"]


def test_take_through_piped_stdin_in_english(tmp_path):
    result = run_quiz("take", "day2-s1", "--lang", "en", stdin="\n".join(DAY2_S1_RIGHT) + "\n", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert out.count("✔ Right!") == 6
    assert "Question 1/6 [formula] (d2s1-q1)" in out
    assert "Explanation:" in out
    assert "Score: 6/6 (auto-graded)" in out
    rows = {r["id"]: r for r in json.loads(run_quiz("list", "--json", data_dir=tmp_path).stdout)["sections"]}
    assert rows["day2-s1"]["best_score"] == 6.0


def test_take_in_japanese_with_wrong_answers_and_self_assessment(tmp_path):
    # day1-s0: free text (2 lines, blank line, then y/n per key point), then five auto-graded questions.
    lines = ["明示的なプログラムの代わりに", "データから学習するモデルを作る", "", "y", "n", "はい",
             "3", "18", "7", "2", "1"]
    result = run_quiz("take", "day1-s0", "--lang", "ja", stdin="\n".join(lines) + "\n", data_dir=tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert "採点ポイント:" in out and "自己採点: 採点ポイント 2/3" in out
    assert "✘ 不正解: 選んだものは正しいですが、正しい選択肢があと 1 つあります。" in out
    assert "✘ 不正解: その選択肢は正しくありません。" in out
    assert out.count("✔ 正解！") == 3
    assert "スコア: 3/5（自動採点）" in out


def test_take_code_question_reports_errors_clearly(tmp_path):
    # day1-s1: q1 free text (left empty: nothing to self-assess, issue 12); q2 code (an
    # exception); q3 code (wrong shape); q4 numeric; q5 choice.
    lines = ["",
             "np.dot(W, x) + b", "",
             "u2 = np.dot(z1, W2) + b2", "z2 = functions.relu(u2)[:2]", "",
             "0.6", "1"]
    result = run_quiz("take", "day1-s1", "--lang", "en", stdin="\n".join(lines) + "\n", data_dir=tmp_path)
    out = result.stdout
    assert "Your code raised ValueError: shapes (4,3) and (4,) not aligned" in out
    assert "z2: expected shape (4,), got (2,)." in out
    assert "Score: 2/4 (auto-graded)" in out
    assert result.returncode == 1


def test_take_stops_cleanly_when_input_ends(tmp_path):
    result = run_quiz("take", "day2-s1", "--lang", "en", stdin="2(x+y)\n", data_dir=tmp_path)
    assert result.returncode == 2
    assert "Input ended before the last question" in result.stderr
    assert_no_traceback(result)
    # Issue 12: stopping early keeps what was answered (it used to save nothing).
    rows = {r["id"]: r for r in json.loads(run_quiz("list", "--json", data_dir=tmp_path).stdout)["sections"]}
    assert rows["day2-s1"]["best_score"] == 1.0
