"""活性化関数・出力関数・誤差関数 (講座の common/functions.py にならう)。
Activation, output and loss functions, after the course's common/functions.py.
"""
import numpy as np


def step_function(x):
    """ステップ関数: f(x) = 1 (x > 0), 0 (x ≤ 0)。
    Step function: f(x) = 1 where x > 0, else 0."""
    ### BEGIN BLANK id=step
    ### ja: ステップ関数の出力を返す: 総入力 x の各要素について、x > 0 なら 1、x ≤ 0 なら 0 (x と同じ shape)
    ### en: return the step function's output: for each element of the total input x, 1 where x > 0 and 0 where x ≤ 0 (same shape as x)
    ### hint 1 ja: ステップ関数は、総入力が閾値 0 を超えたら発火 (1)、超えなければ 0 を出す、パーセプトロンの活性化関数です。
    ### hint 1 en: The step function is the perceptron's activation: the unit fires (1) once its total input passes the threshold 0, and outputs 0 otherwise.
    ### hint 2 ja: x は 1 つの数ではなく配列なので、if 文で 1 つずつ比べるのではなく配列全体を一度に比べます。比較の向きに注意: 1 になるのは x > 0 の側です。
    ### hint 2 en: x is an array, not one number: compare the whole array at once instead of an if per element. Mind the direction: the 1s go where x > 0.
    ### hint 3 ja: x > 0 はそれだけで真偽値の配列です。np.where(条件, 真のときの値, 偽のときの値) か、真偽値の配列を .astype(int) で 0/1 に変えます。
    ### hint 3 en: x > 0 is already an array of booleans: np.where(condition, value if true, value if false) or .astype(int) turns it into 0s and 1s.
    return np.where(x > 0, 1, 0)
    ### END BLANK


def sigmoid(x):
    """シグモイド関数: f(u) = 1 / (1 + exp(−u))。
    Sigmoid: f(u) = 1 / (1 + exp(−u))."""
    ### BEGIN BLANK id=sigmoid
    ### ja: シグモイド関数の値 σ(x) = 1 / (1 + exp(−x)) を x の要素ごとに返す (出力はすべて 0 と 1 の間)
    ### en: return the sigmoid σ(x) = 1 / (1 + exp(−x)) of each element of x (every output lies between 0 and 1)
    ### hint 1 ja: シグモイド関数は総入力 u を 0〜1 になめらかに押しつぶす活性化関数です。ステップ関数と違って微分できるので、誤差逆伝播で勾配が流れます。
    ### hint 1 en: The sigmoid squashes the total input u smoothly into (0, 1); unlike the step function it is differentiable, so backpropagation can pass a gradient through it.
    ### hint 2 ja: 指数の符号に注意: exp(−x) です (exp(x) にすると 1 − σ(x) になってしまいます)。x は配列なので、math モジュールの関数は受け取れません。
    ### hint 2 en: Mind the sign in the exponent: exp(−x), not exp(x) (that gives 1 − σ(x)). x is an array, which the math module's functions cannot take.
    ### hint 3 ja: 配列の要素ごとの指数関数は np.exp です。1 を配列で割る割り算も要素ごとに効きます。
    ### hint 3 en: The element-wise exponential of an array is np.exp; dividing 1 by an array also works element by element.
    return 1 / (1 + np.exp(-x))
    ### END BLANK


