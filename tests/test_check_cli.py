"""`grader check` on real folders: full marks, blanks, one broken topic at a time, bad input."""
from __future__ import annotations

import ast
import shutil
import textwrap

import pytest

from grader.topics import registry
from conftest import EXERCISES, SOLUTIONS, check_json, failing_topics, messages_of, run_grader, topic_scores

GRADED_TOPICS = set(registry.names())


def modules_importing(module: str) -> set[str]:
    """``module`` and every solutions/ module that imports it, directly or through another."""
    imports = {path.stem: {name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                           for name in _imported(node)}
               for path in SOLUTIONS.glob("*.py")}
    found = {module}
    while grown := {m for m, names in imports.items() if names & found} - found:
        found |= grown
    return found


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return []


def topics_needing(modules: set[str]) -> set[str]:
    """The topics that grade a function of ``modules`` or call one."""
    defined = registry.defined_names()
    return {about.name for about in registry.topics()
            if about.module in modules or any(defined[name] in modules for name in about.calls)}


def test_solutions_get_full_marks_on_every_topic():
    status, report = check_json(SOLUTIONS)
    assert status == 0
    assert set(topic_scores(report)) == GRADED_TOPICS
    assert report["score"] == report["max_score"] > 0
    assert all(r["passed"] and r["message"] == "" for r in report["results"])


def test_json_has_exactly_the_contract_shape():
    _, report = check_json(SOLUTIONS, "softmax")
    assert set(report) == {"score", "max_score", "results", "isolation"}
    assert set(report["isolation"]) == {"sandbox", "child", "limits", "ends_tree_by"}
    assert report["isolation"]["sandbox"] in ("bwrap", "none") and "time" in report["isolation"]["limits"]
    assert isinstance(report["score"], float) and isinstance(report["max_score"], float)
    for r in report["results"]:
        assert set(r) == {"topic", "check", "passed", "points", "max_points", "message"}
        assert isinstance(r["passed"], bool) and isinstance(r["message"], str)
        assert isinstance(r["points"], float) and isinstance(r["max_points"], float)
    assert report["score"] == sum(r["points"] for r in report["results"])


def test_fresh_exercises_score_zero_with_a_not_filled_message_per_topic(tmp_path):
    copy = tmp_path / "exercises"
    shutil.copytree(EXERCISES, copy)
    status, report = check_json(copy)
    assert status == 1
    assert report["score"] == 0 and report["max_score"] > 0
    assert set(topic_scores(report)) == GRADED_TOPICS
    for r in report["results"]:
        assert "is not filled yet" in r["message"], r
        assert ".py:" in r["message"]  # names the file and line of the blank
    training = messages_of(report, "training")
    # the first function training calls is iterate_minibatches: its blank, and its topic, are named
    assert "in iterate_minibatches is not filled yet (minibatch.py:" in training
    assert "Training stopped in iterate_minibatches: make topic minibatch pass first" in training
    cnn = messages_of(report, "cnn_training")  # the first class the convolutional net calls
    assert "in Convolution.forward is not filled yet (cnn.py:" in cnn
    assert "Training stopped in Convolution.forward: make topic convolution pass first" in cnn


def test_default_submission_is_the_exercises_folder(tmp_path):
    shutil.copytree(EXERCISES, tmp_path / "exercises")
    done = run_grader("check", "activations", "--json", cwd=tmp_path)
    assert done.returncode == 1
    assert "Blank (あ) in step_function is not filled yet" in done.stdout


def test_topics_on_the_command_line_limit_the_grading():
    status, report = check_json(SOLUTIONS, "adam", "softmax")
    assert status == 0
    assert set(topic_scores(report)) == {"adam", "softmax"}


