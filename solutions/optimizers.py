"""学習率最適化手法: SGD・Momentum・AdaGrad・RMSprop・Adam・Nesterov (params をその場で更新する)。
Optimizers: SGD, Momentum, AdaGrad, RMSprop, Adam and Nesterov, each updating params in place."""
import numpy as np


class SGD:
    """確率的勾配降下法: w ← w − ε∇E。
    Stochastic gradient descent: w ← w − ε∇E."""

    def __init__(self, learning_rate=0.01):
        self.learning_rate = learning_rate

    def update(self, params, grads):
        """params[key] を w ← w − ε∇E でその場で更新する。
        Updates params[key] in place by w ← w − ε∇E."""
        for key in params.keys():
            ### BEGIN BLANK id=step
            ### ja: パラメータ key を w ← w − ε·∇E で更新する (ε は learning_rate)。params の配列そのものを書き換える (その場で更新)
            ### en: update parameter key by w ← w − ε·∇E (ε is learning_rate), changing the array in params itself (in place)
            ### hint 1 ja: SGD は最も基本的な学習率最適化手法で、勾配の逆向きに学習率の大きさだけ進みます。ミニバッチの勾配を使うので「確率的」と呼ばれます。
            ### hint 1 en: SGD is the most basic optimizer: a step against the gradient, scaled by the learning rate; it is called stochastic because the gradient comes from a mini-batch.
            ### hint 2 ja: 符号はマイナスです。辞書の項目に新しい配列を代入すると、層やネットワークが持っている同じ配列は更新されません。
            ### hint 2 en: The sign is a minus. Assigning a new array to the dict entry leaves the arrays that layers and the network still hold unchanged.
            ### hint 3 ja: -= は配列の中身をその場で書き換えます。学習率は self.learning_rate にあります。
            ### hint 3 en: -= changes the array's contents in place; the learning rate is in self.learning_rate.
            params[key] -= self.learning_rate * grads[key]
            ### END BLANK


class Momentum:
    """モメンタム: V_t = μV_{t−1} − ε∇E、w ← w + V_t。
    Momentum: V_t = μV_{t−1} − ε∇E, w ← w + V_t."""

    def __init__(self, learning_rate=0.01, momentum=0.9):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        """速度 V を更新し、params[key] に V を足す (V は初回に 0 で作る)。
        Updates the velocity V and adds it to params[key] (V starts at 0 on the first call)."""
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)
        for key in params.keys():
            ### BEGIN BLANK id=velocity
            ### ja: 速度を更新する: V ← μ·V − ε·∇E (μ は momentum、ε は learning_rate)。キーごとの速度は次の呼び出しまで保たれる
            ### en: update the velocity V ← μ·V − ε·∇E (μ is momentum, ε is learning_rate); each key's velocity lives on until the next call
            ### hint 1 ja: モメンタムは、前回までの更新量 (速度) を慣性 μ で残し、そこに今回の勾配の分を加えます。谷を横切る振動が減り、同じ向きには加速します。
            ### hint 1 en: Momentum keeps the previous update (the velocity) with inertia μ and adds this step's gradient term: oscillation across a valley dies down and a steady direction speeds up.
            ### hint 2 ja: 速度はパラメータごとに別の配列です (self.v のキーごと)。勾配の項はマイナスで、速度は勾配と逆向きに育ちます。
            ### hint 2 en: Each parameter has its own velocity array (one per key of self.v). The gradient term is a minus: the velocity builds up against the gradient.
            ### hint 3 ja: self.momentum と self.learning_rate を使い、self.v[key] に新しい値を代入します (ここは代入でかまいません。その場で書き換えるのは params のほう)。
            ### hint 3 en: Use self.momentum and self.learning_rate and assign the new value to self.v[key] (assignment is fine here; it is params that must change in place).
            self.v[key] = self.momentum * self.v[key] - self.learning_rate * grads[key]
            ### END BLANK
            ### BEGIN BLANK id=move
            ### ja: パラメータ key を w ← w + V で動かす (V はいま更新した速度)。params の配列そのものを書き換える
            ### en: move parameter key by w ← w + V, V being the velocity just updated, changing the array in params itself
            ### hint 1 ja: モメンタムでは、パラメータは勾配ではなく速度の分だけ動きます。速度にすでに −ε·∇E が入っているので、ここは足し算です。
            ### hint 1 en: With momentum the parameter moves by the velocity, not by the gradient; the velocity already holds −ε·∇E, so this step adds.
            ### hint 2 ja: ここで引くと向きが逆になります。新しい配列を代入すると、他のコードが持つ配列は動きません。
            ### hint 2 en: Subtracting here would reverse the direction, and assigning a new array leaves the arrays other code holds where they were.
            ### hint 3 ja: += で配列の中身をその場で増やします。
            ### hint 3 en: += increases the array's contents in place.
            params[key] += self.v[key]
            ### END BLANK


