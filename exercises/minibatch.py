# この演習は solutions/minibatch.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (え) を埋めて、`grader check` で採点してください。行き詰まったら `grader hint トピック名`。
# Generated from solutions/minibatch.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (え) and check your work with `grader check`; stuck? `grader hint TOPIC`.
"""ミニバッチの切り出し (講座の例題チャレンジ: data_x[i:i_end], data_t[i:i_end])。
Mini-batch slicing, as in the course's exercise challenge: data_x[i:i_end], data_t[i:i_end]."""
import numpy as np


def get_minibatch(data_x, data_t, i, batch_size):
    """i 番目から batch_size 個のミニバッチ: (data_x[i:i_end], data_t[i:i_end])。
    The mini-batch of batch_size samples from i: (data_x[i:i_end], data_t[i:i_end])."""
    # (あ) ミニバッチの終わりの位置 i_end を求める: 番号 i から数えて batch_size 個のサンプルのすぐ後の位置 (その位置自体はバッチに入らない)
    #      find the mini-batch's end position i_end: the position just after the batch_size samples counted from i (that position itself is not in the batch)
    raise NotImplementedError("blank (あ) in get_minibatch is not filled yet")
    # (い) サンプル i から i_end − 1 までの入力と教師信号を、(入力のバッチ, 教師信号のバッチ) の組で返す。入力と教師信号は同じ行どうしが対応したまま
    #      return the inputs and teacher signals of samples i to i_end − 1 as the pair (input batch, teacher-signal batch), each input still beside its own teacher signal
    raise NotImplementedError("blank (い) in get_minibatch is not filled yet")


def iterate_minibatches(data_x, data_t, batch_size, shuffle=True, rng=None):
    """1 エポック分のミニバッチ (x_batch, t_batch) を順に返す (shuffle=True なら rng で並べ替える)。
    Yields one epoch of mini-batches (x_batch, t_batch), in an order drawn from rng when shuffle=True."""
    index = np.arange(len(data_x))
    if shuffle:
        if rng is None:
            rng = np.random.default_rng()
        # (う) index を、サンプル番号 0 … N−1 をちょうど 1 回ずつ含み、与えられた rng から引いた順に並べ替えたものにする (同じシードなら同じ順番)
        #      make index hold the sample numbers 0 … N−1, each exactly once, in an order drawn from the given rng (the same seed gives the same order)
        raise NotImplementedError("blank (う) in iterate_minibatches is not filled yet")
    for i in range(0, len(data_x), batch_size):
        # (え) batch_mask を、並べ替えた番号の列 index の位置 i から i + batch_size − 1 までの番号にする (最後のバッチは短くてよい)
        #      make batch_mask the sample numbers at positions i to i + batch_size − 1 of the shuffled list index (the last batch may be shorter)
        raise NotImplementedError("blank (え) in iterate_minibatches is not filled yet")
        yield data_x[batch_mask], data_t[batch_mask]
