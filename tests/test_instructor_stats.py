"""`grader stats` on a real class graded by `grader batch`, every number recomputed here
from results.json with numpy; `grader quiz stats` on real answers files; the HTML page
read back from headless Chromium (plots there, Japanese drawn, not tofu)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import EXERCISES, ROOT, SOLUTIONS, run_grader

BROKEN = yaml.safe_load((ROOT / "tests" / "variants" / "broken.yaml").read_text(encoding="utf-8"))
# Who makes which mistake: two students with the same bug give byte-identical outputs.
# Two left the blanks unfilled (not attempted, not wrong); two raise the same error on
# different lines (one wrong answer, wherever it sits).
CLASS = {"alice": None, "bob": None, "carol": "softmax.axis", "dave": "softmax.axis",
         "erin": "activations.d_relu_at_zero", "frank": "blank", "grace": "blank",
         "heidi": "raises", "ivan": "raises lower"}
RAISES = 'raise ValueError("softmax: not finished")'


def _student(folder: Path, mistake: str | None) -> None:
    if mistake == "blank":
        shutil.copytree(EXERCISES, folder)
        return
    shutil.copytree(SOLUTIONS, folder)
    if mistake is None:
        return
    if mistake.startswith("raises"):
        path = folder / "functions.py"
        lines = path.read_text(encoding="utf-8").splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("def softmax"))
        lines.insert(at + 1, "    " + RAISES)
        if mistake.endswith("lower"):  # the same error three lines further down
            lines[:0] = ["# my notes", "# more notes", "# and more"]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    variant = BROKEN[mistake]
    path = folder / f"{variant['module']}.py"
    text = path.read_text(encoding="utf-8")
    for edit in variant["edits"]:
        assert edit["old"] in text
        text = text.replace(edit["old"], edit["new"])
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stats")
    for name, mistake in CLASS.items():
        _student(root / "class" / name, mistake)
    done = run_grader("batch", str(root / "class"), "--out", str(root / "grades"), "-j", "2", timeout=600)
    assert done.returncode == 0, done.stderr
    return root / "grades"


def stats_json(path: Path, *extra: str) -> dict:
    done = run_grader("stats", str(path), "--json", *extra, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_results_name_the_misconception_each_hint_came_from(graded: Path) -> None:
    students = json.loads((graded / "results.json").read_text(encoding="utf-8"))["students"]
    hints = {name: {(r["topic"], r["hint"]) for r in report["results"] if r["hint"]}
             for name, report in students.items()}
    # The topic's own misconception; the integration topic (training) names the broken part.
    assert hints["carol"] == hints["dave"] == {("softmax", "softmax.axis"), ("training", "training.broken_part")}
    assert ("activations", "activations.d_relu_at_zero") in hints["erin"]
    assert hints["alice"] == set() and hints["frank"] == set() == hints["grace"]


def test_each_hint_key_belongs_to_one_misconception_of_its_topic() -> None:
    # grader.grading.engine.hint_of maps (topic, message key) back to the id: sound only if unique.
    from grader.topics.registry import misconceptions

    # One exception, on purpose: an optimizer's state shared by all keys shows as shared values
    # (equal shapes) or as a shape error (other shapes); both faces say the same hint, and
    # hint_of names the first declared, `state_shared`, so item analysis counts them as one.
    pairs = [(entry.topic, entry.key) for entry in misconceptions() if not entry.id.endswith(".state_shape")]
    assert len(pairs) == len(set(pairs))


def test_stats_numbers_equal_those_recomputed_from_results_json(graded: Path) -> None:
    stats = stats_json(graded)
    students = json.loads((graded / "results.json").read_text(encoding="utf-8"))["students"]
    names = sorted(students)
    assert stats["students"] == len(names) == len(CLASS)
    rows = {(n, r["topic"], r["check"]): r for n in names for r in students[n]["results"]}
    totals = np.array([students[n]["score"] for n in names])
    assert stats["mean_score"] == pytest.approx(totals.mean())
    by_key = {(c["topic"], c["check"]): c for c in stats["checks"]}
    assert set(by_key) == {(t, c) for _, t, c in rows}
    for (topic, check), item in by_key.items():
        points = np.array([rows[(n, topic, check)]["points"] for n in names])
        passed = [rows[(n, topic, check)]["passed"] for n in names]
        assert item["pass_rate"] == pytest.approx(sum(passed) / len(names))
        assert item["mean_points"] == pytest.approx(points.mean())
        rest = totals - points
        if points.std() == 0 or rest.std() == 0:
            assert item["discrimination"] is None
        else:
            assert item["discrimination"] == pytest.approx(np.corrcoef(points, rest)[0, 1], abs=1e-5)
        hinted = [rows[(n, topic, check)]["hint"] for n in names if not rows[(n, topic, check)]["passed"]]
        expected = {h: hinted.count(h) for h in set(hinted) if h}
        assert item["misconceptions"] == expected
    softmax_batch = by_key[("softmax", "batch")]
    assert softmax_batch["misconceptions"] == {"softmax.axis": 2}
    counts, _ = np.histogram(totals, bins=10, range=(0, stats["max_score"]))
    assert stats["histogram"]["counts"] == counts.tolist()


NOT_ATTEMPTED = ("error.blank", "error.missing_function", "error.missing_module", "notebook.missing", "notebook.stub")


def test_identical_wrong_outputs_are_clustered_and_only_they(graded: Path) -> None:
    stats = stats_json(graded)
    students = json.loads((graded / "results.json").read_text(encoding="utf-8"))["students"]
    groups: dict[tuple, set] = {}
    for name, report in students.items():
        for r in report["results"]:
            if r["passed"] or r["failure"]["key"] in NOT_ATTEMPTED:
                continue  # an unfilled blank is no answer: never a cluster
            same = r["failure"]["signature"] if r["failure"]["key"].startswith("error.") else r["outcome"]
            groups.setdefault((r["topic"], r["check"], same), set()).add(name)
    expected = {key: names for key, names in groups.items() if len(names) > 1}
    found = {(g["topic"], g["check"], g["outcome"]): set(g["students"]) for g in stats["clusters"]}
    assert found == expected
    softmax = {frozenset(names) for (topic, check, _), names in found.items() if (topic, check) == ("softmax", "batch")}
    # The same error on different lines is one cluster; the two blank students are none.
    assert softmax == {frozenset({"carol", "dave"}), frozenset({"heidi", "ivan"})}
    assert not any("not filled yet" in g["message"] for g in stats["clusters"])
    assert not any({"frank", "grace"} <= set(g["students"]) for g in stats["clusters"])


@pytest.fixture(scope="module")
def notebooks_graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An nbgrader class: two notebooks raise the same error in softmax from different
    cells (one student added cells above), one left the notebook's blanks as released."""
    import nbformat
    from grader.authoring.assignments import assignment
    from grader.authoring.notebooks import build_notebook, topic_points

    day1 = assignment("day1")
    root = tmp_path_factory.mktemp("stats-notebooks")
    solved = build_notebook(day1, SOLUTIONS, topic_points())
    for student in ("kim", "lee"):
        notebook = nbformat.reads(nbformat.writes(solved), as_version=4)
        at = next(i for i, cell in enumerate(notebook.cells) if "def softmax" in cell.source)
        # lee's note of her own puts the raise a line lower: the message names another place
        note = "    # my own note\n" if student == "lee" else ""
        notebook.cells[at].source = notebook.cells[at].source.replace(
            "def softmax(x):\n", "def softmax(x):\n" + note + "    " + RAISES + "\n", 1)
        assert RAISES in notebook.cells[at].source
        if student == "lee":  # two cells of her own above: softmax's cell has another number
            notebook.cells[at:at] = [nbformat.v4.new_code_cell("import math"), nbformat.v4.new_code_cell("seen = []")]
        folder = root / "course" / "submitted" / student / day1.name
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / day1.notebook)
    released = build_notebook(day1, EXERCISES, topic_points())
    folder = root / "course" / "submitted" / "mori" / day1.name
    folder.mkdir(parents=True)
    nbformat.write(released, folder / day1.notebook)
    done = run_grader("batch", str(root / "course"), "--out", str(root / "grades"), "-j", "2", timeout=600)
    assert done.returncode == 0, done.stderr
    return root / "grades"