class AdaGrad:
    """AdaGrad: h_t = h_{t−1} + (∇E)²、w ← w − ε∇E / (√h_t + 1e-7)。
    AdaGrad: h_t = h_{t−1} + (∇E)², w ← w − ε∇E / (√h_t + 1e-7)."""

    def __init__(self, learning_rate=0.01):
        self.learning_rate = learning_rate
        self.h = None

    def update(self, params, grads):
        """勾配の二乗を h に足し込み、√h で割った勾配で params[key] を更新する。
        Accumulates the squared gradient in h and updates params[key] by the gradient over √h."""
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)
        for key in params.keys():
            ### BEGIN BLANK id=accumulate
            ### ja: パラメータ key の勾配の二乗の累積を h ← h + (∇E)² で更新する (要素ごとの二乗を、呼び出しをまたいで足し続ける)
            ### en: update the accumulated squared gradient of parameter key, h ← h + (∇E)² (element-wise squares, added up across calls)
            ### hint 1 ja: AdaGrad は、これまでによく動いたパラメータほど学習率を小さくします。その「よく動いた度合い」が勾配の二乗の累積 h です。
            ### hint 1 en: AdaGrad shrinks the learning rate of the parameters that have moved a lot so far; how much they moved is h, the accumulated squared gradient.
            ### hint 2 ja: h は初回に 0 で作られ、キーごとに呼び出しのたびに増えていきます (毎回作り直したり上書きしたりしない)。二乗は要素ごとで、行列積ではありません。
            ### hint 2 en: h starts at 0 on the first call and grows per key on every call (never rebuilt or overwritten); the square is element-wise, not a matrix product.
            ### hint 3 ja: += で、grads[key] とそれ自身の要素積を self.h[key] に足し込みます。
            ### hint 3 en: Add the element-wise product of grads[key] with itself into self.h[key] with +=.
            self.h[key] += grads[key] * grads[key]
            ### END BLANK
            ### BEGIN BLANK id=step
            ### ja: パラメータ key を w ← w − ε·∇E / (√h + 1e-7) でその場で更新する。1e-7 は h が 0 の間の 0 除算を防ぐ
            ### en: update parameter key in place by w ← w − ε·∇E / (√h + 1e-7); the 1e-7 prevents a division by zero while h is 0
            ### hint 1 ja: 勾配を √h で割ることで、パラメータごとに学習率が自動で調整されます。h は増える一方なので、学習が進むほど更新は小さくなります。
            ### hint 1 en: Dividing the gradient by √h tunes the learning rate per parameter; h only grows, so updates get smaller as learning goes on.
            ### hint 2 ja: 割るのは h ではなく √h で、1e-7 は √ の外に足します。すべて要素ごとの演算で、params は新しい配列にせずその場で書き換えます。
            ### hint 2 en: Divide by √h, not h, and add the 1e-7 outside the root. Everything is element-wise, and params changes in place rather than becoming a new array.
            ### hint 3 ja: 要素ごとの平方根は np.sqrt、その場での引き算は -= です。
            ### hint 3 en: The element-wise square root is np.sqrt, the in-place subtraction -=.
            params[key] -= self.learning_rate * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
            ### END BLANK


