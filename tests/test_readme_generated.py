"""README.md's generated regions (topics, points, counts) match the registry: the drift check."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grader.authoring import readme
from grader.topics import registry

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def run_build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.authoring.build", "readme", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_committed_readme_passes_the_build_check() -> None:
    result = run_build("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


@pytest.mark.parametrize("document", sorted(readme.DOCUMENTS))
def test_each_document_marks_its_generated_regions(document: str) -> None:
    assert set(readme.regions((ROOT / document).read_text(encoding="utf-8"))) == readme.DOCUMENTS[document]


def test_every_generator_serves_a_document() -> None:
    assert set().union(*readme.DOCUMENTS.values()) == set(readme.GENERATORS)


def test_tests_readme_lists_every_test_file_with_its_tier() -> None:
    from conftest import FAST_FILES
    text = (ROOT / "tests" / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        [row] = [line for line in text.splitlines() if line.startswith(f"| `{path.name}` |")]
        tier = row.rsplit("|", 2)[1].strip()
        assert tier.split(",")[0] == ("fast" if path.name in FAST_FILES else "full"), row


def test_the_regions_say_what_the_registry_says() -> None:
    text = readme.render(README.read_text(encoding="utf-8"))
    points = readme.topic_points()
    assert all(f"`{name}`" in text for name in registry.names())
    assert f"; {sum(points.values()):g} in all." in text
    assert f"-->{len(registry.misconceptions())}<!--" in text


def test_a_stale_region_fails_the_check_and_a_rewrite_fixes_it(tmp_path: Path) -> None:
    copy = tmp_path / "README.md"
    text = README.read_text(encoding="utf-8")
    stale = text.replace(f"-->{len(registry.misconceptions())}<!--", "-->145<!--")
    assert stale != text
    copy.write_text(stale, encoding="utf-8")

    check = run_build("--check", "--readme", copy)
    assert check.returncode == 1
    assert "differs" in check.stdout
    assert copy.read_text(encoding="utf-8") == stale, "--check writes nothing"

    assert run_build("--readme", copy).returncode == 0
    assert copy.read_text(encoding="utf-8") == text


def test_an_unknown_region_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "README.md"
    copy.write_text("x <!-- BEGIN GENERATED: topicz -->1<!-- END GENERATED -->\n", encoding="utf-8")
    result = run_build("--check", "--readme", copy)
    assert result.returncode == 2
    assert "'topicz'" in result.stdout


@pytest.mark.parametrize("name", sorted(readme.GENERATORS))
def test_every_generator_writes_something(name: str) -> None:
    assert readme.GENERATORS[name]().strip()
