"""reference/layers.py and reference/regularization.py against independent oracles.

Every backward is checked against our own central differences (float64) of
Σ dout ⊙ forward(x); dropout by statistics over large draws; the penalties against
formulas written out here.
"""
import numpy as np
import pytest

from reference import layers, regularization
from tests.oracles import as_scalar, central_difference, one_hot, relative_error

TOL = 1e-7


def away_from_zero(rng, shape, low=0.1, high=4.0):
    """Values with |x| in [low, high] and random signs: steps of 1e-6 never cross 0."""
    return rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def projected(layer_of, x, dout):
    """Σ dout ⊙ forward(x) with a fresh layer: its gradient wrt x is backward(dout)."""
    return np.sum(dout * layer_of().forward(x))


# --- Relu and Sigmoid ---------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 1), (4, 6), (2, 3, 4, 5)])
def test_relu_backward_matches_numerical_gradient(shape):
    rng = np.random.default_rng(len(shape))
    x, dout = away_from_zero(rng, shape), rng.normal(size=shape)
    layer = layers.Relu()
    out = layer.forward(x)
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    numeric = central_difference(lambda v: projected(layers.Relu, v, dout), x, h=1e-6)
    assert relative_error(layer.backward(dout.copy()), numeric) < TOL


def test_relu_backward_is_zero_at_exactly_zero():
    layer = layers.Relu()
    layer.forward(np.array([[0.0, -0.0, 1e-300, -1e-300, 2.0]]))
    assert layer.backward(np.ones((1, 5))).tolist() == [[0.0, 0.0, 1.0, 0.0, 1.0]]


@pytest.mark.parametrize("shape", [(3,), (5, 4), (2, 3, 2, 2)])
def test_sigmoid_backward_matches_numerical_gradient(shape):
    rng = np.random.default_rng(10 + len(shape))
    x, dout = rng.normal(scale=3.0, size=shape), rng.normal(size=shape)
    layer = layers.Sigmoid()
    np.testing.assert_allclose(layer.forward(x), 1 / (1 + np.exp(-x)), rtol=1e-15)
    numeric = central_difference(lambda v: projected(layers.Sigmoid, v, dout), x, h=1e-5)
    assert relative_error(layer.backward(dout), numeric) < TOL


@pytest.mark.parametrize("make", [layers.Relu, layers.Sigmoid])
def test_backward_uses_the_last_of_two_forwards(make):
    rng = np.random.default_rng(3)
    first, second = away_from_zero(rng, (4, 5)), away_from_zero(rng, (4, 5))
    dout = rng.normal(size=(4, 5))
    layer = make()
    layer.forward(first)
    layer.forward(second)
    numeric = central_difference(lambda v: projected(make, v, dout), second, h=1e-6)
    assert relative_error(layer.backward(dout.copy()), numeric) < TOL


# --- Affine --------------------------------------------------------------------------------

AFFINE_INPUTS = {
    "2-D, batch 1": (1, 3),
    "2-D": (6, 4),
    "4-D feature map, C≠H≠W": (3, 2, 3, 4),
}


@pytest.mark.parametrize("name", AFFINE_INPUTS)
def test_affine_forward_and_backward_match_numerical_gradients(name):
    x_shape = AFFINE_INPUTS[name]
    rng = np.random.default_rng(list(x_shape))
    n_in, n_out = int(np.prod(x_shape[1:])), 5
    x = rng.normal(size=x_shape)
    W, b = rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    dout = rng.normal(size=(x_shape[0], n_out))

    layer = layers.Affine(W, b)
    out = layer.forward(x)
    np.testing.assert_allclose(out, np.einsum("ni,io->no", x.reshape(x_shape[0], n_in), W) + b,
                               rtol=1e-13, atol=1e-14)
    dx = layer.backward(dout)

    assert dx.shape == x.shape and layer.dW.shape == W.shape and layer.db.shape == b.shape
    num_dx = central_difference(lambda v: np.sum(dout * layers.Affine(W, b).forward(v)), x)
    num_dW = central_difference(lambda v: np.sum(dout * layers.Affine(v, b).forward(x)), W)
    num_db = central_difference(lambda v: np.sum(dout * layers.Affine(W, v).forward(x)), b)
    assert relative_error(dx, num_dx) < TOL
    assert relative_error(layer.dW, num_dW) < TOL
    assert relative_error(layer.db, num_db) < TOL


def test_affine_keeps_references_to_w_and_b():
    rng = np.random.default_rng(5)
    W, b, x = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 3))
    layer = layers.Affine(W, b)
    assert layer.W is W and layer.b is b
    W *= 2.0  # a trainer's in-place update
    b += 1.0
    np.testing.assert_allclose(layer.forward(x), x @ W + b, rtol=1e-14)


# --- SoftmaxWithLoss ----------------------------------------------------------------------

def cross_entropy_of_logits(x, labels):
    """mean_n −log softmax(x_n)[label_n] via log-sum-exp, without the 1e-7 guard."""
    m = x.max(axis=1, keepdims=True)
    log_z = m[:, 0] + np.log(np.exp(x - m).sum(axis=1))
    return np.mean(log_z - x[np.arange(len(x)), labels])


