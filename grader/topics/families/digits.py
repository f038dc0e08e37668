"""The handwritten digits the training topics learn (training, cnn_training): 1797 images
of 8×8 pixels, the set `sklearn.datasets.load_digits` returns, shipped with the grader as
``data/digits.npy.gz`` (46 KB) so that a student's install needs neither scikit-learn nor
SciPy (data/README.md says where the data come from and under which licence). Reading it
costs milliseconds; `grader check` must stay quick. Child side, so it never imports the
reference. tests/test_training.py proves the arrays equal scikit-learn's.
"""
from __future__ import annotations

import functools
import gzip
import io
from pathlib import Path

import numpy as np

DIGITS_FILE = Path(__file__).with_name("data") / "digits.npy.gz"
SHAPE = (1797, 65)  # 64 pixel values, then the label


def digits_file() -> Path:
    """The shipped data: one uint8 array of rows of 64 pixel values 0–16 and the label 0–9."""
    return DIGITS_FILE


@functools.cache  # both training topics read it: once per process
def load_pixels() -> tuple[np.ndarray, np.ndarray]:
    """Images as rows of 64 pixel values 0–16 (uint8: an eighth of the bytes to send), and labels 0–9."""
    # .npy inside gzip: the array's shape and type travel with it, and np.load never unpickles here.
    table = np.load(io.BytesIO(gzip.decompress(digits_file().read_bytes())), allow_pickle=False)
    if table.shape != SHAPE or table.dtype != np.uint8:
        raise ValueError(f"{DIGITS_FILE} holds a {table.dtype} array of shape {table.shape}, not uint8 {SHAPE}")
    table.setflags(write=False)  # shared by every caller: nobody may change it
    return table[:, :-1], table[:, -1]
