"""`grader hint`: the ladder level by level, remembered across runs, --level, --all --json."""
from __future__ import annotations

import pytest

from grader.authoring.blanks import parse_file
from learn_support import LANGS, SOLUTIONS, ladder_of, new_student


@pytest.mark.parametrize("lang", LANGS)
def test_each_call_shows_the_next_level_in_order_and_remembers_it_across_runs(tmp_path, lang):
    student = new_student(tmp_path)
    index = 0 if lang == "ja" else 1
    shown = []
    for _ in range(6):  # softmax has two blanks of three levels each
        done = student.run("hint", "softmax", lang=lang)
        assert done.returncode == 0, done.stderr
        shown.append(done.stdout)
    ladders = [r.hints for r in parse_file(SOLUTIONS / "functions.py") if r.qualname == "softmax"]
    expected = [level[index] for ladder in ladders for level in ladder]
    for text, out in zip(expected, shown):
        assert text in out
    assert ("(か)" in shown[0] and "1/3" in shown[0]) and ("(き)" in shown[3] and "1/3" in shown[3])
    assert ("次の段階: grader hint softmax" if lang == "ja" else "Next level: grader hint softmax") in shown[0]
    done = student.run("hint", "softmax", lang=lang)  # a seventh call: everything was seen
    assert done.returncode == 0
    assert "grader hint softmax --all" in done.stdout
    assert not any(level[index] in done.stdout for ladder in ladders for level in ladder)


def test_the_first_unfilled_blank_comes_first(tmp_path):
    student = new_student(tmp_path)
    student.solve("functions", "softmax")  # fills both softmax blanks ...
    text = (student.exercises / "functions.py").read_text(encoding="utf-8")
    # ... then empties the second one again: (か) is done, (き) is not
    region = next(r for r in parse_file(SOLUTIONS / "functions.py") if r.label == "き")
    line = region.solution[0]
    (student.exercises / "functions.py").write_text(
        text.replace(line, f'{region.indent}raise NotImplementedError("{region.message}")'), encoding="utf-8")
    done = student.run("hint", "softmax")
    assert "(き)" in done.stdout and "1/3" in done.stdout
    assert region.hints[0][1] in done.stdout


@pytest.mark.parametrize("lang", LANGS)
def test_level_shows_that_level_and_it_counts_as_seen(tmp_path, lang):
    student = new_student(tmp_path)
    ladder = ladder_of("network", "sgd_update")
    done = student.run("hint", "sgd_update", "--level", "3", lang=lang)
    assert done.returncode == 0
    assert ladder[2][0 if lang == "ja" else 1] in done.stdout
    first = student.json("hint", "sgd_update")  # the next unseen is still level 1
    assert (first["blank"], first["level"], first["levels"]) == ("(く)", 1, 3)
    second = student.json("hint", "sgd_update")  # then 2: level 3 was seen already
    assert second["level"] == 2 and second["ja"] == ladder[1][0] and second["en"] == ladder[1][1]
    status = student.json("status")
    row = next(r for r in status["exercises"] if r["topic"] == "sgd_update")
    assert row["hints_seen"] == {"sgd_update#step": [1, 2, 3]}


@pytest.mark.parametrize("level", ["0", "4", "-1"])
def test_a_level_outside_the_ladder_is_refused(tmp_path, level):
    done = new_student(tmp_path).run("hint", "sgd_update", "--level", level)
    assert done.returncode == 2
    assert "has levels 1 to 3" in done.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_all_json_prints_every_ladder_in_the_contracts_shape(tmp_path, lang):
    student = new_student(tmp_path)
    report = student.json("hint", "adam", "--all", lang=lang)
    assert set(report) == {"topic", "blanks"} and report["topic"] == "adam"
    regions = [r for r in parse_file(SOLUTIONS / "optimizers.py") if r.qualname == "Adam.update"]
    assert [b["blank"] for b in report["blanks"]] == [f"({r.label})" for r in regions]
    for blank, region in zip(report["blanks"], regions):
        assert set(blank) == {"blank", "id", "function", "levels"} and blank["function"] == "Adam.update"
        assert blank["id"] == region.key and blank["id"].startswith("Adam.update#")
        assert blank["levels"] == [{"ja": ja, "en": en} for ja, en in region.hints]
        assert len(blank["levels"]) >= 3
    # --all counts as having seen every level
    assert "grader hint adam --all" in student.run("hint", "adam", lang=lang).stdout


