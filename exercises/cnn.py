# この演習は solutions/cnn.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (し) を埋めて、`grader check` で採点してください。行き詰まったら `grader hint トピック名`。
# Generated from solutions/cnn.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (し) and check your work with `grader check`; stuck? `grader hint TOPIC`.
"""畳み込みニューラルネットワーク: im2col・col2im と、畳み込み層 Convolution・最大プーリング層 Pooling
(講座の common/util.py と common/layers.py にならう)。
Convolutional networks: im2col, col2im, the convolution layer Convolution and the max-pooling layer
Pooling, after the course's common/util.py and common/layers.py.

画像は (N, C, H, W) = (サンプル数, チャンネル数, 高さ, 幅)、フィルタは (FN, C, FH, FW)。
Images are (N, C, H, W) = (samples, channels, height, width); filters are (FN, C, FH, FW).
"""
import numpy as np


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    """出力サイズ: (入力 + 2·パディング − フィルタ) / ストライド + 1 (切り捨て)。
    Output size: (input + 2·padding − filter) / stride + 1, rounded down."""
    # (あ) 出力の大きさを返す: ⌊(input_size + 2·pad − filter_size) / stride⌋ + 1 (整数)
    #      return the output size: ⌊(input_size + 2·pad − filter_size) / stride⌋ + 1 (an integer)
    raise NotImplementedError("blank (あ) in conv_output_size is not filled yet")


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """(N, C, H, W) の画像を、フィルタを当てる窓ごとに 1 行に並べた 2 次元配列
    (N·out_h·out_w, C·filter_h·filter_w) にする。行 n·out_h·out_w + i·out_w + j が位置 (i, j) の窓。
    Lays out each filter window of the (N, C, H, W) images as one row of a 2-D array
    (N·out_h·out_w, C·filter_h·filter_w); row n·out_h·out_w + i·out_w + j is the window at (i, j)."""
    N, C, H, W = input_data.shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)

    # (い) img を作る: input_data の高さと幅の両側に pad 個ずつ 0 を詰めた画像 (サンプルとチャンネルの次元には詰めない)
    #      build img: input_data with pad entries of 0 added on both sides of its height and its width (none on the sample and channel dimensions)
    raise NotImplementedError("blank (い) in im2col is not filled yet")
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w))

    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            # (う) フィルタ内の位置 (y, x) に重なる画素を、全出力位置 (i, j) についてまとめて col の (y, x) の所に入れる: 出力 (i, j) には img の (y + stride·i, x + stride·j) の画素が重なる
            #      store in col at filter position (y, x) the pixels under it for every output position (i, j) at once: output (i, j) lies over the pixel (y + stride·i, x + stride·j) of img
            raise NotImplementedError("blank (う) in im2col is not filled yet")

    # (え) col を 2 次元に並べ直す: 行は (サンプル n, 出力位置 i, j) の順、列は (チャンネル c, フィルタ内の位置 y, x) の順で、形は (N·out_h·out_w, C·filter_h·filter_w)
    #      lay col out in two dimensions: rows ordered by (sample n, output position i, j), columns by (channel c, filter position y, x), shaped (N·out_h·out_w, C·filter_h·filter_w)
    raise NotImplementedError("blank (え) in im2col is not filled yet")
    return col


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """im2col の逆向き (随伴): col の各行を画像の元の位置に足し戻し、パディングを除いた (N, C, H, W) を返す。
    The reverse (adjoint) of im2col: adds each row of col back at its place in the image and returns
    the (N, C, H, W) result without the padding."""
    N, C, H, W = input_shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)

    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1))
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            # (お) col のフィルタ位置 (y, x) の値を、im2col が取り出したのと同じ img の画素 (y + stride·i, x + stride·j) に足し込む (代入ではなく加算)
            #      add the values of col at filter position (y, x) onto the same pixels (y + stride·i, x + stride·j) of img that im2col took them from (an addition, not an assignment)
            raise NotImplementedError("blank (お) in col2im is not filled yet")

    return img[:, :, pad:H + pad, pad:W + pad]


