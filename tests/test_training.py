"""Topic training: the data, the reference's margin and speed, and a grade the child cannot forge."""
from __future__ import annotations

import time

import numpy as np
import pytest

from conftest import SOLUTIONS, check_json, messages_of
from grader.topics.training import data as run
from grader.topics.training.checks import reference_run
from grader.topics.training import checks as topic


def test_the_data_is_scikit_learns_digits_read_without_importing_it():
    from sklearn.datasets import load_digits
    digits = load_digits()
    x, labels = run.load_digits()
    assert np.array_equal(x, digits.data / 16.0) and np.array_equal(labels, digits.target)


def test_the_split_is_fixed_and_disjoint():
    first, again = run.split(), run.split()
    assert all(np.array_equal(first[k], again[k]) for k in first)
    assert len(first["x_test"]) == run.TEST_SIZE and len(first["x_train"]) == 1797 - run.TEST_SIZE
    train_rows = {row.tobytes() for row in first["x_train"]}
    assert sum(row.tobytes() in train_rows for row in first["x_test"]) < 5  # the digits hold a few duplicates


@pytest.mark.parametrize("order_seed", [run.ORDER_SEED, 0, 1, 2, 3])
def test_the_reference_clears_the_threshold_with_a_margin_quickly(order_seed):
    spec = {**run.run_spec(topic.data()), "order_seed": order_seed}
    start = time.perf_counter()
    result = reference_run(spec)
    seconds = time.perf_counter() - start
    accuracy = run.accuracy(result["test_scores"], topic.data()["labels_test"])
    assert accuracy >= run.THRESHOLD + 0.05, accuracy
    assert seconds < 1.0, seconds
    assert result["losses"][-1] < result["losses"][0] / 3


def test_the_child_never_sees_the_held_out_labels():
    spec = run.run_spec(topic.data())
    labels = topic.data()["labels_test"]
    assert set(spec) == {"probe", "pixels_train", "labels_train", "pixels_test", "classes", "network", "epochs",
                         "batch_size", "learning_rate", "order_seed"}
    assert len(spec["labels_train"]) == len(spec["pixels_train"]) != len(labels)


def test_an_accuracy_claimed_by_the_child_counts_for_nothing():
    spec = run.run_spec(topic.data())
    rng = np.random.default_rng(0)
    labels = topic.data()["labels_test"]
    forged = {"accuracy": 1.0, "held_out_accuracy": 1.0, "losses": [0.0] * run.EPOCHS,
              "predictions": [labels] * run.EPOCHS,  # a curve claiming every image right: only drawn, never graded
              "test_scores": rng.normal(size=(run.TEST_SIZE, run.CLASSES)), "first_step": {},
              "trained": {k: v.copy() for k, v in spec["network"].items()}}
    verdict = topic._judge(spec, forged)
    assert not verdict.passed
    assert verdict.messages[0][0] == "fail.training_accuracy"


def test_the_reference_run_judged_as_a_student_run_passes():
    spec = run.run_spec(topic.data())
    assert topic._judge(spec, reference_run(spec)).passed


def test_grading_training_on_the_solutions_is_fast():
    start = time.perf_counter()
    status, report = check_json(SOLUTIONS, "training")
    assert status == 0 and report["score"] == report["max_score"] == 4
    assert time.perf_counter() - start < 5  # startup included; the run itself takes a few tenths


@pytest.mark.parametrize("module, old, new, blamed", [
    ("network", "delta2 = (y - d) / batch_size", "delta2 = (y - d)", "backward (backward)"),
    ("network", "network[key] -= learning_rate * grad[key]", "network[key] += learning_rate * grad[key]",
     "sgd_update (sgd_update)"),
    ("functions", "np.sum(np.exp(x), axis=-1, keepdims=True)", "np.sum(np.exp(x))", "softmax (softmax)"),
])
def test_a_broken_part_is_named_when_training_falls_short(submission, module, old, new, blamed):
    status, report = check_json(submission({module: [(old, new)]}), "training")
    assert status == 1
    message = messages_of(report, "training")
    assert "held-out digits correctly; this check needs at least 85%" in message
    assert blamed in message


