"""重みの初期値: Xavier (sigmoid 向け) と He (ReLU 向け)。乱数は呼び出し側の rng から引く。
Weight initialisation: Xavier (for sigmoid) and He (for ReLU), drawn from the caller's rng."""
import numpy as np


def xavier_init(n_in, n_out, rng):
    """Xavier の初期値: 標準正規分布の乱数 (n_in, n_out) を √n_in で割る (n_in は前の層のノード数)。
    Xavier initialisation: standard normal draws (n_in, n_out) divided by √n_in (n_in: nodes of the previous layer)."""
    W = rng.standard_normal((n_in, n_out))
    ### BEGIN BLANK id=xavier
    ### ja: Xavier の初期値を返す: 標準正規分布の乱数 W (shape (n_in, n_out)) を、標準偏差が 1/√n_in になるように縮めたもの (n_in は前の層のノード数)
    ### en: return the Xavier initial weights: the standard normal draws W (shape (n_in, n_out)) shrunk to a standard deviation of 1/√n_in (n_in: the previous layer's node count)
    ### hint 1 ja: 重みの初期値が大きすぎても小さすぎても、層を重ねるうちに活性化が 0 や 1 に偏って勾配消失が起きます。Xavier は前の層のノード数に合わせて広がりを決め、シグモイドや tanh の層で活性化の分布を保ちます。
    ### hint 1 en: Initial weights too large or too small push activations to 0 or 1 layer after layer, and the gradients vanish; Xavier scales the spread to the previous layer's node count and keeps sigmoid or tanh activations spread out.
    ### hint 2 ja: 使うのは n_in (入力側) で、n_out ではありません。分散ではなく標準偏差が 1/√n_in になるので、√ で割ります。
    ### hint 2 en: Use n_in (the input side), not n_out; it is the standard deviation that becomes 1/√n_in, so divide by the square root.
    ### hint 3 ja: 平方根は np.sqrt です。W はもう rng から引いてあるので、割り算 1 つで済みます。
    ### hint 3 en: The square root is np.sqrt; W is already drawn from rng, so one division is all that is left.
    return W / np.sqrt(n_in)
    ### END BLANK


def he_init(n_in, n_out, rng):
    """He の初期値: 標準正規分布の乱数 (n_in, n_out) に √(2 / n_in) を掛ける。
    He initialisation: standard normal draws (n_in, n_out) multiplied by √(2 / n_in)."""
    W = rng.standard_normal((n_in, n_out))
    ### BEGIN BLANK id=he
    ### ja: He の初期値を返す: 標準正規分布の乱数 W を、標準偏差が √(2 / n_in) になるように拡大縮小したもの
    ### en: return the He initial weights: the standard normal draws W scaled to a standard deviation of √(2 / n_in)
    ### hint 1 ja: ReLU は負の入力を 0 にして信号の半分を捨てるので、He の初期値は Xavier より √2 倍広く始めて分布を保ちます。ReLU の層には He を使います。
    ### hint 1 en: ReLU zeroes every negative input, throwing away half of the signal, so He starts √2 times wider than Xavier to keep the spread; it is the initialisation for ReLU layers.
    ### hint 2 ja: 2 / n_in 全体の平方根です (2 / √n_in ではありません)。n_out ではなく n_in を使います。
    ### hint 2 en: It is the square root of the whole 2 / n_in (not 2 / √n_in), and it uses n_in, not n_out.
    ### hint 3 ja: np.sqrt で倍率を作り、W に掛けます。
    ### hint 3 en: Build the factor with np.sqrt and multiply W by it.
    return W * np.sqrt(2 / n_in)
    ### END BLANK
