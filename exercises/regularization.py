# この演習は solutions/regularization.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (え) を埋めて、`grader check` で採点してください。行き詰まったら `grader hint トピック名`。
# Generated from solutions/regularization.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (え) and check your work with `grader check`; stuck? `grader hint TOPIC`.
"""正則化: L2 (荷重減衰、リッジ) と L1 (ラッソ) のペナルティとその勾配 (講座の MultiLayerNet にならう)。
Regularisation: the L2 (weight decay, ridge) and L1 (lasso) penalties and their gradients, after the course's MultiLayerNet.

ペナルティは誤差関数に足し、勾配は各重みの勾配に足す: E + ペナルティ、∇E + 勾配。
The penalty is added to the error and its gradient to each weight's gradient: E + penalty, ∇E + gradient.
"""
import numpy as np


def l2_penalty(weights, weight_decay_lambda):
    """L2 ペナルティ: ½·λ·Σ_W ΣW² (weights は重みの配列のリスト)。
    L2 penalty: ½·λ·Σ_W ΣW² (weights is a list of weight arrays)."""
    weight_decay = 0
    for W in weights:
        # (あ) weight_decay に、この重み W の全要素の二乗和の ½·λ 倍 (λ は weight_decay_lambda) を足す
        #      add to weight_decay ½·λ times the sum of the squares of every element of this weight W (λ is weight_decay_lambda)
        raise NotImplementedError("blank (あ) in l2_penalty is not filled yet")
    return weight_decay


def l2_gradient(W, weight_decay_lambda):
    """L2 ペナルティの W による勾配: λ·W。
    Gradient of the L2 penalty with respect to W: λ·W."""
    # (い) ½·λ·ΣW² を W で微分した勾配 (W と同じ形) を返す
    #      return the gradient of ½·λ·ΣW² with respect to W (shaped like W)
    raise NotImplementedError("blank (い) in l2_gradient is not filled yet")


def l1_penalty(weights, weight_decay_lambda):
    """L1 ペナルティ: λ·Σ_W Σ|W|。
    L1 penalty: λ·Σ_W Σ|W|."""
    weight_decay = 0
    for W in weights:
        # (う) weight_decay に、この重み W の全要素の絶対値の和の λ 倍 (λ は weight_decay_lambda) を足す
        #      add to weight_decay λ times the sum of the absolute values of every element of this weight W (λ is weight_decay_lambda)
        raise NotImplementedError("blank (う) in l1_penalty is not filled yet")
    return weight_decay


def l1_gradient(W, weight_decay_lambda):
    """L1 ペナルティの W による勾配: λ·sign(W) (W = 0 では 0)。
    Gradient of the L1 penalty with respect to W: λ·sign(W) (0 where W = 0)."""
    # (え) λ·Σ|W| を W で微分した勾配を返す: 正の重みで λ、負の重みで −λ、ちょうど 0 の重みで 0 (W と同じ形)
    #      return the gradient of λ·Σ|W| with respect to W: λ for a positive weight, −λ for a negative one, 0 for a weight of exactly 0 (shaped like W)
    raise NotImplementedError("blank (え) in l1_gradient is not filled yet")
