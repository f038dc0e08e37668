"""reference/cnn.py against independent oracles: a plain-loop im2col, the adjoint
identity for col2im, and our own central differences for every backward."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import cnn
from tests.oracles import central_difference, relative_error

TOL = 1e-7
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


def im2col_by_loops(x, fh, fw, stride, pad):
    """One row per (n, i, j), the patch flattened in (C, fh, fw) order, element by element."""
    N, C, H, W = x.shape
    out_h, out_w = (H + 2 * pad - fh) // stride + 1, (W + 2 * pad - fw) // stride + 1
    rows = []
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                row = []
                for c in range(C):
                    for p in range(fh):
                        for q in range(fw):
                            h, w = i * stride + p - pad, j * stride + q - pad
                            inside = 0 <= h < H and 0 <= w < W
                            row.append(x[n, c, h, w] if inside else 0.0)
                rows.append(row)
    return np.array(rows).reshape(N * out_h * out_w, C * fh * fw)


def cross_correlation_by_loops(x, W, b, stride, pad):
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    xp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad))
    xp[:, :, pad:pad + H, pad:pad + Wd] = x
    out_h, out_w = (H + 2 * pad - FH) // stride + 1, (Wd + 2 * pad - FW) // stride + 1
    out = np.empty((N, FN, out_h, out_w))
    for n, f, i, j in np.ndindex(out.shape):
        patch = xp[n, :, i * stride:i * stride + FH, j * stride:j * stride + FW]
        out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out


@st.composite
def conv_geometry(draw):
    """(x shape, filter_h, filter_w, stride, pad) for which at least one window fits."""
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    pad, stride = draw(st.integers(0, 2)), draw(st.integers(1, 3))
    fh = draw(st.integers(1, h + 2 * pad))
    fw = draw(st.integers(1, w + 2 * pad))
    return (n, c, h, w), fh, fw, stride, pad


# --- conv_output_size ----------------------------------------------------------------------

@pytest.mark.parametrize("size", range(1, 9))
@pytest.mark.parametrize("pad", range(3))
@pytest.mark.parametrize("stride", range(1, 4))
def test_conv_output_size_counts_the_windows_that_fit(size, pad, stride):
    """The oracle: slide a window over the padded row and count the starts where it fits."""
    for filter_size in range(1, size + 2 * pad + 1):
        starts = [s for s in range(0, size + 2 * pad, stride) if s + filter_size <= size + 2 * pad]
        assert cnn.conv_output_size(size, filter_size, stride, pad) == len(starts)


# --- im2col and col2im --------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(conv_geometry(), st.integers(0, 2**32 - 1))
def test_im2col_matches_the_plain_loop_layout(geometry, seed):
    shape, fh, fw, stride, pad = geometry
    x = np.random.default_rng(seed).normal(size=shape)
    before = x.copy()
    got = cnn.im2col(x, fh, fw, stride, pad)
    expected = im2col_by_loops(x, fh, fw, stride, pad)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(x, before)


@PROPERTY_SETTINGS
@given(conv_geometry(), st.integers(0, 2**32 - 1))
def test_col2im_is_the_adjoint_of_im2col(geometry, seed):
    shape, fh, fw, stride, pad = geometry
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    c = rng.normal(size=cnn.im2col(x, fh, fw, stride, pad).shape)
    back = cnn.col2im(c, shape, fh, fw, stride, pad)
    assert back.shape == shape
    lhs = np.sum(cnn.im2col(x, fh, fw, stride, pad) * c)
    rhs = np.sum(x * back)
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)


def test_col2im_adds_overlapping_patches():
    """3×3 windows, stride 1, on a 4×4 image: each pixel counts the windows covering it."""
    ones = np.ones((4, 9))
    counts = cnn.col2im(ones, (1, 1, 4, 4), 3, 3)
    np.testing.assert_array_equal(counts[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])


# --- Convolution ------------------------------------------------------------------------------

CONV_CASES = {
    # name: (x shape (N, C, H, W), W shape (FN, C, FH, FW), stride, pad); C ≠ H ≠ W throughout
    "stride 1, pad 0": ((2, 3, 5, 6), (4, 3, 3, 3), 1, 0),
    "stride 1, pad 1, non-square filter": ((2, 2, 4, 5), (3, 2, 3, 2), 1, 1),
    "stride 2, pad 0": ((3, 2, 7, 6), (2, 2, 3, 3), 2, 0),
    "stride 2, pad 1, non-square filter": ((2, 3, 6, 5), (2, 3, 2, 3), 2, 1),
    "stride 1, pad 2": ((2, 1, 3, 4), (2, 1, 3, 3), 1, 2),
    "stride 2, pad 2, 1×1 filter": ((2, 3, 4, 5), (5, 3, 1, 1), 2, 2),
}


@pytest.mark.parametrize("name", CONV_CASES)
def test_convolution_forward_is_the_cross_correlation_plus_bias(name):
    x_shape, w_shape, stride, pad = CONV_CASES[name]
    rng = np.random.default_rng([*x_shape, *w_shape, stride, pad])
    x, W, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    out = cnn.Convolution(W, b, stride, pad).forward(x)
    np.testing.assert_allclose(out, cross_correlation_by_loops(x, W, b, stride, pad), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("name", CONV_CASES)
def test_convolution_backward_matches_numerical_gradients(name):
    x_shape, w_shape, stride, pad = CONV_CASES[name]
    rng = np.random.default_rng(len(name))
    x, W, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    layer = cnn.Convolution(W, b, stride, pad)
    dout = rng.normal(size=layer.forward(x).shape)
    dx = layer.backward(dout)

    def objective(x_, W_, b_):
        return np.sum(dout * cnn.Convolution(W_, b_, stride, pad).forward(x_))

    assert dx.shape == x.shape and layer.dW.shape == W.shape and layer.db.shape == b.shape
    assert relative_error(dx, central_difference(lambda v: objective(v, W, b), x)) < TOL
    assert relative_error(layer.dW, central_difference(lambda v: objective(x, v, b), W)) < TOL
    assert relative_error(layer.db, central_difference(lambda v: objective(x, W, v), b)) < TOL


def test_convolution_keeps_references_and_uses_the_last_forward():
    rng = np.random.default_rng(8)
    W, b = rng.normal(size=(2, 3, 2, 2)), rng.normal(size=2)
    first, second = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 3, 4, 5))
    layer = cnn.Convolution(W, b)
    assert layer.W is W and layer.b is b
    layer.forward(first)
    W -= 0.5  # in place, as a trainer does
    out = layer.forward(second)
    np.testing.assert_allclose(out, cross_correlation_by_loops(second, W, b, 1, 0), rtol=1e-12, atol=1e-13)
    dout = rng.normal(size=out.shape)
    layer.backward(dout)
    numeric = central_difference(lambda v: np.sum(dout * cnn.Convolution(v, b).forward(second)), W)
    assert relative_error(layer.dW, numeric) < TOL


# --- Pooling ------------------------------------------------------------------------------------

POOL_CASES = {
    # name: (x shape, pool_h, pool_w, stride, pad)
    "2×2 stride 2 (non-overlapping)": ((2, 3, 4, 6), 2, 2, 2, 0),
    "3×3 stride 1 (overlapping)": ((2, 2, 5, 4), 3, 3, 1, 0),
    "3×2 stride 2 (overlapping rows), C≠H≠W": ((3, 2, 7, 5), 3, 2, 2, 0),
    "2×3 stride 1, pad 1": ((2, 3, 4, 5), 2, 3, 1, 1),
}


def distinct_values(rng, shape, gap=0.1):
    """No two values closer than gap, and none within gap/2 of 0 (the padding's value)."""
    values = (rng.permutation(np.prod(shape)) - np.prod(shape) / 2 + 0.5) * gap
    return values.reshape(shape)


def max_pool_by_loops(x, ph, pw, stride, pad):
    N, C, H, W = x.shape
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    xp[:, :, pad:pad + H, pad:pad + W] = x
    out_h, out_w = (H + 2 * pad - ph) // stride + 1, (W + 2 * pad - pw) // stride + 1
    out = np.empty((N, C, out_h, out_w))
    for n, c, i, j in np.ndindex(out.shape):
        out[n, c, i, j] = xp[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw].max()
    return out


@pytest.mark.parametrize("name", POOL_CASES)
def test_pooling_forward_is_the_window_maximum(name):
    shape, ph, pw, stride, pad = POOL_CASES[name]
    x = distinct_values(np.random.default_rng(1), shape)
    np.testing.assert_array_equal(cnn.Pooling(ph, pw, stride, pad).forward(x),
                                  max_pool_by_loops(x, ph, pw, stride, pad))


@pytest.mark.parametrize("name", POOL_CASES)
def test_pooling_backward_matches_numerical_gradient(name):
    shape, ph, pw, stride, pad = POOL_CASES[name]
    rng = np.random.default_rng(2)
    x = distinct_values(rng, shape)
    layer = cnn.Pooling(ph, pw, stride, pad)
    dout = rng.normal(size=layer.forward(x).shape)
    numeric = central_difference(lambda v: np.sum(dout * cnn.Pooling(ph, pw, stride, pad).forward(v)), x)
    dx = layer.backward(dout)
    assert dx.shape == x.shape
    assert relative_error(dx, numeric) < TOL


def test_pooling_backward_sends_a_tie_to_the_first_maximum_and_overlaps_add_up():
    x = np.array([[[[1.0, 3.0, 3.0],
                    [3.0, 0.0, 2.0]]]])
    layer = cnn.Pooling(2, 2, stride=1)
    np.testing.assert_array_equal(layer.forward(x), [[[[3.0, 3.0]]]])
    dx = layer.backward(np.array([[[[10.0, 1.0]]]]))
    # window 1 ties at (0,1) and (1,0): (0,1) comes first; window 2 ties at (0,1), (0,2): (0,1)
    np.testing.assert_array_equal(dx, [[[[0.0, 11.0, 0.0], [0.0, 0.0, 0.0]]]])
