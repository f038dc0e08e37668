"""The checkers as other code uses them (`check_answer(question, answer) -> Verdict`), on the
shipped questions: normalisation of Japanese input, formula equivalence, and code answers run
in a child process that cannot hang, crash or corrupt the grader."""
from __future__ import annotations

import dataclasses
import json
import time
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from grader.quiz.checkers import check_answer, parse_number
from grader.quiz.loader import find_question
from grader.boundary import wire
from quiz_support import shipped_sections

SECTIONS = shipped_sections()


def question(qid: str, **changes):
    q = find_question(qid, SECTIONS)
    assert q is not None, qid
    return dataclasses.replace(q, data={**q.data, **changes}) if changes else q


# --- choices and numbers -----------------------------------------------------------------

@pytest.mark.parametrize("answer", [[3, 4], "3, 4", "3,4", "4 3", "③④", "③、④", "３・４", ["③", "④"], "(3) (4)"])
def test_multiple_choice_accepts_the_ways_students_type_keys(answer):
    assert check_answer(question("d1s0-q2"), answer).passed is True


@pytest.mark.parametrize("answer,message", [
    ([3], "Right so far, but 1 more choice(s) are also correct."),
    ("3, 4, 7", "Your selection includes a wrong choice."),
    ("3, 9", "9 is not one of the choices (1, 2, 3, 4, 5, 6, 7)."),
    ("", "No answer given."),
])
def test_multiple_choice_says_what_is_wrong(answer, message):
    verdict = check_answer(question("d1s0-q2"), answer)
    assert verdict.passed is False and verdict.message("en") == message


def test_single_choice_wants_one_key():
    verdict = check_answer(question("d2s1-q2"), "2, 3")
    assert verdict.passed is False and verdict.message("ja") == "選択肢を 1 つだけ選んでください。"


@pytest.mark.parametrize("answer", [0.25, "0.25", "０．２５", "1/4", "１／４", " 25% ", ".25", "2.5e-1"])
def test_numeric_accepts_equivalent_spellings(answer):
    assert check_answer(question("d2s1-q3"), answer).passed is True


@pytest.mark.parametrize("answer", ["0.3", "abc", "1/0", "nan", True])
def test_numeric_rejects_other_values(answer):
    assert check_answer(question("d2s1-q3"), answer).passed is False


_FULL_WIDTH = str.maketrans("0123456789.-/", "０１２３４５６７８９．－／")


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
@example(1.979680132349182e-308)  # below the smallest normal float: sympy's float() was a bit off
def test_full_width_numbers_read_like_ascii(value):
    text = repr(value)
    assert parse_number(text.translate(_FULL_WIDTH)) == parse_number(text) == value


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=99))
def test_fractions_and_decimals_agree(numerator, denominator):
    assert parse_number(f"{numerator}/{denominator}") == pytest.approx(numerator / denominator)


# --- formulas ------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["2*(x+y)", "2x+2y", "2*x + 2*y", "2(x + y)", "(x+y)*2", "2t", "２ｘ＋２ｙ",
                                    "2 × (x + y)", "x + y + x + y", "2*t**1"])
def test_chain_rule_answer_in_any_equivalent_form(answer):
    assert check_answer(question("d2s1-q1"), answer).passed is True, answer


@pytest.mark.parametrize("answer,part", [
    ("__import__('os').system('echo hacked')", "unknown name '__import__'"),
    ("x.__class__", "cannot be used"),
    ("open", "unknown name 'open'"),
    ("2*(x+y", "not a well-formed formula"),
    ("9**9**9**9", "too large"),
    ("x" * 300, "longer than 200"),
])
def test_formula_input_is_never_evaluated_as_python(answer, part):
    started = time.monotonic()
    verdict = check_answer(question("d2s1-q1"), answer)
    assert verdict.passed is False
    assert part in verdict.message("en")
    assert time.monotonic() - started < 5


def test_formula_with_substituted_symbol():
    assert check_answer(question("d2s1-q5"), "exp(-u)/(1+exp(-u))^2").passed is True
    assert check_answer(question("d1s5-q5"), "(w z + b - d) z").passed is True


