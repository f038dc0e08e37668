"""exercises/ is generated from solutions/: the drift check, the blanks, the markers."""
from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.authoring import build
from grader.authoring.blanks import (
    LABELS,
    BEGIN,
    END,
    BlankMarkerError,
    BlankRegion,
    parse_file,
    parse_regions,
    render,
    strip_markers,
)

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"

# The student-facing contract's Day 1 API (../shared/contract.md, kept outside the repository):
# every function and optimizer update a student writes. Deliberately written out: it is the
# promise to students, which solutions/ must keep, not a list derived from solutions/.
CONTRACT = {
    "functions": [
        "step_function", "sigmoid", "d_sigmoid", "relu", "d_relu", "softmax",
        "mean_squared_error", "d_mean_squared_error", "cross_entropy_error",
        "numerical_gradient",
    ],
    "network": ["forward", "backward", "sgd_update"],
    "minibatch": ["get_minibatch", "iterate_minibatches"],
    "optimizers": ["SGD.update", "Momentum.update", "AdaGrad.update", "RMSprop.update", "Adam.update"],
    "weight_init": ["xavier_init", "he_init"],
    "batch_norm": ["batchnorm_forward", "batchnorm_backward"],
}
BLANK_MESSAGE = re.compile(r"^blank \((?P<label>.)\) in (?P<qualname>[\w.]+) is not filled yet$")


def run_build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader.authoring.build", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


def regions_of(module: str) -> list[BlankRegion]:
    return parse_file(SOLUTIONS / f"{module}.py")


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of solutions/ and an exercises/ freshly generated from it."""
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    result = run_build("exercises", "--solutions", solutions, "--out", exercises)
    assert result.returncode == 0, result.stderr
    return solutions, exercises


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- drift ---------------------------------------------------------------------------


def test_committed_exercises_pass_the_build_check() -> None:
    result = run_build("exercises", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_committed_exercises_equal_a_fresh_generation() -> None:
    expected = build.generate_exercises(SOLUTIONS)
    on_disk = {p.name for p in EXERCISES.iterdir() if p.is_file()}
    assert on_disk == set(expected)
    for name, text in expected.items():
        assert (EXERCISES / name).read_text(encoding="utf-8") == text, name


# The contract's Day 2 layer modules; their blanks are tested in test_exercises_solutions_day2.py.
DAY2_MODULES = {"layers", "regularization", "cnn"}


def test_exercises_cover_every_contract_module() -> None:
    assert {p.stem for p in EXERCISES.glob("*.py")} == set(CONTRACT) | DAY2_MODULES


def test_editing_a_blank_instruction_makes_check_fail(workspace: tuple[Path, Path]) -> None:
    solutions, exercises = workspace
    path = solutions / "functions.py"
    region = parse_file(path)[0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[region.begin] = lines[region.begin].replace(region.ja, region.ja + "。注意")
    path.write_text("".join(lines), encoding="utf-8")
    before = snapshot(exercises)

    result = run_build("exercises", "--check", "--solutions", solutions, "--out", exercises)

    assert result.returncode == 1
    assert "functions.py: differs" in result.stdout
    assert "README.md: differs" in result.stdout
    assert "network.py" not in result.stdout
    assert snapshot(exercises) == before, "--check must write nothing"


def test_editing_code_around_a_blank_makes_check_fail(workspace: tuple[Path, Path]) -> None:
    solutions, exercises = workspace
    path = solutions / "network.py"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    return z1, y\n", "    return z1, y  # 出力\n"), encoding="utf-8")

    result = run_build("exercises", "--check", "--solutions", solutions, "--out", exercises)

    assert result.returncode == 1
    assert "network.py: differs" in result.stdout


def test_regenerating_brings_the_exercises_back_in_sync(workspace: tuple[Path, Path]) -> None:
    solutions, exercises = workspace
    (exercises / "minibatch.py").unlink()
    (exercises / "weight_init.py").write_text("# 学生の書きかけ\n", encoding="utf-8")

    check = run_build("exercises", "--check", "--solutions", solutions, "--out", exercises)
    assert check.returncode == 1
    assert "minibatch.py: missing" in check.stdout
    assert "weight_init.py: differs" in check.stdout

    assert run_build("exercises", "--solutions", solutions, "--out", exercises).returncode == 0
    assert run_build("exercises", "--check", "--solutions", solutions, "--out", exercises).returncode == 0
    assert snapshot(exercises) == snapshot(EXERCISES)


def test_a_removed_solution_module_leaves_a_stale_exercise(workspace: tuple[Path, Path]) -> None:
    solutions, exercises = workspace
    (solutions / "batch_norm.py").unlink()
    (exercises / "notes.py").write_text("# not generated\n", encoding="utf-8")

    check = run_build("exercises", "--check", "--solutions", solutions, "--out", exercises)
    assert check.returncode == 1
    assert "batch_norm.py: stale" in check.stdout

    assert run_build("exercises", "--solutions", solutions, "--out", exercises).returncode == 0
    assert not (exercises / "batch_norm.py").exists()
    assert (exercises / "notes.py").exists(), "files without the generated header are left alone"


# --- the exercises a student gets ----------------------------------------------------

# Calls every contract function of the unfilled exercises, from a fresh interpreter with
# exercises/ first on sys.path as the grader does; prints {qualname: [type, message]}.
CALL_EVERY_FUNCTION = r"""
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import functions, network, minibatch, optimizers, weight_init, batch_norm