def test_the_same_error_in_another_cell_is_one_cluster_and_blanks_are_none(notebooks_graded: Path) -> None:
    stats = stats_json(notebooks_graded)
    students = json.loads((notebooks_graded / "results.json").read_text(encoding="utf-8"))["students"]
    row = {name: next(r for r in report["results"] if (r["topic"], r["check"]) == ("softmax", "batch"))
           for name, report in students.items()}
    assert row["kim"]["message"] != row["lee"]["message"]  # they name different places
    assert row["kim"]["outcome"] != row["lee"]["outcome"]  # so the digest of what was sent differs
    softmax = [g for g in stats["clusters"] if (g["topic"], g["check"]) == ("softmax", "batch")]
    assert [g["students"] for g in softmax] == [["kim", "lee"]]
    assert not any("mori" in g["students"] for g in stats["clusters"])
    batch = next(i for i in stats["checks"] if (i["topic"], i["check"]) == ("softmax", "batch"))
    assert (batch["not_attempted"], batch["wrong"]) == (1, 2)


def test_not_attempted_is_apart_from_wrong_in_every_rate(graded: Path) -> None:
    stats = stats_json(graded)
    students = json.loads((graded / "results.json").read_text(encoding="utf-8"))["students"]
    n = len(students)
    for item in stats["checks"]:
        rows = [next(r for r in report["results"] if (r["topic"], r["check"]) == (item["topic"], item["check"]))
                for report in students.values()]
        unfilled = sum(1 for r in rows if not r["passed"] and r["failure"]["key"] in NOT_ATTEMPTED)
        wrong = sum(1 for r in rows if not r["passed"]) - unfilled
        passed = sum(r["passed"] for r in rows)
        assert (item["not_attempted"], item["wrong"]) == (unfilled, wrong)
        assert item["not_attempted_rate"] == pytest.approx(unfilled / n)
        assert item["wrong_rate"] == pytest.approx(wrong / n)
        assert item["attempted_pass_rate"] == (pytest.approx(passed / (n - unfilled)) if n > unfilled else None)
        hinted = [r["hint"] for r in rows if not r["passed"] and r["failure"]["key"] not in NOT_ATTEMPTED and r["hint"]]
        assert item["misconceptions"] == {h: hinted.count(h) for h in set(hinted)}
    batch = next(i for i in stats["checks"] if (i["topic"], i["check"]) == ("softmax", "batch"))
    # frank and grace never filled softmax; carol, dave (axis), heidi, ivan (an error) are wrong.
    assert (batch["not_attempted"], batch["wrong"], batch["pass_rate"]) == (2, 4, pytest.approx(3 / 9))
    assert batch["misconceptions"] == {"softmax.axis": 2}