def test_all_as_text_lists_every_level_in_the_chosen_language(tmp_path):
    student = new_student(tmp_path)
    ja = student.run("hint", "weight_init", "--all", "--lang", "ja").stdout
    en = student.run("hint", "weight_init", "--all", "--lang", "en").stdout
    for name in ("xavier_init", "he_init"):
        for hint_ja, hint_en in ladder_of("weight_init", name):
            assert hint_ja in ja and hint_en not in ja
            assert hint_en in en and hint_ja not in en


@pytest.mark.parametrize("args, said", [
    (("hint", "softmaks"), "unknown topic 'softmaks'"),
    (("hint",), "the following arguments are required"),
    (("hint", "softmax", "--all", "--level", "2"), "not allowed with argument"),
])
def test_bad_arguments_exit_2_with_a_sentence(tmp_path, args, said):
    done = new_student(tmp_path).run(*args)
    assert done.returncode == 2
    assert said in done.stderr and done.stdout == ""


def test_unknown_topic_in_japanese(tmp_path):
    done = new_student(tmp_path).run("hint", "softmaks", lang="ja")
    assert done.returncode == 2 and "'softmaks' というトピックはありません" in done.stderr


# ------------------------------------------------------------------ issue 22: the ladder follows the failure
def _region(module: str, qualname: str, contains: str = ""):
    return next(r for r in parse_file(SOLUTIONS / f"{module}.py")
                if r.qualname == qualname and contains in "\n".join(r.solution))


def test_the_ladder_opens_on_the_blank_of_the_function_behind_the_first_failing_check(tmp_path):
    """step_function passes, d_sigmoid fails: the ladder is d_sigmoid's, not step_function's (あ)."""
    student = new_student(tmp_path)
    student.solve("functions", "step_function", "sigmoid", "d_sigmoid", "relu", "d_relu")
    path = student.exercises / "functions.py"
    path.write_text(path.read_text(encoding="utf-8").replace("return (1 - sigmoid(x)) * sigmoid(x)",
                                                             "return x * (1 - x)"), encoding="utf-8")
    region = _region("functions", "d_sigmoid")
    done = student.run("hint", "activations")
    assert done.returncode == 0, done.stderr
    assert "The first failing check is activations › d_sigmoid; it is about d_sigmoid" in done.stdout
    assert f"blank ({region.label}) in d_sigmoid, hint 1/3" in done.stdout and region.hints[0][1] in done.stdout
    assert student.json("hint", "activations")["check"] == "d_sigmoid"


def test_the_ladder_opens_on_the_blank_the_error_was_raised_in(tmp_path):
    """backward's later blank raises: its ladder comes first, not three levels of the first blank."""
    student = new_student(tmp_path)
    student.solve("network", "forward", "backward")
    path = student.exercises / "network.py"
    path.write_text(path.read_text(encoding="utf-8").replace("np.dot(delta2, W2.T) * d_relu(z1)",
                                                             "np.dot(delta2, W2) * d_relu(z1)"), encoding="utf-8")
    region = _region("network", "backward", "delta1 =")
    first = _region("network", "backward")
    assert region.label != first.label
    shown = student.json("hint", "backward")
    assert (shown["blank"], shown["function"], shown["level"]) == (f"({region.label})", "backward", 1)
    assert shown["check"] and shown["en"] == region.hints[0][1]
