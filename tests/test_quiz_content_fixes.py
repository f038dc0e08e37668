"""Issue 25's content fixes, each checked where a student meets it: the verdict of a
typed answer, or the text `grader quiz` shows."""
from __future__ import annotations

import re

import pytest
import yaml

from grader.quiz.checkers import check_answer
from quiz_support import QUIZ_DIR, shipped_sections

SECTIONS = shipped_sections()
Q = {q.id: q for s in SECTIONS for q in s.questions}


def verdict(qid: str, answer: object):
    return check_answer(Q[qid], answer)


@pytest.mark.parametrize("answer, right", [("0.25", True), ("1/4", True), ("25%", True), ("¼", True),
                                           ("0.249", False), ("0.251", False), ("0.2505", False)])
def test_an_exact_answer_has_an_exact_tolerance(answer, right):
    assert verdict("d2s1-q3", answer).passed is right


def test_alexnet_says_what_the_real_network_does_and_what_the_figure_simplifies():
    for qid in ("d2-alexnet-q2", "d2-alexnet-q3", "d2-alexnet-q4", "d2-alexnet-q10"):
        q = Q[qid]
        text = " ".join([q.prompt["ja"], q.explanation["ja"], str(q.data.get("answer", ""))])
        assert "6×6×256" in text or "9216" in text, qid
    q4 = Q["d2-alexnet-q4"]
    assert "大部分" not in q4.explanation["ja"] and "Most of AlexNet" not in q4.explanation["en"]
    assert "3770 万" in q4.explanation["ja"] and "6000 万" in q4.explanation["ja"]
    assert "37.7 million" in q4.explanation["en"] and "60 million" in q4.explanation["en"]
    for qid in ("d2-alexnet-q3", "d2-alexnet-q4"):
        assert "講座の図" in Q[qid].prompt["ja"] and "course's figure" in Q[qid].prompt["en"]


@pytest.mark.parametrize("qid, typed, right", [
    ("d2-cnn-q1", "7×7", True), ("d2-cnn-q1", "７×７", True), ("d2-cnn-q1", "7 x 7", True),
    ("d2-cnn-q1", "n = 7", True), ("d2-cnn-q1", "6×6", False), ("d2-cnn-q1", "49", False),
    ("d2-alexnet-q8", "55×55", True), ("d2-alexnet-q8", "55", True), ("d2-alexnet-q8", "54×54", False),
])
def test_a_size_written_n_by_n_is_read_as_its_side(qid, typed, right):
    assert verdict(qid, typed).passed is right


def test_a_refused_n_by_n_says_how_it_was_read():
    message = verdict("d2-cnn-q1", "6×6").message("ja")
    assert "6 と読みました" in message
    assert "read as 30" in verdict("d2-cnn-q7", "5×6").message("en")


@pytest.mark.parametrize("qid, typed, right", [
    ("d2-overfit-q2", "param", True), ("d2-overfit-q2", "grad += rate * param", True),
    ("d2-overfit-q2", "grad += rate*param", True), ("d2-overfit-q2", "rate * param", False),
    ("d2-overfit-q2", "np.sign(param)", False),
    ("d2-overfit-q3", "np.sign(param)", True), ("d2-overfit-q3", "grad += rate * np.sign(param)", True),
    ("d2-overfit-q3", "rate * np.sign(param)", False), ("d2-overfit-q3", "grad += rate * param", False),
])
def test_ridge_and_lasso_blanks_sit_inside_rate_times_as_in_the_course(qid, typed, right):
    assert "grad += rate * " in Q[qid].prompt["ja"]
    assert verdict(qid, typed).passed is right


def test_the_course_is_called_kouza_in_every_japanese_text():
    for path in QUIZ_DIR.glob("*.yaml"):
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            for field in ("prompt", "explanation"):
                value = q.get(field)
                if isinstance(value, dict):
                    assert "コース" not in value["ja"], (q["id"], field)


def test_prompts_break_lines_only_between_sentences_or_around_code():
    for s in SECTIONS:
        for q in s.questions:
            lines = q.prompt["ja"].rstrip("\n").split("\n")
            for a, b in zip(lines, lines[1:]):
                if a.strip() and b.strip() and not a.startswith("    ") and not b.startswith("    "):
                    assert a.rstrip()[-1] in "。：:？?）)", (q.id, a, b)


def test_questions_come_in_file_order():
    for s in SECTIONS:
        numbers = [int(re.search(r"q(\d+)$", q.id).group(1)) for q in s.questions]
        assert numbers == sorted(numbers), s.id


def test_questions_that_refer_to_earlier_code_name_it():
    for qid in ("d2s4-q2", "d2s4-q3"):
        assert "上のコード" not in Q[qid].prompt["ja"] and "d2s4-q1" in Q[qid].prompt["ja"]
        assert "code above" not in Q[qid].prompt["en"]


def test_rounding_and_epsilon_are_stated():
    assert "四捨五入" in Q["d2s3-q4"].prompt["ja"] and "rounded" in Q["d2s3-q4"].prompt["en"]
    assert "ε" in Q["d1s12-q3"].prompt["ja"] and "ε" in Q["d1s12-q3"].prompt["en"]
    with_eps = "(x - x.mean(axis=0)) / (x.std(axis=0) + 1e-7)"
    assert verdict("d1s12-q3", with_eps).passed is True
    assert verdict("d1s12-q3", "(x - x.mean(axis=0)) / x.std(axis=0, ddof=1)").passed is False
