"""The team's blank rule (grader/authoring/rules.py) holds for every blank of every solutions/*.py.

The rule lives in grader/authoring/rules.py; these tests run it over the real modules
(present and future ones: the folder is globbed) and show on made-up texts that each
part of it catches what it is meant to catch, so a rule that passes everything fails here.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grader.authoring import rules
from grader.authoring.blanks import BlankRegion

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
REGIONS = rules.all_regions(SOLUTIONS)


def region_id(region: BlankRegion) -> str:
    return f"{region.module}-{region.label}-{region.qualname}"


def test_the_solutions_have_blanks():
    assert len(REGIONS) >= 42


def test_no_instruction_dictates_code(capsys):
    findings = [f for r in REGIONS for f in rules.instruction_findings(r, SOLUTIONS)]
    offending = {f.region for f in findings}
    with capsys.disabled():
        print(f"\n{len(offending)} of {len(REGIONS)} blank instructions break the instruction rule")
    assert not findings, "\n".join(map(str, findings))


@pytest.mark.parametrize("region", REGIONS, ids=region_id)
def test_every_blank_has_a_ladder_of_three_distinct_levels_in_both_languages(region):
    assert len(region.hints) >= rules.MIN_LEVELS
    for ja, en in region.hints:
        assert ja.strip() and en.strip()
    assert not rules.ladder_findings(region), "\n".join(map(str, rules.ladder_findings(region)))


def test_the_counting_command_reports_zero_offenders():
    done = subprocess.run([sys.executable, "-m", "grader.authoring.rules", str(SOLUTIONS)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 instructions name NumPy or a keyword, 0 break the instruction rule, 0 ladders" in done.stdout


# --- the rule catches what it names ------------------------------------------------------

FUNCTIONS = rules.course_functions(SOLUTIONS)
NAMES = rules.course_names(SOLUTIONS)


def kinds(text: str) -> set[str]:
    return {p.kind for p in rules.text_problems(text, NAMES, FUNCTIONS)}


@pytest.mark.parametrize("text", [
    "return an array made with np.where",            # a NumPy function, dotted
    "subtract the maximum with keepdims",            # a keyword name, bare
    "use argmax to find the class",                  # a NumPy function, bare
    "reshape x first",                                # an array method, bare
    "multiply by W2.T",                               # an array attribute
    "draw it with rng.permutation",                   # a Generator method
])
def test_numpy_names_are_caught(text):
    assert "numpy" in kinds(text)


@pytest.mark.parametrize("text", [
    "the sum over the last axis (axis=-1)", "keepdims=True", "over axis 0", "軸 0 について",
])
def test_keywords_and_axis_numbers_are_caught(text):
    assert "keyword" in kinds(text)


@pytest.mark.parametrize("text", [
    "i_end = i + batch_size",           # an assignment to a program variable
    "grad['b2'] gets the sum",          # subscription
    "call loss(x) twice",               # a call on a name that is no math function
    "x ** 2 summed",                    # Python's power operator
    "params[key] -= g",                 # augmented assignment
    "the `sum` of it",                  # code markup
])
def test_code_fragments_are_caught(text):
    assert "code" in kinds(text)


@pytest.mark.parametrize("text", [
    "each row of y sums to 1; exp must not overflow for u ≈ 1000",
    "return the ReLU f(x) = max(0, x) element by element, in place",
    "u1 = x·W1 + b1, the matrix product plus the bias, shaped (B, H)",
    "E = −(1/B)·Σ_n log(y_nk + 1e-7), the mean over the samples",
    "z1 = relu(u1): the course's own function as a mathematical function",
])
def test_goal_statements_in_the_courses_notation_pass(text):
    assert kinds(text) == set()


def test_an_instruction_that_repeats_the_solution_line_is_caught():
    region = next(r for r in REGIONS if r.qualname == "get_minibatch")
    copy = BlankRegion(**{**region.__dict__, "en": "i_end = i + batch_size"})
    assert rules.instruction_findings(copy, SOLUTIONS)


def test_a_short_repeated_or_line_giving_ladder_is_caught():
    region = next(r for r in REGIONS if r.qualname == "get_minibatch")
    short = BlankRegion(**{**region.__dict__, "hints": region.hints[:2]})
    repeated = BlankRegion(**{**region.__dict__, "hints": (region.hints[0],) * 3})
    giving = BlankRegion(**{**region.__dict__, "hints": (*region.hints[:2], ("i_end = i + batch_size", "x"))})
    early_numpy = BlankRegion(**{**region.__dict__, "hints": (("np.add を使う", "use np.add"), *region.hints[1:])})
    for broken in (short, repeated, giving, early_numpy):
        assert rules.ladder_findings(broken)