@pytest.mark.parametrize("batch, classes", [(1, 3), (5, 4), (16, 10)])
@pytest.mark.parametrize("form", ["one-hot", "labels"])
def test_softmax_with_loss_matches_its_definition_and_gradient(batch, classes, form):
    rng = np.random.default_rng(batch * classes)
    x = rng.normal(scale=2.0, size=(batch, classes))
    labels = rng.integers(0, classes, size=batch)
    d = one_hot(labels, classes) if form == "one-hot" else labels

    layer = layers.SoftmaxWithLoss()
    loss = as_scalar(layer.forward(x, d))
    e = np.exp(x - x.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(y[np.arange(batch), labels] + 1e-7)), rel=1e-13)

    dx = layer.backward()
    numeric = central_difference(lambda v: cross_entropy_of_logits(v, labels), x, h=1e-5)
    assert dx.shape == x.shape
    assert relative_error(dx, numeric) < TOL


# --- Dropout -------------------------------------------------------------------------------

@pytest.mark.parametrize("ratio", [0.2, 0.5, 0.8])
def test_dropout_keeps_each_element_with_probability_one_minus_ratio(ratio):
    np.random.seed(int(ratio * 10))
    x = np.random.default_rng(0).uniform(0.5, 2.0, size=(400, 500))
    out = layers.Dropout(ratio).forward(x)
    kept = out != 0
    assert np.all(out[kept] == x[kept])  # every output is exactly 0 or x
    sigma = np.sqrt(ratio * (1 - ratio) / x.size)
    assert abs(kept.mean() - (1 - ratio)) < 5 * sigma


def test_dropout_backward_uses_the_mask_of_the_last_training_forward():
    rng = np.random.default_rng(1)
    x, dout = rng.uniform(0.5, 2.0, size=(50, 40)), rng.normal(size=(50, 40))
    layer = layers.Dropout(0.4)
    layer.forward(rng.uniform(0.5, 2.0, size=(50, 40)))
    kept = layer.forward(x) != 0
    np.testing.assert_array_equal(layer.backward(dout), np.where(kept, dout, 0.0))
    layer.forward(x, train_flg=False)  # test mode draws no mask
    np.testing.assert_array_equal(layer.backward(dout), np.where(kept, dout, 0.0))


@pytest.mark.parametrize("ratio", [0.0, 0.3, 0.5])
def test_dropout_test_mode_scales_by_one_minus_ratio(ratio):
    x = np.random.default_rng(2).normal(size=(7, 6))
    np.testing.assert_allclose(layers.Dropout(ratio).forward(x, train_flg=False), x * (1 - ratio),
                               rtol=1e-15)


def test_dropout_mean_in_training_matches_test_mode_scaling():
    """The non-inverted form: E[train output] = test output = (1 − ratio)·x."""
    np.random.seed(3)
    x = np.full((1000, 1000), 2.0)
    assert layers.Dropout(0.3).forward(x).mean() == pytest.approx(2.0 * 0.7, abs=5e-3)


def test_dropout_masks_are_reproducible_by_seeding_np_random_or_by_rng():
    x = np.ones((30, 20))
    np.random.seed(42)
    first = layers.Dropout(0.5).forward(x)
    np.random.seed(42)
    expected = np.random.rand(30, 20) > 0.5  # the course's own draw
    np.testing.assert_array_equal(first, x * expected)

    state = np.random.get_state()
    a = layers.Dropout(0.5, rng=np.random.default_rng(7)).forward(x)
    b = layers.Dropout(0.5, rng=np.random.default_rng(7)).forward(x)
    np.testing.assert_array_equal(a, b)
    assert np.random.get_state()[1].tolist() == state[1].tolist()  # rng leaves np.random alone


# --- L1 and L2 regularisation ----------------------------------------------------------------

def weight_list(seed):
    rng = np.random.default_rng(seed)
    return [away_from_zero(rng, (4, 3)), away_from_zero(rng, (3,)), away_from_zero(rng, (2, 2, 3))]


@pytest.mark.parametrize("lam", [0.1, 0.005, 1.0])
def test_penalties_are_the_course_formulas(lam):
    weights = weight_list(1)
    flat = np.concatenate([W.ravel() for W in weights])
    assert as_scalar(regularization.l2_penalty(weights, lam)) == pytest.approx(
        0.5 * lam * np.dot(flat, flat), rel=1e-13)
    assert as_scalar(regularization.l1_penalty(weights, lam)) == pytest.approx(
        lam * np.linalg.norm(flat, ord=1), rel=1e-13)
    assert as_scalar(regularization.l2_penalty([], lam)) == 0.0


@pytest.mark.parametrize("lam", [0.1, 0.005])
@pytest.mark.parametrize(("penalty_name", "gradient_name"),
                         [("l1_penalty", "l1_gradient"), ("l2_penalty", "l2_gradient")])
def test_penalty_gradients_match_numerical_gradients(lam, penalty_name, gradient_name):
    penalty = getattr(regularization, penalty_name)
    gradient = getattr(regularization, gradient_name)
    weights = weight_list(2)
    for i, W in enumerate(weights):
        def of_one(v, i=i):
            trial = list(weights)
            trial[i] = v
            return penalty(trial, lam)
        numeric = central_difference(of_one, W, h=1e-6)
        got = gradient(W, lam)
        assert got.shape == W.shape
        assert relative_error(got, numeric) < TOL


def test_l1_gradient_is_zero_at_zero():
    got = regularization.l1_gradient(np.array([0.0, -0.0, 3.0, -2.0]), 0.5)
    assert got.tolist() == [0.0, 0.0, 0.5, -0.5]
