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
        ### BEGIN BLANK id=penalty
        ### ja: weight_decay に、この重み W の全要素の二乗和の ½·λ 倍 (λ は weight_decay_lambda) を足す
        ### en: add to weight_decay ½·λ times the sum of the squares of every element of this weight W (λ is weight_decay_lambda)
        ### hint 1 ja: L2 正則化 (荷重減衰) は重みが大きくなりすぎないよう、重みの二乗 (p = 2 のノルムの二乗) に比例する罰を誤差に足す
        ### hint 1 en: L2 regularisation (weight decay) adds to the error a penalty proportional to the squared weights (the square of the p = 2 norm) so that weights cannot grow too large
        ### hint 2 ja: ½ を付けるのは微分をちょうど λW にするため。二乗和の平方根 √(ΣW²) (ノルムそのもの) ではなく二乗和を使う。すべての W について足し合わせる
        ### hint 2 en: the ½ makes the derivative exactly λW; use the sum of squares, not its square root √(ΣW²) (the norm itself); add up over every W
        ### hint 3 ja: 要素ごとの二乗 W ** 2 の全要素の和は np.sum (軸を指定しない)
        ### hint 3 en: the sum over every element of the element-wise square W ** 2 is np.sum with no axis
        weight_decay += 0.5 * weight_decay_lambda * np.sum(W ** 2)
        ### END BLANK
    return weight_decay


def l2_gradient(W, weight_decay_lambda):
    """L2 ペナルティの W による勾配: λ·W。
    Gradient of the L2 penalty with respect to W: λ·W."""
    ### BEGIN BLANK id=gradient
    ### ja: ½·λ·ΣW² を W で微分した勾配 (W と同じ形) を返す
    ### en: return the gradient of ½·λ·ΣW² with respect to W (shaped like W)
    ### hint 1 ja: 荷重減衰の勾配は重みそのものに比例する。勾配降下で w から引かれるので、毎回重みが 0 の方へ少し縮む
    ### hint 1 en: the weight-decay gradient is proportional to the weight itself; subtracted by gradient descent, it shrinks each weight a little towards 0 at every step
    ### hint 2 ja: d/dw (½·λ·w²) = λ·w。½ と 2 が打ち消し合う。要素ごとの式で、総和は取らない
    ### hint 2 en: d/dw (½·λ·w²) = λ·w; the ½ and the 2 cancel; it is element by element, with no sum
    ### hint 3 ja: 数 weight_decay_lambda と配列 W の掛け算
    ### hint 3 en: multiply the array W by the number weight_decay_lambda
    return weight_decay_lambda * W
    ### END BLANK


def l1_penalty(weights, weight_decay_lambda):
    """L1 ペナルティ: λ·Σ_W Σ|W|。
    L1 penalty: λ·Σ_W Σ|W|."""
    weight_decay = 0
    for W in weights:
        ### BEGIN BLANK id=penalty
        ### ja: weight_decay に、この重み W の全要素の絶対値の和の λ 倍 (λ は weight_decay_lambda) を足す
        ### en: add to weight_decay λ times the sum of the absolute values of every element of this weight W (λ is weight_decay_lambda)
        ### hint 1 ja: L1 正則化 (ラッソ、p = 1) は重みの絶対値に比例する罰を足す。影響の小さい重みをちょうど 0 にしやすい (スパースな解)
        ### hint 1 en: L1 regularisation (lasso, p = 1) adds a penalty proportional to the absolute values of the weights; it tends to drive weights of little influence to exactly 0 (a sparse solution)
        ### hint 2 ja: L2 と違って ½ は付かず、二乗もしない。符号を付けたまま足すと正と負の重みが打ち消し合ってしまう
        ### hint 2 en: unlike L2 there is no ½ and no square; adding the signed weights would let positive and negative ones cancel
        ### hint 3 ja: 絶対値は np.abs、全要素の和は np.sum
        ### hint 3 en: absolute values with np.abs, the sum over every element with np.sum
        weight_decay += weight_decay_lambda * np.sum(np.abs(W))
        ### END BLANK
    return weight_decay


def l1_gradient(W, weight_decay_lambda):
    """L1 ペナルティの W による勾配: λ·sign(W) (W = 0 では 0)。
    Gradient of the L1 penalty with respect to W: λ·sign(W) (0 where W = 0)."""
    ### BEGIN BLANK id=gradient
    ### ja: λ·Σ|W| を W で微分した勾配を返す: 正の重みで λ、負の重みで −λ、ちょうど 0 の重みで 0 (W と同じ形)
    ### en: return the gradient of λ·Σ|W| with respect to W: λ for a positive weight, −λ for a negative one, 0 for a weight of exactly 0 (shaped like W)
    ### hint 1 ja: |w| の傾きは w > 0 で 1、w < 0 で −1。重みの大きさに関係なく同じ量だけ 0 へ引っ張るので、小さな重みは 0 に達する
    ### hint 1 en: the slope of |w| is 1 for w > 0 and −1 for w < 0; it pulls every weight towards 0 by the same amount whatever its size, so small weights reach 0
    ### hint 2 ja: λ だけを返すと負の重みを 0 から遠ざけてしまう。λ·W は L2 の勾配で、L1 のものではない
    ### hint 2 en: returning λ alone pushes negative weights away from 0; λ·W is the L2 gradient, not the L1 one
    ### hint 3 ja: 符号関数 np.sign は正で 1、負で −1、0 で 0 を返す
    ### hint 3 en: the sign function np.sign gives 1 for positive, −1 for negative and 0 for 0
    return weight_decay_lambda * np.sign(W)
    ### END BLANK
