"""The relation layer: wrong values of each kind, and the hint each gets (with its fields).

Also end to end: a submission with a mistake no catalogue entry names gets the relation's
hint from the real `grader check`."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader.i18n import t
from grader.judging.relations import explain, outputs
from reference import functions, network

ROOT = Path(__file__).resolve().parents[1]
RNG = np.random.default_rng(3)
X = RNG.normal(size=(4, 3))


def _key(messages) -> str:
    assert len(messages) == 1, messages
    return messages[0][0]


def test_sign():
    (key, fields), = explain(-X, X, "f")
    assert key == "relation.sign" and fields["what"] == "f"


@pytest.mark.parametrize("factor, name", [(2.0, "2"), (0.5, "½"), (4.0, "the batch size (4)"),
                                          (0.25, "1/batch size (1/4)"), (3.7, "3.7")])
def test_constant_factor_named(factor, name):
    (key, fields), = explain(factor * X, X, "f", {"x": X})
    assert key == "relation.factor" and fields["factor"] == name


def test_factor_named_from_a_scalar_input():
    (key, fields), = explain(X / (1 - 0.3), X, "f", {"x": X, "p": 0.3})
    assert key == "relation.factor" and fields["factor"] == "1/(1−p)"


def test_transpose():
    square = RNG.normal(size=(3, 3))
    assert _key(explain(X.T, X, "f")) == "relation.axes"
    assert _key(explain(square.T, square, "f")) == "relation.axes"
    cube = RNG.normal(size=(2, 3, 4))
    (key, fields), = explain(np.transpose(cube, (0, 2, 1)), cube, "f")
    assert key == "relation.axes" and fields["order"] == "transpose(0, 2, 1)"


def test_right_on_some_rows_only():
    wrong = X.copy()
    wrong[[1, 3]] += 1
    (key, fields), = explain(wrong, X, "f")
    assert key == "relation.rows" and fields["right"] == "0, 2" and fields["wrong"] == "1, 3"


def test_right_in_some_columns_only():
    wrong = X.copy()
    wrong[:, 2] *= 1.5 + RNG.uniform(size=4)
    (key, fields), = explain(wrong, X, "f")
    assert key == "relation.columns" and fields["wrong"] == "2"


def test_right_except_where_an_input_is_zero():
    x = RNG.normal(size=(4, 5))
    x.flat[::4] = 0
    right = functions.d_relu(x)
    wrong = np.where(x >= 0, 1.0, 0.0)
    (key, fields), = explain(wrong, right, "d_relu", {"x": x})
    assert key == "relation.where_input" and fields["condition"] == "x = 0"


def test_right_except_where_an_input_is_extreme():
    x = RNG.normal(size=(3, 6))
    x[0, 0], x[2, 4] = 800.0, -900.0
    right = np.tanh(x)
    wrong = right.copy()
    wrong[0, 0], wrong[2, 4] = 0.0, 0.5
    (key, fields), = explain(wrong, right, "f", {"x": x})
    assert key == "relation.where_input" and fields["condition"].startswith("|x| >")


def test_term_missing_extra_and_negated_by_isolation():
    net = {"W1": RNG.normal(size=(3, 4)), "b1": RNG.normal(size=4), "W2": RNG.normal(size=(4, 2)),
           "b2": RNG.normal(size=2)}
    given = {"network": net, "x": X}
    z1, y = network.forward(net, X)

    def recompute(**kw):
        return network.forward(**kw)[1]

    without_b2 = z1 @ net["W2"]
    (key, fields), = explain(without_b2, y, "y", given, recompute)
    assert key == "relation.term_missing" and fields["term"] == "network['b2']"
    (key, fields), = explain(y + net["b2"], y, "y", given, recompute)
    assert key == "relation.term_extra" and fields["term"] == "network['b2']"
    (key, fields), = explain(without_b2 - net["b2"], y, "y", given, recompute)
    assert key == "relation.term_sign" and fields["term"] == "network['b2']"


def test_stale_value():
    before, after = RNG.normal(size=5), RNG.normal(size=5)
    assert _key(explain(before, after, "params['W']", previous=before)) == "relation.stale"


def test_no_relation_no_hint():
    assert explain(RNG.normal(size=(4, 3)), X, "f", {"x": X}) == ()
    assert explain(X, X, "f") == ()  # a right value: nothing to say
    assert explain(X.copy(), X, "f", {"x": X}) == ()  # nor with the inputs given


def test_one_number_for_an_array_is_named():
    (key, fields), = explain(np.sum(X), X, "sigmoid", {"x": X})
    assert key == "relation.collapsed" and fields["shape"] == "(4, 3)"


def test_values_far_outside_the_right_range_are_named():
    right = functions.sigmoid(X) * (1 - functions.sigmoid(X))  # d_sigmoid: at most 0.25
    (key, fields), = explain(1 - functions.sigmoid(X), right, "d_sigmoid", {"x": X})  # a factor lost
    assert key == "relation.range" and float(fields["high"]) <= 0.25 < float(fields["value"])
    assert explain(right * (1 + 1e-3 * RNG.normal(size=X.shape)), right, "d_sigmoid", {"x": X}) == ()


def test_the_right_values_in_another_shape_are_named():
    (key, fields), = explain(X.reshape(2, 6), X, "im2col")
    assert key == "relation.reshaped" and (fields["shape"], fields["expected"]) == ("(2, 6)", "(4, 3)")


def test_which_outputs_are_right():
    (key, fields), = outputs("batchnorm_backward", {"dbeta": True, "dgamma": True, "dx": False})
    assert key == "relation.outputs" and fields["right"] == "dbeta, dgamma" and fields["wrong"] == "dx"
    assert outputs("f", {"a": False, "b": False}) == ()


@pytest.mark.parametrize("key", ["relation.sign", "relation.factor", "relation.axes", "relation.term_missing",
                                 "relation.term_extra", "relation.term_sign", "relation.where_input",
                                 "relation.rows", "relation.columns", "relation.entries", "relation.stale",
                                 "relation.shared", "relation.outputs", "relation.collapsed", "relation.range",
                                 "relation.reshaped", "relation.error_axes", "relation.error_axis", "observe.factor",
                                 "relation.error_float",
                                 "relation.error_zero_division", "relation.error_reshape"])
def test_every_relation_speaks_both_languages(key):
    fields = {"what": "f", "factor": "2", "order": ".T", "term": "b", "condition": "x = 0", "right": "0",
              "wrong": "1", "function": "g", "shape": "(4, 3)", "value": "2", "low": "0", "high": "1",
              "expected": "(3, 4)", "size": "144", "axis": "1", "ndim": "1"}
    assert t(key, "en", **fields).startswith("Hint:") and t(key, "ja", **fields).startswith("ヒント:")


def _check(folder: Path, *topics: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "grader", "check", *topics, "--submission", str(folder),
                           "--json", "--lang", "en"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    return json.loads(done.stdout)


def test_an_uncatalogued_mistake_gets_its_relation(tmp_path):
    """The hidden bias of layer 1 dropped inside backward's delta: no catalogue entry, but
    the grader names the output that is off and that W2 and b2 are right."""
    folder = tmp_path / "sub"
    shutil.copytree(ROOT / "solutions", folder)
    path = folder / "network.py"
    text = path.read_text(encoding="utf-8")
    assert "grad['b2'] = np.sum(delta2, axis=0)" in text
    path.write_text(text.replace("grad['b2'] = np.sum(delta2, axis=0)", "grad['b2'] = np.sum(delta2, axis=0) * 2"),
                    encoding="utf-8")
    report = _check(folder, "backward")
    message = " ".join(r["message"] for r in report["results"] if not r["passed"])
    assert "grad['b2'] is the right value times 2" in message
    assert "grad['W1'], grad['b1'], grad['W2'] is right and grad['b2'] is wrong" in message


def test_state_leaking_between_keys_is_named(submission):
    """Momentum's velocity created per key but updated for the first key only once and then
    reused: the first key is right, the second is not — no catalogue entry, the relation says so."""
    code = ("class Momentum:\n"
            "    def __init__(self, learning_rate=0.01, momentum=0.9):\n"
            "        self.learning_rate, self.momentum, self.v = learning_rate, momentum, None\n"
            "    def update(self, params, grads):\n"
            "        if self.v is None:\n"
            "            self.v = {key: np.zeros_like(val) for key, val in params.items()}\n"
            "        keys = list(params)\n"
            "        for i, key in enumerate(keys):\n"
            "            source = self.v[keys[0]] if i else self.v[key]\n"
            "            self.v[key] = self.momentum * source - self.learning_rate * grads[key]\n"
            "            params[key] += self.v[key]\n")
    folder = submission(append={"optimizers": code})
    report = _check(folder, "momentum")
    message = " ".join(r["message"] for r in report["results"] if not r["passed"])
    assert "params['W2'] is right alone but changes when another key is updated too" in message


def test_all_zero_constant_and_empty():
    assert _key(explain(np.zeros_like(X), X, "f")) == "relation.zero"
    (key, fields), = explain(np.full_like(X, 0.25), X, "f")
    assert key == "relation.constant" and fields["value"] == "0.25"
    assert _key(explain(np.zeros((0, 3)), X, "x_batch")) == "relation.empty"


def test_right_on_one_side_of_a_boundary_of_an_input():
    x = np.linspace(-3, 3, 13).reshape(1, 13)
    right = np.maximum(0, x)
    (key, fields), = explain(np.maximum(1, x), right, "relu", {"x": x})
    assert key == "relation.where_input" and fields["condition"].startswith("x < ")


def test_a_factor_constant_to_a_thousandth_is_named_about():
    ratios = 0.5 * (1 + 1e-4 * RNG.normal(size=X.shape))
    (key, fields), = explain(X * ratios, X, "numerical_gradient")
    assert key == "relation.factor" and fields["factor"] == "about ½"


def test_a_factor_named_from_an_integer_input():
    (key, fields), = explain(X * np.sqrt(250), X, "W", {"n_in": 250, "n_out": 150})
    assert key == "relation.factor" and fields["factor"] == "√n_in"


@pytest.mark.parametrize("error, key", [
    ({"type": "NameError", "message": "name 'dbeta' is not defined"}, "relation.error_unassigned"),
    ({"type": "UnboundLocalError", "message": "cannot access local variable 'z1'"}, "relation.error_unassigned"),
    ({"type": "AttributeError", "message": "'SGD' object has no attribute 'learning_rate'"}, "relation.error_attribute"),
    ({"type": "AttributeError", "message": "'NoneType' object has no attribute 'permutation'"}, "relation.error_none"),
    ({"type": "TypeError", "message": "'NoneType' object is not subscriptable"}, "relation.error_none"),
    ({"type": "ValueError", "message": "shapes (6,4) and (5,3) not aligned"}, "relation.error_shapes"),
    ({"type": "IndexError", "message": "index 5 is out of bounds"}, "relation.error_index"),
    ({"type": "ValueError", "message": "repeated axis in transpose", "code": "col.transpose(0, 4, 4, 1, 2, 3)"},
     "relation.error_axes"),
    ({"type": "AxisError", "message": "axis 6 is out of bounds for array of dimension 6",
      "code": "col = col.transpose(0, 4, 5, 1, 2, 6)"}, "relation.error_axes"),
    # the same AxisError raised by a sum or a max: no transpose advice (the student wrote none)
    ({"type": "AxisError", "message": "axis 1 is out of bounds for array of dimension 1",
      "code": "x = x - np.max(x, axis=1, keepdims=True)"}, "relation.error_axis"),
    ({"type": "TypeError", "message": "slice indices must be integers or None or have an __index__ method"},
     "relation.error_float"),
    ({"type": "TypeError", "message": "'float' object cannot be interpreted as an integer"}, "relation.error_float"),
    ({"type": "ZeroDivisionError", "message": "integer division or modulo by zero"}, "relation.error_zero_division"),
    ({"type": "ValueError", "message": "cannot reshape array of size 144 into shape (2,2,3,3)"},
     "relation.error_reshape"),
])
def test_an_exception_is_read_as_a_hint(error, key):
    from grader.judging.error_relations import explain_error
    (found, fields), = explain_error({"kind": "exception", **error})
    assert found == key
    assert t(found, "en", **fields).startswith("Hint:") and t(found, "ja", **fields).startswith("ヒント:")


def test_a_blank_gets_no_exception_hint():
    from grader.judging.error_relations import explain_error
    assert explain_error({"kind": "blank", "type": "NotImplementedError", "message": "blank"}) == ()


def test_right_signs_with_other_sizes_are_no_diagnosis():
    """Issue 22: the same signs with other sizes follow from nearly any mistake (a term's sign
    flipped, ε moved, a state reset): "a scale is wrong" misled more often than it helped."""
    g = RNG.normal(size=(3, 4))
    right = -0.1 * g / (np.abs(g) + 1e-7)
    assert all(key != "relation.direction" for key, _ in explain(-0.1 * g, right, "update #1 of params['W']",
                                                                  {"grads['W']": g}))


def test_wrong_only_where_an_input_is_small_in_size():
    g = np.array([[0.5, -1e-4, 0.8], [1e-4, -0.7, 0.0]])
    right = g * 2.0
    wrong = right.copy()
    wrong[np.abs(g) < 1e-3] += 0.5
    (key, fields), = explain(wrong, right, "u", {"g": g})
    assert key == "relation.where_input" and fields["condition"].startswith("|g| <")