def d_sigmoid(x):
    """シグモイド関数の微分: f'(u) = (1 − f(u))·f(u)、x は総入力 u。
    Derivative of the sigmoid: f'(u) = (1 − f(u))·f(u), where x is the total input u."""
    ### BEGIN BLANK id=derivative
    ### ja: シグモイド関数の微分 σ'(u) = (1 − σ(u))·σ(u) を返す。x は総入力 u (活性化関数の出力ではない)
    ### en: return the sigmoid's derivative σ'(u) = (1 − σ(u))·σ(u), where x is the total input u (not the activation's output)
    ### hint 1 ja: 誤差逆伝播では、活性化関数の微分 f'(u) を掛けて誤差を前の層へ伝えます。シグモイドの微分はシグモイド自身の値だけで書けるのが便利な性質です。
    ### hint 1 en: Backpropagation multiplies the error by the activation's derivative f'(u) on its way to the previous layer; the sigmoid's derivative is conveniently written with the sigmoid's own value.
    ### hint 2 ja: 引数は出力 z ではなく総入力 u です: 先に σ(u) を求めてから (1 − σ)·σ にします。符号はマイナスで、(1 + σ) ではありません。
    ### hint 2 en: The argument is the total input u, not the output z: compute σ(u) first, then (1 − σ)·σ. The sign is a minus, not (1 + σ).
    ### hint 3 ja: すでに書いた sigmoid を呼べば σ(u) が得られます。同じ値を 2 回使うので、変数に入れておけば計算は 1 回で済みます。
    ### hint 3 en: Calling the sigmoid you already wrote gives σ(u); you need it twice, so keeping it in a variable computes it only once.
    return (1 - sigmoid(x)) * sigmoid(x)
    ### END BLANK


def relu(x):
    """ReLU 関数: f(x) = max(0, x)。
    ReLU: f(x) = max(0, x)."""
    ### BEGIN BLANK id=relu
    ### ja: ReLU の出力 f(x) = max(0, x) を要素ごとに返す: 正の要素はそのまま、負の要素は 0
    ### en: return the ReLU f(x) = max(0, x) element by element: positive entries unchanged, negative ones 0
    ### hint 1 ja: ReLU は総入力が正ならそのまま通し、負なら 0 にする活性化関数です。正の側で傾きが 1 のままなので、深い層でも勾配消失が起きにくくなります。
    ### hint 1 en: ReLU passes a positive total input unchanged and turns a negative one into 0; its slope stays 1 on the positive side, so gradients do not vanish in deep networks.
    ### hint 2 ja: 要素ごとの max です。配列全体の最大値 (1 つの数) ではなく、x と同じ shape の配列を返します。min にすると負の部分が残ってしまいます。
    ### hint 2 en: It is a max taken element by element, not the single largest value of the array: the result has x's shape. A min would keep the negative part instead.
    ### hint 3 ja: 2 つの値の大きい方を要素ごとにとるのは np.maximum です (np.max は 1 つの配列の最大値を返す別の関数)。
    ### hint 3 en: np.maximum takes the larger of two values element by element (np.max is a different function: the largest entry of one array).
    return np.maximum(0, x)
    ### END BLANK


def d_relu(x):
    """ReLU 関数の微分: f'(x) = 1 (x > 0), 0 (x ≤ 0)。
    Derivative of ReLU: f'(x) = 1 where x > 0, else 0 (also 0 at exactly 0)."""
    ### BEGIN BLANK id=derivative
    ### ja: ReLU の微分を要素ごとに返す: x > 0 なら 1、x ≤ 0 なら 0 (ちょうど 0 でも 0)、値は浮動小数点数
    ### en: return ReLU's derivative element by element: 1 where x > 0, 0 where x ≤ 0 (0 at exactly 0 too), as floating-point numbers
    ### hint 1 ja: 誤差逆伝播で中間層のデルタ δ1 を作るとき、ReLU の微分を掛けて、発火していたユニットにだけ誤差を通します。
    ### hint 1 en: In backpropagation the hidden layer's delta δ1 is multiplied by ReLU's derivative, so the error flows back only through the units that fired.
    ### hint 2 ja: 罠はちょうど 0 のところです: backward は d_relu を z1 = relu(u1) に適用し、発火しなかったユニットでは z1 がちょうど 0 になります。そこで 1 を返すと勾配が漏れます (x > 0 であって x ≥ 0 ではない)。
    ### hint 2 en: The trap is exactly 0: backward applies d_relu to z1 = relu(u1), which is exactly 0 for every inactive unit; returning 1 there leaks gradient (x > 0, not x ≥ 0).
    ### hint 3 ja: 条件で値を選ぶ np.where か、真偽値の配列 x > 0 を .astype(float) で浮動小数点数に変えます。relu(x) 自体を返すのは別物です。
    ### hint 3 en: Use np.where to pick a value by a condition, or turn the boolean array x > 0 into floats with .astype(float). Returning relu(x) itself is something else.
    return np.where(x > 0, 1.0, 0.0)
    ### END BLANK


