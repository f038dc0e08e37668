"""Xavier and He initialisation, drawn from the caller's Generator."""
import numpy as np


def xavier_init(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)


def he_init(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)
