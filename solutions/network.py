"""講座の 2 層ニューラルネットワーク (中間層 ReLU、出力は恒等写像): 順伝播・誤差逆伝播・SGD。
The course's two-layer network (ReLU hidden layer, identity output): forward, backward, SGD."""
import numpy as np

from functions import d_relu, relu


def forward(network, x):
    """順伝播: u1 = x·W1 + b1、z1 = f(u1) (ReLU)、y = z1·W2 + b2。
    Forward pass: u1 = x·W1 + b1, z1 = f(u1) (ReLU), y = z1·W2 + b2."""
    W1, W2 = network['W1'], network['W2']
    b1, b2 = network['b1'], network['b2']
    ### BEGIN BLANK id=u1
    ### ja: 中間層の総入力 u1 = x·W1 + b1 を求める: (B, D) の x と (D, H) の W1 の行列積に、バイアス b1 を各サンプルに足した (B, H)
    ### en: compute the hidden layer's total input u1 = x·W1 + b1: the matrix product of the (B, D) x with the (D, H) W1, plus the bias b1 for every sample, giving (B, H)
    ### hint 1 ja: 総入力は、前の層の出力に重みを掛けて足し合わせ、バイアスを加えたもの u = Wx + b です。ここでは行がサンプルなので x·W の順に掛けます。
    ### hint 1 en: The total input is the weighted sum of the previous layer's outputs plus a bias, u = Wx + b; here rows are samples, so the product is x·W.
    ### hint 2 ja: shape を確かめましょう: (B, D)·(D, H) → (B, H)。b1 は (H,) で、全サンプルに同じものが足されます。要素ごとの積ではなく行列積です。
    ### hint 2 en: Check the shapes: (B, D)·(D, H) → (B, H); b1 is (H,) and the same bias is added to every sample. It is a matrix product, not an element-wise one.
    ### hint 3 ja: 行列積は np.dot (または @ 演算子) です。(B, H) に (H,) を足すと、ブロードキャストで各行に足されます。
    ### hint 3 en: The matrix product is np.dot (or the @ operator); adding an (H,) array to a (B, H) one broadcasts it onto every row.
    u1 = np.dot(x, W1) + b1
    ### END BLANK
    ### BEGIN BLANK id=z1
    ### ja: 中間層の出力 z1 = f(u1) を求める: このネットワークの活性化関数 f は ReLU
    ### en: compute the hidden layer's output z1 = f(u1), where this network's activation f is ReLU
    ### hint 1 ja: 中間層は総入力 u を活性化関数 f に通して出力 z を作ります。活性化関数がないと、何層重ねても 1 つの線形変換と同じになってしまいます。
    ### hint 1 en: A hidden layer passes its total input u through the activation f to make its output z; without an activation, any number of layers collapses into one linear map.
    ### hint 2 ja: 使うのは ReLU です (講座のノートブックにはシグモイドのものもありますが、このネットワークは ReLU)。shape は u1 と同じ (B, H) のままです。
    ### hint 2 en: Use ReLU (some of the course's notebooks use the sigmoid; this network uses ReLU). The shape stays (B, H), like u1.
    ### hint 3 ja: functions.py で書いた relu がこのモジュールに import されています。NumPy の関数は要らず、それを u1 に適用するだけです。
    ### hint 3 en: The relu you wrote in functions.py is imported into this module: no NumPy function is needed, just apply it to u1.
    z1 = relu(u1)
    ### END BLANK
    ### BEGIN BLANK id=y
    ### ja: 出力 y = z1·W2 + b2 を求める: (B, H) の z1 と (H, O) の W2 の行列積にバイアス b2 を足した (B, O)。出力層の活性化関数は恒等写像
    ### en: compute the output y = z1·W2 + b2: the matrix product of the (B, H) z1 with the (H, O) W2, plus the bias b2, giving (B, O); the output layer's activation is the identity
    ### hint 1 ja: 出力層も、総入力を作るところまでは中間層と同じです。回帰の出力層は恒等写像なので、総入力がそのまま出力 y になります。
    ### hint 1 en: The output layer forms its total input just like the hidden one; for regression its activation is the identity, so that total input is the output y itself.
    ### hint 2 ja: 掛けるのは x ではなく中間層の出力 z1 です。shape は (B, H)·(H, O) → (B, O)。ここで relu を通すのは誤りです。
    ### hint 2 en: The input here is the hidden layer's output z1, not x, and the shapes are (B, H)·(H, O) → (B, O). Passing this through relu would be a mistake.
    ### hint 3 ja: u1 と同じ形の式です: np.dot で行列積をとり、b2 をブロードキャストで足します。
    ### hint 3 en: It has the same form as u1: a matrix product with np.dot, then b2 added by broadcasting.
    y = np.dot(z1, W2) + b2
    ### END BLANK
    return z1, y


