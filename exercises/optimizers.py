# この演習は solutions/optimizers.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (し) を埋めて、`grader check` で採点してください。行き詰まったら `grader hint トピック名`。
# Generated from solutions/optimizers.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (し) and check your work with `grader check`; stuck? `grader hint TOPIC`.
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
            # (あ) パラメータ key を w ← w − ε·∇E で更新する (ε は learning_rate)。params の配列そのものを書き換える (その場で更新)
            #      update parameter key by w ← w − ε·∇E (ε is learning_rate), changing the array in params itself (in place)
            raise NotImplementedError("blank (あ) in SGD.update is not filled yet")


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
            # (い) 速度を更新する: V ← μ·V − ε·∇E (μ は momentum、ε は learning_rate)。キーごとの速度は次の呼び出しまで保たれる
            #      update the velocity V ← μ·V − ε·∇E (μ is momentum, ε is learning_rate); each key's velocity lives on until the next call
            raise NotImplementedError("blank (い) in Momentum.update is not filled yet")
            # (う) パラメータ key を w ← w + V で動かす (V はいま更新した速度)。params の配列そのものを書き換える
            #      move parameter key by w ← w + V, V being the velocity just updated, changing the array in params itself
            raise NotImplementedError("blank (う) in Momentum.update is not filled yet")


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
            # (え) パラメータ key の勾配の二乗の累積を h ← h + (∇E)² で更新する (要素ごとの二乗を、呼び出しをまたいで足し続ける)
            #      update the accumulated squared gradient of parameter key, h ← h + (∇E)² (element-wise squares, added up across calls)
            raise NotImplementedError("blank (え) in AdaGrad.update is not filled yet")
            # (お) パラメータ key を w ← w − ε·∇E / (√h + 1e-7) でその場で更新する。1e-7 は h が 0 の間の 0 除算を防ぐ
            #      update parameter key in place by w ← w − ε·∇E / (√h + 1e-7); the 1e-7 prevents a division by zero while h is 0
            raise NotImplementedError("blank (お) in AdaGrad.update is not filled yet")


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
            # (か) 勾配の二乗の移動平均を h ← α·h + (1 − α)·(∇E)² で更新する (α は decay_rate)
            #      update the moving average of the squared gradient, h ← α·h + (1 − α)·(∇E)² (α is decay_rate)
            raise NotImplementedError("blank (か) in RMSprop.update is not filled yet")
            # (き) パラメータ key を w ← w − ε·∇E / (√h + 1e-7) でその場で更新する (h はいま更新した移動平均)
            #      update parameter key in place by w ← w − ε·∇E / (√h + 1e-7), h being the moving average just updated
            raise NotImplementedError("blank (き) in RMSprop.update is not filled yet")


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
            # (く) 1 次と 2 次のモーメントをキーごとに更新する: m ← β1·m + (1 − β1)·∇E、v ← β2·v + (1 − β2)·(∇E)² (β1 は beta1、β2 は beta2)
            #      update the first and second moments per key, m ← β1·m + (1 − β1)·∇E and v ← β2·v + (1 − β2)·(∇E)² (β1 is beta1, β2 is beta2)
            raise NotImplementedError("blank (く) in Adam.update is not filled yet")
            # (け) バイアス補正した m̂ = m / (1 − β1ᵗ) と v̂ = v / (1 − β2ᵗ) を m_hat と v_hat に求める (t は update の呼び出し回数で、1 から数える)
            #      compute the bias-corrected m̂ = m / (1 − β1ᵗ) and v̂ = v / (1 − β2ᵗ) as m_hat and v_hat (t counts the update calls, from 1)
            raise NotImplementedError("blank (け) in Adam.update is not filled yet")
            # (こ) パラメータ key を w ← w − ε·m̂ / (√v̂ + 1e-7) でその場で更新する
            #      update parameter key in place by w ← w − ε·m̂ / (√v̂ + 1e-7)
            raise NotImplementedError("blank (こ) in Adam.update is not filled yet")


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
            # (さ) 速度を更新する: V ← μ·V − ε·∇E (μ は momentum、ε は learning_rate、∇E はこの key の勾配 grads)、V はその場で書き換える
            #      update the velocity: V ← μ·V − ε·∇E (μ is momentum, ε is learning_rate, ∇E is this key's gradient in grads), changing V in place
            raise NotImplementedError("blank (さ) in Nesterov.update is not filled yet")
            # (し) パラメータをその場で更新する: w ← w + μ²·V − (1 + μ)·ε·∇E (V は今更新した新しい速度)
            #      update the parameter in place: w ← w + μ²·V − (1 + μ)·ε·∇E (V is the velocity just updated)
            raise NotImplementedError("blank (し) in Nesterov.update is not filled yet")
