"""Right blame: the function a failure names is the one at fault, and one that hung in its
own topic is not run again by the topics that call it."""
from __future__ import annotations

from conftest import check_json, messages_of


def test_a_function_that_hangs_in_its_own_topic_is_skipped_by_training(submission):
    folder = submission(append={"functions": "def softmax(x):\n    while True:\n        pass"})
    status, report = check_json(folder, "softmax", "training", extra=("--time-limit", "2"))
    assert status == 1
    assert "did not finish within 2 s" in messages_of(report, "softmax")
    assert messages_of(report, "training") == (
        "Skipped: softmax timed out in its own topic (softmax); make that topic finish first.")


def test_topics_that_do_not_call_the_hanging_function_still_run(submission):
    folder = submission(append={"functions": "def softmax(x):\n    while True:\n        pass"})
    status, report = check_json(folder, "softmax", "mse", extra=("--time-limit", "2"))
    assert all(r["passed"] for r in report["results"] if r["topic"] == "mse")


def test_a_constructor_without_its_default_is_blamed_not_update(submission):
    folder = submission({"optimizers": [("def __init__(self, learning_rate=0.01):\n        self.learning_rate = "
                                         "learning_rate\n\n    def update(self, params, grads):\n        \"\"\"params[key] を",
                                         "def __init__(self, learning_rate):\n        self.learning_rate = "
                                         "learning_rate\n\n    def update(self, params, grads):\n        \"\"\"params[key] を")]})
    status, report = check_json(folder, "sgd")
    message = messages_of(report, "sgd")
    assert "SGD() raised TypeError" in message and "SGD.update" not in message
    assert "Hint: SGD() must work without arguments" in message
