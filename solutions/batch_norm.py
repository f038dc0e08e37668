"""バッチ正規化 (学習時): ミニバッチの軸 (axis=0) で平均 0・分散 1 に正規化し、γ・β で調整する。
Batch normalisation (training mode): normalise over the batch axis (axis=0), then scale by γ and shift by β."""
import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-7):
    """順伝播: μ = mean(x)、σ² = mean((x − μ)²)、x̂ = (x − μ)/√(σ² + ε)、out = γx̂ + β。
    Forward pass: μ = mean(x), σ² = mean((x − μ)²), x̂ = (x − μ)/√(σ² + ε), out = γx̂ + β."""
    ### BEGIN BLANK
    ### ja: ミニバッチの平均 mu を計算する: x のバッチ軸 (axis=0) の平均
    ### en: compute the batch mean mu: the mean of x over the batch axis (axis=0)
    mu = np.mean(x, axis=0)
    ### END BLANK
    ### BEGIN BLANK
    ### ja: 中心化した xc = x − mu と、その二乗のバッチ軸の平均である分散 var を計算する
    ### en: compute the centred xc = x − mu and the variance var, the mean of its square over the batch axis
    xc = x - mu
    var = np.mean(xc ** 2, axis=0)
    ### END BLANK
    ### BEGIN BLANK
    ### ja: 標準偏差 std = √(var + eps) と、正規化した xn = xc / std を計算する
    ### en: compute the standard deviation std = √(var + eps) and the normalised xn = xc / std
    std = np.sqrt(var + eps)
    xn = xc / std
    ### END BLANK
    ### BEGIN BLANK
    ### ja: 出力 out を計算する: xn を gamma 倍して beta を足す
    ### en: compute the output out: xn scaled by gamma, plus beta
    out = gamma * xn + beta
    ### END BLANK
    cache = (xn, std, gamma)
    return out, cache


def batchnorm_backward(dout, cache):
    """逆伝播: dβ = Σ dout、dγ = Σ dout·x̂、dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε)、dx̂ = dout·γ。
    Backward pass: dβ = Σ dout, dγ = Σ dout·x̂, dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε), dx̂ = dout·γ."""
    xn, std, gamma = cache
    ### BEGIN BLANK
    ### ja: dbeta を計算する: dout のバッチ軸 (axis=0) の総和
    ### en: compute dbeta: the sum of dout over the batch axis (axis=0)
    dbeta = np.sum(dout, axis=0)
    ### END BLANK
    ### BEGIN BLANK
    ### ja: dgamma を計算する: dout × xn のバッチ軸の総和
    ### en: compute dgamma: the sum of dout × xn over the batch axis
    dgamma = np.sum(dout * xn, axis=0)
    ### END BLANK
    ### BEGIN BLANK
    ### ja: dxn = dout × gamma とし、dx = (dxn − dxn の平均 − xn × (dxn × xn) の平均) / std を計算する (平均はバッチ軸)
    ### en: let dxn = dout × gamma and compute dx = (dxn − mean of dxn − xn × mean of dxn × xn) / std (means over the batch axis)
    dxn = dout * gamma
    dx = (dxn - np.mean(dxn, axis=0) - xn * np.mean(dxn * xn, axis=0)) / std
    ### END BLANK
    return dx, dgamma, dbeta