rng = np.random.default_rng(0)
x = rng.standard_normal((4, 3))
net = {"W1": rng.standard_normal((3, 5)), "b1": np.zeros(5),
       "W2": rng.standard_normal((5, 2)), "b2": np.zeros(2)}
d, y, z1 = rng.standard_normal((4, 2)), rng.standard_normal((4, 2)), rng.random((4, 5))
calls = {
    "step_function": lambda: functions.step_function(x),
    "sigmoid": lambda: functions.sigmoid(x),
    "d_sigmoid": lambda: functions.d_sigmoid(x),
    "relu": lambda: functions.relu(x),
    "d_relu": lambda: functions.d_relu(x),
    "softmax": lambda: functions.softmax(x),
    "mean_squared_error": lambda: functions.mean_squared_error(d, y),
    "d_mean_squared_error": lambda: functions.d_mean_squared_error(d, y),
    "cross_entropy_error": lambda: functions.cross_entropy_error(np.array([0, 1, 1, 0]), np.full((4, 2), 0.5)),
    "numerical_gradient": lambda: functions.numerical_gradient(lambda v: np.sum(v ** 2), x.copy()),
    "forward": lambda: network.forward(net, x),
    "backward": lambda: network.backward(net, x, d, z1, y),
    "sgd_update": lambda: network.sgd_update(net, dict(net), 0.1),
    "get_minibatch": lambda: minibatch.get_minibatch(x, d, 0, 2),
    "iterate_minibatches": lambda: list(minibatch.iterate_minibatches(x, d, 2, rng=rng)),
    "iterate_minibatches/no shuffle": lambda: list(minibatch.iterate_minibatches(x, d, 2, shuffle=False)),
    "xavier_init": lambda: weight_init.xavier_init(3, 4, rng),
    "he_init": lambda: weight_init.he_init(3, 4, rng),
    "batchnorm_forward": lambda: batch_norm.batchnorm_forward(x, np.ones(3), np.zeros(3), 1e-5),
    "batchnorm_backward": lambda: batch_norm.batchnorm_backward(x, (x, np.ones(3), np.ones(3))),
}
for name in ("SGD", "Momentum", "AdaGrad", "RMSprop", "Adam"):
    cls = getattr(optimizers, name)
    calls[name + ".update"] = lambda cls=cls: cls().update({"W": np.ones(3)}, {"W": np.ones(3)})
outcome = {}
for name, call in calls.items():
    try:
        call()
        outcome[name] = ["returned", ""]
    except BaseException as error:
        outcome[name] = [type(error).__name__, str(error)]