BROKEN = {
    # topic: (module, old, new, words the hint must say)
    "activations": ("functions", "return (1 - sigmoid(x)) * sigmoid(x)", "return (1 - x) * x",
                    "not the activation output"),
    "softmax": ("functions", "x = x - np.max(x, axis=-1, keepdims=True)", "x = x",
                "overflows at x=1000: subtract the maximum before exp"),
    "mse": ("functions", "return (y - d) / batch_size", "return (y - d) / y.size", "common/functions.py"),
    "cross_entropy_error": ("functions", "+ 1e-7)) / batch_size", ")) / batch_size", "1e-7"),
    "numerical_gradient": ("functions", "grad[idx] = (fxh1 - fxh2) / (2 * h)",
                           "grad[idx] = (fxh1 - fxh2) / h", "divides by 2h"),
    "forward": ("network", "z1 = relu(u1)", "z1 = u1", "z1 = relu(u1)"),
    "backward": ("network", "delta2 = (y - d) / batch_size", "delta2 = (y - d)", "batch size"),
    "sgd_update": ("network", "network[key] -= learning_rate * grad[key]",
                   "network[key] = network[key] - learning_rate * grad[key]", "in place"),
    "minibatch": ("minibatch", "i_end = i + batch_size", "i_end = i + batch_size + 1", "i_end = i + batch_size"),
    "sgd": ("optimizers", "params[key] -= self.learning_rate * grads[key]\n",
            "params[key] += self.learning_rate * grads[key]\n", "against the gradient"),
    "momentum": ("optimizers", "self.momentum * self.v[key] - self.learning_rate * grads[key]",
                 "self.momentum * self.v[key] + self.learning_rate * grads[key]", "momentum·v − lr·g"),
    "adagrad": ("optimizers", "self.h[key] += grads[key] * grads[key]",
                "self.h[key] = grads[key] * grads[key]", "AdaGrad accumulates"),
    "rmsprop": ("optimizers", "self.decay_rate * self.h[key] + (1 - self.decay_rate) * grads[key] ** 2",
                "(1 - self.decay_rate) * self.h[key] + self.decay_rate * grads[key] ** 2", "swapped"),
    "adam": ("optimizers", "m_hat = self.m[key] / (1 - self.beta1 ** self.t)", "m_hat = self.m[key]",
             None),
    "weight_init": ("weight_init", "return W / np.sqrt(n_in)", "return W / np.sqrt(n_out)",
                    "number of inputs n_in"),
    "batch_norm": ("batch_norm", "var = np.mean(xc ** 2, axis=0)", "var = np.var(x, axis=0, ddof=1)",
                   "ddof=0"),
}


# Topics whose functions training does not call: breaking them leaves training whole.
NOT_IN_TRAINING = {"numerical_gradient", "sgd", "momentum", "adagrad", "rmsprop", "adam", "weight_init",
                   "batch_norm", "mse"}


@pytest.mark.parametrize("topic", sorted(BROKEN))
def test_a_broken_topic_fails_alone_with_its_hint(submission, topic):
    module, old, new, hint = BROKEN[topic]
    status, report = check_json(submission({module: [(old, new)]}))
    assert status == 1
    assert failing_topics(report) - {"training"} == {topic}
    if topic in NOT_IN_TRAINING:
        assert "training" not in failing_topics(report)
    elif "training" in failing_topics(report):  # it may still learn well enough; if not, it says why
        assert f"({topic})" in messages_of(report, "training") or f"topic {topic}" in messages_of(report, "training")
    failed = [r for r in report["results"] if not r["passed"]]
    assert all(r["points"] == 0 and r["message"] for r in failed)
    if hint:
        assert hint in messages_of(report, topic)
    got, total = topic_scores(report)[topic]
    assert got < total


def test_adam_without_bias_correction_is_named(submission):
    folder = submission({"optimizers": [
        ("m_hat = self.m[key] / (1 - self.beta1 ** self.t)", "m_hat = self.m[key]"),
        ("v_hat = self.v[key] / (1 - self.beta2 ** self.t)", "v_hat = self.v[key]")]})
    _, report = check_json(folder, "adam")
    assert "bias" in messages_of(report, "adam")


def test_a_failing_check_names_the_input_and_the_first_differing_index(submission):
    folder = submission({"functions": [("return np.maximum(0, x)", "return np.maximum(0.1, x)")]})
    _, report = check_json(folder, "activations")
    message = next(r["message"] for r in report["results"] if r["check"] == "relu")
    assert "relu: at index (" in message and "expected" in message and "got" in message
    assert "input: x=" in message


def test_numpy_warnings_are_reported_on_the_check_that_raised_them(submission):
    folder = submission({"functions": [("x = x - np.max(x, axis=-1, keepdims=True)", "x = x")]})
    _, report = check_json(folder, "softmax")
    large = next(r for r in report["results"] if r["check"] == "large_inputs")
    assert not large["passed"]
    assert "NumPy warned: RuntimeWarning: overflow encountered in exp (functions.py:" in large["message"]
    small = next(r for r in report["results"] if r["check"] == "1d")
    assert small["passed"] and small["message"] == ""


