"""reference/ against values known in closed form or computed by hand."""
import math

import numpy as np
import pytest

from reference import batch_norm, functions, minibatch, network, optimizers, weight_init
from tests.oracles import as_scalar, one_hot, relative_error

# Overflow, division by zero and invalid values would be nan/inf waiting to happen;
# underflow to 0 is the expected behaviour of a max-shifted softmax.
def no_float_trouble():
    return np.errstate(over="raise", divide="raise", invalid="raise")


# --- step, sigmoid, relu -------------------------------------------------------

def test_step_function_is_one_above_zero_and_zero_below():
    x = np.array([[-3.0, -1e-12, 1e-12], [0.5, 2.0, -0.5]])
    out = functions.step_function(x)
    assert out.shape == x.shape
    assert np.asarray(out, dtype=float).tolist() == [[0, 0, 1], [1, 1, 0]]


def test_step_function_at_zero_is_zero_or_one():
    assert np.asarray(functions.step_function(np.array([0.0])), dtype=float)[0] in (0.0, 1.0)


def test_sigmoid_known_values():
    x = np.array([0.0, math.log(3.0), -math.log(3.0), 40.0])
    np.testing.assert_allclose(functions.sigmoid(x), [0.5, 0.75, 0.25, 1.0], rtol=1e-15)
    assert functions.sigmoid(np.array(0.0)) == 0.5


def test_d_sigmoid_peaks_at_a_quarter_at_zero():
    x = np.linspace(-10.0, 10.0, 2001)  # contains 0.0 exactly
    grad = functions.d_sigmoid(x)
    assert functions.d_sigmoid(np.array(0.0)) == 0.25
    assert np.max(grad) == 0.25 and x[np.argmax(grad)] == 0.0
    # d_sigmoid takes the input u, not the activation: at u = log 3, σ = 3/4, σ' = 3/16
    np.testing.assert_allclose(functions.d_sigmoid(np.array(math.log(3.0))), 3 / 16, rtol=1e-14)


def test_relu_known_values():
    x = np.array([[-2.0, -0.0, 0.0], [1e-300, 3.5, -1e-300]])
    np.testing.assert_array_equal(functions.relu(x), [[0.0, 0.0, 0.0], [1e-300, 3.5, 0.0]])


def test_d_relu_is_one_exactly_where_positive():
    x = np.array([-5.0, -1e-9, 0.0, 1e-9, 5.0])
    np.testing.assert_array_equal(functions.d_relu(x), [0.0, 0.0, 0.0, 1.0, 1.0])


# --- softmax ---------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 5])
def test_softmax_of_equal_inputs_is_uniform(n):
    np.testing.assert_allclose(functions.softmax(np.full(n, 2.5)), np.full(n, 1 / n), rtol=1e-15)
    np.testing.assert_allclose(functions.softmax(np.full((3, n), -7.0)), np.full((3, n), 1 / n),
                               rtol=1e-15)


@pytest.mark.parametrize("base", [1000.0, -1000.0, 0.0])
def test_softmax_is_exact_at_large_magnitudes(base):
    x = np.array([base, base + math.log(3.0)])
    with no_float_trouble():
        out = functions.softmax(x)
    np.testing.assert_allclose(out, [0.25, 0.75], rtol=1e-12)


def test_softmax_2d_rows_are_independent_and_exact_at_large_magnitudes():
    x = np.array([[1000.0, 1000.0 + math.log(3.0)],
                  [-1000.0, -1000.0 + math.log(3.0)],
                  [1000.0, -1000.0]])
    with no_float_trouble():
        out = functions.softmax(x)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out[:2], [[0.25, 0.75], [0.25, 0.75]], rtol=1e-12)
    np.testing.assert_array_equal(out[2], [1.0, 0.0])


@pytest.mark.parametrize("shift", [-500.0, 1.0, 1234.5])
def test_softmax_is_invariant_to_adding_a_constant(shift):
    x = np.array([0.3, -1.2, 2.0, 0.0])
    np.testing.assert_allclose(functions.softmax(x + shift), functions.softmax(x), rtol=1e-10)
    rows = np.array([[0.3, -1.2, 2.0], [5.0, 5.5, 4.0]])
    per_row = np.array([[shift], [-2 * shift]])
    np.testing.assert_allclose(functions.softmax(rows + per_row), functions.softmax(rows), rtol=1e-10)


def test_softmax_known_value():
    x = np.array([1.0, 2.0, 3.0])
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(functions.softmax(x), e / e.sum(), rtol=1e-15)


