"""バッチ正規化 (学習時): ミニバッチの軸 (axis=0) で平均 0・分散 1 に正規化し、γ・β で調整する。
Batch normalisation (training mode): normalise over the batch axis (axis=0), then scale by γ and shift by β."""
import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-7):
    """順伝播: μ = mean(x)、σ² = mean((x − μ)²)、x̂ = (x − μ)/√(σ² + ε)、out = γx̂ + β。
    Forward pass: μ = mean(x), σ² = mean((x − μ)²), x̂ = (x − μ)/√(σ² + ε), out = γx̂ + β."""
    ### BEGIN BLANK id=batch_mean
    ### ja: ミニバッチの平均 μ (mu) を特徴量ごとに求める: x は (N, D)、μ は (D,) で、サンプル方向の平均
    ### en: compute the batch mean μ (mu) per feature: x is (N, D) and μ is (D,), the average over the samples
    ### hint 1 ja: バッチ正規化は、ミニバッチごとに各特徴量を平均 0・分散 1 にそろえて層への入力の分布の偏りを抑え、学習を安定させます。最初の一歩がミニバッチの平均です。
    ### hint 1 en: Batch normalisation brings every feature of a mini-batch to mean 0 and variance 1, which steadies the distribution a layer receives and stabilises learning; the first step is the batch mean.
    ### hint 2 ja: 平均をとるのはサンプルの方向 (各列を縦に) で、特徴量ごとに 1 つの値になります。全要素の平均 1 つでも、サンプルごとの平均 (N,) でもありません。
    ### hint 2 en: Average over the samples (down each column): one value per feature, neither one mean of everything nor a mean per sample (N,).
    ### hint 3 ja: np.mean(…, axis=0) はバッチ軸 (先頭の軸) について平均します。
    ### hint 3 en: np.mean(…, axis=0) averages over the batch axis, the first one.
    mu = np.mean(x, axis=0)
    ### END BLANK
    ### BEGIN BLANK id=centre_and_variance
    ### ja: 中心化した入力 xc (x − μ) と、分散 σ² (var): xc の二乗をサンプルについて平均したもの、を特徴量ごとに求める (N で割る分散)
    ### en: compute the centred input xc (x − μ) and the variance σ² (var), the average over the samples of its square, per feature (dividing by N)
    ### hint 1 ja: 分散は平均からのずれの二乗の平均で、データの広がりを表します。正規化ではこの広がりで割ってスケールをそろえます。
    ### hint 1 en: The variance is the mean squared distance from the mean, the spread of the data; normalising divides by this spread to bring the scales together.
    ### hint 2 ja: N − 1 で割る不偏分散ではなく、N で割る分散です。平均はこれもサンプルの方向。xc は後で x̂ にも使うので変数に残します。
    ### hint 2 en: Divide by N, not by N − 1 (the unbiased variance); the average is again over the samples. xc is needed again for x̂, so keep it in a variable.
    ### hint 3 ja: x − mu はブロードキャストで各行から引かれます。分散は二乗 (** 2) を np.mean で axis=0 について平均します (np.var も既定の ddof=0 なら同じ)。
    ### hint 3 en: x − mu broadcasts over the rows; the variance averages the squares (** 2) with np.mean along axis=0 (np.var with its default ddof=0 is the same).
    xc = x - mu
    var = np.mean(xc ** 2, axis=0)
    ### END BLANK
    ### BEGIN BLANK id=normalise
    ### ja: 標準偏差 √(σ² + ε) (std) と、正規化した x̂ = xc / √(σ² + ε) (xn) を求める。x̂ の各特徴量は平均 0・分散ほぼ 1
    ### en: compute the standard deviation √(σ² + ε) (std) and the normalised x̂ = xc / √(σ² + ε) (xn): every feature of x̂ has mean 0 and a variance close to 1
    ### hint 1 ja: 中心化した入力を標準偏差で割ると、各特徴量のスケールが 1 にそろいます。ε は分散が 0 のときの 0 除算を防ぐ小さな値です。
    ### hint 1 en: Dividing the centred input by the standard deviation brings every feature to scale 1; ε is a small value that prevents dividing by zero when a variance is 0.
    ### hint 2 ja: 割るのは分散ではなく標準偏差で、ε は √ の中に足します。std は逆伝播でも使うので cache に入ります。
    ### hint 2 en: Divide by the standard deviation, not the variance, and add ε inside the root; std is used again by the backward pass (it goes into the cache).
    ### hint 3 ja: np.sqrt で標準偏差を作り、xc をそれで割ります ((D,) の配列はブロードキャストで各行に効きます)。
    ### hint 3 en: np.sqrt gives the standard deviation; divide xc by it (the (D,) array broadcasts over the rows).
    std = np.sqrt(var + eps)
    xn = xc / std
    ### END BLANK
    ### BEGIN BLANK id=scale_shift
    ### ja: 出力 γ·x̂ + β (out) を求める: 正規化した x̂ を特徴量ごとに γ (gamma) 倍し、β (beta) だけずらしたもの
    ### en: compute the output γ·x̂ + β (out): the normalised x̂ scaled per feature by γ (gamma) and shifted by β (beta)
    ### hint 1 ja: 正規化しただけでは層の表現力が落ちるので、学習するパラメータ γ と β で各特徴量のスケールと位置を取り戻せるようにします。
    ### hint 1 en: Normalising alone would limit what the layer can express, so the learned parameters γ and β give every feature back a scale and an offset.
    ### hint 2 ja: γ と β は (D,) で、特徴量ごとに 1 つの値です。正規化前の x ではなく x̂ に掛けます。
    ### hint 2 en: γ and β are (D,), one value per feature, and they act on x̂, not on the raw x.
    ### hint 3 ja: 要素積 * と足し算だけで書けます。(D,) の配列はブロードキャストで各行に効きます。
    ### hint 3 en: An element-wise * and an addition do it; the (D,) arrays broadcast over the rows.
    out = gamma * xn + beta
    ### END BLANK
    cache = (xn, std, gamma)
    return out, cache


