"""Mini-batch slicing, as in the course's 例題チャレンジ."""
import numpy as np


def get_minibatch(data_x, data_t, i, batch_size):
    i_end = i + batch_size
    return data_x[i:i_end], data_t[i:i_end]


def iterate_minibatches(data_x, data_t, batch_size, shuffle=True, rng=None):
    order = np.arange(len(data_x))
    if shuffle:
        order = (np.random.default_rng() if rng is None else rng).permutation(order)
    for i in range(0, len(data_x), batch_size):
        batch = order[i:i + batch_size]
        yield data_x[batch], data_t[batch]