def softmax(x):
    """ソフトマックス関数: y_k = exp(u_k) / Σ_i exp(u_i) (2-D なら行ごと)。
    Softmax: y_k = exp(u_k) / Σ_i exp(u_i), row by row for a 2-D x."""
    ### BEGIN BLANK id=shift_max
    ### ja: 各行 (サンプル) からその行の最大値を引いた x を作る: 行ごとの softmax は変わらず、exp は u ≈ 1000 でもオーバーフローしない。呼び出し元の配列は書き換えない
    ### en: make x with each row's (sample's) maximum taken away from that row: each row's softmax is unchanged, and exp no longer overflows for u ≈ 1000. Leave the caller's array untouched
    ### hint 1 ja: オーバーフロー対策です。softmax はすべての要素から同じ定数 C を引いても値が変わらない (分子と分母の exp(−C) が約分される) ので、最大値を引いて exp の引数を 0 以下にします。
    ### hint 1 en: This is the overflow guard: subtracting the same constant C from every entry leaves softmax unchanged (exp(−C) cancels between numerator and denominator), so taking away the maximum keeps exp's argument ≤ 0.
    ### hint 2 ja: x は 1-D (1 サンプル) か 2-D (行がサンプル) です。最大値はサンプルごと、つまり最後の軸に沿ってとり、x から引ける形 (2-D なら (B, 1)) に保ちます。バッチ全体の最大値 1 つでは行ごとの桁あふれを防げません。x −= … と書くと呼び出し元の配列まで変わります。
    ### hint 2 en: x is 1-D (one sample) or 2-D (rows are samples). Take the maximum per sample, i.e. along the last axis, in a shape that subtracts from x ((B, 1) for 2-D); one maximum of the whole batch does not protect every row. Writing x −= … would change the caller's array too.
    ### hint 3 ja: np.max(…, axis=-1, keepdims=True) は最後の軸の最大値を、その軸を残したまま返すので、そのまま x から引けます (講座の x.T を使う書き方でも構いません)。新しい配列を作る引き算にします。
    ### hint 3 en: np.max(…, axis=-1, keepdims=True) gives the last axis's maximum with that axis kept, so it subtracts from x directly (the course's x.T trick works too). Use a subtraction that makes a new array.
    x = x - np.max(x, axis=-1, keepdims=True)
    ### END BLANK
    ### BEGIN BLANK id=probabilities
    ### ja: 確率 y を求める: サンプル (行) ごとに y_k = exp(x_k) / Σ_i exp(x_i)。y は x と同じ shape で、各行の和が 1
    ### en: compute the probabilities y: y_k = exp(x_k) / Σ_i exp(x_i) for each sample (row); y has x's shape and each row sums to 1
    ### hint 1 ja: softmax は出力層の総入力を各クラスの確率に変える関数です。exp ですべて正の値にし、その行の合計で割ることで和が 1 になります。
    ### hint 1 en: Softmax turns the output layer's total inputs into class probabilities: exp makes every value positive, and dividing by the row's total makes them sum to 1.
    ### hint 2 ja: 和はサンプルごと (最後の軸) です。バッチ全体の和で割ると行の和が 1 になりません。2-D では行ごとの和を (B, 1) の形に保たないと、(B, K) の分子を割れません。
    ### hint 2 en: The total is per sample (the last axis); dividing by the total of the whole batch leaves rows that do not sum to 1. For 2-D keep the row totals in shape (B, 1), or they will not divide the (B, K) numerator.
    ### hint 3 ja: 分子は np.exp、行ごとの和は np.sum(…, axis=-1, keepdims=True) で軸を残したまま求めて割ります。
    ### hint 3 en: Build the numerator with np.exp and divide by np.sum(…, axis=-1, keepdims=True), the per-row total with its axis kept.
    y = np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
    ### END BLANK
    return y


