"""Untrusted code stays outside: hangs, exits, crashes, floods and patches cost only their topic."""
from __future__ import annotations

import time

import pytest

from conftest import SOLUTIONS, check_json, failing_topics, messages_of, topic_scores
from grader.grading.defaults import DEFAULT_TIME_LIMIT

HANG = "while True:\n    pass"


# Modules whose functions `training` calls: when one of them fails, training fails with it.
TRAINING_NEEDS = {"functions", "network", "minibatch"}


def only(report: dict, topic: str, module: str = "") -> str:
    """The message of ``topic``, the one failing topic (besides training when its module feeds it)."""
    expected = {topic} | ({"training"} if module in TRAINING_NEEDS else set())
    assert failing_topics(report) == expected, messages_of(report, next(iter(failing_topics(report)), topic))
    return messages_of(report, topic)


def test_an_endless_loop_in_a_function_times_out_that_topic_only(submission):
    folder = submission(append={"functions": f"def softmax(x):\n    {HANG.replace(chr(10), chr(10) + '    ')}"})
    start = time.monotonic()
    status, report = check_json(folder, extra=("--time-limit", "2"))
    assert status == 1
    assert "did not finish within 2 s" in only(report, "softmax", "functions")
    assert time.monotonic() - start < 30


def test_without_a_time_limit_the_default_one_ends_a_topic(submission):
    """The tests above give `--time-limit 2`; here none: the default ends a softmax that
    sleeps (asleep, not spinning, its ten seconds cost no CPU) and the message names it."""
    folder = submission(append={"functions": "def softmax(x):\n    import time\n    time.sleep(10 ** 6)"})
    status, report = check_json(folder, "softmax", "activations")
    assert status == 1
    assert f"did not finish within {DEFAULT_TIME_LIMIT:g} s" in only(report, "softmax")


def test_an_endless_loop_at_import_times_out_that_module_only(submission):
    status, report = check_json(submission(append={"minibatch": HANG}), extra=("--time-limit", "2"))
    assert status == 1
    assert "did not finish" in only(report, "minibatch", "minibatch")


@pytest.mark.parametrize("code, words", [
    ("import sys\nsys.exit(3)", "weight_init.py could not be imported: SystemExit: 3 — at weight_init.py:"),
    ("raise KeyboardInterrupt", "KeyboardInterrupt"),
])
def test_exits_and_interrupts_at_import_fail_the_module_with_a_message(submission, code, words):
    _, report = check_json(submission(append={"weight_init": code}))
    assert words in only(report, "weight_init")


@pytest.mark.parametrize("body, words", [
    ("import os\n    os._exit(7)", "ended abruptly (7)"),
    ("import ctypes\n    ctypes.string_at(0)", "ended abruptly (SIGSEGV)"),
    ("import sys\n    sys.exit()", "ended the program"),
    ("return np.ones((10 ** 6, 10 ** 6))", "ran out of memory"),
    ("return mean_squared_error(d, y)", "recursed too deeply"),
])
def test_a_crash_inside_a_call_fails_only_that_topic(submission, body, words):
    folder = submission(append={"functions": f"def mean_squared_error(d, y):\n    {body}"})
    status, report = check_json(folder)
    assert status == 1
    assert words in only(report, "mse")
    assert topic_scores(report)["softmax"][0] == topic_scores(report)["softmax"][1]


def test_megabytes_of_printing_change_nothing(submission):
    folder = submission(append={"functions": "print('x' * 30_000_000)\nprint('{\"score\": 100}')"})
    status, report = check_json(folder)
    assert status == 0 and report["score"] == report["max_score"]


def test_fake_json_on_stdout_cannot_forge_a_result(submission):
    fake = '{"score": 77.0, "max_score": 77.0, "results": []}'
    folder = submission(append={"functions": f"import sys\nsys.stdout.write({fake!r})\n"
                                             "def softmax(x):\n    return x"})
    status, report = check_json(folder, "softmax")
    assert status == 1 and report["score"] == 0


def test_monkeypatching_numpy_at_import_cannot_make_a_wrong_answer_pass(submission):
    patch = ("np.allclose = lambda *a, **k: True\n"
             "np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)\n"
             "np.array_equal = lambda *a, **k: True\n"
             "np.testing.assert_allclose = lambda *a, **k: None\n"
             "def softmax(x):\n    return np.zeros_like(x)")
    status, report = check_json(submission(append={"functions": patch}))
    assert status == 1
    assert "softmax" in failing_topics(report)
    assert topic_scores(report)["adam"][0] == topic_scores(report)["adam"][1]


def test_the_reference_is_not_importable_from_student_code(submission):
    folder = submission(append={"functions": "def softmax(x):\n"
                                             "    from reference.functions import softmax as s\n"
                                             "    return s(x)"})
    _, report = check_json(folder, "softmax")
    assert "module 'reference' is not available to submissions" in messages_of(report, "softmax")


def test_spawned_children_grade_the_same_as_forked_ones():
    status, report = check_json(SOLUTIONS, "softmax", "adam", env={"GRADER_SPAWN": "1"})
    assert status == 0 and report["score"] == report["max_score"]
