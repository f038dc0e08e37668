# この演習は solutions/weight_init.py から `python -m grader.authoring.build exercises` で生成されています。
# 空欄 (あ), (い) を埋めて、`grader check` で採点してください。行き詰まったら `grader hint トピック名`。
# Generated from solutions/weight_init.py by `python -m grader.authoring.build exercises`.
# Fill in the blanks marked (あ), (い) and check your work with `grader check`; stuck? `grader hint TOPIC`.
"""重みの初期値: Xavier (sigmoid 向け) と He (ReLU 向け)。乱数は呼び出し側の rng から引く。
Weight initialisation: Xavier (for sigmoid) and He (for ReLU), drawn from the caller's rng."""
import numpy as np


def xavier_init(n_in, n_out, rng):
    """Xavier の初期値: 標準正規分布の乱数 (n_in, n_out) を √n_in で割る (n_in は前の層のノード数)。
    Xavier initialisation: standard normal draws (n_in, n_out) divided by √n_in (n_in: nodes of the previous layer)."""
    W = rng.standard_normal((n_in, n_out))
    # (あ) Xavier の初期値を返す: 標準正規分布の乱数 W (shape (n_in, n_out)) を、標準偏差が 1/√n_in になるように縮めたもの (n_in は前の層のノード数)
    #      return the Xavier initial weights: the standard normal draws W (shape (n_in, n_out)) shrunk to a standard deviation of 1/√n_in (n_in: the previous layer's node count)
    raise NotImplementedError("blank (あ) in xavier_init is not filled yet")


def he_init(n_in, n_out, rng):
    """He の初期値: 標準正規分布の乱数 (n_in, n_out) に √(2 / n_in) を掛ける。
    He initialisation: standard normal draws (n_in, n_out) multiplied by √(2 / n_in)."""
    W = rng.standard_normal((n_in, n_out))
    # (い) He の初期値を返す: 標準正規分布の乱数 W を、標準偏差が √(2 / n_in) になるように拡大縮小したもの
    #      return the He initial weights: the standard normal draws W scaled to a standard deviation of √(2 / n_in)
    raise NotImplementedError("blank (い) in he_init is not filled yet")