def mean_squared_error(d, y):
    """平均二乗誤差: E = ½ Σ (y − d)²、バッチではサンプルについて平均する。
    Mean squared error: E = ½ Σ (y − d)², averaged over the samples of a batch."""
    y = np.atleast_2d(y)  # 1 サンプル (1-D) も 1 行のバッチとして同じ式で扱う
    d = np.reshape(d, y.shape)
    batch_size = y.shape[0]
    ### BEGIN BLANK id=mse
    ### ja: 平均二乗誤差 E を返す: 二乗誤差 ½·Σ(y − d)² をバッチ全体で足し、サンプル数 batch_size で割った 1 つの数
    ### en: return the mean squared error E, one number: the squared error ½·Σ(y − d)² summed over the whole batch and divided by the number of samples batch_size
    ### hint 1 ja: 二乗誤差は、出力 y と教師信号 d のずれの二乗和です。係数 ½ は微分したときの 2 を打ち消すためのもので、バッチでは 1 サンプルあたりの平均にします。
    ### hint 1 en: The squared error sums the squares of the gaps between the output y and the teacher signal d; the ½ cancels the 2 of the derivative, and for a batch we take the mean per sample.
    ### hint 2 ja: y と d はどちらも (B, K) にそろえてあります。割るのはサンプル数 B だけで、全要素数 B·K ではありません。½ も忘れずに。
    ### hint 2 en: y and d have both been made (B, K). Divide by the number of samples B only, not by every element B·K, and keep the ½.
    ### hint 3 ja: 差の二乗は (y − d) ** 2、全要素の総和は np.sum です。np.mean は全要素数で割ってしまうので、ここでは使いません。
    ### hint 3 en: The squared difference is (y − d) ** 2 and np.sum adds every element; np.mean would divide by the element count, so it is not the tool here.
    return 0.5 * np.sum((y - d) ** 2) / batch_size
    ### END BLANK


def d_mean_squared_error(d, y):
    """平均二乗誤差の y による微分: ∂E/∂y = (y − d) / バッチサイズ (1-D なら y − d)。
    Gradient of the mean squared error with respect to y: (y − d) / batch size (y − d for 1-D)."""
    d = np.reshape(d, np.shape(y))
    batch_size = y.shape[0] if y.ndim == 2 else 1
    ### BEGIN BLANK id=gradient
    ### ja: 平均二乗誤差の y による勾配 ∂E/∂y を返す: y と同じ shape で、誤差 (y − d) をサンプル数 batch_size で割ったもの
    ### en: return the gradient ∂E/∂y of the mean squared error: shaped like y, the error (y − d) divided by the number of samples batch_size
    ### hint 1 ja: ½·Σ(y − d)² を y で微分すると ½ と 2 が打ち消し合って (y − d) が残ります。誤差はバッチで平均したものなので、勾配もサンプル数で割られます。
    ### hint 1 en: Differentiating ½·Σ(y − d)² by y, the ½ and the 2 cancel and (y − d) remains; the error was averaged over the batch, so its gradient is divided by the sample count too.
    ### hint 2 ja: 符号に注意: (d − y) ではなく (y − d) です。割るのはサンプル数 (1-D なら 1) で、要素数ではありません (講座の common/functions.py は全要素数で割りますが、ここでは行数です)。
    ### hint 2 en: Mind the sign: (y − d), not (d − y). Divide by the number of samples (1 for 1-D), not by the number of elements (the course's common/functions.py divides by every element; here it is the rows).
    ### hint 3 ja: batch_size はもう用意されています。NumPy の関数は要らず、配列どうしの引き算と数での割り算だけで書けます。
    ### hint 3 en: batch_size is already there: no NumPy function is needed, only an array subtraction and a division by a number.
    return (y - d) / batch_size
    ### END BLANK


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
    ### BEGIN BLANK id=cross_entropy
    ### ja: 交差エントロピー誤差 E = −(1/B)·Σ_n log(y_nk + 1e-7) を返す。k はサンプル n の正解クラス (d はここでは正解ラベルの並び)、1e-7 は log(0) を避けるため
    ### en: return the cross-entropy error E = −(1/B)·Σ_n log(y_nk + 1e-7), k being sample n's correct class (d holds the class labels by now); the 1e-7 keeps clear of log(0)
    ### hint 1 ja: 交差エントロピー誤差 −Σ d·log y は、one-hot の教師信号では正解クラスの確率の log だけが残ります。正解の確率が 1 に近いほど誤差は 0 に近づきます。
    ### hint 1 en: With a one-hot teacher signal, −Σ d·log y keeps only the log of the correct class's probability; the closer that probability is to 1, the closer the error is to 0.
    ### hint 2 ja: y は (B, K)、d はここで (B,) の正解ラベルです。各行から正解クラスの確率を 1 つだけ取り出します (全クラスの log を足すのは誤り)。マイナスを忘れず、B で割ります。
    ### hint 2 en: y is (B, K) and d is by now the (B,) labels: pick one probability per row, the correct class's (summing log y over every class is wrong), keep the minus sign and divide by B.
    ### hint 3 ja: 行番号の並び np.arange(batch_size) とラベル d を組にして y を添字すると、各行の正解クラスの確率が一度に取り出せます。あとは np.log と np.sum です。
    ### hint 3 en: Indexing y with the row numbers np.arange(batch_size) paired with the labels d picks every row's correct-class probability at once; then np.log and np.sum.
    return -np.sum(np.log(y[np.arange(batch_size), d] + 1e-7)) / batch_size
    ### END BLANK


