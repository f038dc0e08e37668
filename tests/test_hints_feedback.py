"""Mistakes no hint knows still get useful feedback: the input, where and by how much it is off,
and for gradients which one is off and how far from a numerical or exact derivative."""
from __future__ import annotations

from conftest import check_json, messages_of


def test_an_unknown_value_mistake_names_input_index_and_both_errors(submission):
    folder = submission({"functions": [("return 1 / (1 + np.exp(-x))", "return 1 / (1.1 + np.exp(-x))")]})
    _, report = check_json(folder, "activations")
    message = next(r["message"] for r in report["results"] if r["check"] == "sigmoid")
    assert "sigmoid: at index (" in message and "expected" in message and "got" in message
    assert "largest error" in message and "relative" in message and "input: x=" in message
    assert "Hint" not in message


def test_an_unknown_shape_mistake_names_both_shapes(submission):
    folder = submission({"functions": [("y = np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)",
                                        "y = (np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)).ravel()")]})
    _, report = check_json(folder, "softmax")
    message = next(r["message"] for r in report["results"] if r["check"] == "batch")
    assert "expected shape (5, 4), got (20,)" in message


def test_batch_norm_backward_names_the_gradient_and_its_error_against_a_numerical_gradient(submission):
    folder = submission({"batch_norm": [("return dx, dgamma, dbeta", "return dx * 1.1, dgamma, dbeta")]})
    _, report = check_json(folder, "batch_norm")
    message = messages_of(report, "batch_norm")
    assert "Checked against a numerical gradient (central differences of Σ dout·out): dx is off" in message
    assert "relative error of 0.048" in message  # 1.1 vs 1: 0.1 / (1.1 + 1) of the largest magnitude
    assert "Hint: dx is the right value times 1.1" in message  # the relation layer names the factor
    assert "of what batchnorm_backward returns, dbeta, dgamma is right and dx is wrong" in message


def test_numerical_gradient_is_measured_against_the_exact_derivative(submission):
    folder = submission({"functions": [("    h = 1e-4\n    grad = np.zeros_like(x)", "    h = 0.3\n    grad = np.zeros_like(x)")]})
    _, report = check_json(folder, "numerical_gradient")
    message = messages_of(report, "numerical_gradient")
    assert "Against the exact derivative of f = smooth_mix, your gradient's largest relative error is" in message


def test_backward_names_the_parameter_and_its_error_against_a_numerical_gradient(submission):
    folder = submission({"network": [("grad['W1'] = np.dot(x.T, delta1)", "grad['W1'] = np.dot(x.T, delta1) * 2")]})
    _, report = check_json(folder, "backward")
    assert "The numerical gradient of grad['W1'] disagrees with yours" in messages_of(report, "backward")
