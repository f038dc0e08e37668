"""Any notebook a student hands in, however broken, is read without a traceback: `grader
nbgrader export` either writes the modules or says what is wrong, with the contract's exit
status (property-based, a fixed budget)."""
from __future__ import annotations

import json
import subprocess
import sys

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT

SOURCES = st.one_of(
    st.text(max_size=200),
    st.lists(st.text(max_size=40), max_size=5),
    st.sampled_from(["def softmax(x):\n    return x\n", "import numpy as np\n", "[" * 500, "\x00", "def f(:\n"]),
    st.integers(), st.none(),
)
CELLS = st.fixed_dictionaries(
    {"cell_type": st.sampled_from(["code", "markdown", "raw", "bogus", 3]), "source": SOURCES},
    optional={"metadata": st.one_of(st.dictionaries(st.text(max_size=8), st.integers(), max_size=3), st.text(max_size=5)),
              "outputs": st.lists(st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=2), max_size=2)})
NOTEBOOKS = st.one_of(
    st.fixed_dictionaries({"cells": st.lists(CELLS, max_size=6), "nbformat": st.sampled_from([4, 3, "4", None]),
                           "nbformat_minor": st.integers(0, 6), "metadata": st.just({})}),
    st.lists(st.integers(), max_size=3),
    st.text(max_size=50),
)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(notebook=NOTEBOOKS, raw=st.booleans())
def test_any_notebook_is_exported_or_refused_with_a_message(tmp_path_factory, notebook, raw):
    folder = tmp_path_factory.mktemp("nb")
    path = folder / "day1.ipynb"
    path.write_text(notebook if raw and isinstance(notebook, str) else json.dumps(notebook), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "grader", "nbgrader", "export", str(path), str(folder / "out")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode in (0, 1, 2)
    if done.returncode != 0:
        assert done.stderr.strip()  # said why
