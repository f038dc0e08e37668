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
            ### BEGIN BLANK
            ### ja: params[key] から learning_rate × grads[key] をその場で (-= で) 引く
            ### en: subtract learning_rate × grads[key] from params[key] in place (with -=)
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
            ### BEGIN BLANK
            ### ja: self.v[key] を momentum × self.v[key] − learning_rate × grads[key] に更新する
            ### en: update self.v[key] to momentum × self.v[key] − learning_rate × grads[key]
            self.v[key] = self.momentum * self.v[key] - self.learning_rate * grads[key]
            ### END BLANK
            ### BEGIN BLANK
            ### ja: params[key] に self.v[key] をその場で (+= で) 足す
            ### en: add self.v[key] to params[key] in place (with +=)
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
            ### BEGIN BLANK
            ### ja: self.h[key] に grads[key] の二乗を足す
            ### en: add the square of grads[key] to self.h[key]
            self.h[key] += grads[key] * grads[key]
            ### END BLANK
            ### BEGIN BLANK
            ### ja: params[key] から learning_rate × grads[key] / (√self.h[key] + 1e-7) をその場で引く
            ### en: subtract learning_rate × grads[key] / (√self.h[key] + 1e-7) from params[key] in place
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
            ### BEGIN BLANK
            ### ja: self.h[key] を decay_rate × self.h[key] + (1 − decay_rate) × grads[key]² に更新する
            ### en: update self.h[key] to decay_rate × self.h[key] + (1 − decay_rate) × grads[key]²
            self.h[key] = self.decay_rate * self.h[key] + (1 - self.decay_rate) * grads[key] ** 2
            ### END BLANK
            ### BEGIN BLANK
            ### ja: params[key] から learning_rate × grads[key] / (√self.h[key] + 1e-7) をその場で引く
            ### en: subtract learning_rate × grads[key] / (√self.h[key] + 1e-7) from params[key] in place
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
            ### BEGIN BLANK
            ### ja: self.m[key] を beta1 × m + (1 − beta1) × grads[key]、self.v[key] を beta2 × v + (1 − beta2) × grads[key]² に更新する
            ### en: update self.m[key] to beta1 × m + (1 − beta1) × grads[key] and self.v[key] to beta2 × v + (1 − beta2) × grads[key]²
            self.m[key] = self.beta1 * self.m[key] + (1 - self.beta1) * grads[key]
            self.v[key] = self.beta2 * self.v[key] + (1 - self.beta2) * grads[key] ** 2
            ### END BLANK
            ### BEGIN BLANK
            ### ja: バイアス補正: m_hat = self.m[key] / (1 − beta1 の t 乗)、v_hat = self.v[key] / (1 − beta2 の t 乗)
            ### en: bias correction: m_hat = self.m[key] / (1 − beta1 to the power t), v_hat = self.v[key] / (1 − beta2 to the power t)
            m_hat = self.m[key] / (1 - self.beta1 ** self.t)
            v_hat = self.v[key] / (1 - self.beta2 ** self.t)
            ### END BLANK
            ### BEGIN BLANK
            ### ja: params[key] から learning_rate × m_hat / (√v_hat + 1e-7) をその場で引く
            ### en: subtract learning_rate × m_hat / (√v_hat + 1e-7) from params[key] in place
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
            ### BEGIN BLANK
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
            ### BEGIN BLANK
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