def test_an_exception_names_the_function_training_stopped_in(submission):
    folder = submission(append={"functions": "def cross_entropy_error(d, y):\n    raise ValueError('oops')"})
    status, report = check_json(folder, "training")
    assert status == 1
    message = messages_of(report, "training")
    assert "raised ValueError: oops — at functions.py:" in message
    assert "Training stopped in cross_entropy_error: make topic cross_entropy_error pass first" in message


def test_wrong_output_shapes_are_named(submission):
    folder = submission(append={"network": "_forward = forward\n"
                                           "def forward(network, x):\n"
                                           "    z1, y = _forward(network, x)\n"
                                           "    return z1, y.T"})
    status, report = check_json(folder, "training")
    assert status == 1
    assert "forward(network, x_test)[1] gave shape (10, 360)" in messages_of(report, "training") or \
        "Training stopped in" in messages_of(report, "training")


MEMORISING = """
_seen_x, _seen_d = [], []
_forward = forward


def backward(network, x, d, z1, y):
    # remembers every training sample, learns nothing
    _seen_x.append(np.array(x, copy=True))
    _seen_d.append(np.array(d, copy=True))
    return {k: np.zeros_like(v) for k, v in network.items()}


def forward(network, x):
    z1, y = _forward(network, x)
    if _seen_x and len(x) > 100:  # the held-out batch: answer by the nearest remembered image
        xs, ds = np.concatenate(_seen_x[:30]), np.concatenate(_seen_d[:30])  # one epoch's worth
        nearest = np.argmin((xs ** 2).sum(axis=1)[None, :] - 2 * x @ xs.T, axis=1)
        y = ds[nearest] * 10.0
    return z1, y
"""


def test_a_forward_that_memorises_instead_of_training_fails(submission):
    """Zero gradients, no update, held-out scores by nearest neighbour: the parent scores
    the (untrained) network the updates produced, with its own forward."""
    status, report = check_json(submission(append={"network": MEMORISING}), "training")
    assert status == 1
    assert "held-out digits correctly; this check needs at least 85%" in messages_of(report, "training")


def test_scores_that_do_not_come_from_the_weights_are_refused(submission):
    """Training works, but forward makes up the held-out scores: refused, forward blamed."""
    code = ("_forward = forward\n"
            "def forward(network, x):\n"
            "    z1, y = _forward(network, x)\n"
            "    return z1, (y * 2 + 1 if len(x) > 100 else y)")
    status, report = check_json(submission(append={"network": code}), "training")
    assert status == 1
    message = messages_of(report, "training")
    assert "your forward reported other scores" in message and "Training stopped in forward" not in message or \
        "make topic forward pass first" in message


def test_a_forward_without_relu_is_named_not_accused_of_making_up_scores(submission):
    """A linear hidden layer still learns the digits, so the trained weights pass; the
    student's forward then scores them otherwise. The first mini-batch names forward as
    wrong, rather than the message for scores that do not come from the weights."""
    status, report = check_json(submission({"network": [("z1 = relu(u1)", "z1 = u1")]}), "training")
    assert status == 1
    message = messages_of(report, "training")
    assert "your forward computes other scores from the same weights" in message
    assert "forward (forward)" in message
    assert "your forward reported other scores" not in message


def test_an_in_place_softmax_is_blamed_alone(submission):
    """softmax writes its result into the scores forward returned: only softmax is named."""
    code = ("def softmax(x):\n"
            "    x -= np.max(x, axis=-1, keepdims=True)\n"
            "    np.exp(x, out=x)\n"
            "    x /= np.sum(x, axis=-1, keepdims=True) * 0.5\n"
            "    return x")
    status, report = check_json(submission(append={"functions": code}), "training")
    assert status == 1
    message = messages_of(report, "training")
    assert "softmax (softmax)" in message and "forward (forward)" not in message
