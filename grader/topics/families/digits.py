"""scikit-learn's bundled handwritten digits (1797 images of 8×8 pixels, the set
`sklearn.datasets.load_digits` returns), read straight from the file scikit-learn ships:
importing scikit-learn takes seconds, reading its file milliseconds, and `grader check`
must stay quick. Shared by the training topics (training, cnn_training); child side, so
it never imports the reference. tests/test_training.py proves it equals scikit-learn's.
"""
from __future__ import annotations

import functools
import gzip
import importlib.util
from pathlib import Path

import numpy as np


def digits_file() -> Path:
    """Where scikit-learn keeps the digits, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("scikit-learn is not installed: it ships the digits data set")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / "digits.csv.gz"


@functools.cache  # both training topics read it: once per process
def load_pixels() -> tuple[np.ndarray, np.ndarray]:
    """Images as rows of 64 pixel values 0–16 (uint8: an eighth of the bytes to send), and labels 0–9."""
    text = gzip.decompress(digits_file().read_bytes())
    # One C-level parse of every number: np.loadtxt's line-by-line reading costs a hundred
    # times more, a Python split ten times more.
    table = np.fromstring(text.replace(b"\n", b","), dtype=np.uint8, sep=",").reshape(-1, 65)
    table.setflags(write=False)  # shared by every caller: nobody may change it
    return table[:, :-1], table[:, -1]
