"""`grader quiz take` as a student meets it: unreadable answers asked again, progress saved
after every answer, stopping early (end of input, Ctrl-C in a real terminal) keeps what
was answered, and the end says what was saved and what the best score is."""
from __future__ import annotations

import json
import os
import sys

import pexpect

from quiz_support import REPO, assert_no_traceback, run_quiz


def saved(data_dir) -> dict:
    return json.loads((data_dir / "quiz-progress.json").read_text(encoding="utf-8"))["sections"]


def test_unreadable_answer_is_asked_again_with_the_reason(tmp_path):
    lines = ["dz/dx = 2(x+y)", "ろ", "②", "25%", "約0.00098", "σ(u)(1−σ(u))", "①"]
    result = run_quiz("take", "day2-s1", "--lang", "en", stdin="\n".join(lines) + "\n", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Could not read your answer: ろ is not one of the choices (1, 2, 3, 4)." in result.stdout
    assert "tries left: 2" in result.stdout
    assert result.stdout.count("✔ Right!") == 6
    assert "Saved: day2-s1 6/6 this attempt; best 6/6." in result.stdout
    assert saved(tmp_path)["day2-s1"] == {**saved(tmp_path)["day2-s1"], "best": 6.0, "attempts": 1}


def test_three_unreadable_answers_count_as_wrong(tmp_path):
    lines = ["x +* y", "foo(", "@@", "", ""]
    result = run_quiz("take", "day2-s1", "--lang", "ja", stdin="\n".join(lines) + "\n", data_dir=tmp_path)
    out = result.stdout
    assert out.count("解答を読み取れませんでした") == 2
    assert "✘ 不正解: 式 '@@' を読み取れません" in out
    assert_no_traceback(result)


def test_end_of_input_keeps_the_answers_given(tmp_path):
    result = run_quiz("take", "day2-s1", "--lang", "en", stdin="2(x+y)\n2\n", data_dir=tmp_path)
    assert result.returncode == 2
    assert "Input ended before the last question (2 of 6 answered)." in result.stderr
    assert "Saved: day2-s1 2/6 this attempt; best 2/6." in result.stderr
    assert saved(tmp_path)["day2-s1"]["best"] == 2.0
    assert_no_traceback(result)
    # A later, worse attempt keeps the best and counts as a second attempt.
    again = run_quiz("take", "day2-s1", "--restart", "--lang", "en", stdin="x\n", data_dir=tmp_path)
    assert "Saved: day2-s1 0/6 this attempt; best 2/6." in again.stderr
    assert saved(tmp_path)["day2-s1"]["attempts"] == 2


def test_input_ending_before_any_answer_saves_nothing(tmp_path):
    result = run_quiz("take", "day2-s1", "--lang", "en", stdin="", data_dir=tmp_path)
    assert result.returncode == 2
    assert "No answer was given, so nothing was saved." in result.stderr
    assert not (tmp_path / "quiz-progress.json").exists()


def test_empty_free_text_cannot_tick_key_points(tmp_path):
    # day1-s0: q1 is free text; an empty answer goes straight on (no y/n questions).
    lines = ["", "3と4", "18個", "7", "(2, 3)", "1"]
    result = run_quiz("take", "day1-s0", "--lang", "en", stdin="\n".join(lines) + "\n", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No answer written, so there is nothing to compare with the key points (0/3)." in result.stdout
    assert "Did your answer cover this point?" not in result.stdout
    assert "Self-assessed: 0/3 key points" in result.stdout


def test_ctrl_c_in_a_terminal_keeps_the_answers_given(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRADER_", "LC_", "LANG"))}
    env.update(PYTHONPATH=str(REPO), GRADER_DATA_DIR=str(tmp_path), LANG="C.UTF-8",
               PYTHONIOENCODING="utf-8", NO_COLOR="1", TERM="dumb")
    child = pexpect.spawn(sys.executable, ["-m", "grader", "quiz", "take", "day2-s1", "--lang", "en"],
                          cwd=str(REPO), env=env, encoding="utf-8", timeout=60)
    child.expect("> ")
    child.sendline("2t")
    child.expect("Right!")
    child.expect("> ")
    child.sendline("②")
    child.expect("Question 3/6")
    child.expect("> ")
    child.sendintr()
    child.expect("Quiz interrupted after 2 of 6 question")
    child.expect(r"Saved: day2-s1 2/6 this attempt; best 2/6\.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    assert saved(tmp_path)["day2-s1"]["best"] == 2.0


def _terminal(tmp_path, *args: str, columns: int = 80) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRADER_", "LC_", "LANG"))}
    env.update(PYTHONPATH=str(REPO), GRADER_DATA_DIR=str(tmp_path), LANG="ja_JP.UTF-8",
               PYTHONIOENCODING="utf-8", NO_COLOR="1", TERM="dumb", COLUMNS=str(columns))
    return pexpect.spawn(sys.executable, ["-m", "grader", "quiz", *args], cwd=str(REPO), env=env,
                         encoding="utf-8", timeout=90, dimensions=(40, columns))


def test_an_empty_line_is_asked_again_and_ctrl_d_saves_in_japanese(tmp_path):
    child = _terminal(tmp_path, "take", "day2-s1")
    child.expect("> ")
    child.sendline("")  # Enter pressed by mistake: asked again, not graded
    child.expect("何も入力されていません")
    child.expect("> ")
    child.sendline("2t")
    child.expect("正解")
    child.expect("> ")
    child.sendline("②")
    child.expect("問題 3/6|3/6")
    child.expect("> ")
    child.sendeof()  # Ctrl-D: stops and saves, as Ctrl-C does
    child.expect("中断しました")
    child.expect(r"スコア: 2/6")  # one total: out of the whole section, as the saved line
    child.expect(r"今回 2/6、ベスト 2/6")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "不正解" not in (child.before or "")
    assert saved(tmp_path)["day2-s1"]["best"] == 2.0


def test_the_end_reviews_the_missed_questions_in_japanese(tmp_path):
    child = _terminal(tmp_path, "take", "day2-s1")
    answers = ["2(x+y)", "1", "1/4", "0.0009765625", "s(1-s)", "1"]  # the second is wrong
    for answer in answers:
        child.expect("> ")
        child.sendline(answer)
    child.expect("見直し: もう一度確かめたい問題（1 問）")
    child.expect("✘ d2s1-q2")
    child.expect("模範解答")
    child.expect(r"今回 5/6、ベスト 5/6")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1


def test_quiz_list_fits_80_columns_in_japanese(tmp_path):
    child = _terminal(tmp_path, "list", columns=80)
    child.expect(pexpect.EOF)
    child.close()
    lines = [line for line in child.before.replace("\r", "").split("\n") if line.strip()]
    assert any("day2-s5" in line for line in lines)
    from wcwidth import wcswidth
    assert max(wcswidth(line) for line in lines) <= 80, max(lines, key=wcswidth)
    assert not any(line.lstrip(" │|").startswith("。") for line in lines)


def test_a_stopped_attempt_goes_on_where_it_stopped_in_japanese(tmp_path):
    first = _terminal(tmp_path, "take", "day2-s1")
    for answer in ["2(x+y)", "②"]:
        first.expect("> ")
        first.sendline(answer)
    first.expect("> ")
    first.sendintr()
    first.expect(pexpect.EOF)
    first.close()
    assert saved(tmp_path)["day2-s1"]["unfinished"] == {"d2s1-q1": "2(x+y)", "d2s1-q2": "②"}
    again = _terminal(tmp_path, "take", "day2-s1")
    again.expect("中断した回の続きから始めます（6 問中 2 問解答済み")
    again.expect("3/6")  # the third question comes first
    for answer in ["1/4", "0.0009765625", "s(1-s)", "1"]:
        again.expect("> ")
        again.sendline(answer)
    again.expect(r"スコア: 6/6")
    again.expect(r"今回 6/6、ベスト 6/6")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 0
    entry = saved(tmp_path)["day2-s1"]
    assert entry["attempts"] == 1 and entry["best"] == 6.0 and "unfinished" not in entry