class Convolution:
    """畳み込み層: フィルタ W (FN, C, FH, FW) との相互相関にバイアス b (FN,) を足す (フィルタは反転しない)。
    Convolution layer: the cross-correlation with the filters W (FN, C, FH, FW) plus the bias b (FN,), no kernel flip."""

    def __init__(self, W, b, stride=1, pad=0):
        self.W = W  # 参照を持つ (コピーしない)
        self.b = b
        self.stride = stride
        self.pad = pad
        # 逆伝播で使う中間データ
        self.x = None
        self.col = None
        self.col_W = None
        # 重み・バイアスの勾配
        self.dW = None
        self.db = None

    def forward(self, x):
        """im2col で窓を行に並べ、平らにしたフィルタとの行列積で (N, FN, out_h, out_w) を返す。
        Lays the windows out as rows with im2col and returns (N, FN, out_h, out_w) from one matrix product with the flattened filters."""
        FN, C, FH, FW = self.W.shape
        N, C, H, W = x.shape
        out_h = conv_output_size(H, FH, self.stride, self.pad)
        out_w = conv_output_size(W, FW, self.stride, self.pad)

        col = im2col(x, FH, FW, self.stride, self.pad)
        # (か) 各フィルタを 1 列に平らにした col_W (C·FH·FW, FN) を作り、窓の行 col との行列積に各フィルタのバイアス b を足した out (N·out_h·out_w, FN) を求める
        #      make col_W (C·FH·FW, FN), each filter flattened into one column, and compute out (N·out_h·out_w, FN): the matrix product of the window rows col and col_W plus each filter's bias b
        raise NotImplementedError("blank (か) in Convolution.forward is not filled yet")
        # (き) out を (N, FN, out_h, out_w) の形に直す: 行は (n, i, j) の順、列はフィルタなので、一度 (N, out_h, out_w, FN) にしてからフィルタの次元を 2 番目へ移す
        #      bring out into the shape (N, FN, out_h, out_w): its rows run over (n, i, j) and its columns over the filters, so first make it (N, out_h, out_w, FN), then move the filter dimension to second place
        raise NotImplementedError("blank (き) in Convolution.forward is not filled yet")

        self.x = x
        self.col = col
        self.col_W = col_W
        return out

    def backward(self, dout):
        """dout (N, FN, out_h, out_w) から db・dW (W と同じ形) を保存し、dx (x と同じ形) を返す。
        From dout (N, FN, out_h, out_w), stores db and dW (shaped like W) and returns dx (shaped like x)."""
        FN, C, FH, FW = self.W.shape
        # (く) dout を順伝播の行列積の出力と同じ並び (N·out_h·out_w, FN) に戻す: 行は (n, i, j) の順、列はフィルタ
        #      bring dout back to the layout of the forward matrix product's output, (N·out_h·out_w, FN): rows over (n, i, j), columns over the filters
        raise NotImplementedError("blank (く) in Convolution.backward is not filled yet")
        # (け) バイアスの勾配 db (FN,) を全行 (全サンプル・全位置) についての dout の総和として、重みの勾配 dW を colᵀ·dout を W と同じ形 (FN, C, FH, FW) に直したものとして保存する
        #      store the bias gradient db (FN,), the sum of dout over all rows (every sample and position), and the weight gradient dW, colᵀ·dout brought into the shape of W (FN, C, FH, FW)
        raise NotImplementedError("blank (け) in Convolution.backward is not filled yet")
        # (こ) 窓の行への勾配 dcol として dout·col_Wᵀ (col と同じ形) を求め、col2im で画像の形に足し戻した dx を作る
        #      compute the gradient with respect to the window rows, dcol, which is dout·col_Wᵀ (shaped like col), and make dx by adding it back into image shape with col2im
        raise NotImplementedError("blank (こ) in Convolution.backward is not filled yet")
        return dx


class Pooling:
    """最大プーリング層: チャンネルごとに各窓の最大値を取り、逆伝播では勾配を最大値の位置にだけ流す。
    Max-pooling layer: the maximum of each window per channel; backward sends the gradient only to where the maximum was."""

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad
        self.x = None
        self.arg_max = None

    def forward(self, x):
        """(N, C, H, W) の各チャンネルの各窓の最大値を (N, C, out_h, out_w) で返す。
        Returns the maximum of each window of each channel of (N, C, H, W) as (N, C, out_h, out_w)."""
        N, C, H, W = x.shape
        out_h = conv_output_size(H, self.pool_h, self.stride, self.pad)
        out_w = conv_output_size(W, self.pool_w, self.stride, self.pad)

        # 1 行が (サンプル, 位置, チャンネル) の 1 つの窓になるように並べる
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
        col = col.reshape(-1, self.pool_h * self.pool_w)

        # (さ) 各行 (窓) で最大値の位置 arg_max (同じ値が複数あれば最初の位置) と最大値 out を求め、out を (N, C, out_h, out_w) に直す: 行は (n, i, j, c) の順に並んでいる
        #      find for each row (window) the position of its maximum, arg_max (the first one when several are equal), and the maximum out, then bring out into (N, C, out_h, out_w): the rows run over (n, i, j, c)
        raise NotImplementedError("blank (さ) in Pooling.forward is not filled yet")

        self.x = x
        self.arg_max = arg_max
        return out

    def backward(self, dout):
        """各 dout をその窓の最大値の位置 (arg_max) にだけ流し、col2im で重なった窓を足し合わせて dx を返す。
        Sends each dout only to the position of its window's maximum (arg_max), adds overlapping windows with col2im and returns dx."""
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size))
        # (し) dout を順伝播の行と同じ (n, i, j, c) の並びにし、dmax の各行 (窓) の arg_max の位置だけにその窓の dout を入れる (他の位置は 0 のまま)
        #      put dout in the same (n, i, j, c) order as the forward rows, and write each window's dout into its row of dmax only at the position arg_max (the other positions stay 0)
        raise NotImplementedError("blank (し) in Pooling.backward is not filled yet")
        dmax = dmax.reshape(dout.shape + (pool_size,))

        dcol = dmax.reshape(dmax.shape[0] * dmax.shape[1] * dmax.shape[2], -1)
        dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
        return dx