@pytest.fixture(scope="module")
def stats_page(graded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`grader stats --html` of the class, written once: the text and the browser read it."""
    page = tmp_path_factory.mktemp("stats-page") / "stats.html"
    done = run_grader("stats", str(graded), "--html", str(page), timeout=300)
    assert done.returncode == 0, done.stderr
    return page


def test_each_topic_says_what_to_reteach_among_those_who_tried(graded: Path, stats_page: Path) -> None:
    stats = stats_json(graded)
    softmax = next(item for item in stats["topics"] if item["topic"] == "softmax")
    assert softmax["not_attempted"] == 2
    # carol and dave of the seven who tried softmax: the sum over the wrong axis.
    assert softmax["reteach"][0] == {"misconception": "softmax.axis", "students": 2,
                                     "share_of_attempted": pytest.approx(2 / 7)}
    text = stats_page.read_text(encoding="utf-8")
    reteach = text.split('<ul id="reteach">')[1].split("</ul>\n")[0]
    block = reteach.split('data-topic="softmax"')[1].split('<li class="topic"')[0]
    assert "29 %" in block and "(softmax.axis)" in block and "取り組んだ学生の 29 %" in block


def test_weakest_topics_are_the_lowest_shares(graded: Path) -> None:
    weakest = stats_json(graded)["weakest_topics"]
    students = json.loads((graded / "results.json").read_text(encoding="utf-8"))["students"]
    for name, report in students.items():
        shares: dict[str, list[float]] = {}
        for r in report["results"]:
            got = shares.setdefault(r["topic"], [0.0, 0.0])
            got[0] += r["points"]
            got[1] += r["max_points"]
        order = list(shares)
        below = sorted((t for t, (g, m) in shares.items() if g < m), key=lambda t: (shares[t][0] / shares[t][1], order.index(t)))
        assert [w["topic"] for w in weakest[name]] == below[:3], name
    assert weakest["alice"] == [] and "softmax" in [w["topic"] for w in weakest["carol"]]


def test_text_report_names_a_misconception_with_its_share_in_japanese(graded: Path) -> None:
    done = run_grader("stats", str(graded), "--lang", "ja", env={"COLUMNS": "250"}, timeout=300)
    assert done.returncode == 0, done.stderr
    # softmax › batch: carol and dave of the four wrong answers (heidi and ivan raise an
    # error; frank and grace left it blank: not attempted, not among the wrong): 50 %.
    assert any("不正解の 50 %" in line and "(softmax.axis)" in line for line in done.stdout.splitlines())
    assert "復習すべきこと" in done.stdout


def test_results_of_an_older_grader_are_refused_with_a_message(tmp_path: Path, graded: Path) -> None:
    old = json.loads((graded / "results.json").read_text(encoding="utf-8"))
    for report in old["students"].values():
        for row in report["results"]:
            del row["hint"]
    (tmp_path / "results.json").write_text(json.dumps(old), encoding="utf-8")
    done = run_grader("stats", str(tmp_path), "--html", str(tmp_path / "page.html"))
    assert done.returncode == 2 and "older grader" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "page.html").exists()


@pytest.mark.parametrize("content", [{"students": {}}, "not json", None])
def test_an_empty_or_unreadable_class_is_refused(tmp_path: Path, content) -> None:
    if content is not None:
        text = content if isinstance(content, str) else json.dumps(content)
        (tmp_path / "results.json").write_text(text, encoding="utf-8")
    done = run_grader("stats", str(tmp_path), "--lang", "ja")
    assert done.returncode == 2 and "エラー" in done.stderr and "Traceback" not in done.stderr


# -- quiz -----------------------------------------------------------------------------------

QUIZ_CLASS = {  # d1s0-q2: [3, 4]; d1s0-q3: 18; d1s0-q5: 1
    "a": "d1s0-q2: [3, 4]\nd1s0-q3: 18\nd1s0-q5: 1\n",
    "b": 'd1s0-q2: "４, ３"\nd1s0-q3: 19\nd1s0-q5: "②"\n',
    "c": 'd1s0-q2: "3,5"\nd1s0-q3: "１９"\nd1s0-q5: 2\n',
    "d": 'd1s0-q2: [3]\nd1s0-q3: " 19 "\nd1s0-q5: "１"\n',
}


def test_quiz_stats_facility_discrimination_and_normalised_wrong_answers(tmp_path: Path) -> None:
    for name, text in QUIZ_CLASS.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("d1s0-q2: [\n", encoding="utf-8")
    done = run_grader("quiz", "stats", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    assert "broken.yaml" in done.stderr  # skipped, and said so
    stats = json.loads(done.stdout)
    assert stats["students"] == 4
    items = {q["id"]: q for q in stats["questions"]}
    check = {n: json.loads(run_grader("quiz", "check", str(tmp_path / f"{n}.yaml"), "--json").stdout)
             for n in QUIZ_CLASS}
    for qid, item in items.items():
        points = np.array([next(r["points"] for r in check[n]["results"] if r["id"] == qid) for n in QUIZ_CLASS])
        top = np.array([next(r["max_points"] for r in check[n]["results"] if r["id"] == qid) for n in QUIZ_CLASS])
        assert item["facility"] == pytest.approx((points / top).mean())
        rest = np.array([check[n]["score"] for n in QUIZ_CLASS]) - points
        expected = None if points.std() == 0 or rest.std() == 0 else np.corrcoef(points, rest)[0, 1]
        assert item["discrimination"] == (None if expected is None else pytest.approx(expected, abs=1e-5))
    # "１９", " 19 " and 19 are one wrong answer; "４, ３" is the right answer, not a wrong one.
    assert items["d1s0-q3"]["wrong_answers"] == [{"answer": "19", "count": 3}]
    assert {w["answer"] for w in items["d1s0-q2"]["wrong_answers"]} == {"3, 5", "3"}
    assert items["d1s0-q5"]["wrong_answers"] == [{"answer": "2", "count": 2}]


def test_quiz_stats_of_a_folder_without_answers_is_refused(tmp_path: Path) -> None:
    done = run_grader("quiz", "stats", str(tmp_path))
    assert done.returncode == 2 and "no usable answers file" in done.stderr


# -- the page in a browser ---------------------------------------------------------------------

@pytest.mark.browser
def test_html_page_renders_with_plots_and_japanese_glyphs(stats_page: Path, tmp_path: Path) -> None:
    from test_browser_jupyterlab import CHROMIUM, CHROMIUM_ARGS, missing_tools

    reason = missing_tools()
    if reason:
        pytest.fail(reason)  # the tools are part of the test environment: a skip would hide this
    page_file = stats_page
    text = page_file.read_text(encoding="utf-8")
    assert "<script" not in text and "http" not in text.split("<body>")[1]  # self-contained
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(page_file.as_uri())
            page.screenshot(path=str(tmp_path / "stats.png"), full_page=True)
            for plot in ("#histogram", "#pass-rates"):
                size = page.eval_on_selector(plot, "img => [img.complete, img.naturalWidth, img.naturalHeight]")
                assert size[0] and size[1] > 300 and size[2] > 150, (plot, size)
            assert "採点の分析" in page.inner_text("#title")
            # Tofu draws every missing glyph as the same box: distinct kanji must draw
            # differently from each other and from a code point no font has.
            page.evaluate("""() => { for (const [id, ch] of [["k1", "採"], ["k2", "点"], ["k3", "\\uE000"]]) {
                const s = document.createElement("span"); s.id = id; s.textContent = ch;
                s.style.cssText = "font-size:48px;display:inline-block;padding:4px;background:#fff";
                document.getElementById("title").appendChild(s); } }""")
            shots = [page.locator(f"#{i}").screenshot() for i in ("k1", "k2", "k3")]
        finally:
            browser.close()
    assert len(set(shots)) == 3, "Japanese glyphs drawn as tofu"
