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
        ### BEGIN BLANK id=mask
        ### ja: mask を作る: x の要素が 0 以下 (ちょうど 0 も含む) の位置で真、それ以外で偽になる、x と同じ形の真偽値の配列
        ### en: build mask: booleans shaped like x, true where the element of x is 0 or less (exactly 0 included), false elsewhere
        ### hint 1 ja: ReLU は x > 0 で傾き 1、x ≤ 0 で傾き 0。傾き 0 になる位置を順伝播のうちに覚えておけば、逆伝播でそのまま使える
        ### hint 1 en: ReLU has slope 1 where x > 0 and slope 0 where x ≤ 0; remembering during the forward pass where the slope is 0 lets backward reuse it
        ### hint 2 ja: 境界の x = 0 は「通さない」側に入れる (勾配 0)。x < 0 だけを覚えると、ちょうど 0 の入力で勾配が漏れる
        ### hint 2 en: the boundary x = 0 belongs to the side that blocks (gradient 0); remembering only x < 0 leaks gradient through inputs of exactly 0
        ### hint 3 ja: 配列と数の比較 (x <= 0) は要素ごとの真偽値の配列になる
        ### hint 3 en: comparing an array with a number (x <= 0) gives an element-wise boolean array
        self.mask = (x <= 0)
        ### END BLANK
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        """順伝播で x ≤ 0 だった位置の勾配を 0 にして返す (dout は書き換えてよい)。
        Returns dout with the gradient set to 0 where x ≤ 0 in the forward pass (dout may be changed)."""
        ### BEGIN BLANK id=mask_dout
        ### ja: 順伝播で覚えた mask が真の位置で dout を 0 にする (それ以外の位置の dout はそのまま下流へ流す)
        ### en: set dout to 0 where the mask remembered by forward is true (elsewhere dout flows downstream unchanged)
        ### hint 1 ja: 逆伝播では上流の勾配に局所的な微分を掛ける。ReLU の微分は x > 0 で 1、x ≤ 0 で 0 なので、掛け算は「0 にする」か「そのまま」になる
        ### hint 1 en: backpropagation multiplies the upstream gradient by the local derivative; ReLU's is 1 where x > 0 and 0 where x ≤ 0, so the product is either "set to 0" or "unchanged"
        ### hint 2 ja: 使うのは backward に渡された x ではなく、最後の forward が覚えた mask (dout と同じ形)。backward で x を見直す必要はない
        ### hint 2 en: use the mask that the last forward remembered (shaped like dout), not a fresh look at x; backward has no x of its own
        ### hint 3 ja: 真偽値の配列で添字を付けて代入すると、真の位置だけが書き換わる (ブールインデックス)
        ### hint 3 en: assigning through a boolean array used as an index changes only the positions where it is true (boolean indexing)
        dout[self.mask] = 0
        ### END BLANK
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
        ### BEGIN BLANK id=dx
        ### ja: dx を計算する: dout に σ の微分 y·(1 − y) を要素ごとに掛ける。y は順伝播で覚えた出力 out
        ### en: compute dx: dout multiplied element-wise by the sigmoid's derivative y·(1 − y), where y is the output out remembered by forward
        ### hint 1 ja: σ'(u) = (1 − σ(u))·σ(u)。σ(u) は順伝播ですでに計算した出力 y そのものなので、微分は y だけで書ける
        ### hint 1 en: σ'(u) = (1 − σ(u))·σ(u), and σ(u) is exactly the output y already computed by forward, so the derivative needs only y
        ### hint 2 ja: ここで使うのは出力 y であって入力 x ではない。x から計算するなら σ をもう一度通す必要があり、x·(1 − x) は誤り
        ### hint 2 en: the quantity here is the output y, not the input x; from x you would have to apply σ again, and x·(1 − x) is wrong
        ### hint 3 ja: self.out (y) と dout の要素ごとの積 (*) だけで書ける。行列積ではない
        ### hint 3 en: element-wise products (*) of dout and self.out (y) are all it takes; no matrix product
        dx = dout * (1.0 - self.out) * self.out
        ### END BLANK
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
        ### BEGIN BLANK id=dx
        ### ja: 入力への勾配 dx を計算する: dout (N, M) と Wᵀ (M, D) の行列積で、形は (N, D)
        ### en: compute the gradient dx with respect to the input: the matrix product of dout (N, M) and Wᵀ (M, D), shaped (N, D)
        ### hint 1 ja: 順伝播 y = x·W + b で x が W に掛かっているので、誤差逆伝播では dout に W の転置を掛けて x 側へ戻す
        ### hint 1 en: in the forward y = x·W + b, x is multiplied by W, so backpropagation carries dout back to x through the transpose of W
        ### hint 2 ja: 形で確かめる: dout は (N, M)、W は (D, M)。(N, D) になる組み合わせは dout·Wᵀ だけで、W·doutᵀ などは形が合わない
        ### hint 2 en: check by shapes: dout is (N, M) and W is (D, M); the only product giving (N, D) is dout·Wᵀ (W·doutᵀ and others do not fit)
        ### hint 3 ja: 行列積は np.dot (または @)、転置は .T
        ### hint 3 en: the matrix product is np.dot (or @), the transpose is .T
        dx = np.dot(dout, self.W.T)
        ### END BLANK
        ### BEGIN BLANK id=dw_db
        ### ja: 重みの勾配 dW として xᵀ·dout (W と同じ形 (D, M)) を、バイアスの勾配 db としてバッチの全サンプルについての dout の総和 (形 (M,)) を求めて保存する
        ### en: store the weight gradient dW, which is xᵀ·dout (shaped like W, (D, M)), and the bias gradient db, the sum of dout over all samples of the batch (shape (M,))
        ### hint 1 ja: W はバッチの全サンプルで共有されるので、各サンプルの寄与 x_nᵀ·dout_n を足し合わせたものが勾配になる。b も同じく全サンプルで足し合わせる
        ### hint 1 en: W is shared by every sample of the batch, so its gradient adds up each sample's contribution x_nᵀ·dout_n; b's gradient adds up over the samples too
        ### hint 2 ja: x は forward で覚えた平らな (N, D)。dout·xᵀ は (M, D) で転置した形になり、db をサンプルで足さないと形が (N, M) のままになる
        ### hint 2 en: x is the flat (N, D) kept by forward; dout·xᵀ comes out (M, D), the transposed shape, and a db not summed over the samples stays (N, M)
        ### hint 3 ja: dW は np.dot と .T、db はバッチの軸 (0) についての np.sum
        ### hint 3 en: dW with np.dot and .T; db with np.sum over the batch axis (0)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        ### END BLANK
        ### BEGIN BLANK id=reshape_dx
        ### ja: dx を順伝播に入ってきた元の x の形 (4 次元の特徴マップなら (N, C, H, W)) に戻す
        ### en: give dx back the shape of the original x that entered forward ((N, C, H, W) for a feature map of 4 dimensions)
        ### hint 1 ja: 逆伝播で返す勾配は、順伝播で受け取った入力と同じ形でなければ前のレイヤ (畳み込みやプーリング) に渡せない
        ### hint 1 en: the gradient handed back must have the shape of the input forward received, or the previous layer (a convolution, a pooling) cannot take it
        ### hint 2 ja: dx は今 (N, D) で、D = C·H·W。forward が覚えた original_x_shape を使う。2 次元入力ならこの操作で形は変わらない
        ### hint 2 en: dx is (N, D) now with D = C·H·W; use original_x_shape, which forward remembered; for a 2-D input the shape stays the same
        ### hint 3 ja: 配列の reshape メソッドにタプルの形を渡す (* で展開してもよい)
        ### hint 3 en: the array's reshape method takes the shape tuple (unpacked with * or as it is)
        dx = dx.reshape(*self.original_x_shape)
        ### END BLANK
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
            ### BEGIN BLANK id=dx_one_hot
            ### ja: dx を計算する: softmax の出力 y と教師信号 d の差をバッチサイズ batch_size で割る
            ### en: compute dx: the difference between the softmax output y and the teacher signal d, divided by batch_size
            ### hint 1 ja: ソフトマックスと交差エントロピーを合わせた微分は y − d という簡単な形になる。誤差はバッチの平均なので、その分だけ割る
            ### hint 1 en: the derivative of softmax and cross entropy together is simply y − d; the error is a batch mean, so divide accordingly
            ### hint 2 ja: y も d も (N, クラス数)。バッチサイズで割り忘れると勾配が N 倍になり、学習率が実質 N 倍になる
            ### hint 2 en: y and d are both (N, number of classes); forgetting the division by the batch size makes the gradient N times too large, like an N-fold learning rate
            ### hint 3 ja: 配列どうしの引き算と数での割り算だけで書ける (self.y と self.d)
            ### hint 3 en: an array subtraction and a division by a number are all it takes (self.y and self.d)
            dx = (self.y - self.d) / batch_size
            ### END BLANK
        else:  # 教師データがラベル (クラス番号) の場合
            dx = self.y.copy()
            ### BEGIN BLANK id=dx_labels
            ### ja: 各サンプル n の正解クラス d_n の位置で dx から 1 を引き (one-hot の d を引くのと同じ)、全体をバッチサイズで割る
            ### en: subtract 1 from dx at each sample n's correct class d_n (the same as subtracting a one-hot d), then divide everything by the batch size
            ### hint 1 ja: one-hot の d は正解クラスだけが 1 なので、y − d は「y の正解クラスの位置から 1 を引いたもの」と同じになる
            ### hint 1 en: a one-hot d is 1 only at the correct class, so y − d equals y with 1 subtracted at the correct class
            ### hint 2 ja: 引く位置はサンプルごとに 1 つ: 行 n、列 d_n。行全体や列全体から引かない。割り算は引いた後に全体へ
            ### hint 2 en: one position per sample, row n and column d_n; not a whole row or column; divide the whole array after subtracting
            ### hint 3 ja: 行番号の配列 np.arange(batch_size) と列番号の配列 self.d を組にした添字 (ファンシーインデックス) で -= する
            ### hint 3 en: index with a pair of arrays, the row numbers np.arange(batch_size) and the columns self.d (fancy indexing), and use -=
            dx[np.arange(batch_size), self.d] -= 1
            dx = dx / batch_size
            ### END BLANK
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
            ### BEGIN BLANK id=mask
            ### ja: mask を作る: x と同じ形で、各要素が確率 1 − dropout_ratio で真 (残す)、確率 dropout_ratio で偽 (消す) になる乱数の真偽値配列
            ### en: build mask: random booleans shaped like x whose elements are true (kept) with probability 1 − dropout_ratio and false (dropped) with probability dropout_ratio
            ### hint 1 ja: ドロップアウトは学習のたびにランダムにノードを消し、毎回違う小さなネットワークを学習させることで過学習を抑える
            ### hint 1 en: dropout removes random nodes at every training step, training a different smaller network each time, which holds back overfitting
            ### hint 2 ja: [0, 1) の一様乱数 r が dropout_ratio より大きい確率は 1 − dropout_ratio。比較の向きを逆にすると消す割合と残す割合が入れ替わる
            ### hint 2 en: a uniform random number r in [0, 1) exceeds dropout_ratio with probability 1 − dropout_ratio; the opposite comparison swaps the dropped and the kept shares
            ### hint 3 ja: np.random.rand(*x.shape) が x と同じ形の一様乱数を返す。数との比較で真偽値の配列になる
            ### hint 3 en: np.random.rand(*x.shape) returns uniform random numbers shaped like x; comparing them with a number gives a boolean array
            self.mask = np.random.rand(*x.shape) > self.dropout_ratio
            ### END BLANK
            return x * self.mask
        else:
            ### BEGIN BLANK id=test_output
            ### ja: テスト時の出力を返す: マスクは使わず、x を残す割合 (1 − dropout_ratio) 倍する
            ### en: return the test-time output: no mask, x scaled by the kept share (1 − dropout_ratio)
            ### hint 1 ja: 学習時は平均して (1 − dropout_ratio) の割合のノードしか出力しない。テスト時は全ノードを使うので、出力の大きさを学習時の期待値にそろえる
            ### hint 1 en: in training only a (1 − dropout_ratio) share of the nodes passes on average; at test time every node is used, so scale the output to the training-time expectation
            ### hint 2 ja: 講座の形では学習時に割り算をしない (x·mask のまま)。その代わりにテスト時に掛ける。x をそのまま返すのは「学習時に 1/(1 − dropout_ratio) 倍する」別の方式 (inverted dropout) の場合
            ### hint 2 en: the course's form does not divide in training (x·mask as it is) and multiplies at test time instead; returning x unchanged belongs to the other form, inverted dropout, which scales by 1/(1 − dropout_ratio) in training
            ### hint 3 ja: 配列 x と数 (1.0 − self.dropout_ratio) の掛け算
            ### hint 3 en: multiply the array x by the number (1.0 − self.dropout_ratio)
            return x * (1.0 - self.dropout_ratio)
            ### END BLANK

    def backward(self, dout):
        """最後の学習時の forward と同じマスクで勾配を通す: dx = dout·mask。
        Lets the gradient through with the mask of the last training forward: dx = dout·mask."""
        ### BEGIN BLANK id=dx
        ### ja: 最後の学習時の順伝播で作った mask を dout に掛けて返す (消したノードには勾配を流さない)
        ### en: return dout multiplied by the mask made in the last training forward (no gradient flows to the dropped nodes)
        ### hint 1 ja: 順伝播で出力を消したノードは誤差にも影響していないので、逆伝播でもそのノードの勾配は 0
        ### hint 1 en: a node dropped in the forward pass had no influence on the error, so its gradient is 0 in the backward pass too
        ### hint 2 ja: backward で新しい乱数を引くと、順伝播とは違うノードを消してしまう。使うのは forward が覚えた mask (dout と同じ形)
        ### hint 2 en: drawing new random numbers in backward drops other nodes than the forward did; use the mask forward remembered (shaped like dout)
        ### hint 3 ja: 真偽値の配列との掛け算は、真を 1、偽を 0 として計算される
        ### hint 3 en: multiplying by a boolean array counts true as 1 and false as 0
        return dout * self.mask
        ### END BLANK