def test_softmax_does_not_modify_its_argument():
    x = np.array([[1000.0, 3.0, -2.0], [0.5, 0.25, 0.125]])
    before = x.copy()
    functions.softmax(x)
    assert x.tobytes() == before.tobytes()


# --- mean squared error ------------------------------------------------------------

def test_mean_squared_error_hand_computed_1d():
    d = np.array([0.0, 1.0, 0.0])
    y = np.array([0.1, 0.8, 0.1])
    assert as_scalar(functions.mean_squared_error(d, y)) == pytest.approx(0.03, rel=1e-13)


def test_mean_squared_error_of_a_batch_is_the_mean_over_samples():
    d = np.array([[0.0, 1.0], [1.0, 0.0]])
    y = np.array([[0.0, 0.0], [3.0, 2.0]])
    # per sample: ½·1 = 0.5 and ½·(4 + 4) = 4; mean over 2 samples (not over 4 elements)
    assert as_scalar(functions.mean_squared_error(d, y)) == pytest.approx(2.25, rel=1e-15)


def test_d_mean_squared_error_hand_computed():
    d = np.array([[0.0, 1.0], [1.0, 0.0]])
    y = np.array([[0.0, 0.0], [3.0, 2.0]])
    np.testing.assert_allclose(functions.d_mean_squared_error(d, y), [[0.0, -0.5], [1.0, 1.0]])
    np.testing.assert_allclose(functions.d_mean_squared_error(d[1], y[1]), [2.0, 2.0])


# --- cross entropy -------------------------------------------------------------------

