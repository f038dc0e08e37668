# この演習は solutions/optimizers.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (し) を埋めて、`grader check` で採点してください。
# Generated from solutions/optimizers.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (し) and check your work with `grader check`.
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
            # (あ) params[key] から learning_rate × grads[key] をその場で (-= で) 引く
            #      subtract learning_rate × grads[key] from params[key] in place (with -=)
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
            # (い) self.v[key] を momentum × self.v[key] − learning_rate × grads[key] に更新する
            #      update self.v[key] to momentum × self.v[key] − learning_rate × grads[key]
            raise NotImplementedError("blank (い) in Momentum.update is not filled yet")
            # (う) params[key] に self.v[key] をその場で (+= で) 足す
            #      add self.v[key] to params[key] in place (with +=)
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
            # (え) self.h[key] に grads[key] の二乗を足す
            #      add the square of grads[key] to self.h[key]
            raise NotImplementedError("blank (え) in AdaGrad.update is not filled yet")
            # (お) params[key] から learning_rate × grads[key] / (√self.h[key] + 1e-7) をその場で引く
            #      subtract learning_rate × grads[key] / (√self.h[key] + 1e-7) from params[key] in place
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
            # (か) self.h[key] を decay_rate × self.h[key] + (1 − decay_rate) × grads[key]² に更新する
            #      update self.h[key] to decay_rate × self.h[key] + (1 − decay_rate) × grads[key]²
            raise NotImplementedError("blank (か) in RMSprop.update is not filled yet")
            # (き) params[key] から learning_rate × grads[key] / (√self.h[key] + 1e-7) をその場で引く
            #      subtract learning_rate × grads[key] / (√self.h[key] + 1e-7) from params[key] in place
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
            # (く) self.m[key] を beta1 × m + (1 − beta1) × grads[key]、self.v[key] を beta2 × v + (1 − beta2) × grads[key]² に更新する
            #      update self.m[key] to beta1 × m + (1 − beta1) × grads[key] and self.v[key] to beta2 × v + (1 − beta2) × grads[key]²
            raise NotImplementedError("blank (く) in Adam.update is not filled yet")
            # (け) バイアス補正: m_hat = self.m[key] / (1 − beta1 の t 乗)、v_hat = self.v[key] / (1 − beta2 の t 乗)
            #      bias correction: m_hat = self.m[key] / (1 − beta1 to the power t), v_hat = self.v[key] / (1 − beta2 to the power t)
            raise NotImplementedError("blank (け) in Adam.update is not filled yet")
            # (こ) params[key] から learning_rate × m_hat / (√v_hat + 1e-7) をその場で引く
            #      subtract learning_rate × m_hat / (√v_hat + 1e-7) from params[key] in place
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
