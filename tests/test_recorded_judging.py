"""Judging from a check bundle (grader.grading.recorded) beside the real engine, on real folders.

A bundle of two topics is built as `grader kernel-package` builds it; submissions that it
did not record (another right formula, a mistake outside the catalogue, another right way
to draw a mask) and the catalogue's broken copies are graded both from the bundle and by the
engine on the same formative seed.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from grader.grading import recorded
from grader.grading.engine import grade
from grader.instructor import kernel_package

TOPICS = ["softmax", "dropout"]


@pytest.fixture(scope="module")
def variants():
    return kernel_package._variants_module(ROOT / "tests" / "variants")


@pytest.fixture(scope="module")
def bundle(variants, tmp_path_factory: pytest.TempPathFactory) -> recorded.Bundle:
    data = kernel_package.build_bundle(TOPICS, kernel_package.FORMATIVE_SEED, variants, jobs=2)
    path = tmp_path_factory.mktemp("bundle") / "formative.json.gz"
    path.write_bytes(kernel_package._gzipped(data))
    return recorded.load(path)


def submission(tmp_path: Path, module: str, code: str) -> Path:
    """solutions/ with ``code`` appended to ``module`` (it redefines what it names)."""
    import shutil
    folder = tmp_path / "submission"
    shutil.copytree(ROOT / "solutions", folder)
    path = folder / f"{module}.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + textwrap.dedent(code), encoding="utf-8")
    return folder


def both(folder: Path, topics: list[str], bundle: recorded.Bundle):
    return (recorded.grade(folder, topics, bundle=bundle),
            grade(folder, topics, seed=kernel_package.FORMATIVE_SEED))


def test_another_right_formula_passes_within_the_checks_tolerance(bundle, tmp_path: Path) -> None:
    folder = submission(tmp_path, "functions", """
        def softmax(x):
            shifted = x - x.max(axis=-1, keepdims=True)
            return np.exp(shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True)))
    """)
    mine, real = both(folder, ["softmax"], bundle)
    assert all(r.passed for r in real)
    assert [(r.check, r.passed, r.points) for r in mine] == [(r.check, r.passed, r.points) for r in real]


def test_every_catalogued_mistake_gets_the_engines_verdicts_and_hints(bundle, variants, tmp_path: Path) -> None:
    broken = [v for v in variants.broken() if v.topics[0] in TOPICS]
    assert len(broken) >= 8
    for variant in broken:
        folder = variants.write(variant, tmp_path / variant.name)
        mine, real = both(folder, list(variant.topics), bundle)
        assert [(r.check, r.passed, r.hint) for r in mine] == [(r.check, r.passed, r.hint) for r in real], variant.name
        assert any(r.hint == variant.name for r in mine), variant.name


def test_a_mistake_outside_the_catalogue_fails_where_the_engine_fails(bundle, tmp_path: Path) -> None:
    folder = submission(tmp_path, "functions", """
        def softmax(x):
            e = np.exp(x - np.max(x, axis=-1, keepdims=True))
            return e / (1 + np.sum(e, axis=-1, keepdims=True))
    """)
    mine, real = both(folder, ["softmax"], bundle)
    assert [r.passed for r in mine] == [r.passed for r in real] and not all(r.passed for r in mine)
    failed = next(r for r in mine if not r.passed)
    assert failed.messages[0][0] == "fail.value" and ("bundle.unrecorded", {}) in failed.messages


def test_an_exception_gets_the_error_verdict_and_the_recorded_hint(bundle, tmp_path: Path) -> None:
    folder = submission(tmp_path, "functions", """
        def softmax(x):
            e = np.exp(x - np.max(x, axis=-1))
            return e / np.sum(e, axis=-1)
    """)
    mine, real = both(folder, ["softmax"], bundle)
    assert [(r.passed, r.hint) for r in mine] == [(r.passed, r.hint) for r in real]
    assert "softmax.keepdims" in {r.hint for r in mine}


def test_a_right_mask_drawn_another_way_is_not_judged_here_and_a_known_mistake_still_fails(
        bundle, tmp_path: Path) -> None:
    other_draw = submission(tmp_path / "a", "layers", """
        class Dropout:
            def __init__(self, dropout_ratio=0.5):
                self.dropout_ratio = dropout_ratio
                self.mask = None

            def forward(self, x, train_flg=True):
                if train_flg:
                    self.mask = np.random.rand(*x.shape[::-1]).T > self.dropout_ratio
                    return x * self.mask
                return x * (1.0 - self.dropout_ratio)

            def backward(self, dout):
                return dout * self.mask
    """)
    mine, real = both(other_draw, ["dropout"], bundle)
    assert all(r.passed for r in real)
    assert all(r.passed for r in mine)  # never a failure for a right draw
    unjudged = [r for r in mine if r.max_points == 0]
    assert unjudged and all(r.messages[0][0] == "bundle.drawn" for r in unjudged)
    no_scaling = submission(tmp_path / "b", "layers", """
        class Dropout:
            def __init__(self, dropout_ratio=0.5):
                self.dropout_ratio = dropout_ratio
                self.mask = None

            def forward(self, x, train_flg=True):
                if train_flg:
                    self.mask = np.random.rand(*x.shape) > self.dropout_ratio
                    return x * self.mask
                return x

            def backward(self, dout):
                return dout * self.mask
    """)
    mine, real = both(no_scaling, ["dropout"], bundle)
    assert [(r.check, r.passed, r.hint) for r in mine] == [(r.check, r.passed, r.hint) for r in real]
    assert "dropout.no_test_scaling" in {r.hint for r in mine}


def test_the_bundle_names_what_each_checks_judge_names() -> None:
    """A script check's error speaks of its class (the spec's ``cls``), a call check's of its
    function (``func``), in the bundle as in the engine (layers: Affine, not the topic's first class)."""
    import numpy as np

    from grader.topics.registry import about, declare

    for topic in ("layers", "softmax"):
        for check in declare(topic).checks:
            spec = check.build(np.random.default_rng(0))
            named = spec.get("cls") or spec.get("func")
            assert named and kernel_package._function(topic, spec, about(topic)) == named, (topic, check.name)
    affine = [c for c in declare("layers").checks if c.build(np.random.default_rng(0))["cls"] == "Affine"]
    assert affine and kernel_package._function("layers", affine[0].build(np.random.default_rng(0)),
                                                about("layers")) == "Affine"