print(json.dumps(outcome))
"""


@pytest.fixture(scope="module")
def unfilled_calls() -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-B", "-c", CALL_EVERY_FUNCTION, str(EXERCISES)],
        capture_output=True, text=True, timeout=120, cwd=EXERCISES,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


CALLED = [
    (module, qualname, key)
    for module, names in CONTRACT.items()
    for qualname in names
    for key in [qualname] + ([f"{qualname}/no shuffle"] if qualname == "iterate_minibatches" else [])
]


@pytest.mark.parametrize(("module", "qualname", "key"), CALLED, ids=[c[2] for c in CALLED])
def test_every_unfilled_function_raises_its_blank(
    unfilled_calls: dict[str, list[str]], module: str, qualname: str, key: str
) -> None:
    kind, message = unfilled_calls[key]
    assert kind == "NotImplementedError", (kind, message)
    match = BLANK_MESSAGE.match(message)
    assert match, message
    assert match["qualname"] == qualname
    labels = {r.label for r in regions_of(module) if r.qualname == qualname}
    assert match["label"] in labels


def test_exercises_hold_no_markers_and_say_how_they_are_made() -> None:
    for path in EXERCISES.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "###" not in text, path.name
        header = text.splitlines()[:4]
        assert any(f"solutions/{path.name}" in line for line in header), path.name
        assert any("python -m grader.authoring.build exercises" in line for line in header)
        assert any("grader check" in line for line in header)


@pytest.mark.parametrize("module", CONTRACT)
def test_each_blank_becomes_its_instructions_and_a_raise(module: str) -> None:
    regions = regions_of(module)
    exercise = (EXERCISES / f"{module}.py").read_text(encoding="utf-8")
    for region in regions:
        assert f"# ({region.label}) {region.ja}" in exercise
        assert f'raise NotImplementedError("{region.message}")' in exercise
        for line in region.solution:
            if line.strip() and not line.strip().startswith("#"):
                assert line not in exercise.splitlines(), (region.label, line)


def test_readme_lists_every_blank() -> None:
    readme = (EXERCISES / "README.md").read_text(encoding="utf-8")
    for module in CONTRACT:
        assert f"## {module}.py" in readme
        for region in regions_of(module):
            row = f"| ({region.label}) | `{region.qualname}` | {table_cell(region.ja)} | {table_cell(region.en)} |"
            assert row in readme


def table_cell(text: str) -> str:
    """Markdown's rule: a "|" inside a table cell is written "\\|" (or it splits the cell)."""
    return text.replace("|", "\\|")