CORRECT_VARIANTS = {
    "softmax": ("functions", """
        def softmax(x):
            if x.ndim == 2:
                x = x.T
                x = x - np.max(x, axis=0)
                y = np.exp(x) / np.sum(np.exp(x), axis=0)
                return y.T
            x = x - np.max(x)
            return np.exp(x) / np.sum(np.exp(x))
        """),
    "cross_entropy_error": ("functions", """
        def cross_entropy_error(d, y):
            y = np.atleast_2d(y)
            d = np.asarray(d)
            if d.size == y.size:
                d = d.reshape(y.shape).argmax(axis=1)
            picked = np.take_along_axis(y, d.reshape(-1, 1).astype(int), axis=1)
            return float(-np.sum(np.log(picked + 1e-7)) / y.shape[0])
        """),
    "activations": ("functions", """
        def step_function(x):
            return x >= 0

        def d_relu(x):
            return (x > 0).astype(int)

        def sigmoid(x):
            return np.exp(-np.logaddexp(0, -x))
        """),
    "numerical_gradient": ("functions", """
        def numerical_gradient(f, x):
            h = 1e-4
            grad = np.zeros_like(x)
            it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
            while not it.finished:
                idx = it.multi_index
                tmp_val = x[idx]
                x[idx] = float(tmp_val) + h
                fxh1 = f(x)
                x[idx] = tmp_val - h
                fxh2 = f(x)
                grad[idx] = (fxh1 - fxh2) / (2*h)
                x[idx] = tmp_val
                it.iternext()
            return grad
        """),
    "adam": ("optimizers", """
        class Adam:
            # the form of the book ゼロから作るDeep Learning
            def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999):
                self.lr, self.beta1, self.beta2 = learning_rate, beta1, beta2
                self.iter, self.m, self.v = 0, None, None

            def update(self, params, grads):
                if self.m is None:
                    self.m = {k: np.zeros_like(v) for k, v in params.items()}
                    self.v = {k: np.zeros_like(v) for k, v in params.items()}
                self.iter += 1
                lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
                for key in params.keys():
                    self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
                    self.v[key] += (1 - self.beta2) * (grads[key]**2 - self.v[key])
                    params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)
        """),
    "momentum": ("optimizers", """
        class Momentum:
            # velocity kept with the opposite sign, as PyTorch does: the same trajectory
            def __init__(self, learning_rate=0.01, momentum=0.9):
                self.learning_rate, self.momentum, self.v = learning_rate, momentum, {}

            def update(self, params, grads):
                for key in params:
                    if key not in self.v:
                        self.v[key] = np.zeros_like(params[key])
                    self.v[key] = self.momentum * self.v[key] + self.learning_rate * grads[key]
                    params[key] -= self.v[key]
        """),
    "batch_norm": ("batch_norm", """
        def batchnorm_forward(x, gamma, beta, eps=1e-7):
            mu = x.mean(axis=0)
            var = x.var(axis=0)
            xn = (x - mu) / np.sqrt(var + eps)
            return gamma * xn + beta, (x, mu, var, eps, gamma, xn)

        def batchnorm_backward(dout, cache):
            x, mu, var, eps, gamma, xn = cache
            n = x.shape[0]
            dxn = dout * gamma
            dvar = np.sum(dxn * (x - mu) * -0.5 * (var + eps) ** -1.5, axis=0)
            dmu = np.sum(-dxn / np.sqrt(var + eps), axis=0) + dvar * np.mean(-2 * (x - mu), axis=0)
            dx = dxn / np.sqrt(var + eps) + dvar * 2 * (x - mu) / n + dmu / n
            return dx, np.sum(dout * xn, axis=0), np.sum(dout, axis=0)
        """),
}


@pytest.mark.parametrize("topic", sorted(CORRECT_VARIANTS))
def test_every_correct_formulation_gets_full_marks(submission, topic):
    module, code = CORRECT_VARIANTS[topic]
    status, report = check_json(submission(append={module: textwrap.dedent(code)}), topic)
    assert status == 0, [r["message"] for r in report["results"] if not r["passed"]]