def numerical_gradient(f, x):
    """数値微分 (中心差分): ∂f/∂x_i ≈ (f(x + h) − f(x − h)) / 2h、h = 1e-4。
    Numerical gradient by central difference: (f(x + h) − f(x − h)) / 2h with h = 1e-4."""
    h = 1e-4
    grad = np.zeros_like(x)
    # f は x を参照で読むこともある (lambda W: loss(...)) ので、x 自体をずらして f を呼ぶ
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        ### BEGIN BLANK id=central_difference
        ### ja: x の要素 idx を tmp_val + h と tmp_val − h にずらしたときの f の値から、中心差分 (f(x + h) − f(x − h)) / 2h を grad の同じ位置に入れる (ずらすのは x そのもの)
        ### en: from f's values with entry idx of x moved to tmp_val + h and to tmp_val − h, store the central difference (f(x + h) − f(x − h)) / 2h at the same position of grad (move x itself)
        ### hint 1 ja: 数値微分は、値をほんの少し (h = 1e-4) ずらしたときの関数の変化から傾きを求めます。前後に同じだけずらす中心差分は、片側だけの前進差分より誤差が小さくなります。
        ### hint 1 en: A numerical gradient measures the slope from how f changes when one value moves a little (h = 1e-4); moving it both ways, the central difference, is more accurate than the one-sided forward difference.
        ### hint 2 ja: f は x を参照で読むことがあります (lambda W: loss(…))。コピーではなく x 自体の 1 要素をずらして毎回 f を呼び、2 つの値の差を h ではなく 2h で割ります。元の値に戻すのは空欄の次の行です。
        ### hint 2 en: f may read x by reference (lambda W: loss(…)): move one entry of x itself, not a copy, call f each time, and divide the difference of the two values by 2h, not h. The line after the blank puts the entry back.
        ### hint 3 ja: x[idx] への代入で要素をずらし、f(x) を 2 回呼んで fxh1 と fxh2 に取っておきます。最後に、その差を 2 * h で割った値を grad[idx] に入れます。
        ### hint 3 en: Assign to x[idx] to move the entry, call f(x) twice keeping fxh1 and fxh2, then store their difference over 2 * h in grad[idx].
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        ### END BLANK
        x[idx] = tmp_val  # 元の値に正確に戻す
    return grad