class RMSprop:
    """RMSProp: h_t = αh_{t−1} + (1 − α)(∇E)²、w ← w − ε∇E / (√h_t + 1e-7)。
    RMSProp: h_t = αh_{t−1} + (1 − α)(∇E)², w ← w − ε∇E / (√h_t + 1e-7)."""

    def __init__(self, learning_rate=0.01, decay_rate=0.99):
        self.learning_rate = learning_rate
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        """勾配の二乗の移動平均 h を更新し、√h で割った勾配で params[key] を更新する。
        Updates the moving average h of the squared gradient and params[key] by the gradient over √h."""
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)
        for key in params.keys():
            ### BEGIN BLANK id=average
            ### ja: 勾配の二乗の移動平均を h ← α·h + (1 − α)·(∇E)² で更新する (α は decay_rate)
            ### en: update the moving average of the squared gradient, h ← α·h + (1 − α)·(∇E)² (α is decay_rate)
            ### hint 1 ja: RMSProp は AdaGrad の改良で、古い勾配を割合 α で少しずつ忘れます。そのため学習の後半でも更新が止まりません。
            ### hint 1 en: RMSProp improves on AdaGrad by forgetting old gradients a little at each step, at rate α, so updates do not die out late in training.
            ### hint 2 ja: 重みの取り違えに注意: 古い h に掛けるのが α (0.99)、新しい勾配の二乗に掛けるのが 1 − α です。h はキーごとに呼び出しをまたいで保ちます。
            ### hint 2 en: Do not swap the weights: α (0.99) multiplies the old h and 1 − α the new squared gradient. h is kept per key across calls.
            ### hint 3 ja: self.decay_rate を使い、self.h[key] に新しい値を代入します。二乗は ** 2 か要素積です。
            ### hint 3 en: Use self.decay_rate and assign the new value to self.h[key]; the square is ** 2 or an element-wise product.
            self.h[key] = self.decay_rate * self.h[key] + (1 - self.decay_rate) * grads[key] ** 2
            ### END BLANK
            ### BEGIN BLANK id=step
            ### ja: パラメータ key を w ← w − ε·∇E / (√h + 1e-7) でその場で更新する (h はいま更新した移動平均)
            ### en: update parameter key in place by w ← w − ε·∇E / (√h + 1e-7), h being the moving average just updated
            ### hint 1 ja: 更新式そのものは AdaGrad と同じで、違うのは h の作り方だけです。勾配の典型的な大きさで割ることで、パラメータごとに歩幅がそろいます。
            ### hint 1 en: The update itself is AdaGrad's; only the way h is built differs. Dividing by the gradient's typical size evens out the step of every parameter.
            ### hint 2 ja: √h で割り、1e-7 は √ の外に足します。params はその場で書き換えます。
            ### hint 2 en: Divide by √h with the 1e-7 outside the root, and change params in place.
            ### hint 3 ja: 道具は np.sqrt と -= です。
            ### hint 3 en: np.sqrt and -= are the tools.
            params[key] -= self.learning_rate * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
            ### END BLANK