def test_missing_folder_is_a_clear_error_with_exit_2(tmp_path):
    done = run_grader("check", "--submission", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert "no such folder" in done.stderr and "Traceback" not in done.stderr


def test_training_is_graded_and_states_its_threshold(submission):
    status, report = check_json(SOLUTIONS, "training")
    assert status == 0 and report["score"] == report["max_score"] > 0
    folder = submission({"network": [("delta2 = (y - d) / batch_size", "delta2 = (d - y) / batch_size")]})
    status, report = check_json(folder, "training")
    assert status == 1
    message = messages_of(report, "training")
    assert "held-out digits correctly; this check needs at least 85%" in message
    assert "backward (backward)" in message  # which part breaks training, not only "low accuracy"


@pytest.mark.parametrize("args, words", [
    (("check", "softmaks"), "unknown topic 'softmaks'"),
    (("check", "--plot", "curves.svg"), "give a name ending in .png"),
    (("check", "--lang", "fr"), "invalid choice"),
    (("frobnicate",), "unknown command"),
])
def test_bad_arguments_exit_2_with_a_message(args, words):
    done = run_grader(*args)
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr


def test_a_missing_module_fails_only_its_topics(submission):
    status, report = check_json(submission(remove=("batch_norm",)))
    assert status == 1
    assert failing_topics(report) == {"batch_norm"}
    assert "batch_norm.py is not in the submission folder" in messages_of(report, "batch_norm")


def test_a_missing_function_is_named(submission):
    _, report = check_json(submission(append={"functions": "del d_sigmoid"}), "activations")
    assert [r["check"] for r in report["results"] if not r["passed"]] == ["d_sigmoid"]
    assert "functions.py does not define d_sigmoid" in messages_of(report, "activations")


def test_a_syntax_error_fails_the_topics_that_need_the_module_and_names_file_and_line(submission):
    folder = submission(append={"functions": "def broken(:\n    pass"})
    status, report = check_json(folder)
    assert status == 1
    # layers.py imports functions.py (from functions import softmax …): it cannot import either
    assert failing_topics(report) == topics_needing(modules_importing("functions"))
    assert {"layers", "dropout", "cnn_training", "training"} <= failing_topics(report)
    line = len((folder / "functions.py").read_text(encoding="utf-8").splitlines()) - 1
    assert f"Syntax error in functions.py:{line}" in messages_of(report, "softmax")
    assert "Traceback" not in messages_of(report, "softmax")


def test_an_exception_in_student_code_is_a_message_with_file_and_line(submission):
    folder = submission({"functions": [("return np.maximum(0, x)", "return np.maximum(0, x) + undefined_name")]})
    _, report = check_json(folder, "activations")
    message = next(r["message"] for r in report["results"] if r["check"] == "relu")
    assert "relu raised NameError: name 'undefined_name' is not defined — at functions.py:" in message


def test_a_wrong_return_type_is_named(submission):
    _, report = check_json(submission(append={"functions": "def softmax(x):\n    return 'probabilities'"}), "softmax")
    assert "softmax returned str, not a NumPy array or number" in messages_of(report, "softmax")


def test_a_modified_argument_is_caught(submission):
    folder = submission(append={"functions": "def relu(x):\n    x[x < 0] = 0\n    return x"})
    _, report = check_json(folder, "activations")
    assert "relu changed its argument x" in messages_of(report, "activations")


def test_terminal_table_in_english_and_japanese(submission):
    folder = submission({"functions": [("x = x - np.max(x, axis=-1, keepdims=True)", "x = x")]})
    english = run_grader("check", "softmax", "mse", "--submission", str(folder), "--lang", "en")
    assert english.returncode == 1
    assert "Topic" in english.stdout and "softmax" in english.stdout and "0/6" not in english.stdout
    assert "Topics to work on: softmax" in english.stdout
    japanese = run_grader("check", "softmax", "--submission", str(folder), env={"LANG": "ja_JP.UTF-8"})
    assert "トピック" in japanese.stdout and "最大値を引きましょう" in japanese.stdout
    passed = run_grader("check", "mse", "--submission", str(SOLUTIONS), "--lang", "en")
    assert passed.returncode == 0 and "All checks passed: 4/4 points." in passed.stdout


def test_all_passed_is_never_printed_when_a_check_failed(submission):
    folder = submission({"weight_init": [("return W / np.sqrt(n_in)", "return W / np.sqrt(n_in) * 1.05")]})
    done = run_grader("check", "--submission", str(folder), "--lang", "en")
    assert done.returncode == 1
    assert "All checks passed" not in done.stdout


def test_the_same_warning_from_one_line_is_told_once(submission):
    """AdaGrad's h summed without squaring goes negative for W and for b alike: one line, one
    warning, told once rather than once per parameter."""
    folder = submission({"optimizers": [("self.h[key] += grads[key] * grads[key]", "self.h[key] += grads[key]")]})
    _, report = check_json(folder, "adagrad")
    messages = [r["message"] for r in report["results"] if "invalid value encountered in sqrt" in r["message"]]
    assert messages and all(m.count("invalid value encountered in sqrt") == 1 for m in messages), messages
