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
    ### BEGIN BLANK id=output_size
    ### ja: 出力の大きさを返す: ⌊(input_size + 2·pad − filter_size) / stride⌋ + 1 (整数)
    ### en: return the output size: ⌊(input_size + 2·pad − filter_size) / stride⌋ + 1 (an integer)
    ### hint 1 ja: パディングで両端に pad ずつ広げた長さの上を、フィルタが stride ずつずれていく。置ける位置の数が出力の大きさ (確認テスト: 6×6 入力、2×2 フィルタ、ストライド 1、パディング 1 なら 7×7)
    ### hint 1 en: the filter moves by stride over the length widened by pad on both ends; the number of places it fits is the output size (the course's test: a 6×6 input, a 2×2 filter, stride 1 and padding 1 give 7×7)
    ### hint 2 ja: パディングは両側なので 2·pad。割り切れないときは端の余りを捨てるので切り捨て、+1 は最初の位置の分
    ### hint 2 en: padding is on both sides, hence 2·pad; when the division is not exact the leftover at the end is dropped (round down), and the +1 counts the first position
    ### hint 3 ja: 整数の切り捨て除算は // 演算子 (/ は小数を返す)
    ### hint 3 en: integer division rounding down is the // operator (/ gives a float)
    return (input_size + 2 * pad - filter_size) // stride + 1
    ### END BLANK


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """(N, C, H, W) の画像を、フィルタを当てる窓ごとに 1 行に並べた 2 次元配列
    (N·out_h·out_w, C·filter_h·filter_w) にする。行 n·out_h·out_w + i·out_w + j が位置 (i, j) の窓。
    Lays out each filter window of the (N, C, H, W) images as one row of a 2-D array
    (N·out_h·out_w, C·filter_h·filter_w); row n·out_h·out_w + i·out_w + j is the window at (i, j)."""
    N, C, H, W = input_data.shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)

    ### BEGIN BLANK id=pad
    ### ja: img を作る: input_data の高さと幅の両側に pad 個ずつ 0 を詰めた画像 (サンプルとチャンネルの次元には詰めない)
    ### en: build img: input_data with pad entries of 0 added on both sides of its height and its width (none on the sample and channel dimensions)
    ### hint 1 ja: パディングは画像の周りを 0 で囲み、端の画素にもフィルタの中心を当てられるようにする (出力が小さくなりすぎない)
    ### hint 1 en: padding surrounds the image with zeros so that the filter can also be centred on the edge pixels (the output does not shrink too much)
    ### hint 2 ja: 4 つの次元 (N, C, H, W) のうち広げるのは H と W だけ、それぞれ前後に pad。結果の形は (N, C, H + 2·pad, W + 2·pad)
    ### hint 2 en: of the four dimensions (N, C, H, W) only H and W grow, by pad before and after each; the result is (N, C, H + 2·pad, W + 2·pad)
    ### hint 3 ja: np.pad に次元ごとの (前, 後) の組のリストを渡す。モード 'constant' は 0 で埋める
    ### hint 3 en: np.pad takes a list of (before, after) pairs, one per dimension; the mode 'constant' fills with 0
    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)], 'constant')
    ### END BLANK
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w))

    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            ### BEGIN BLANK id=gather_windows
            ### ja: フィルタ内の位置 (y, x) に重なる画素を、全出力位置 (i, j) についてまとめて col の (y, x) の所に入れる: 出力 (i, j) には img の (y + stride·i, x + stride·j) の画素が重なる
            ### en: store in col at filter position (y, x) the pixels under it for every output position (i, j) at once: output (i, j) lies over the pixel (y + stride·i, x + stride·j) of img
            ### hint 1 ja: 窓を 1 つずつ切り出す代わりに、フィルタの 1 マス (y, x) ごとに、それが全窓で重なる画素を一度に集める。ループはフィルタの大きさの分だけで済む
            ### hint 1 en: instead of cutting out one window at a time, collect for each filter cell (y, x) the pixels it covers in every window at once; the loops then run only over the filter's size
            ### hint 2 ja: 高さ方向の位置は y, y + stride, …, y_max の手前まで (out_h 個)、幅も同様 (out_w 個)。stride を忘れるとストライド 2 で隣の画素を拾う
            ### hint 2 en: along the height the positions are y, y + stride, … up to but not including y_max (out_h of them), and likewise along the width (out_w); leaving out the stride picks neighbouring pixels for stride 2
            ### hint 3 ja: 開始:終了:ステップ のスライスを高さと幅の次元に使い、サンプルとチャンネルは : で全部取る
            ### hint 3 en: use start:stop:step slices on the height and width dimensions, and : to take every sample and channel
            col[:, :, y, x, :, :] = img[:, :, y:y_max:stride, x:x_max:stride]
            ### END BLANK

    ### BEGIN BLANK id=reshape_col
    ### ja: col を 2 次元に並べ直す: 行は (サンプル n, 出力位置 i, j) の順、列は (チャンネル c, フィルタ内の位置 y, x) の順で、形は (N·out_h·out_w, C·filter_h·filter_w)
    ### en: lay col out in two dimensions: rows ordered by (sample n, output position i, j), columns by (channel c, filter position y, x), shaped (N·out_h·out_w, C·filter_h·filter_w)
    ### hint 1 ja: 1 行が 1 つの窓になれば、畳み込みは (窓の行) × (フィルタの列) の 1 回の行列積で計算できる
    ### hint 1 en: when each row is one window, the convolution becomes a single matrix product of (window rows) × (filter columns)
    ### hint 2 ja: col は今 (N, C, filter_h, filter_w, out_h, out_w)。先に次元を (N, out_h, out_w, C, filter_h, filter_w) の順に入れ替えてから 2 次元にする。チャンネルを最後に回す (C をフィルタ位置の後に置く) と、フィルタ W を平らにした順と合わなくなる
    ### hint 2 en: col is (N, C, filter_h, filter_w, out_h, out_w) now; first reorder the dimensions to (N, out_h, out_w, C, filter_h, filter_w), then make it 2-D; putting the channel last (after the filter position) no longer matches the order of a flattened filter W
    ### hint 3 ja: transpose に新しい次元の順番を渡し、reshape の列の数は −1 で自動にできる
    ### hint 3 en: transpose takes the new order of the dimensions; reshape can infer the number of columns from −1
    col = col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)
    ### END BLANK
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
            ### BEGIN BLANK id=scatter_add
            ### ja: col のフィルタ位置 (y, x) の値を、im2col が取り出したのと同じ img の画素 (y + stride·i, x + stride·j) に足し込む (代入ではなく加算)
            ### en: add the values of col at filter position (y, x) onto the same pixels (y + stride·i, x + stride·j) of img that im2col took them from (an addition, not an assignment)
            ### hint 1 ja: 窓が重なると 1 つの画素が何度も使われる。順伝播で何度も使われた値の勾配は、それぞれの使われ方からの勾配の和になる
            ### hint 1 en: when windows overlap, one pixel is used several times; the gradient of a value used several times in the forward pass is the sum of the gradients of each use
            ### hint 2 ja: im2col の代入の左右を入れ替えた形になる。= で上書きすると重なった窓の寄与が最後の 1 つだけになる
            ### hint 2 en: it is im2col's assignment with its two sides swapped; overwriting with = keeps only the last overlapping window's contribution
            ### hint 3 ja: 同じ 開始:終了:ステップ のスライスに += で足す
            ### hint 3 en: add with += into the same start:stop:step slices
            img[:, :, y:y_max:stride, x:x_max:stride] += col[:, :, y, x, :, :]
            ### END BLANK

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
        ### BEGIN BLANK id=matmul
        ### ja: 各フィルタを 1 列に平らにした col_W (C·FH·FW, FN) を作り、窓の行 col との行列積に各フィルタのバイアス b を足した out (N·out_h·out_w, FN) を求める
        ### en: make col_W (C·FH·FW, FN), each filter flattened into one column, and compute out (N·out_h·out_w, FN): the matrix product of the window rows col and col_W plus each filter's bias b
        ### hint 1 ja: 窓 1 つとフィルタ 1 つの相互相関は、同じ順に平らにした 2 つのベクトルの内積。全部の窓と全部のフィルタの内積が 1 回の行列積になる
        ### hint 1 en: the cross-correlation of one window with one filter is the inner product of the two flattened in the same order; all windows with all filters is one matrix product
        ### hint 2 ja: W は (FN, C, FH, FW)。フィルタごとに (C, FH, FW) の順で平らにすると (FN, C·FH·FW)、列にするにはその転置。バイアスは出力の列 (フィルタ) ごとに 1 つで、位置ごとではない
        ### hint 2 en: W is (FN, C, FH, FW); flattening each filter in (C, FH, FW) order gives (FN, C·FH·FW), and its transpose makes them columns; there is one bias per output column (filter), not one per position
        ### hint 3 ja: self.W.reshape(FN, −1) とその .T、行列積は np.dot。b は (FN,) なのでブロードキャストで各行に足される
        ### hint 3 en: self.W.reshape(FN, −1) and its .T; the matrix product with np.dot; b is (FN,), so broadcasting adds it to every row
        col_W = self.W.reshape(FN, -1).T
        out = np.dot(col, col_W) + self.b
        ### END BLANK
        ### BEGIN BLANK id=to_nchw
        ### ja: out を (N, FN, out_h, out_w) の形に直す: 行は (n, i, j) の順、列はフィルタなので、一度 (N, out_h, out_w, FN) にしてからフィルタの次元を 2 番目へ移す
        ### en: bring out into the shape (N, FN, out_h, out_w): its rows run over (n, i, j) and its columns over the filters, so first make it (N, out_h, out_w, FN), then move the filter dimension to second place
        ### hint 1 ja: 畳み込み層の出力も (N, C, H, W) と同じ並び (サンプル, チャンネル = フィルタ, 高さ, 幅) にしておくと、次の層 (プーリングや次の畳み込み) がそのまま受け取れる
        ### hint 1 en: keeping the convolution's output in the same layout as (N, C, H, W) (sample, channel = filter, height, width) lets the next layer (a pooling, another convolution) take it as it is
        ### hint 2 ja: いきなり (N, FN, out_h, out_w) に形を変えると値の並びが崩れる (行列の列がフィルタなので、フィルタは最後の次元から始まる)。形の変更と次元の入れ替えの順番が大事
        ### hint 2 en: changing the shape straight to (N, FN, out_h, out_w) scrambles the values (the matrix's columns are the filters, so the filters start as the last dimension); the order of reshaping and reordering matters
        ### hint 3 ja: 配列の reshape で 4 次元にし (1 つの大きさは −1 で自動にできる)、transpose に「新しい順番で並べた元の次元の番号」を渡す
        ### hint 3 en: the array's reshape makes it 4-D (one size may be given as −1), and transpose takes the old dimensions' numbers listed in their new order
        out = out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
        ### END BLANK

        self.x = x
        self.col = col
        self.col_W = col_W
        return out

    def backward(self, dout):
        """dout (N, FN, out_h, out_w) から db・dW (W と同じ形) を保存し、dx (x と同じ形) を返す。
        From dout (N, FN, out_h, out_w), stores db and dW (shaped like W) and returns dx (shaped like x)."""
        FN, C, FH, FW = self.W.shape
        ### BEGIN BLANK id=dout_rows
        ### ja: dout を順伝播の行列積の出力と同じ並び (N·out_h·out_w, FN) に戻す: 行は (n, i, j) の順、列はフィルタ
        ### en: bring dout back to the layout of the forward matrix product's output, (N·out_h·out_w, FN): rows over (n, i, j), columns over the filters
        ### hint 1 ja: 逆伝播は順伝播の操作を逆順にたどる。最後にした形の変更と次元の入れ替えを、まず元に戻す
        ### hint 1 en: backpropagation retraces the forward operations in reverse order; first undo the last reshaping and reordering
        ### hint 2 ja: dout は (N, FN, out_h, out_w)。フィルタの次元を最後へ移して (N, out_h, out_w, FN) にしてから 2 次元にする。そのまま 2 次元にするとフィルタと位置が混ざる
        ### hint 2 en: dout is (N, FN, out_h, out_w); move the filter dimension last, giving (N, out_h, out_w, FN), then make it 2-D; flattening it directly mixes up filters and positions
        ### hint 3 ja: transpose でフィルタの次元 (番号 1) を最後に回し、reshape で列の数を FN にする (行の数は −1 で自動)
        ### hint 3 en: transpose moves the filter dimension (number 1) last, then reshape gives FN columns (−1 lets it infer the rows)
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        ### END BLANK
        ### BEGIN BLANK id=db_dw
        ### ja: バイアスの勾配 db (FN,) を全行 (全サンプル・全位置) についての dout の総和として、重みの勾配 dW を colᵀ·dout を W と同じ形 (FN, C, FH, FW) に直したものとして保存する
        ### en: store the bias gradient db (FN,), the sum of dout over all rows (every sample and position), and the weight gradient dW, colᵀ·dout brought into the shape of W (FN, C, FH, FW)
        ### hint 1 ja: Affine レイヤと同じ: 順伝播は col·col_W + b の行列積なので、重みの勾配は入力ᵀ·dout、バイアスの勾配は dout の行についての和。フィルタは全位置で共有されている
        ### hint 1 en: as in the Affine layer: the forward is the matrix product col·col_W + b, so the weight gradient is inputᵀ·dout and the bias gradient the sum of dout over its rows; each filter is shared by every position
        ### hint 2 ja: colᵀ·dout は (C·FH·FW, FN) で col_W と同じ形。W の形に戻すには、先に転置して (FN, C·FH·FW) にしてから 4 次元にする (転置を忘れると値が入れ替わる)
        ### hint 2 en: colᵀ·dout is (C·FH·FW, FN), like col_W; to get W's shape, transpose it to (FN, C·FH·FW) first and then make it 4-D (without the transpose the values land in the wrong places)
        ### hint 3 ja: db は行の軸 (0) についての np.sum。dW は self.col.T と dout の np.dot を .T で転置してから W の形に reshape する
        ### hint 3 en: db is np.sum over the row axis (0); dW is np.dot of self.col.T and dout, transposed with .T, then reshaped to W's shape
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout)
        self.dW = self.dW.transpose(1, 0).reshape(FN, C, FH, FW)
        ### END BLANK
        ### BEGIN BLANK id=dcol_dx
        ### ja: 窓の行への勾配 dcol として dout·col_Wᵀ (col と同じ形) を求め、col2im で画像の形に足し戻した dx を作る
        ### en: compute the gradient with respect to the window rows, dcol, which is dout·col_Wᵀ (shaped like col), and make dx by adding it back into image shape with col2im
        ### hint 1 ja: 行列積の入力側への勾配は dout·(重み)ᵀ。im2col で 1 つの画素が複数の窓に入ったので、画素の勾配はそれぞれの窓の勾配の和になる (col2im の役目)
        ### hint 1 en: the gradient with respect to the input side of a matrix product is dout·(weights)ᵀ; im2col put one pixel into several windows, so a pixel's gradient is the sum over those windows (col2im's job)
        ### hint 2 ja: dcol は (N·out_h·out_w, C·FH·FW)。col2im には順伝播の入力の形 (self.x の形)、フィルタの大きさ、stride、pad を渡す
        ### hint 2 en: dcol is (N·out_h·out_w, C·FH·FW); col2im takes the shape of the forward input (that of self.x), the filter size, the stride and the padding
        ### hint 3 ja: np.dot と self.col_W.T、そして col2im(dcol, self.x.shape, …)
        ### hint 3 en: np.dot with self.col_W.T, then col2im(dcol, self.x.shape, …)
        dcol = np.dot(dout, self.col_W.T)
        dx = col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
        ### END BLANK
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

        ### BEGIN BLANK id=max_rows
        ### ja: 各行 (窓) で最大値の位置 arg_max (同じ値が複数あれば最初の位置) と最大値 out を求め、out を (N, C, out_h, out_w) に直す: 行は (n, i, j, c) の順に並んでいる
        ### en: find for each row (window) the position of its maximum, arg_max (the first one when several are equal), and the maximum out, then bring out into (N, C, out_h, out_w): the rows run over (n, i, j, c)
        ### hint 1 ja: 最大プーリングは窓の中の一番大きな値だけを残す。逆伝播で勾配をどこに流すかを知るため、値と一緒にその位置も覚えておく
        ### hint 1 en: max pooling keeps only the largest value of each window; remember where it was as well as its value, so that backward knows where to send the gradient
        ### hint 2 ja: 最大は行ごと (窓の中) に取る。列ごとに取るとサンプルや位置をまたいでしまう。行の並びはチャンネルが最後なので、(N, out_h, out_w, C) にしてからチャンネルを 2 番目へ移す
        ### hint 2 en: take the maximum per row (within a window); per column would reach across samples and positions; the rows put the channel last, so make (N, out_h, out_w, C) first and then move the channel to second place
        ### hint 3 ja: np.argmax と np.max を行の中 (軸 1) について。そのあと reshape で (N, out_h, out_w, C) にし、transpose でチャンネルの次元 (番号 3) を 2 番目へ
        ### hint 3 en: np.argmax and np.max within each row (axis 1); then reshape to (N, out_h, out_w, C) and transpose the channel dimension (number 3) into second place
        arg_max = np.argmax(col, axis=1)
        out = np.max(col, axis=1)
        out = out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)
        ### END BLANK

        self.x = x
        self.arg_max = arg_max
        return out

    def backward(self, dout):
        """各 dout をその窓の最大値の位置 (arg_max) にだけ流し、col2im で重なった窓を足し合わせて dx を返す。
        Sends each dout only to the position of its window's maximum (arg_max), adds overlapping windows with col2im and returns dx."""
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size))
        ### BEGIN BLANK id=scatter_max
        ### ja: dout を順伝播の行と同じ (n, i, j, c) の並びにし、dmax の各行 (窓) の arg_max の位置だけにその窓の dout を入れる (他の位置は 0 のまま)
        ### en: put dout in the same (n, i, j, c) order as the forward rows, and write each window's dout into its row of dmax only at the position arg_max (the other positions stay 0)
        ### hint 1 ja: 最大値を取る操作の微分は、最大だった入力に対して 1、他の入力に対して 0。勾配を窓全体に分けるのは平均プーリングの場合
        ### hint 1 en: the derivative of taking a maximum is 1 for the input that was the maximum and 0 for the others; spreading the gradient over the window belongs to average pooling
        ### hint 2 ja: dout は (N, C, out_h, out_w) だが dmax の行は (n, i, j, c) の順なので、チャンネルを最後へ移してから平らにする。同じ最大値が複数あっても、流すのは arg_max の 1 か所だけ
        ### hint 2 en: dout is (N, C, out_h, out_w), but the rows of dmax run over (n, i, j, c), so move the channel last before flattening; even when several entries tie for the maximum, only the one at arg_max receives it
        ### hint 3 ja: transpose でチャンネルを最後へ。代入は、行番号 np.arange と列番号 self.arg_max を組にした添字 (ファンシーインデックス) に、平らにした dout (flatten) を入れる
        ### hint 3 en: transpose moves the channel last; then assign the flattened dout (flatten) through the index pair of the row numbers np.arange and the columns self.arg_max (fancy indexing)
        dout = dout.transpose(0, 2, 3, 1)
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        ### END BLANK
        dmax = dmax.reshape(dout.shape + (pool_size,))

        dcol = dmax.reshape(dmax.shape[0] * dmax.shape[1] * dmax.shape[2], -1)
        dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
        return dx
