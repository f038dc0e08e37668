"""Day 2's topics through the real `grader check` and `grader batch`: a mistake counts once,
in its own topic; a failing step of a layer's script is named; the held-out digits of
cnn_training never reach the child; the batch's CSV has a column for every new topic."""
from __future__ import annotations

import csv
import shutil

import numpy as np

from conftest import SOLUTIONS, check_json, run_grader
from grader.topics.registry import names
from variants import variants

NEW_TOPICS = ("layers", "dropout", "regularization", "im2col", "convolution", "pooling", "nesterov", "cnn_training")
BROKEN = {v.name: v for v in variants.broken()}


def failing(report: dict) -> set[str]:
    return {r["topic"] for r in report["results"] if not r["passed"]}


def test_an_im2col_mistake_fails_im2col_only_not_the_layers_built_on_it(tmp_path):
    folder = variants.write(BROKEN["im2col.channels_last"], tmp_path / "sub")
    status, report = check_json(folder, "im2col", "convolution", "pooling", "cnn_training")
    assert status == 1 and failing(report) == {"im2col"}


def test_a_broken_functions_py_does_not_sink_the_layer_classes(tmp_path):
    folder = variants.write(BROKEN["softmax.axis"], tmp_path / "sub")
    status, report = check_json(folder, "softmax", "layers", "cnn_training")
    assert status == 1 and failing(report) == {"softmax"}


def test_a_failing_layer_step_is_named_with_the_script_that_led_to_it(tmp_path):
    folder = variants.write(BROKEN["layers.affine_dw_transposed"], tmp_path / "sub")
    _, report = check_json(folder, "layers")
    [message, *_] = [r["message"] for r in report["results"] if not r["passed"]]
    assert "Affine.dW: expected shape (5, 3), got (3, 5)" in message
    assert "Affine(array(5, 3), array(3,)): forward(array(4, 5)) → backward(array(4, 3)) → .dW" in message


def test_a_layer_that_copies_its_weights_fails_where_w_changes_in_place(tmp_path):
    folder = variants.write(BROKEN["layers.affine_copies_weights"], tmp_path / "sub")
    _, report = check_json(folder, "layers")
    assert {r["check"] for r in report["results"] if not r["passed"]} == {"affine_sees_changed_weights"}
    [message] = [r["message"] for r in report["results"] if not r["passed"]]
    assert "(argument 0 changed in place) → (argument 1 changed in place) → forward(array(4, 5))" in message


def test_cnn_training_sends_no_held_out_image_or_label_to_the_child():
    from grader.topics.cnn_training import checks
    spec, data = checks.run_spec(), checks.data()
    assert "pixels_test" not in spec and "labels_test" not in spec
    held_out = {row.tobytes() for row in data["pixels_test"]}
    assert sum(row.tobytes() in held_out for row in spec["pixels_train"]) < 5  # the digits hold a few duplicates
    assert len(spec["pixels_train"]) + len(data["pixels_test"]) == 1797


def test_cnn_training_states_its_threshold_and_names_the_breaking_class(tmp_path):
    folder = variants.write(BROKEN["cnn_training.softmax_with_loss"], tmp_path / "sub")
    _, report = check_json(folder, "cnn_training")
    [result] = report["results"]
    assert "held-out digits correctly; this check needs at least 85%" in result["message"]
    assert "your SoftmaxWithLoss is what breaks the training" in result["message"]
    assert "SoftmaxWithLoss.backward already passes another gradient dx back" in result["message"]


def test_the_batch_csv_has_a_column_for_every_new_topic(tmp_path):
    submissions = tmp_path / "submissions"
    shutil.copytree(SOLUTIONS, submissions / "alice")
    out = tmp_path / "grades"
    done = run_grader("batch", str(submissions), "--out", str(out), "--lang", "en", timeout=300)
    assert done.returncode == 0, done.stderr
    with open(out / "results.csv", encoding="utf-8") as f:
        [row] = list(csv.DictReader(f))
    assert list(row) == ["student", *names(), "total"]
    assert all(float(row[t]) > 0 for t in NEW_TOPICS)
    assert np.isclose(float(row["total"]), sum(float(row[t]) for t in names()))