def batchnorm_backward(dout, cache):
    """逆伝播: dβ = Σ dout、dγ = Σ dout·x̂、dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε)、dx̂ = dout·γ。
    Backward pass: dβ = Σ dout, dγ = Σ dout·x̂, dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε), dx̂ = dout·γ."""
    xn, std, gamma = cache
    ### BEGIN BLANK id=dbeta
    ### ja: ∂L/∂β (dbeta) を求める: 上流の勾配 dout を特徴量ごとにサンプルについて足したもので、shape は β と同じ (D,)
    ### en: compute ∂L/∂β (dbeta): the upstream gradient dout summed over the samples per feature, shaped like β (D,)
    ### hint 1 ja: β は全サンプルの出力に同じように足されるので、その勾配は各サンプルから戻ってくる勾配の合計です (計算グラフの加算ノード)。
    ### hint 1 en: β is added to every sample's output alike, so its gradient is the total of the gradients coming back from the samples (an addition node of the computational graph).
    ### hint 2 ja: 和をとるのはサンプルの方向で、平均ではありません。結果は (D,) です。
    ### hint 2 en: Sum over the samples, not the mean; the result is (D,).
    ### hint 3 ja: np.sum(…, axis=0) でバッチ軸について足します。
    ### hint 3 en: np.sum(…, axis=0) sums over the batch axis.
    dbeta = np.sum(dout, axis=0)
    ### END BLANK
    ### BEGIN BLANK id=dgamma
    ### ja: ∂L/∂γ (dgamma) を求める: dout と正規化した x̂ の要素積を、特徴量ごとにサンプルについて足したもの (D,)
    ### en: compute ∂L/∂γ (dgamma): the element-wise product of dout and the normalised x̂, summed over the samples per feature (D,)
    ### hint 1 ja: γ は x̂ に掛けられているので、乗算ノードの逆伝播で上流の勾配に x̂ が掛かり、全サンプルの分が足し合わされます。
    ### hint 1 en: γ multiplies x̂, so the multiplication node's backward pass multiplies the upstream gradient by x̂, and the samples' shares add up.
    ### hint 2 ja: 掛けるのは正規化前の x ではなく x̂ (cache の xn) です。和はサンプルの方向。
    ### hint 2 en: Multiply by x̂ (xn from the cache), not the raw x, and sum over the samples.
    ### hint 3 ja: dout と xn の要素積 * を、np.sum(…, axis=0) で足します。
    ### hint 3 en: Sum the element-wise product of dout and xn with np.sum(…, axis=0).
    dgamma = np.sum(dout * xn, axis=0)
    ### END BLANK
    ### BEGIN BLANK id=dx
    ### ja: 入力の勾配 ∂L/∂x (dx) を求める: x̂ の勾配を dx̂ = dout·γ とし、∂L/∂x = (dx̂ − ⟨dx̂⟩ − x̂·⟨dx̂·x̂⟩) / √(σ² + ε)。⟨·⟩ はサンプルについての平均 (特徴量ごと)
    ### en: compute the input's gradient ∂L/∂x (dx): with dx̂ = dout·γ, ∂L/∂x = (dx̂ − ⟨dx̂⟩ − x̂·⟨dx̂·x̂⟩) / √(σ² + ε), where ⟨·⟩ averages over the samples, per feature
    ### hint 1 ja: x は x̂ に直接効くだけでなく、平均 μ と分散 σ² を通してもすべての x̂ に効きます。その 3 つの経路の勾配をまとめたのがこの式です (誤差逆伝播の連鎖律)。
    ### hint 1 en: x reaches x̂ directly and also through the mean μ and the variance σ², which every x̂ shares; this formula gathers the gradients of the three paths (the chain rule of backpropagation).
    ### hint 2 ja: 先に dx̂ = dout·γ を作ります (γ を忘れない)。平均の 2 項を落として dx̂ / √(σ² + ε) だけにするのはよくある誤りです。割るのは cache の std で、平均はサンプルの方向 ((D,) の結果が各行に効く)。
    ### hint 2 en: Build dx̂ = dout·γ first (don't drop γ). Keeping only dx̂ / √(σ² + ε), without the two mean terms, is the usual mistake. Divide by std from the cache; the means are over the samples ((D,) results that broadcast over the rows).
    ### hint 3 ja: np.mean(…, axis=0) を 2 回使います: dxn の平均と、dxn * xn の平均です。
    ### hint 3 en: np.mean(…, axis=0) twice: the mean of dxn and the mean of dxn * xn.
    dxn = dout * gamma
    dx = (dxn - np.mean(dxn, axis=0) - xn * np.mean(dxn * xn, axis=0)) / std
    ### END BLANK
    return dx, dgamma, dbeta
