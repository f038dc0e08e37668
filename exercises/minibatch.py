# この演習は solutions/minibatch.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (え) を埋めて、`grader check` で採点してください。
# Generated from solutions/minibatch.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (え) and check your work with `grader check`.
"""ミニバッチの切り出し (講座の例題チャレンジ: data_x[i:i_end], data_t[i:i_end])。
Mini-batch slicing, as in the course's exercise challenge: data_x[i:i_end], data_t[i:i_end]."""
import numpy as np


def get_minibatch(data_x, data_t, i, batch_size):
    """i 番目から batch_size 個のミニバッチ: (data_x[i:i_end], data_t[i:i_end])。
    The mini-batch of batch_size samples from i: (data_x[i:i_end], data_t[i:i_end])."""
    # (あ) ミニバッチの終わりの位置 i_end を計算する: i に batch_size を足す
    #      compute the batch's end position i_end: i plus batch_size
    raise NotImplementedError("blank (あ) in get_minibatch is not filled yet")
    # (い) data_x と data_t の i から i_end の手前までのスライスを組にして返す
    #      return the pair of slices of data_x and data_t from i up to (not including) i_end
    raise NotImplementedError("blank (い) in get_minibatch is not filled yet")


def iterate_minibatches(data_x, data_t, batch_size, shuffle=True, rng=None):
    """1 エポック分のミニバッチ (x_batch, t_batch) を順に返す (shuffle=True なら rng で並べ替える)。
    Yields one epoch of mini-batches (x_batch, t_batch), in an order drawn from rng when shuffle=True."""
    index = np.arange(len(data_x))
    if shuffle:
        if rng is None:
            rng = np.random.default_rng()
        # (う) rng.permutation で index を並べ替えた配列を index に入れ直す
        #      replace index with a permutation of it drawn with rng.permutation
        raise NotImplementedError("blank (う) in iterate_minibatches is not filled yet")
    for i in range(0, len(data_x), batch_size):
        # (え) batch_mask に index の i から i + batch_size の手前までのスライスを入れる
        #      set batch_mask to the slice of index from i up to (not including) i + batch_size
        raise NotImplementedError("blank (え) in iterate_minibatches is not filled yet")
        yield data_x[batch_mask], data_t[batch_mask]
