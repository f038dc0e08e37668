# この演習は solutions/network.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (く) を埋めて、`grader check` で採点してください。行き詰まったら `grader hint トピック名`。
# Generated from solutions/network.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (く) and check your work with `grader check`; stuck? `grader hint TOPIC`.
"""講座の 2 層ニューラルネットワーク (中間層 ReLU、出力は恒等写像): 順伝播・誤差逆伝播・SGD。
The course's two-layer network (ReLU hidden layer, identity output): forward, backward, SGD."""
import numpy as np

from functions import d_relu, relu


def forward(network, x):
    """順伝播: u1 = x·W1 + b1、z1 = f(u1) (ReLU)、y = z1·W2 + b2。
    Forward pass: u1 = x·W1 + b1, z1 = f(u1) (ReLU), y = z1·W2 + b2."""
    W1, W2 = network['W1'], network['W2']
    b1, b2 = network['b1'], network['b2']
    # (あ) 中間層の総入力 u1 = x·W1 + b1 を求める: (B, D) の x と (D, H) の W1 の行列積に、バイアス b1 を各サンプルに足した (B, H)
    #      compute the hidden layer's total input u1 = x·W1 + b1: the matrix product of the (B, D) x with the (D, H) W1, plus the bias b1 for every sample, giving (B, H)
    raise NotImplementedError("blank (あ) in forward is not filled yet")
    # (い) 中間層の出力 z1 = f(u1) を求める: このネットワークの活性化関数 f は ReLU
    #      compute the hidden layer's output z1 = f(u1), where this network's activation f is ReLU
    raise NotImplementedError("blank (い) in forward is not filled yet")
    # (う) 出力 y = z1·W2 + b2 を求める: (B, H) の z1 と (H, O) の W2 の行列積にバイアス b2 を足した (B, O)。出力層の活性化関数は恒等写像
    #      compute the output y = z1·W2 + b2: the matrix product of the (B, H) z1 with the (H, O) W2, plus the bias b2, giving (B, O); the output layer's activation is the identity
    raise NotImplementedError("blank (う) in forward is not filled yet")
    return z1, y


def backward(network, x, d, z1, y):
    """誤差逆伝播: δ2 = (y − d)/B、δ1 = δ2·W2ᵀ ⊙ f'(z1)、∂E/∂W = 入力ᵀ·δ、∂E/∂b = Σ δ。
    Backpropagation: δ2 = (y − d)/B, δ1 = δ2·W2ᵀ ⊙ f'(z1), ∂E/∂W = inputᵀ·δ, ∂E/∂b = Σ δ."""
    grad = {}
    W2 = network['W2']
    batch_size = x.shape[0]
    # 出力層でのデルタ
    # (え) 出力層のデルタ δ2 = ∂E/∂y を求める: 誤差 (y − d) をサンプル数 batch_size で割ったもの、shape は y と同じ (B, O)
    #      compute the output layer's delta δ2 = ∂E/∂y: the error (y − d) divided by the number of samples batch_size, shaped like y (B, O)
    raise NotImplementedError("blank (え) in backward is not filled yet")
    # (お) 出力層の勾配を grad のキー 'b2' と 'W2' に入れる: ∂E/∂b2 = δ2 をサンプルについて足したもの (b2 と同じ (O,))、∂E/∂W2 = z1ᵀ·δ2 (W2 と同じ (H, O))
    #      store the output layer's gradients in grad under the keys 'b2' and 'W2': ∂E/∂b2 = δ2 summed over the samples (shaped like b2, (O,)) and ∂E/∂W2 = z1ᵀ·δ2 (shaped like W2, (H, O))
    raise NotImplementedError("blank (お) in backward is not filled yet")
    # 中間層でのデルタ
    # (か) 中間層のデルタ δ1 = δ2·W2ᵀ ⊙ f'(u1) を求める: 出力層のデルタを W2 を通して戻し、ReLU の微分 (発火したユニットで 1) を要素ごとに掛けた (B, H)
    #      compute the hidden layer's delta δ1 = δ2·W2ᵀ ⊙ f'(u1): the output delta carried back through W2, multiplied element-wise by ReLU's derivative (1 for the units that fired), giving (B, H)
    raise NotImplementedError("blank (か) in backward is not filled yet")
    # (き) 中間層の勾配を grad のキー 'b1' と 'W1' に入れる: ∂E/∂b1 = δ1 をサンプルについて足したもの (H,)、∂E/∂W1 = xᵀ·δ1 (D, H)
    #      store the hidden layer's gradients in grad under the keys 'b1' and 'W1': ∂E/∂b1 = δ1 summed over the samples (H,), ∂E/∂W1 = xᵀ·δ1 (D, H)
    raise NotImplementedError("blank (き) in backward is not filled yet")
    return grad


def sgd_update(network, grad, learning_rate):
    """勾配降下法によるパラメータ更新: w ← w − ε∇E (ε は学習率)。
    Gradient-descent update of the parameters: w ← w − ε∇E (ε is the learning rate)."""
    for key in grad:
        # (く) 勾配降下法でパラメータ key を更新する: w ← w − ε·∇E (ε は learning_rate)。network が持っている配列そのものを書き換え、新しい配列は作らない
        #      update parameter key by gradient descent, w ← w − ε·∇E (ε is learning_rate), changing the very array network holds rather than making a new one
        raise NotImplementedError("blank (く) in sgd_update is not filled yet")