# --- code ----------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["np.dot(x, W) + b", "x @ W + b", "u = np.dot(x, W) + b", "W.T.dot(x) + b",
                                    "ｎｐ．ｄｏｔ（ｘ，\u3000Ｗ）＋\u3000ｂ"])
def test_code_answers_that_compute_the_same_values_pass(answer):
    assert check_answer(question("d1s1-q2"), answer).passed is True


@pytest.mark.parametrize("answer,message", [
    ("np.dot(W, x) + b", "Your code raised ValueError: shapes (4,3) and (4,) not aligned"),
    ("np.dot(x, w) + b", "Names you can use: W, b, functions, np, rng, x"),
    ("np.dot(x, W) +", "Syntax error in line 1"),
    ("np.outer(x, W[:, 0])", "The result: expected shape (3,), got (4, 4)."),
    ("print('u')", "The result: expected array (3,), got str."),  # print(X) is read as X (issue 25)
    ("import sys; sys.exit(0)", "tried to exit the interpreter"),  # two statements: the last one runs (issue 25)
    ("lambda: 0", "cannot be compared (function)"),
])
def test_code_answer_failures_have_clear_messages(answer, message):
    verdict = check_answer(question("d1s1-q2"), answer)
    assert verdict.passed is False
    assert message in verdict.message("en")


@pytest.mark.parametrize("answer,message", [
    ("import sys\nsys.exit(1)", "tried to exit the interpreter"),
    ("import os\nos._exit(3)", "stopped abruptly (exit status 3)"),
    ("raise KeyboardInterrupt", "KeyboardInterrupt"),
    ("z2 = 1", "must define u2"),
])
def test_code_that_ends_the_child_is_reported(answer, message):
    verdict = check_answer(question("d1s1-q3"), answer)
    assert verdict.passed is False and message in verdict.message("en")


def test_endless_loop_times_out():
    started = time.monotonic()
    verdict = check_answer(question("d1s1-q3", timeout=2), "while True:\n    pass")
    assert verdict.passed is False
    assert "did not finish within 2 seconds" in verdict.message("en")
    assert time.monotonic() - started < 10


def test_output_of_the_students_code_cannot_corrupt_the_result():
    noisy = ("import os, sys\n"
             "print('{\"model\": null}')\n"
             "sys.stderr.write('garbage' * 1000)\n"
             "os.write(1, b'\\x80\\x81 not json')\n"
             "u2 = np.dot(z1, W2) + b2\n"
             "z2 = functions.relu(u2)")
    assert check_answer(question("d1s1-q3"), noisy).passed is True


def test_students_code_cannot_change_the_expected_values():
    # The model answer has already run when the student's code patches numpy.
    verdict = check_answer(question("d1s1-q2"), "np.dot = lambda a, b: 0\nnp.dot(x, W) + b")
    assert verdict.passed is False


def test_code_answer_in_japanese():
    verdict = check_answer(question("d1s5-q3"), "grad['W2'] = np.dot(z1.T, delta1)")
    assert verdict.message("ja") == "結果: 形状（shape）は (5, 2) のはずが (5, 5) です。"


@pytest.mark.parametrize("payload", [
    {"__nd__": ["|O", [1], "AAAAAAAAAAA="]},  # an object array: refused, never unpickled
    {"__nd__": ["<f8", [2], "AAAAAAAAAAA="]},  # fewer bytes than the shape needs
    {"__scalar__": ["<V8", [], "AAAAAAAAAAA="]},  # a structured (void) dtype
])
def test_child_values_are_decoded_strictly(payload):
    """Code answers come back over the exercises' wire, which refuses anything but plain arrays."""
    with pytest.raises((ValueError, TypeError)):
        wire.decode(json.loads(json.dumps(payload)))


def test_normalisation_is_nfkc():
    assert unicodedata.normalize("NFKC", "③") == "3"
    assert check_answer(question("d2s4-q3"), "２").passed is True