def softmax_without_reference(z):
    """Row probabilities without going through the reference's softmax."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_cross_entropy_of_a_perfect_prediction():
    y = np.array([0.0, 1.0, 0.0])
    expected = -math.log1p(1e-7)
    assert as_scalar(functions.cross_entropy_error(y.copy(), y)) == pytest.approx(expected, rel=1e-12)
    batch = np.eye(4)
    assert as_scalar(functions.cross_entropy_error(batch.copy(), batch)) == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_hand_computed_1d():
    y = np.array([0.1, 0.7, 0.2])
    expected = -math.log(0.7 + 1e-7)
    assert as_scalar(functions.cross_entropy_error(np.array([0.0, 1.0, 0.0]), y)) == pytest.approx(
        expected, rel=1e-14)


def test_cross_entropy_hand_computed_batch_is_the_mean_over_samples():
    y = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]])
    labels = np.array([1, 0])
    expected = -(math.log(0.7 + 1e-7) + math.log(0.5 + 1e-7)) / 2
    assert as_scalar(functions.cross_entropy_error(labels, y)) == pytest.approx(expected, rel=1e-14)


def test_cross_entropy_1d_one_hot_and_label_forms_agree():
    y = np.array([0.2, 0.1, 0.6, 0.1])
    expected = -math.log(0.6 + 1e-7)
    forms = {
        "one-hot": np.array([0.0, 0.0, 1.0, 0.0]),
        "0-d label": np.array(2),
        "(1,) label": np.array([2]),
    }
    for name, d in forms.items():
        got = as_scalar(functions.cross_entropy_error(d, y))
        assert got == pytest.approx(expected, rel=1e-14), name


def test_cross_entropy_2d_one_hot_rows_and_labels_agree():
    rng = np.random.default_rng(3)
    y = softmax_without_reference(rng.normal(size=(6, 4)))
    labels = np.array([0, 3, 1, 1, 2, 3])
    expected = -np.mean(np.log(y[np.arange(6), labels] + 1e-7))
    by_label = as_scalar(functions.cross_entropy_error(labels, y))
    by_one_hot = as_scalar(functions.cross_entropy_error(one_hot(labels, 4), y))
    assert by_label == pytest.approx(expected, rel=1e-14)
    assert by_one_hot == pytest.approx(expected, rel=1e-14)


# --- numerical_gradient ------------------------------------------------------------------

def test_numerical_gradient_of_sum_of_squares_is_2x():
    x = np.array([[0.5, -1.5, 2.0], [3.25, 0.0, -0.75]])
    grad = functions.numerical_gradient(lambda v: np.sum(v ** 2), x)
    assert grad.shape == x.shape
    assert relative_error(grad, 2 * x) < 1e-7


def test_numerical_gradient_uses_central_difference_with_h_1e_4():
    # ((x+h)³ − (x−h)³) / 2h = 3x² + h² exactly: at x = 0 the result is h² itself.
    grad = functions.numerical_gradient(lambda v: np.sum(v ** 3), np.zeros(3))
    np.testing.assert_allclose(grad, np.full(3, 1e-8), rtol=1e-6)


def test_numerical_gradient_of_smooth_function():
    x = np.linspace(-2.0, 2.0, 7)
    grad = functions.numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert relative_error(grad, np.cos(x)) < 1e-7


def test_numerical_gradient_with_a_closure_that_reads_x_by_reference():
    W = np.array([[0.5, -1.0], [2.0, 0.25]])
    target = np.array([[1.0, 0.0], [0.0, 1.0]])

    def loss():
        return 0.5 * np.sum((W - target) ** 2)

    grad = functions.numerical_gradient(lambda _ignored: loss(), W)
    assert relative_error(grad, W - target) < 1e-7


def test_numerical_gradient_leaves_x_bitwise_unchanged():
    h = 1e-4
    x = np.array([0.1, 1 / 3, 1e-5, 7e-6, 2.5e-5, 3.3, -7.7, 123.456])
    # Some of these do not survive naive restores ("+h, −h" or "+h, −2h, +h"),
    # so only restoring the saved value passes: this test has teeth.
    assert any((v + h) - h != v for v in x)
    assert any(((v + h) - 2 * h) + h != v for v in x)
    before = x.copy()
    functions.numerical_gradient(lambda v: np.sum(v ** 2), x)
    assert x.tobytes() == before.tobytes()


# --- network: forward and sgd_update --------------------------------------------------------

def test_forward_hand_computed():
    net = {
        "W1": np.array([[1.0, -1.0], [2.0, 0.5]]),
        "b1": np.array([0.0, -1.0]),
        "W2": np.array([[1.0], [3.0]]),
        "b2": np.array([0.5]),
    }
    x = np.array([[1.0, 1.0], [-1.0, 0.0]])
    # u1 = [[3, -1.5], [-1, 0]] → z1 = [[3, 0], [0, 0]] → y = [[3.5], [0.5]]
    z1, y = network.forward(net, x)
    np.testing.assert_array_equal(z1, [[3.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(y, [[3.5], [0.5]])


def test_sgd_update_changes_the_same_arrays_in_place():
    net = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5]), "W2": np.array([[3.0]])}
    held = dict(net)
    grad = {"W1": np.array([[10.0, -20.0]]), "b1": np.array([1.0])}
    assert network.sgd_update(net, grad, 0.1) is None
    for key in net:
        assert net[key] is held[key], key
    np.testing.assert_allclose(net["W1"], [[0.0, 4.0]])
    np.testing.assert_allclose(net["b1"], [0.4])
    np.testing.assert_array_equal(net["W2"], [[3.0]])  # keys absent from grad are untouched


# --- minibatch -----------------------------------------------------------------------------

def test_get_minibatch_slices_including_the_shorter_last_batch():
    x = np.arange(20).reshape(10, 2)
    t = np.arange(10) * 10
    sizes = []
    for i in range(0, 10, 4):
        xb, tb = minibatch.get_minibatch(x, t, i, 4)
        np.testing.assert_array_equal(xb, x[i:i + 4])
        np.testing.assert_array_equal(tb, t[i:i + 4])
        sizes.append(len(xb))
    assert sizes == [4, 4, 2]


def collect(batches):
    return [(np.array(xb), np.array(tb)) for xb, tb in batches]


def test_iterate_minibatches_without_shuffle_keeps_order_and_the_last_batch():
    x = np.arange(14).reshape(7, 2)
    t = np.arange(7) + 100
    batches = collect(minibatch.iterate_minibatches(x, t, 3, shuffle=False))
    assert [len(xb) for xb, _ in batches] == [3, 3, 1]
    np.testing.assert_array_equal(np.concatenate([xb for xb, _ in batches]), x)
    np.testing.assert_array_equal(np.concatenate([tb for _, tb in batches]), t)


def test_iterate_minibatches_shuffled_covers_each_sample_once_and_stays_aligned():
    n = 23
    x = np.arange(n, dtype=float)[:, None] * np.array([[1.0, -1.0]])
    t = np.arange(n) * 7
    batches = collect(minibatch.iterate_minibatches(x, t, 5, shuffle=True,
                                                    rng=np.random.default_rng(0)))
    assert [len(xb) for xb, _ in batches] == [5, 5, 5, 5, 3]
    rows = np.concatenate([xb for xb, _ in batches])
    labels = np.concatenate([tb for _, tb in batches])
    assert sorted(rows[:, 0].tolist()) == list(range(n))
    np.testing.assert_array_equal(labels, rows[:, 0].astype(int) * 7)  # aligned pairs
    assert not np.array_equal(rows[:, 0], np.arange(n))  # actually shuffled


def test_iterate_minibatches_same_seed_same_batches_different_seed_different():
    x = np.arange(40).reshape(20, 2)
    t = np.arange(20)

    def order(seed):
        batches = collect(minibatch.iterate_minibatches(x, t, 6, rng=np.random.default_rng(seed)))
        return np.concatenate([tb for _, tb in batches])

    np.testing.assert_array_equal(order(42), order(42))
    assert not np.array_equal(order(42), order(43))


def test_iterate_minibatches_default_rng_still_covers_every_sample():
    t = np.arange(11)
    batches = collect(minibatch.iterate_minibatches(t * 2, t, 4))
    assert sorted(np.concatenate([tb for _, tb in batches]).tolist()) == list(range(11))


# --- weight initialisation -------------------------------------------------------------------

INITS = {
    "xavier": (weight_init.xavier_init, lambda n_in: 1 / math.sqrt(n_in)),
    "he": (weight_init.he_init, lambda n_in: math.sqrt(2 / n_in)),
}


@pytest.mark.parametrize("name", INITS)
def test_init_shape_and_determinism(name):
    init, _ = INITS[name]
    a = init(7, 3, np.random.default_rng(5))
    np.random.seed(0)  # the global state must not matter
    b = init(7, 3, np.random.default_rng(5))
    np.random.seed(1)
    c = init(7, 3, np.random.default_rng(6))
    assert a.shape == (7, 3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    rng = np.random.default_rng(5)
    init(7, 3, rng)
    assert not np.array_equal(init(7, 3, rng), a)  # the draw advances the caller's rng


@pytest.mark.parametrize("name", INITS)
@pytest.mark.parametrize("n_in", [50, 400])
def test_init_distribution_over_a_large_draw(name, n_in):
    init, expected_std = INITS[name]
    n_out = 200_000 // n_in
    w = init(n_in, n_out, np.random.default_rng(n_in))
    sigma = expected_std(n_in)
    count = w.size
    assert abs(w.mean()) < 5 * sigma / math.sqrt(count)
    assert w.std() == pytest.approx(sigma, rel=0.02)
    # normal, not e.g. uniform with the same std: about 68.3 % within one sigma
    assert np.mean(np.abs(w) < sigma) == pytest.approx(0.6827, abs=0.01)


# --- batch normalisation forward ---------------------------------------------------------------

@pytest.mark.parametrize("batch", [4, 64])
def test_batchnorm_forward_mean_is_beta_and_std_is_gamma(batch):
    rng = np.random.default_rng(batch)
    x = rng.normal(loc=[5.0, -2.0, 0.0], scale=[3.0, 0.5, 10.0], size=(batch, 3))
    gamma = np.array([2.0, 0.5, 1.5])
    beta = np.array([-1.0, 0.0, 4.0])
    eps = 1e-7
    out, _ = batch_norm.batchnorm_forward(x, gamma, beta, eps)
    var = np.mean((x - x.mean(axis=0)) ** 2, axis=0)  # ddof = 0
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    # With ddof = 1 the std would come out as gamma·sqrt((B−1)/B): 13 % off at B = 4.
    np.testing.assert_allclose(out.std(axis=0), gamma * np.sqrt(var / (var + eps)), rtol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), gamma, rtol=1e-6)


def test_batchnorm_forward_adds_eps_to_the_variance_inside_the_root():
    x = np.array([[1.0], [3.0]])  # mean 2, variance 1 (ddof = 0)
    out, _ = batch_norm.batchnorm_forward(x, np.array([1.0]), np.array([0.0]), eps=0.5)
    np.testing.assert_allclose(out, [[-1 / math.sqrt(1.5)], [1 / math.sqrt(1.5)]], rtol=1e-15)


# --- optimizers: first steps in closed form -------------------------------------------------------

def two_params():
    return {"a": np.array([1.0, -2.0, 0.5]), "b": np.array([[0.25, 4.0]])}


def two_grads():
    return {"a": np.array([0.5, -0.1, 2.0]), "b": np.array([[-3.0, 0.02]])}


@pytest.mark.parametrize("make, first_step", [
    (lambda: optimizers.SGD(learning_rate=0.1), lambda g: -0.1 * g),
    (lambda: optimizers.Momentum(learning_rate=0.1, momentum=0.8), lambda g: -0.1 * g),
    (lambda: optimizers.AdaGrad(learning_rate=0.1), lambda g: -0.1 * g / (np.abs(g) + 1e-7)),
    (lambda: optimizers.RMSprop(learning_rate=0.1, decay_rate=0.9),
     lambda g: -0.1 * g / (np.sqrt(0.1) * np.abs(g) + 1e-7)),
    # bias-corrected: m̂ = g, v̂ = g² on step 1, for every key (one t for all keys)
    (lambda: optimizers.Adam(learning_rate=0.1, beta1=0.8, beta2=0.95),
     lambda g: -0.1 * g / (np.abs(g) + 1e-7)),
], ids=["SGD", "Momentum", "AdaGrad", "RMSprop", "Adam"])
def test_optimizer_first_step_in_place(make, first_step):
    params, grads = two_params(), two_grads()
    held = dict(params)
    start = {k: v.copy() for k, v in params.items()}
    make().update(params, grads)
    for key in params:
        assert params[key] is held[key], f"{key} was replaced, not updated in place"
        np.testing.assert_allclose(params[key] - start[key], first_step(grads[key]), rtol=1e-12)


def test_momentum_second_step_carries_velocity():
    opt = optimizers.Momentum(learning_rate=0.1, momentum=0.5)
    params = {"w": np.array([1.0])}
    opt.update(params, {"w": np.array([2.0])})   # v = −0.2, w = 0.8
    opt.update(params, {"w": np.array([-4.0])})  # v = −0.1 + 0.4 = 0.3, w = 1.1
    np.testing.assert_allclose(params["w"], [1.1], rtol=1e-14)


def test_adagrad_second_step_accumulates_squares():
    opt = optimizers.AdaGrad(learning_rate=1.0)
    params = {"w": np.array([0.0])}
    opt.update(params, {"w": np.array([3.0])})  # h = 9, w = −3/(3+ε)
    opt.update(params, {"w": np.array([4.0])})  # h = 25, w −= 4/(5+ε)
    np.testing.assert_allclose(params["w"], [-3 / (3 + 1e-7) - 4 / (5 + 1e-7)], rtol=1e-14)


def test_adam_counts_one_t_per_update_call_for_all_keys():
    opt = optimizers.Adam(learning_rate=0.1, beta1=0.5, beta2=0.5)
    params = {"p": np.array([0.0]), "q": np.array([0.0]), "r": np.array([0.0])}
    for _ in range(2):
        opt.update(params, {k: np.array([1.0]) for k in params})
    # constant g = 1: m̂ = v̂ = 1 at every t, so each step is −0.1/(1+ε), for every key
    for key in params:
        np.testing.assert_allclose(params[key], [-0.2 / (1 + 1e-7)], rtol=1e-14, err_msg=key)


def test_nesterov_second_step_by_hand():
    opt = optimizers.Nesterov(learning_rate=0.1, momentum=0.5)
    params = {"w": np.array([1.0])}
    opt.update(params, {"w": np.array([2.0])})   # v = −0.2; w += 0.25·(−0.2) − 1.5·0.2 = −0.35
    np.testing.assert_allclose(params["w"], [0.65], rtol=1e-14)
    opt.update(params, {"w": np.array([-4.0])})  # v = −0.1 + 0.4 = 0.3; w += 0.075 + 0.6
    np.testing.assert_allclose(params["w"], [1.325], rtol=1e-14)


@pytest.mark.parametrize("lr, mu", [(0.01, 0.9), (0.2, 0.5)])
def test_nesterov_trajectory_is_the_closed_form_sum_of_past_gradients(lr, mu):
    """w_t − w_{t−1} = −lr·((1 + μ + μ²)·g_t + Σ_{s<t} μ^{t+2−s}·g_s), with v_0 = 0."""
    rng = np.random.default_rng(5)
    grads = [rng.normal(size=(2, 3)) for _ in range(8)]
    params = {"w": rng.normal(size=(2, 3))}
    held, w = params["w"], params["w"].copy()
    opt = optimizers.Nesterov(learning_rate=lr, momentum=mu)
    for t, g in enumerate(grads, start=1):
        opt.update(params, {"w": g.copy()})
        past = sum((mu ** (t + 2 - s) * grads[s - 1] for s in range(1, t)), np.zeros_like(g))
        w = w - lr * ((1 + mu + mu ** 2) * g + past)
        assert params["w"] is held
        np.testing.assert_allclose(params["w"], w, rtol=1e-12, atol=1e-15, err_msg=f"step {t}")
