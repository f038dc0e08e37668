# この演習は solutions/network.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (く) を埋めて、`grader check` で採点してください。
# Generated from solutions/network.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (く) and check your work with `grader check`.
"""講座の 2 層ニューラルネットワーク (中間層 ReLU、出力は恒等写像): 順伝播・誤差逆伝播・SGD。
The course's two-layer network (ReLU hidden layer, identity output): forward, backward, SGD."""
import numpy as np

from functions import d_relu, relu


def forward(network, x):
    """順伝播: u1 = x·W1 + b1、z1 = f(u1) (ReLU)、y = z1·W2 + b2。
    Forward pass: u1 = x·W1 + b1, z1 = f(u1) (ReLU), y = z1·W2 + b2."""
    W1, W2 = network['W1'], network['W2']
    b1, b2 = network['b1'], network['b2']
    # (あ) 中間層の総入力 u1 を計算する: x と W1 の行列積 (np.dot) に b1 を足す
    #      compute the hidden layer's total input u1: the matrix product of x and W1 (np.dot) plus b1
    raise NotImplementedError("blank (あ) in forward is not filled yet")
    # (い) 中間層の出力 z1 を計算する: u1 に relu を適用する
    #      compute the hidden layer's output z1: apply relu to u1
    raise NotImplementedError("blank (い) in forward is not filled yet")
    # (う) 出力 y を計算する: z1 と W2 の行列積に b2 を足す (出力層は恒等写像)
    #      compute the output y: the matrix product of z1 and W2 plus b2 (the output is the identity)
    raise NotImplementedError("blank (う) in forward is not filled yet")
    return z1, y


def backward(network, x, d, z1, y):
    """誤差逆伝播: δ2 = (y − d)/B、δ1 = δ2·W2ᵀ ⊙ f'(z1)、∂E/∂W = 入力ᵀ·δ、∂E/∂b = Σ δ。
    Backpropagation: δ2 = (y − d)/B, δ1 = δ2·W2ᵀ ⊙ f'(z1), ∂E/∂W = inputᵀ·δ, ∂E/∂b = Σ δ."""
    grad = {}
    W2 = network['W2']
    batch_size = x.shape[0]
    # 出力層でのデルタ
    # (え) delta2 を計算する: 出力の誤差 (y − d) をバッチサイズ batch_size で割る
    #      compute delta2: the output error (y − d) divided by batch_size
    raise NotImplementedError("blank (え) in backward is not filled yet")
    # (お) grad['b2'] に delta2 のバッチ軸 (axis=0) の総和、grad['W2'] に z1.T と delta2 の行列積を入れる
    #      set grad['b2'] to the sum of delta2 over the batch axis (axis=0) and grad['W2'] to the matrix product of z1.T and delta2
    raise NotImplementedError("blank (お) in backward is not filled yet")
    # 中間層でのデルタ
    # (か) delta1 を計算する: delta2 と W2.T の行列積に d_relu(z1) を要素ごとに掛ける
    #      compute delta1: the matrix product of delta2 and W2.T, multiplied element-wise by d_relu(z1)
    raise NotImplementedError("blank (か) in backward is not filled yet")
    # (き) grad['b1'] に delta1 のバッチ軸 (axis=0) の総和、grad['W1'] に x.T と delta1 の行列積を入れる
    #      set grad['b1'] to the sum of delta1 over the batch axis (axis=0) and grad['W1'] to the matrix product of x.T and delta1
    raise NotImplementedError("blank (き) in backward is not filled yet")
    return grad


def sgd_update(network, grad, learning_rate):
    """勾配降下法によるパラメータ更新: w ← w − ε∇E (ε は学習率)。
    Gradient-descent update of the parameters: w ← w − ε∇E (ε is the learning rate)."""
    for key in grad:
        # (く) network[key] から learning_rate × grad[key] をその場で (-= で) 引く
        #      subtract learning_rate × grad[key] from network[key] in place (with -=)
        raise NotImplementedError("blank (く) in sgd_update is not filled yet")
