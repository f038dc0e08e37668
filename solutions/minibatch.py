"""ミニバッチの切り出し (講座の例題チャレンジ: data_x[i:i_end], data_t[i:i_end])。
Mini-batch slicing, as in the course's exercise challenge: data_x[i:i_end], data_t[i:i_end]."""
import numpy as np


def get_minibatch(data_x, data_t, i, batch_size):
    """i 番目から batch_size 個のミニバッチ: (data_x[i:i_end], data_t[i:i_end])。
    The mini-batch of batch_size samples from i: (data_x[i:i_end], data_t[i:i_end])."""
    ### BEGIN BLANK id=end
    ### ja: ミニバッチの終わりの位置 i_end を求める: 番号 i から数えて batch_size 個のサンプルのすぐ後の位置 (その位置自体はバッチに入らない)
    ### en: find the mini-batch's end position i_end: the position just after the batch_size samples counted from i (that position itself is not in the batch)
    ### hint 1 ja: ミニバッチ学習では、データを batch_size 個ずつ区切って順に使います。i はこのバッチの最初のサンプルの番号です。
    ### hint 1 en: Mini-batch learning uses the data batch_size samples at a time; i is the number of this batch's first sample.
    ### hint 2 ja: Python のスライスは終わりの位置を含まないので、+1 も −1 も要りません。最後のバッチで i_end がデータ数を超えても、スライスが配列の終わりで止まります。
    ### hint 2 en: A Python slice excludes its end, so neither +1 nor −1 is needed; if i_end passes the data's length at the last batch, the slice simply stops at the end.
    ### hint 3 ja: NumPy は要りません: i と batch_size はどちらも整数で、足し算 1 つです。
    ### hint 3 en: No NumPy here: i and batch_size are both integers, and one addition does it.
    i_end = i + batch_size
    ### END BLANK
    ### BEGIN BLANK id=slice
    ### ja: サンプル i から i_end − 1 までの入力と教師信号を、(入力のバッチ, 教師信号のバッチ) の組で返す。入力と教師信号は同じ行どうしが対応したまま
    ### en: return the inputs and teacher signals of samples i to i_end − 1 as the pair (input batch, teacher-signal batch), each input still beside its own teacher signal
    ### hint 1 ja: ミニバッチは、入力 x と教師信号 t から同じサンプルを切り出したものです。対応がずれると、間違った答えで学習してしまいます。
    ### hint 1 en: A mini-batch cuts the same samples out of the inputs x and the teacher signals t; if they fall out of step, the network learns from the wrong answers.
    ### hint 2 ja: 返す順番は入力が先、教師信号が後です。範囲は i から i_end の手前まで (終わりは含まない) で、最後のバッチは短くなってかまいません。
    ### hint 2 en: Return the inputs first, then the teacher signals; the range runs from i up to but not including i_end, and the last batch may be shorter.
    ### hint 3 ja: 配列のスライス data_x[開始:終了] は先頭の軸 (サンプル) で切り出します。2 つの値をカンマで並べて返せば組 (タプル) になります。
    ### hint 3 en: A slice data_x[start:stop] cuts along the first axis (the samples); returning two values separated by a comma makes the pair (a tuple).
    return data_x[i:i_end], data_t[i:i_end]
    ### END BLANK


def iterate_minibatches(data_x, data_t, batch_size, shuffle=True, rng=None):
    """1 エポック分のミニバッチ (x_batch, t_batch) を順に返す (shuffle=True なら rng で並べ替える)。
    Yields one epoch of mini-batches (x_batch, t_batch), in an order drawn from rng when shuffle=True."""
    index = np.arange(len(data_x))
    if shuffle:
        if rng is None:
            rng = np.random.default_rng()
        ### BEGIN BLANK id=shuffle
        ### ja: index を、サンプル番号 0 … N−1 をちょうど 1 回ずつ含み、与えられた rng から引いた順に並べ替えたものにする (同じシードなら同じ順番)
        ### en: make index hold the sample numbers 0 … N−1, each exactly once, in an order drawn from the given rng (the same seed gives the same order)
        ### hint 1 ja: エポックごとにサンプルの順番を混ぜると、ミニバッチの偏りが減って確率的勾配降下法がうまく働きます。並べ替えるのはデータそのものではなく番号の列です。
        ### hint 1 en: Shuffling the samples every epoch keeps mini-batches from being biased, which is what makes stochastic gradient descent work; it is the list of sample numbers that is shuffled, not the data.
        ### hint 2 ja: 乱数は引数の rng から引きます (NumPy のグローバルな乱数を使うと、同じシードで同じ順番になりません)。入力と教師信号を別々に混ぜると対応が崩れるので、番号の列を 1 つだけ並べ替えます。
        ### hint 2 en: Draw from the rng argument (NumPy's global random functions would not follow the seed). Shuffling inputs and teacher signals separately breaks their pairing, so shuffle one list of numbers only.
        ### hint 3 ja: Generator の rng.permutation(配列) は、その配列を並べ替えた新しい配列を返します (rng.shuffle はその場で並べ替えるほう)。
        ### hint 3 en: A Generator's rng.permutation(array) returns a shuffled copy of the array (rng.shuffle is the one that reorders in place).
        index = rng.permutation(index)
        ### END BLANK
    for i in range(0, len(data_x), batch_size):
        ### BEGIN BLANK id=batch_mask
        ### ja: batch_mask を、並べ替えた番号の列 index の位置 i から i + batch_size − 1 までの番号にする (最後のバッチは短くてよい)
        ### en: make batch_mask the sample numbers at positions i to i + batch_size − 1 of the shuffled list index (the last batch may be shorter)
        ### hint 1 ja: 番号の列を batch_size 個ずつ区切ると、1 エポックの間に全サンプルがちょうど 1 回ずつ現れます。
        ### hint 1 en: Cutting the list of numbers into pieces of batch_size makes every sample appear exactly once per epoch.
        ### hint 2 ja: 切り出すのはデータではなく index です。次の行がこの番号で入力と教師信号を同じように取り出すので、対応が保たれます。最後の短いバッチも捨てません。
        ### hint 2 en: Cut index, not the data: the next line uses these numbers to pick the inputs and the teacher signals alike, which keeps them paired. Keep the last, shorter batch.
        ### hint 3 ja: index のスライスで書けます。終わりがデータ数を超えても、スライスは配列の終わりで止まります。
        ### hint 3 en: A slice of index does it; a stop past the end of the array simply stops at the end.
        batch_mask = index[i:i + batch_size]
        ### END BLANK
        yield data_x[batch_mask], data_t[batch_mask]