def backward(network, x, d, z1, y):
    """誤差逆伝播: δ2 = (y − d)/B、δ1 = δ2·W2ᵀ ⊙ f'(z1)、∂E/∂W = 入力ᵀ·δ、∂E/∂b = Σ δ。
    Backpropagation: δ2 = (y − d)/B, δ1 = δ2·W2ᵀ ⊙ f'(z1), ∂E/∂W = inputᵀ·δ, ∂E/∂b = Σ δ."""
    grad = {}
    W2 = network['W2']
    batch_size = x.shape[0]
    # 出力層でのデルタ
    ### BEGIN BLANK id=delta2
    ### ja: 出力層のデルタ δ2 = ∂E/∂y を求める: 誤差 (y − d) をサンプル数 batch_size で割ったもの、shape は y と同じ (B, O)
    ### en: compute the output layer's delta δ2 = ∂E/∂y: the error (y − d) divided by the number of samples batch_size, shaped like y (B, O)
    ### hint 1 ja: 誤差逆伝播は出力側から始まります。誤差関数がバッチ平均の二乗誤差なので、その y による微分 (y − d)/B が出力層のデルタです。
    ### hint 1 en: Backpropagation starts at the output: the error function is the batch-mean squared error, so its derivative with respect to y, (y − d)/B, is the output layer's delta.
    ### hint 2 ja: 符号は (y − d) で、(d − y) ではありません。B で割り忘れると、どの勾配もちょうどバッチサイズ倍になります。
    ### hint 2 en: The sign is (y − d), not (d − y); forgetting the division by B makes every gradient exactly batch-size times too large.
    ### hint 3 ja: 配列どうしの引き算と batch_size での割り算だけで、NumPy の関数は要りません (d_mean_squared_error と同じ計算)。
    ### hint 3 en: An array subtraction and a division by batch_size, no NumPy function: the same computation as d_mean_squared_error.
    delta2 = (y - d) / batch_size
    ### END BLANK
    ### BEGIN BLANK id=grad2
    ### ja: 出力層の勾配を grad のキー 'b2' と 'W2' に入れる: ∂E/∂b2 = δ2 をサンプルについて足したもの (b2 と同じ (O,))、∂E/∂W2 = z1ᵀ·δ2 (W2 と同じ (H, O))
    ### en: store the output layer's gradients in grad under the keys 'b2' and 'W2': ∂E/∂b2 = δ2 summed over the samples (shaped like b2, (O,)) and ∂E/∂W2 = z1ᵀ·δ2 (shaped like W2, (H, O))
    ### hint 1 ja: 重みの勾配は、その層への入力とその層のデルタの積です。バイアスは入力が常に 1 の重みと考えられるので、デルタをサンプルについて足したものが勾配になります。
    ### hint 1 en: A weight's gradient is the product of the layer's input and the layer's delta; a bias is a weight whose input is always 1, so its gradient is the delta summed over the samples.
    ### hint 2 ja: 勾配は必ずパラメータと同じ shape です: (H, B)·(B, O) → (H, O) になるよう z1 を転置します。δ2 はすでに B で割ってあるので、バイアスの勾配はバッチ方向の和で、平均ではありません。
    ### hint 2 en: A gradient always has its parameter's shape: transpose z1 so that (H, B)·(B, O) → (H, O). δ2 is already divided by B, so the bias gradient is the sum over the batch, not the mean.
    ### hint 3 ja: バッチ軸の和は np.sum(…, axis=0)、転置は .T、行列積は np.dot です。
    ### hint 3 en: The sum over the batch axis is np.sum(…, axis=0), the transpose .T, the matrix product np.dot.
    grad['b2'] = np.sum(delta2, axis=0)
    grad['W2'] = np.dot(z1.T, delta2)
    ### END BLANK
    # 中間層でのデルタ
    ### BEGIN BLANK id=delta1
    ### ja: 中間層のデルタ δ1 = δ2·W2ᵀ ⊙ f'(u1) を求める: 出力層のデルタを W2 を通して戻し、ReLU の微分 (発火したユニットで 1) を要素ごとに掛けた (B, H)
    ### en: compute the hidden layer's delta δ1 = δ2·W2ᵀ ⊙ f'(u1): the output delta carried back through W2, multiplied element-wise by ReLU's derivative (1 for the units that fired), giving (B, H)
    ### hint 1 ja: 誤差逆伝播の核心です。出力層の誤差を、順伝播で使った重みを逆向きにたどって中間層に分配し、活性化関数の傾きを掛けます (連鎖律)。
    ### hint 1 en: This is the heart of backpropagation: the output error is shared back to the hidden units along the weights used forwards, then multiplied by the activation's slope (the chain rule).
    ### hint 2 ja: shape は (B, O)·(O, H) → (B, H) なので W2 を転置します。f'(u1) は ReLU の微分で、z1 > 0 のユニットだけ 1 です (z1 から求めても u1 から求めても同じ)。講座のノートブックの d_sigmoid はシグモイド層のためのものです。
    ### hint 2 en: The shapes are (B, O)·(O, H) → (B, H), so W2 is transposed. f'(u1) is ReLU's derivative, 1 only where z1 > 0 (the same from z1 or from u1); the course notebook's d_sigmoid belongs to a sigmoid layer.
    ### hint 3 ja: 行列積は np.dot と W2.T、微分は functions.py の d_relu で作り、* で要素ごとに掛けます (ここは行列積ではなく要素積)。
    ### hint 3 en: np.dot with W2.T for the product, the d_relu of functions.py for the derivative, and * for the element-wise product (not a matrix product here).
    delta1 = np.dot(delta2, W2.T) * d_relu(z1)
    ### END BLANK
    ### BEGIN BLANK id=grad1
    ### ja: 中間層の勾配を grad のキー 'b1' と 'W1' に入れる: ∂E/∂b1 = δ1 をサンプルについて足したもの (H,)、∂E/∂W1 = xᵀ·δ1 (D, H)
    ### en: store the hidden layer's gradients in grad under the keys 'b1' and 'W1': ∂E/∂b1 = δ1 summed over the samples (H,), ∂E/∂W1 = xᵀ·δ1 (D, H)
    ### hint 1 ja: 出力層と同じ規則です: 重みの勾配は (層への入力)ᵀ·デルタ、バイアスの勾配はデルタのサンプル和。中間層への入力はネットワークの入力 x です。
    ### hint 1 en: The same rule as the output layer: a weight's gradient is (the layer's input)ᵀ·delta and a bias's gradient is the delta summed over the samples; the hidden layer's input is the network's input x.
    ### hint 2 ja: (D, B)·(B, H) → (D, H) で W1 と同じ shape になります。入力を z1 と取り違えない、転置を忘れない、平均でなく和、の 3 点に注意。
    ### hint 2 en: (D, B)·(B, H) → (D, H), W1's shape. Three traps: using z1 instead of x, forgetting the transpose, and a mean instead of a sum.
    ### hint 3 ja: 出力層の空欄と同じ形です: np.sum(…, axis=0) と、x.T を使った np.dot。
    ### hint 3 en: The same shape of code as the output layer's blank: np.sum(…, axis=0), and np.dot with x.T.
    grad['b1'] = np.sum(delta1, axis=0)
    grad['W1'] = np.dot(x.T, delta1)
    ### END BLANK
    return grad