class Adam:
    """Adam: m_t = β1·m + (1 − β1)∇E、v_t = β2·v + (1 − β2)(∇E)²、w ← w − ε·m̂ / (√v̂ + 1e-7)。
    Adam: m_t = β1·m + (1 − β1)∇E, v_t = β2·v + (1 − β2)(∇E)², w ← w − ε·m̂ / (√v̂ + 1e-7)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999):
        self.learning_rate = learning_rate
        self.beta1 = beta1
        self.beta2 = beta2
        self.t = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        """m と v を更新し、バイアス補正した m̂ = m/(1 − β1ᵗ)、v̂ = v/(1 − β2ᵗ) で params[key] を更新する。
        Updates m and v, then params[key] with the bias-corrected m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ)."""
        if self.m is None:
            self.m, self.v = {}, {}
            for key, val in params.items():
                self.m[key] = np.zeros_like(val)
                self.v[key] = np.zeros_like(val)
        self.t += 1  # 更新回数 t は全パラメータで共通
        for key in params.keys():
            ### BEGIN BLANK id=moments
            ### ja: 1 次と 2 次のモーメントをキーごとに更新する: m ← β1·m + (1 − β1)·∇E、v ← β2·v + (1 − β2)·(∇E)² (β1 は beta1、β2 は beta2)
            ### en: update the first and second moments per key, m ← β1·m + (1 − β1)·∇E and v ← β2·v + (1 − β2)·(∇E)² (β1 is beta1, β2 is beta2)
            ### hint 1 ja: Adam は、モメンタム (勾配の移動平均 m) と RMSProp (勾配の二乗の移動平均 v) を組み合わせた手法です。
            ### hint 1 en: Adam combines momentum (m, the moving average of the gradient) with RMSProp (v, the moving average of the squared gradient).
            ### hint 2 ja: m には勾配そのもの、v には勾配の二乗を使います。古い値に掛けるのが β、新しい値に掛けるのが 1 − β です。状態はキーごとに別の配列です。
            ### hint 2 en: m takes the gradient itself and v its square; β multiplies the old value and 1 − β the new one. The state is a separate array per key.
            ### hint 3 ja: self.beta1 と self.beta2 を使って、self.m[key] と self.v[key] に新しい値を代入します。二乗は ** 2 です。
            ### hint 3 en: Use self.beta1 and self.beta2 and assign the new values to self.m[key] and self.v[key]; the square is ** 2.
            self.m[key] = self.beta1 * self.m[key] + (1 - self.beta1) * grads[key]
            self.v[key] = self.beta2 * self.v[key] + (1 - self.beta2) * grads[key] ** 2
            ### END BLANK
            ### BEGIN BLANK id=bias_correct
            ### ja: バイアス補正した m̂ = m / (1 − β1ᵗ) と v̂ = v / (1 − β2ᵗ) を m_hat と v_hat に求める (t は update の呼び出し回数で、1 から数える)
            ### en: compute the bias-corrected m̂ = m / (1 − β1ᵗ) and v̂ = v / (1 − β2ᵗ) as m_hat and v_hat (t counts the update calls, from 1)
            ### hint 1 ja: m と v は 0 から始まるので、最初のうちは 0 に引っ張られて小さすぎます。1 − βᵗ で割ってこの偏り (バイアス) を打ち消します。t が大きくなると補正は 1 に近づきます。
            ### hint 1 en: m and v start at 0, so early on they are pulled towards 0 and too small; dividing by 1 − βᵗ cancels this bias, and the correction tends to 1 as t grows.
            ### hint 2 ja: t は呼び出しごとに 1 回だけ、全キー共通で増えます (すでに self.t に入っています)。β1 と β2 を取り違えない、t 乗を忘れない、の 2 点に注意。
            ### hint 2 en: t grows once per call, shared by every key (it is already in self.t). Do not swap β1 and β2, and do not forget the power t.
            ### hint 3 ja: Python のべき乗は ** で、指数には self.t を使います。
            ### hint 3 en: Python's power operator is **, with self.t as the exponent.
            m_hat = self.m[key] / (1 - self.beta1 ** self.t)
            v_hat = self.v[key] / (1 - self.beta2 ** self.t)
            ### END BLANK
            ### BEGIN BLANK id=step
            ### ja: パラメータ key を w ← w − ε·m̂ / (√v̂ + 1e-7) でその場で更新する
            ### en: update parameter key in place by w ← w − ε·m̂ / (√v̂ + 1e-7)
            ### hint 1 ja: m̂ が進む向き (モメンタムの部分)、√v̂ が歩幅の調整 (RMSProp の部分) の役目をします。
            ### hint 1 en: m̂ gives the direction (the momentum part) and √v̂ scales the step (the RMSProp part).
            ### hint 2 ja: 補正前の m, v ではなく補正後の m̂, v̂ を使い、1e-7 は √ の外に足します。params はその場で書き換えます。
            ### hint 2 en: Use the corrected m̂ and v̂, not the raw m and v, with the 1e-7 outside the root; params changes in place.
            ### hint 3 ja: np.sqrt と -= を使います。学習率は self.learning_rate です。
            ### hint 3 en: np.sqrt and -= are what you need; the learning rate is self.learning_rate.
            params[key] -= self.learning_rate * m_hat / (np.sqrt(v_hat) + 1e-7)
            ### END BLANK


class Nesterov:
    """ネステロフの加速勾配法 (講座の形): V_t = μV_{t−1} − ε∇E、w ← w + μ²V_t − (1 + μ)ε∇E。
    Nesterov's accelerated gradient (the course's form): V_t = μV_{t−1} − ε∇E, w ← w + μ²V_t − (1 + μ)ε∇E."""

    def __init__(self, learning_rate=0.01, momentum=0.9):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        """速度 V をモメンタムと同じく更新し、その新しい V と勾配で params[key] をその場で更新する。
        Updates the velocity V as Momentum does, then params[key] in place from the new V and the gradient."""
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)
        for key in params.keys():
            ### BEGIN BLANK id=velocity
            ### ja: 速度を更新する: V ← μ·V − ε·∇E (μ は momentum、ε は learning_rate、∇E はこの key の勾配 grads)、V はその場で書き換える
            ### en: update the velocity: V ← μ·V − ε·∇E (μ is momentum, ε is learning_rate, ∇E is this key's gradient in grads), changing V in place
            ### hint 1 ja: ここまではモメンタムと同じ: 速度 V は過去の勾配を μ で減衰させながらためたもの
            ### hint 1 en: this part is the same as Momentum: the velocity V accumulates past gradients, each decayed by μ
            ### hint 2 ja: V は self.v[key]、形は params[key] と同じ。先に μ 倍してから ε·∇E を引く (順番を逆にすると ε·∇E まで μ 倍される)
            ### hint 2 en: V is self.v[key], shaped like params[key]; multiply by μ first, then subtract ε·∇E (the other order also scales ε·∇E by μ)
            ### hint 3 ja: *= と -= でその場の更新になる
            ### hint 3 en: *= and -= update in place
            self.v[key] *= self.momentum
            self.v[key] -= self.learning_rate * grads[key]
            ### END BLANK
            ### BEGIN BLANK id=step
            ### ja: パラメータをその場で更新する: w ← w + μ²·V − (1 + μ)·ε·∇E (V は今更新した新しい速度)
            ### en: update the parameter in place: w ← w + μ²·V − (1 + μ)·ε·∇E (V is the velocity just updated)
            ### hint 1 ja: ネステロフ法は、慣性で進んだ先 (w + μV) の勾配を使うモメンタム。その先読みを変数の置き換えで書き直すと、この形で w を直接更新できる
            ### hint 1 en: Nesterov's method is momentum that uses the gradient at the point inertia leads to (w + μV); rewritten by a change of variables, that look-ahead updates w directly in this form
            ### hint 2 ja: w に V を足すだけではモメンタムと同じになる。μ² と (1 + μ) の 2 つの項が必要で、使う V は更新後のもの (PyTorch の nesterov=True は更新前の V を使う別の変数の取り方)
            ### hint 2 en: adding V to w alone is plain Momentum; both terms, with μ² and with (1 + μ), are needed, and V is the updated one (PyTorch's nesterov=True tracks other variables, with the V from before the update)
            ### hint 3 ja: params[key] への += と -= (新しい配列を代入しない)。μ² は self.momentum を 2 回掛ける
            ### hint 3 en: += and -= on params[key] (no new array assigned); μ² is self.momentum multiplied by itself
            params[key] += self.momentum * self.momentum * self.v[key]
            params[key] -= (1 + self.momentum) * self.learning_rate * grads[key]
            ### END BLANK
