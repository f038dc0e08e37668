"""The course's layers (common/layers.py): each forward keeps what its backward needs.

Layers keep references to the arrays they are given (Affine's W and b): a trainer
updates them in place and the layer sees it (the layer API of Day 2).
"""
import numpy as np

from reference.functions import cross_entropy_error, sigmoid, softmax


class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        return np.where(self.mask, 0.0, x)

    def backward(self, dout):
        return np.where(self.mask, 0.0, dout)


class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * self.out * (1 - self.out)


class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        # A feature map (N, C, H, W) enters as one row per sample.
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return (dout @ self.W.T).reshape(self.original_x_shape)


class SoftmaxWithLoss:
    def __init__(self):
        self.loss = None
        self.y = None
        self.d = None

    def forward(self, x, d):
        self.d = np.asarray(d)
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.d, self.y)
        return self.loss

    def backward(self, dout=1):
        # dout is ignored, as in the course: this layer is always the last one.
        batch_size = self.y.shape[0]
        if self.d.size == self.y.size:
            return (self.y - self.d) / batch_size
        dx = self.y.copy()
        dx[np.arange(batch_size), self.d.reshape(-1)] -= 1
        return dx / batch_size


class Dropout:
    """The course's (non-inverted) dropout: scale by 1 − dropout_ratio at test time.

    The mask is drawn with np.random.rand, as the course's code draws it, so
    np.random.seed(s) before forward reproduces it (and gives the course's mask for that
    seed); a numpy Generator passed as rng is used instead when given.
    """

    def __init__(self, dropout_ratio=0.5, rng=None):
        self.dropout_ratio = dropout_ratio
        self.rng = rng
        self.mask = None

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x * (1 - self.dropout_ratio)
        draw = np.random.rand(*x.shape) if self.rng is None else self.rng.random(x.shape)
        self.mask = draw > self.dropout_ratio
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask
