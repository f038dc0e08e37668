# この演習は solutions/functions.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (さ) を埋めて、`grader check` で採点してください。
# Generated from solutions/functions.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (さ) and check your work with `grader check`.
"""活性化関数・出力関数・誤差関数 (講座の common/functions.py にならう)。
Activation, output and loss functions, after the course's common/functions.py.
"""
import numpy as np


def step_function(x):
    """ステップ関数: f(x) = 1 (x > 0), 0 (x ≤ 0)。
    Step function: f(x) = 1 where x > 0, else 0."""
    # (あ) x > 0 の要素は 1、それ以外は 0 の配列を np.where で作って返す
    #      return an array that is 1 where x > 0 and 0 elsewhere, made with np.where
    raise NotImplementedError("blank (あ) in step_function is not filled yet")


def sigmoid(x):
    """シグモイド関数: f(u) = 1 / (1 + exp(−u))。
    Sigmoid: f(u) = 1 / (1 + exp(−u))."""
    # (い) 1 / (1 + exp(−x)) を np.exp で計算して返す
    #      return 1 / (1 + exp(−x)), computed with np.exp
    raise NotImplementedError("blank (い) in sigmoid is not filled yet")


def d_sigmoid(x):
    """シグモイド関数の微分: f'(u) = (1 − f(u))·f(u)、x は総入力 u。
    Derivative of the sigmoid: f'(u) = (1 − f(u))·f(u), where x is the total input u."""
    # (う) sigmoid(x) を使って (1 − sigmoid(x))·sigmoid(x) を返す
    #      return (1 − sigmoid(x))·sigmoid(x), using sigmoid(x)
    raise NotImplementedError("blank (う) in d_sigmoid is not filled yet")


def relu(x):
    """ReLU 関数: f(x) = max(0, x)。
    ReLU: f(x) = max(0, x)."""
    # (え) 要素ごとに 0 と x の大きい方を np.maximum で返す
    #      return the larger of 0 and x for each element, with np.maximum
    raise NotImplementedError("blank (え) in relu is not filled yet")


def d_relu(x):
    """ReLU 関数の微分: f'(x) = 1 (x > 0), 0 (x ≤ 0)。
    Derivative of ReLU: f'(x) = 1 where x > 0, else 0 (also 0 at exactly 0)."""
    # (お) x > 0 の要素は 1.0、それ以外 (ちょうど 0 も含む) は 0.0 の配列を np.where で返す
    #      return 1.0 where x > 0 and 0.0 elsewhere (exactly 0 included), with np.where
    raise NotImplementedError("blank (お) in d_relu is not filled yet")


def softmax(x):
    """ソフトマックス関数: y_k = exp(u_k) / Σ_i exp(u_i) (2-D なら行ごと)。
    Softmax: y_k = exp(u_k) / Σ_i exp(u_i), row by row for a 2-D x."""
    # (か) x から各行 (最後の軸) の最大値 (keepdims=True) を引き、exp のオーバーフローを防ぐ (x = x − … で引数は書き換えない)
    #      subtract each row's maximum (last axis, keepdims=True) from x so that exp cannot overflow (x = x − …, not in place)
    raise NotImplementedError("blank (か) in softmax is not filled yet")
    # (き) y を計算する: np.exp(x) を最後の軸での総和 (keepdims=True) で割る
    #      compute y: np.exp(x) divided by its sum along the last axis (keepdims=True)
    raise NotImplementedError("blank (き) in softmax is not filled yet")
    return y


def mean_squared_error(d, y):
    """平均二乗誤差: E = ½ Σ (y − d)²、バッチではサンプルについて平均する。
    Mean squared error: E = ½ Σ (y − d)², averaged over the samples of a batch."""
    y = np.atleast_2d(y)  # 1 サンプル (1-D) も 1 行のバッチとして同じ式で扱う
    d = np.reshape(d, y.shape)
    batch_size = y.shape[0]
    # (く) 二乗誤差の総和 ½·Σ(y − d)² をバッチサイズ batch_size で割って返す
    #      return the summed squared error ½·Σ(y − d)² divided by batch_size
    raise NotImplementedError("blank (く) in mean_squared_error is not filled yet")


def d_mean_squared_error(d, y):
    """平均二乗誤差の y による微分: ∂E/∂y = (y − d) / バッチサイズ (1-D なら y − d)。
    Gradient of the mean squared error with respect to y: (y − d) / batch size (y − d for 1-D)."""
    d = np.reshape(d, np.shape(y))
    batch_size = y.shape[0] if y.ndim == 2 else 1
    # (け) 誤差 (y − d) をバッチサイズ batch_size で割って返す
    #      return the error (y − d) divided by batch_size
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
    # (こ) 正解クラスの確率 y[np.arange(batch_size), d] に 1e-7 を足した log の総和を、符号を変えて batch_size で割って返す
    #      return −Σ log(y[np.arange(batch_size), d] + 1e-7) / batch_size, the logs of the correct classes' probabilities
    raise NotImplementedError("blank (こ) in cross_entropy_error is not filled yet")


def numerical_gradient(f, x):
    """数値微分 (中心差分): ∂f/∂x_i ≈ (f(x + h) − f(x − h)) / 2h、h = 1e-4。
    Numerical gradient by central difference: (f(x + h) − f(x − h)) / 2h with h = 1e-4."""
    h = 1e-4
    grad = np.zeros_like(x)
    # f は x を参照で読むこともある (lambda W: loss(...)) ので、x 自体をずらして f を呼ぶ
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        # (さ) x[idx] を tmp_val + h にして fxh1 = f(x)、tmp_val − h にして fxh2 = f(x) とし、grad[idx] に中心差分を入れる
        #      set x[idx] to tmp_val + h for fxh1 = f(x) and to tmp_val − h for fxh2 = f(x); store the central difference in grad[idx]
        raise NotImplementedError("blank (さ) in numerical_gradient is not filled yet")
        x[idx] = tmp_val  # 元の値に正確に戻す
    return grad
