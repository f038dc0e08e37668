# この演習は solutions/layers.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (さ) を埋めて、`grader check` で採点してください。行き詰まったら `grader hint トピック名`。
# Generated from solutions/layers.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (さ) and check your work with `grader check`; stuck? `grader hint TOPIC`.
"""計算グラフのレイヤ: Relu・Sigmoid・Affine・SoftmaxWithLoss・Dropout (講座の common/layers.py にならう)。
Layers of the computational graph: Relu, Sigmoid, Affine, SoftmaxWithLoss and Dropout, after the course's common/layers.py.

各レイヤは forward で backward に必要なものを覚えておき、backward は上流から来た勾配 dout に
自分の局所的な微分を掛けて下流へ返す (誤差逆伝播)。
Each layer's forward keeps what its backward needs; backward multiplies the upstream gradient
dout by the layer's local derivative and passes it downstream (backpropagation).
"""
import numpy as np

from functions import cross_entropy_error, sigmoid, softmax


class Relu:
    """ReLU レイヤ: forward は max(0, x)、backward は x > 0 の所だけ dout を通す。
    ReLU layer: forward is max(0, x); backward lets dout through only where x > 0."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        """x ≤ 0 の位置を mask に覚え、そこを 0 にした x のコピーを返す。
        Remembers where x ≤ 0 in mask and returns a copy of x that is 0 there."""
        # (あ) mask を作る: x の要素が 0 以下 (ちょうど 0 も含む) の位置で真、それ以外で偽になる、x と同じ形の真偽値の配列
        #      build mask: booleans shaped like x, true where the element of x is 0 or less (exactly 0 included), false elsewhere
        raise NotImplementedError("blank (あ) in Relu.forward is not filled yet")
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        """順伝播で x ≤ 0 だった位置の勾配を 0 にして返す (dout は書き換えてよい)。
        Returns dout with the gradient set to 0 where x ≤ 0 in the forward pass (dout may be changed)."""
        # (い) 順伝播で覚えた mask が真の位置で dout を 0 にする (それ以外の位置の dout はそのまま下流へ流す)
        #      set dout to 0 where the mask remembered by forward is true (elsewhere dout flows downstream unchanged)
        raise NotImplementedError("blank (い) in Relu.backward is not filled yet")
        dx = dout
        return dx


class Sigmoid:
    """シグモイドレイヤ: forward は σ(x)、backward は dout·y·(1 − y) (y は forward の出力)。
    Sigmoid layer: forward is σ(x); backward is dout·y·(1 − y), with y the forward output."""

    def __init__(self):
        self.out = None

    def forward(self, x):
        """σ(x) を計算し、逆伝播のために出力を out に覚える。
        Computes σ(x) and keeps the output in out for the backward pass."""
        out = sigmoid(x)
        self.out = out
        return out

    def backward(self, dout):
        """dx = dout·y·(1 − y)、y は順伝播で覚えた出力。
        dx = dout·y·(1 − y), where y is the output remembered by forward."""
        # (う) dx を計算する: dout に σ の微分 y·(1 − y) を要素ごとに掛ける。y は順伝播で覚えた出力 out
        #      compute dx: dout multiplied element-wise by the sigmoid's derivative y·(1 − y), where y is the output out remembered by forward
        raise NotImplementedError("blank (う) in Sigmoid.backward is not filled yet")
        return dx


class Affine:
    """全結合 (Affine) レイヤ: forward は x·W + b、backward は dx・dW・db を求める。
    Affine (fully connected) layer: forward is x·W + b; backward computes dx, dW and db."""

    def __init__(self, W, b):
        self.W = W  # 参照を持つ (コピーしない): 学習で W が更新されるとこのレイヤも新しい値を使う
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        """x を (N, −1) に平らにして x·W + b を返す (4 次元の特徴マップにも対応)。
        Flattens x to (N, −1) and returns x·W + b (feature maps of 4 dimensions included)."""
        # テンソル対応: (N, C, H, W) の特徴マップも 1 サンプル 1 行にする
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.x = x
        out = np.dot(self.x, self.W) + self.b
        return out

    def backward(self, dout):
        """dx = dout·Wᵀ (元の x の形に戻す)、dW = xᵀ·dout、db = バッチについての dout の総和。
        dx = dout·Wᵀ (back in the shape of the original x), dW = xᵀ·dout, db = Σ of dout over the batch."""
        # (え) 入力への勾配 dx を計算する: dout (N, M) と Wᵀ (M, D) の行列積で、形は (N, D)
        #      compute the gradient dx with respect to the input: the matrix product of dout (N, M) and Wᵀ (M, D), shaped (N, D)
        raise NotImplementedError("blank (え) in Affine.backward is not filled yet")
        # (お) 重みの勾配 dW として xᵀ·dout (W と同じ形 (D, M)) を、バイアスの勾配 db としてバッチの全サンプルについての dout の総和 (形 (M,)) を求めて保存する
        #      store the weight gradient dW, which is xᵀ·dout (shaped like W, (D, M)), and the bias gradient db, the sum of dout over all samples of the batch (shape (M,))
        raise NotImplementedError("blank (お) in Affine.backward is not filled yet")
        # (か) dx を順伝播に入ってきた元の x の形 (4 次元の特徴マップなら (N, C, H, W)) に戻す
        #      give dx back the shape of the original x that entered forward ((N, C, H, W) for a feature map of 4 dimensions)
        raise NotImplementedError("blank (か) in Affine.backward is not filled yet")
        return dx


class SoftmaxWithLoss:
    """ソフトマックス関数と交差エントロピー誤差をまとめたレイヤ: backward は (y − d) / バッチサイズ。
    Softmax followed by the cross-entropy error as one layer: backward is (y − d) / batch size."""

    def __init__(self):
        self.loss = None
        self.y = None  # softmax の出力
        self.d = None  # 教師データ (one-hot またはラベル)

    def forward(self, x, d):
        """y = softmax(x) とし、d に対する交差エントロピー誤差を返す。
        Lets y = softmax(x) and returns its cross-entropy error against d."""
        self.d = d
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.d, self.y)
        return self.loss

    def backward(self, dout=1):
        """dx = (y − d) / バッチサイズ (d がラベルなら、各サンプルの正解クラスで 1 を引く)。
        dx = (y − d) / batch size (for labels, subtract 1 at each sample's class)."""
        batch_size = self.d.shape[0]
        if self.d.size == self.y.size:  # 教師データが one-hot ベクトルの場合
            # (き) dx を計算する: softmax の出力 y と教師信号 d の差をバッチサイズ batch_size で割る
            #      compute dx: the difference between the softmax output y and the teacher signal d, divided by batch_size
            raise NotImplementedError("blank (き) in SoftmaxWithLoss.backward is not filled yet")
        else:  # 教師データがラベル (クラス番号) の場合
            dx = self.y.copy()
            # (く) 各サンプル n の正解クラス d_n の位置で dx から 1 を引き (one-hot の d を引くのと同じ)、全体をバッチサイズで割る
            #      subtract 1 from dx at each sample n's correct class d_n (the same as subtracting a one-hot d), then divide everything by the batch size
            raise NotImplementedError("blank (く) in SoftmaxWithLoss.backward is not filled yet")
        return dx


class Dropout:
    """ドロップアウト (講座の形): 学習時はランダムなマスクで出力を 0 にし、テスト時は (1 − dropout_ratio) 倍する。
    Dropout (the course's form): training zeroes outputs by a random mask; test time scales by (1 − dropout_ratio).

    マスクは np.random から引くので、np.random.seed で再現できる。
    The mask is drawn from np.random, so np.random.seed reproduces it."""

    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        """学習時 (train_flg が真) は x·mask、テスト時は x·(1 − dropout_ratio) を返す。
        Returns x·mask in training (train_flg true) and x·(1 − dropout_ratio) at test time."""
        if train_flg:
            # (け) mask を作る: x と同じ形で、各要素が確率 1 − dropout_ratio で真 (残す)、確率 dropout_ratio で偽 (消す) になる乱数の真偽値配列
            #      build mask: random booleans shaped like x whose elements are true (kept) with probability 1 − dropout_ratio and false (dropped) with probability dropout_ratio
            raise NotImplementedError("blank (け) in Dropout.forward is not filled yet")
            return x * self.mask
        else:
            # (こ) テスト時の出力を返す: マスクは使わず、x を残す割合 (1 − dropout_ratio) 倍する
            #      return the test-time output: no mask, x scaled by the kept share (1 − dropout_ratio)
            raise NotImplementedError("blank (こ) in Dropout.forward is not filled yet")

    def backward(self, dout):
        """最後の学習時の forward と同じマスクで勾配を通す: dx = dout·mask。
        Lets the gradient through with the mask of the last training forward: dx = dout·mask."""
        # (さ) 最後の学習時の順伝播で作った mask を dout に掛けて返す (消したノードには勾配を流さない)
        #      return dout multiplied by the mask made in the last training forward (no gradient flows to the dropped nodes)
        raise NotImplementedError("blank (さ) in Dropout.backward is not filled yet")
