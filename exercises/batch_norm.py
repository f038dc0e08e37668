# この演習は solutions/batch_norm.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (き) を埋めて、`grader check` で採点してください。
# Generated from solutions/batch_norm.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (き) and check your work with `grader check`.
"""バッチ正規化 (学習時): ミニバッチの軸 (axis=0) で平均 0・分散 1 に正規化し、γ・β で調整する。
Batch normalisation (training mode): normalise over the batch axis (axis=0), then scale by γ and shift by β."""
import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-7):
    """順伝播: μ = mean(x)、σ² = mean((x − μ)²)、x̂ = (x − μ)/√(σ² + ε)、out = γx̂ + β。
    Forward pass: μ = mean(x), σ² = mean((x − μ)²), x̂ = (x − μ)/√(σ² + ε), out = γx̂ + β."""
    # (あ) ミニバッチの平均 mu を計算する: x のバッチ軸 (axis=0) の平均
    #      compute the batch mean mu: the mean of x over the batch axis (axis=0)
    raise NotImplementedError("blank (あ) in batchnorm_forward is not filled yet")
    # (い) 中心化した xc = x − mu と、その二乗のバッチ軸の平均である分散 var を計算する
    #      compute the centred xc = x − mu and the variance var, the mean of its square over the batch axis
    raise NotImplementedError("blank (い) in batchnorm_forward is not filled yet")
    # (う) 標準偏差 std = √(var + eps) と、正規化した xn = xc / std を計算する
    #      compute the standard deviation std = √(var + eps) and the normalised xn = xc / std
    raise NotImplementedError("blank (う) in batchnorm_forward is not filled yet")
    # (え) 出力 out を計算する: xn を gamma 倍して beta を足す
    #      compute the output out: xn scaled by gamma, plus beta
    raise NotImplementedError("blank (え) in batchnorm_forward is not filled yet")
    cache = (xn, std, gamma)
    return out, cache


def batchnorm_backward(dout, cache):
    """逆伝播: dβ = Σ dout、dγ = Σ dout·x̂、dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε)、dx̂ = dout·γ。
    Backward pass: dβ = Σ dout, dγ = Σ dout·x̂, dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε), dx̂ = dout·γ."""
    xn, std, gamma = cache
    # (お) dbeta を計算する: dout のバッチ軸 (axis=0) の総和
    #      compute dbeta: the sum of dout over the batch axis (axis=0)
    raise NotImplementedError("blank (お) in batchnorm_backward is not filled yet")
    # (か) dgamma を計算する: dout × xn のバッチ軸の総和
    #      compute dgamma: the sum of dout × xn over the batch axis
    raise NotImplementedError("blank (か) in batchnorm_backward is not filled yet")
    # (き) dxn = dout × gamma とし、dx = (dxn − dxn の平均 − xn × (dxn × xn) の平均) / std を計算する (平均はバッチ軸)
    #      let dxn = dout × gamma and compute dx = (dxn − mean of dxn − xn × mean of dxn × xn) / std (means over the batch axis)
    raise NotImplementedError("blank (き) in batchnorm_backward is not filled yet")
    return dx, dgamma, dbeta
