"""Property tests (hypothesis) for reference/ over many generated inputs."""
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference import functions, minibatch
from tests.oracles import as_scalar, one_hot

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)

finite_logits = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
logit_arrays = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=8),
                          elements=finite_logits)


@PROPERTY_SETTINGS
@given(logit_arrays)
def test_softmax_is_a_distribution_over_the_last_axis(x):
    before = x.copy()
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        p = functions.softmax(x)
    assert p.shape == x.shape
    assert np.all(np.isfinite(p)) and np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    # the largest input gets the largest probability, at least 1/n
    assert np.all(np.max(p, axis=-1) >= 1 / x.shape[-1] - 1e-12)
    assert x.tobytes() == before.tobytes()


@st.composite
def probabilities_and_labels(draw):
    batch = draw(st.integers(1, 6))
    classes = draw(st.integers(2, 6))
    logits = draw(hnp.arrays(np.float64, (batch, classes), elements=finite_logits))
    e = np.exp(logits - logits.max(axis=1, keepdims=True))  # independent of the reference
    y = e / e.sum(axis=1, keepdims=True)
    labels = draw(hnp.arrays(np.int64, (batch,), elements=st.integers(0, classes - 1)))
    return y, labels


@PROPERTY_SETTINGS
@given(probabilities_and_labels())
def test_cross_entropy_is_bounded_and_label_form_independent(case):
    y, labels = case
    by_label = as_scalar(functions.cross_entropy_error(labels, y))
    by_one_hot = as_scalar(functions.cross_entropy_error(one_hot(labels, y.shape[1]), y))
    # ≥ 0 up to the 1e-7 guard: a perfect prediction gives −log(1 + 1e-7) < 0
    assert -math.log1p(1e-7) - 1e-15 <= by_label <= -math.log(1e-7) + 1e-9
    assert math.isclose(by_one_hot, by_label, rel_tol=1e-14)
    if y.shape[0] == 1:
        single = as_scalar(functions.cross_entropy_error(labels[0:1], y[0]))
        assert math.isclose(single, by_label, rel_tol=1e-14)


@PROPERTY_SETTINGS
@given(n=st.integers(0, 40), batch_size=st.integers(1, 45), shuffle=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_iterate_minibatches_covers_each_sample_once(n, batch_size, shuffle, seed):
    x = np.arange(n * 2, dtype=float).reshape(n, 2)
    t = np.arange(n) * 3
    batches = list(minibatch.iterate_minibatches(x, t, batch_size, shuffle=shuffle,
                                                 rng=np.random.default_rng(seed)))
    sizes = [len(xb) for xb, _ in batches]
    assert len(batches) == math.ceil(n / batch_size)
    assert all(s == batch_size for s in sizes[:-1])
    assert all(0 < s <= batch_size for s in sizes)
    ids = [int(row[0]) // 2 for xb, _ in batches for row in xb]
    assert sorted(ids) == list(range(n))
    for xb, tb in batches:
        assert len(xb) == len(tb)
        np.testing.assert_array_equal(tb, xb[:, 0].astype(int) // 2 * 3)
    if not shuffle:
        assert ids == list(range(n))