def sgd_update(network, grad, learning_rate):
    """勾配降下法によるパラメータ更新: w ← w − ε∇E (ε は学習率)。
    Gradient-descent update of the parameters: w ← w − ε∇E (ε is the learning rate)."""
    for key in grad:
        ### BEGIN BLANK id=step
        ### ja: 勾配降下法でパラメータ key を更新する: w ← w − ε·∇E (ε は learning_rate)。network が持っている配列そのものを書き換え、新しい配列は作らない
        ### en: update parameter key by gradient descent, w ← w − ε·∇E (ε is learning_rate), changing the very array network holds rather than making a new one
        ### hint 1 ja: 勾配は誤差が最も増える向きなので、その逆向きに学習率 ε の分だけ進むと誤差が減ります。これを全パラメータについて繰り返すのが学習です。
        ### hint 1 en: The gradient points where the error grows fastest; stepping against it by the learning rate ε lowers the error, and learning repeats this for every parameter.
        ### hint 2 ja: 符号はマイナスで、勾配には学習率を掛けます。辞書の項目に新しい配列を代入すると、同じ配列を持っている他のコードからは更新が見えません。
        ### hint 2 en: The sign is a minus, and the gradient is scaled by the learning rate. Assigning a new array to the dict entry leaves other code holding the old, unchanged array.
        ### hint 3 ja: 累算代入 -= は配列を置き換えずに中身を書き換えます。右辺は learning_rate と grad[key] の積です。
        ### hint 3 en: The augmented assignment -= changes the array's contents instead of replacing it; the right-hand side is learning_rate times grad[key].
        network[key] -= learning_rate * grad[key]
        ### END BLANK
