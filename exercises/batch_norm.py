# この演習は solutions/batch_norm.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い), … (き) を埋めて、`grader check` で採点してください。行き詰まったら `grader hint トピック名`。
# Generated from solutions/batch_norm.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い), … (き) and check your work with `grader check`; stuck? `grader hint TOPIC`.
"""バッチ正規化 (学習時): ミニバッチの軸 (axis=0) で平均 0・分散 1 に正規化し、γ・β で調整する。
Batch normalisation (training mode): normalise over the batch axis (axis=0), then scale by γ and shift by β."""
import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-7):
    """順伝播: μ = mean(x)、σ² = mean((x − μ)²)、x̂ = (x − μ)/√(σ² + ε)、out = γx̂ + β。
    Forward pass: μ = mean(x), σ² = mean((x − μ)²), x̂ = (x − μ)/√(σ² + ε), out = γx̂ + β."""
    # (あ) ミニバッチの平均 μ (mu) を特徴量ごとに求める: x は (N, D)、μ は (D,) で、サンプル方向の平均
    #      compute the batch mean μ (mu) per feature: x is (N, D) and μ is (D,), the average over the samples
    raise NotImplementedError("blank (あ) in batchnorm_forward is not filled yet")
    # (い) 中心化した入力 xc (x − μ) と、分散 σ² (var): xc の二乗をサンプルについて平均したもの、を特徴量ごとに求める (N で割る分散)
    #      compute the centred input xc (x − μ) and the variance σ² (var), the average over the samples of its square, per feature (dividing by N)
    raise NotImplementedError("blank (い) in batchnorm_forward is not filled yet")
    # (う) 標準偏差 √(σ² + ε) (std) と、正規化した x̂ = xc / √(σ² + ε) (xn) を求める。x̂ の各特徴量は平均 0・分散ほぼ 1
    #      compute the standard deviation √(σ² + ε) (std) and the normalised x̂ = xc / √(σ² + ε) (xn): every feature of x̂ has mean 0 and a variance close to 1
    raise NotImplementedError("blank (う) in batchnorm_forward is not filled yet")
    # (え) 出力 γ·x̂ + β (out) を求める: 正規化した x̂ を特徴量ごとに γ (gamma) 倍し、β (beta) だけずらしたもの
    #      compute the output γ·x̂ + β (out): the normalised x̂ scaled per feature by γ (gamma) and shifted by β (beta)
    raise NotImplementedError("blank (え) in batchnorm_forward is not filled yet")
    cache = (xn, std, gamma)
    return out, cache


def batchnorm_backward(dout, cache):
    """逆伝播: dβ = Σ dout、dγ = Σ dout·x̂、dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε)、dx̂ = dout·γ。
    Backward pass: dβ = Σ dout, dγ = Σ dout·x̂, dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε), dx̂ = dout·γ."""
    xn, std, gamma = cache
    # (お) ∂L/∂β (dbeta) を求める: 上流の勾配 dout を特徴量ごとにサンプルについて足したもので、shape は β と同じ (D,)
    #      compute ∂L/∂β (dbeta): the upstream gradient dout summed over the samples per feature, shaped like β (D,)
    raise NotImplementedError("blank (お) in batchnorm_backward is not filled yet")
    # (か) ∂L/∂γ (dgamma) を求める: dout と正規化した x̂ の要素積を、特徴量ごとにサンプルについて足したもの (D,)
    #      compute ∂L/∂γ (dgamma): the element-wise product of dout and the normalised x̂, summed over the samples per feature (D,)
    raise NotImplementedError("blank (か) in batchnorm_backward is not filled yet")
    # (き) 入力の勾配 ∂L/∂x (dx) を求める: x̂ の勾配を dx̂ = dout·γ とし、∂L/∂x = (dx̂ − ⟨dx̂⟩ − x̂·⟨dx̂·x̂⟩) / √(σ² + ε)。⟨·⟩ はサンプルについての平均 (特徴量ごと)
    #      compute the input's gradient ∂L/∂x (dx): with dx̂ = dout·γ, ∂L/∂x = (dx̂ − ⟨dx̂⟩ − x̂·⟨dx̂·x̂⟩) / √(σ² + ε), where ⟨·⟩ averages over the samples, per feature
    raise NotImplementedError("blank (き) in batchnorm_backward is not filled yet")
    return dx, dgamma, dbeta
