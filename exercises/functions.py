# この演習は solutions/functions.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (さ) を埋めて、`grader check` で採点してください。行き詰まったら `grader hint トピック名`。
# Generated from solutions/functions.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (さ) and check your work with `grader check`; stuck? `grader hint TOPIC`.
"""活性化関数・出力関数・誤差関数 (講座の common/functions.py にならう)。
Activation, output and loss functions, after the course's common/functions.py.
"""
import numpy as np


def step_function(x):
    """ステップ関数: f(x) = 1 (x > 0), 0 (x ≤ 0)。
    Step function: f(x) = 1 where x > 0, else 0."""
    # (あ) ステップ関数の出力を返す: 総入力 x の各要素について、x > 0 なら 1、x ≤ 0 なら 0 (x と同じ shape)
    #      return the step function's output: for each element of the total input x, 1 where x > 0 and 0 where x ≤ 0 (same shape as x)
    raise NotImplementedError("blank (あ) in step_function is not filled yet")


def sigmoid(x):
    """シグモイド関数: f(u) = 1 / (1 + exp(−u))。
    Sigmoid: f(u) = 1 / (1 + exp(−u))."""
    # (い) シグモイド関数の値 σ(x) = 1 / (1 + exp(−x)) を x の要素ごとに返す (出力はすべて 0 と 1 の間)
    #      return the sigmoid σ(x) = 1 / (1 + exp(−x)) of each element of x (every output lies between 0 and 1)
    raise NotImplementedError("blank (い) in sigmoid is not filled yet")


def d_sigmoid(x):
    """シグモイド関数の微分: f'(u) = (1 − f(u))·f(u)、x は総入力 u。
    Derivative of the sigmoid: f'(u) = (1 − f(u))·f(u), where x is the total input u."""
    # (う) シグモイド関数の微分 σ'(u) = (1 − σ(u))·σ(u) を返す。x は総入力 u (活性化関数の出力ではない)
    #      return the sigmoid's derivative σ'(u) = (1 − σ(u))·σ(u), where x is the total input u (not the activation's output)
    raise NotImplementedError("blank (う) in d_sigmoid is not filled yet")


def relu(x):
    """ReLU 関数: f(x) = max(0, x)。
    ReLU: f(x) = max(0, x)."""
    # (え) ReLU の出力 f(x) = max(0, x) を要素ごとに返す: 正の要素はそのまま、負の要素は 0
    #      return the ReLU f(x) = max(0, x) element by element: positive entries unchanged, negative ones 0
    raise NotImplementedError("blank (え) in relu is not filled yet")


def d_relu(x):
    """ReLU 関数の微分: f'(x) = 1 (x > 0), 0 (x ≤ 0)。
    Derivative of ReLU: f'(x) = 1 where x > 0, else 0 (also 0 at exactly 0)."""
    # (お) ReLU の微分を要素ごとに返す: x > 0 なら 1、x ≤ 0 なら 0 (ちょうど 0 でも 0)、値は浮動小数点数
    #      return ReLU's derivative element by element: 1 where x > 0, 0 where x ≤ 0 (0 at exactly 0 too), as floating-point numbers
    raise NotImplementedError("blank (お) in d_relu is not filled yet")


def softmax(x):
    """ソフトマックス関数: y_k = exp(u_k) / Σ_i exp(u_i) (2-D なら行ごと)。
    Softmax: y_k = exp(u_k) / Σ_i exp(u_i), row by row for a 2-D x."""
    # (か) 各行 (サンプル) からその行の最大値を引いた x を作る: 行ごとの softmax は変わらず、exp は u ≈ 1000 でもオーバーフローしない。呼び出し元の配列は書き換えない
    #      make x with each row's (sample's) maximum taken away from that row: each row's softmax is unchanged, and exp no longer overflows for u ≈ 1000. Leave the caller's array untouched
    raise NotImplementedError("blank (か) in softmax is not filled yet")
    # (き) 確率 y を求める: サンプル (行) ごとに y_k = exp(x_k) / Σ_i exp(x_i)。y は x と同じ shape で、各行の和が 1
    #      compute the probabilities y: y_k = exp(x_k) / Σ_i exp(x_i) for each sample (row); y has x's shape and each row sums to 1
    raise NotImplementedError("blank (き) in softmax is not filled yet")
    return y