def test_an_instruction_with_a_bar_stays_one_cell(workspace: tuple[Path, Path]) -> None:
    solutions, exercises = workspace
    path = solutions / "functions.py"
    region = parse_file(path)[0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[region.begin + 1] = lines[region.begin + 1].replace(region.en, region.en + " (|x| large)")
    path.write_text("".join(lines), encoding="utf-8")
    assert run_build("exercises", "--solutions", solutions, "--out", exercises).returncode == 0

    readme = (exercises / "README.md").read_text(encoding="utf-8")
    [row] = [line for line in readme.splitlines() if "(|x| large)" in line.replace("\\|", "|")]
    assert row.endswith(table_cell(region.en + " (|x| large)") + " |")
    assert len(re.findall(r"(?<!\\)\|", row)) == 5, row  # four cells, no more


# --- the regions of the solutions ----------------------------------------------------


@pytest.mark.parametrize("module", CONTRACT)
def test_every_contract_function_has_a_blank(module: str) -> None:
    assert set(CONTRACT[module]) <= {r.qualname for r in regions_of(module)}


@pytest.mark.parametrize("module", CONTRACT)
def test_regions_have_instructions_and_ordered_unique_labels(module: str) -> None:
    regions = regions_of(module)
    assert [r.label for r in regions] == list(LABELS[: len(regions)])
    for region in regions:
        assert region.ja.strip() and region.en.strip()
        assert region.solution and all(line.startswith(region.indent) for line in region.solution if line)


@pytest.mark.parametrize("module", CONTRACT)
def test_stripping_the_markers_leaves_the_same_code(module: str) -> None:
    source = (SOLUTIONS / f"{module}.py").read_text(encoding="utf-8")
    stripped = strip_markers(source)
    assert BEGIN not in stripped and END not in stripped
    assert ast.dump(ast.parse(stripped)) == ast.dump(ast.parse(source))


def test_regions_render_with_any_renderer() -> None:
    """The notebook generator will turn regions into nbgrader solution cells."""
    source = (SOLUTIONS / "functions.py").read_text(encoding="utf-8")
    regions = parse_regions(source, "functions.py")

    def nbgrader(region: BlankRegion) -> list[str]:
        return [f"{region.indent}### BEGIN SOLUTION", *region.solution, f"{region.indent}### END SOLUTION"]

    text = render(source, regions, nbgrader)
    assert text.count("### BEGIN SOLUTION") == len(regions)
    assert ast.dump(ast.parse(text)) == ast.dump(ast.parse(source))


# --- malformed markers ---------------------------------------------------------------

GOOD = [
    "### BEGIN BLANK",
    "### ja: y を計算する",
    "### en: compute y",
    "y = x + 1",
    "### END BLANK",
]


def in_function(*lines: str) -> str:
    return "def f(x):\n" + "".join(f"    {line}\n" for line in lines) + "    return y\n"


MALFORMED = {
    "never closed": (in_function(*GOOD[:4]), 2, "never closed"),
    "END without BEGIN": (in_function("y = x", "### END BLANK"), 3, "without a matching BEGIN"),
    "nested BEGIN": (in_function(*GOOD[:4], *GOOD), 6, "inside the blank opened at line 2"),
    "missing ja": (in_function(GOOD[0], GOOD[2], *GOOD[3:]), 3, "'### ja:' was expected"),
    "missing en": (in_function(*GOOD[:2], *GOOD[3:]), 4, "lacks its '### en:"),
    "missing both": (in_function(GOOD[0], *GOOD[3:]), 3, "lacks its '### ja:"),
    "empty ja": (in_function(GOOD[0], "### ja:  ", *GOOD[2:]), 3, "empty '### ja:' instruction"),
    "ja outside a blank": (in_function("### ja: 説明", "y = x"), 2, "outside a blank"),
    "unknown marker": (in_function("### BEGIN BLANKS", *GOOD[1:]), 2, "unknown marker"),
    "empty blank": (in_function(*GOOD[:3], "# 何もない", GOOD[4], "y = x"), 2, "holds no statement"),
    "outside any function": ("x = 1\n" + "".join(f"{line}\n" for line in GOOD), 2, "outside any function"),
    "in a class body": (
        "class A:\n" + "".join(f"    {line}\n" for line in GOOD), 2, "outside any function",
    ),
    "cuts a statement": (
        in_function("y = sum(", *GOOD[:3], "    [x])", GOOD[4]), 3, "cuts the statement that starts at line 2",
    ),
    "runs past END": (
        in_function(*GOOD[:3], "y = sum(", GOOD[4], "    [x])"), 5, "runs past END BLANK",
    ),
    "markers indented unlike each other": (
        in_function(*GOOD[:4], "    ### END BLANK"), 6, "indented differently from BEGIN",
    ),
    "statements indented unlike the markers": (
        "def f(x):\n" + "".join(f"        {line}\n" for line in GOOD[:3]) + "    y = x\n"
        "        ### END BLANK\n    return y\n", 5, "indented differently from its BEGIN",
    ),
    "syntax error": (in_function(*GOOD[:3], "y = (", GOOD[4]), 5, "syntax error"),
}


@pytest.mark.parametrize(("source", "line", "problem"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_markers_name_file_and_line(source: str, line: int, problem: str) -> None:
    with pytest.raises(BlankMarkerError) as caught:
        parse_regions(source, "solutions/bad.py")
    assert str(caught.value).startswith(f"solutions/bad.py:{line}: "), str(caught.value)
    assert problem in str(caught.value)


def test_a_well_formed_region_parses() -> None:
    [region] = parse_regions(in_function(*GOOD), "solutions/good.py")
    assert (region.module, region.label, region.qualname) == ("good", "あ", "f")
    assert (region.begin, region.end, region.indent) == (2, 6, "    ")
    assert region.solution == ("    y = x + 1",)


def test_nested_qualnames() -> None:
    source = "class A:\n    def m(self):\n        def g():\n" + "".join(f"            {line}\n" for line in GOOD)
    assert [r.qualname for r in parse_regions(source)] == ["A.m.<locals>.g"]


@pytest.mark.parametrize("check", [False, True], ids=["build", "check"])
def test_build_rejects_malformed_markers(workspace: tuple[Path, Path], check: bool) -> None:
    solutions, exercises = workspace
    path = solutions / "minibatch.py"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    last_end = max(i for i, line in enumerate(lines) if line.strip() == END)
    del lines[last_end]
    path.write_text("".join(lines), encoding="utf-8")
    before = snapshot(exercises)

    flags = ["--check"] if check else []
    result = run_build("exercises", *flags, "--solutions", solutions, "--out", exercises)

    assert result.returncode == 2
    begin = max(i for i, line in enumerate(lines, start=1) if line.strip().startswith(BEGIN))
    assert f"minibatch.py:{begin}: BEGIN BLANK is never closed" in result.stderr
    assert snapshot(exercises) == before


def test_build_rejects_a_missing_solutions_folder(tmp_path: Path) -> None:
    result = run_build("exercises", "--solutions", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert not (tmp_path / "out").exists()
