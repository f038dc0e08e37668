"""What the student's code prints is shown under the check it failed, marked as the
student's own output and bounded; a passing check shows none of it."""
from __future__ import annotations

import pytest

from learn_support import new_student

BLANK = 'raise NotImplementedError("blank (あ) in step_function is not filled yet")'
PRINTING = '''print("x is", x.shape)
    for i in range(5000):
        print("debug line", i, "-" * 300)
    return {result}'''


def student_who_prints(tmp_path, result: str):
    student = new_student(tmp_path)
    module = student.exercises / "functions.py"
    source = module.read_text(encoding="utf-8")
    assert BLANK in source
    module.write_text(source.replace(BLANK, PRINTING.format(result=result)), encoding="utf-8")
    return student


@pytest.mark.parametrize("lang, said", [("en", "Your code printed (your own output, not the grader's"),
                                        ("ja", "あなたのコードが出力した内容")])
def test_a_failing_check_shows_the_first_lines_the_student_printed(tmp_path, lang, said):
    student = student_who_prints(tmp_path, "x * 2")
    done = student.run("check", "activations", lang=lang)
    assert done.returncode == 1
    out = done.stdout
    failure = out[out.index("activations › step_function"):out.index("activations › sigmoid")]
    assert said in " ".join(failure.split())
    assert "| x is (4, 5)" in failure
    assert "| debug line 3" in failure
    assert "debug line 4" not in out  # the first lines only
    assert "-" * 120 not in out  # long lines are cut
    assert len(out) < 6000  # 5000 printed lines of 300 characters do not bury the verdict


def test_a_passing_check_shows_no_printed_output(tmp_path):
    student = student_who_prints(tmp_path, "(x > 0).astype(float)")
    done = student.run("check", "activations")
    assert "activations › step_function" not in done.stdout  # step_function passed
    assert "debug line" not in done.stdout and "x is" not in done.stdout
    assert "printed" not in done.stdout