def mean_squared_error(d, y):
    """平均二乗誤差: E = ½ Σ (y − d)²、バッチではサンプルについて平均する。
    Mean squared error: E = ½ Σ (y − d)², averaged over the samples of a batch."""
    y = np.atleast_2d(y)  # 1 サンプル (1-D) も 1 行のバッチとして同じ式で扱う
    d = np.reshape(d, y.shape)
    batch_size = y.shape[0]
    # (く) 平均二乗誤差 E を返す: 二乗誤差 ½·Σ(y − d)² をバッチ全体で足し、サンプル数 batch_size で割った 1 つの数
    #      return the mean squared error E, one number: the squared error ½·Σ(y − d)² summed over the whole batch and divided by the number of samples batch_size
    raise NotImplementedError("blank (く) in mean_squared_error is not filled yet")


def d_mean_squared_error(d, y):
    """平均二乗誤差の y による微分: ∂E/∂y = (y − d) / バッチサイズ (1-D なら y − d)。
    Gradient of the mean squared error with respect to y: (y − d) / batch size (y − d for 1-D)."""
    d = np.reshape(d, np.shape(y))
    batch_size = y.shape[0] if y.ndim == 2 else 1
    # (け) 平均二乗誤差の y による勾配 ∂E/∂y を返す: y と同じ shape で、誤差 (y − d) をサンプル数 batch_size で割ったもの
    #      return the gradient ∂E/∂y of the mean squared error: shaped like y, the error (y − d) divided by the number of samples batch_size
    raise NotImplementedError("blank (け) in d_mean_squared_error is not filled yet")


def cross_entropy_error(d, y):
    """交差エントロピー誤差: E = −Σ d·log y、バッチではサンプルについて平均する。
    Cross-entropy error: E = −Σ d·log y, averaged over the samples of a batch."""
    d = np.asarray(d)
    if y.ndim == 1:  # 1 サンプルも 1 行のバッチとして扱う
        d = d.reshape(1, d.size)
        y = y.reshape(1, y.size)
    # 教師データが one-hot ベクトルなら、正解ラベルのインデックスに変換する
    if d.size == y.size:
        d = d.argmax(axis=1)
    batch_size = y.shape[0]
    # (こ) 交差エントロピー誤差 E = −(1/B)·Σ_n log(y_nk + 1e-7) を返す。k はサンプル n の正解クラス (d はここでは正解ラベルの並び)、1e-7 は log(0) を避けるため
    #      return the cross-entropy error E = −(1/B)·Σ_n log(y_nk + 1e-7), k being sample n's correct class (d holds the class labels by now); the 1e-7 keeps clear of log(0)
    raise NotImplementedError("blank (こ) in cross_entropy_error is not filled yet")


def numerical_gradient(f, x):
    """数値微分 (中心差分): ∂f/∂x_i ≈ (f(x + h) − f(x − h)) / 2h、h = 1e-4。
    Numerical gradient by central difference: (f(x + h) − f(x − h)) / 2h with h = 1e-4."""
    h = 1e-4
    grad = np.zeros_like(x)
    # f は x を参照で読むこともある (lambda W: loss(...)) ので、x 自体をずらして f を呼ぶ
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        # (さ) x の要素 idx を tmp_val + h と tmp_val − h にずらしたときの f の値から、中心差分 (f(x + h) − f(x − h)) / 2h を grad の同じ位置に入れる (ずらすのは x そのもの)
        #      from f's values with entry idx of x moved to tmp_val + h and to tmp_val − h, store the central difference (f(x + h) − f(x − h)) / 2h at the same position of grad (move x itself)
        raise NotImplementedError("blank (さ) in numerical_gradient is not filled yet")
        x[idx] = tmp_val  # 元の値に正確に戻す
    return grad
