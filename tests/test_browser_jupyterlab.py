"""A student's view: JupyterLab in headless Chromium runs a filled-in notebook, checks render.

Needs Debian's Chromium and Playwright's Python package (its own browser download is not
used). Without them the test is skipped with the reason — except under CI (``CI`` set),
where it fails: CI must run it. Deselect on a laptop with ``-m "not browser"``.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zlib
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec

from conftest import SOLUTIONS
from grader.authoring.assignments import assignment
from grader.authoring.notebooks import build_notebook, filled_in

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("GRADER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTEBOOK = assignment("day2-init-batchnorm")
PASS_GREEN = (0x1A, 0x7F, 0x37)  # grader.nb.feedback.COLORS["pass"]


def missing_tools() -> str | None:
    if not Path(CHROMIUM).is_file():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install playwright)"
    return None


@pytest.fixture(scope="module")
def tools() -> None:
    reason = missing_tools()
    if reason and os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser test")
    if reason:
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def lab_env(home: Path) -> dict[str, str]:
    """Every Jupyter folder inside ``home``; the kernel is this Python."""
    write_kernel_spec(home / "data" / "kernels" / "python3")
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # No "receive Jupyter news?" toast over the notebook (and no request for it).
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}', encoding="utf-8")
    return {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "JUPYTER_PLATFORM_DIRS": "1"}


@pytest.fixture
def lab(tools: None, tmp_path: Path):
    """JupyterLab on loopback serving a filled-in notebook; yields (url, notebook name)."""
    root = tmp_path / "work"
    root.mkdir()
    source = build_notebook(NOTEBOOK, SOLUTIONS)
    nbformat.write(filled_in(source, source), root / NOTEBOOK.notebook)
    port, token = free_port(), secrets.token_hex(16)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, env=lab_env(tmp_path / "jupyter"), stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "lab.log", "wb"), start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/status?token={token}", server, tmp_path / "lab.log")
        yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.notebook}?token={token}"
    finally:
        stop(server)


def wait_until_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited ({server.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"JupyterLab did not answer within {timeout:g} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    """Ends the server we started and its kernels (its own process group)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit, non-interlaced RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunks.setdefault(kind, b"")
        chunks[kind] += data[position + 8:position + 8 + length]
        position += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and color in (2, 6) and interlace == 0
    step = 3 if color == 2 else 4
    raw, stride = zlib.decompress(chunks[b"IDAT"]), width * step
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - step] if x >= step else 0
            up, corner = previous[x], previous[x - step] if x >= step else 0
            line[x] = (line[x] + (0, left, up, (left + up) // 2, _paeth(left, up, corner))[kind]) & 0xFF
        rows.append(line)
        previous = line
    pixels = [tuple(row[x:x + 3]) for row in rows for x in range(0, stride, step)]
    return width, height, pixels


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


STARTED = "() => [...document.querySelectorAll('.jp-InputArea-prompt')].some(p => /\\[(\\d+|\\*)\\]/.test(p.textContent))"


def start_running_all(page, attempts: int = 3) -> None:
    """Run › Run All Cells, again if no cell started: a kernel that shows "idle" before its
    connection is complete drops the request (re-running every cell is harmless)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(STARTED, timeout=20_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise


def open_and_run_all(page, url: str, loads: int = 2) -> None:
    """Opens the notebook and starts Run All Cells; opens it once more if no cell starts.

    Under load, jupyter_server can refuse the page's first kernel connection (a 500 on
    /channels: "'NoneType' object has no attribute 'kernel_ws_protocol'", the kernel not yet
    ready); the page then shows an idle kernel that never receives a request, whatever the
    menu does. A second load of the page connects afresh to the same kernel."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" on the second load
    for load in range(loads):
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        try:
            start_running_all(page)
            return
        except PlaywrightTimeout:
            if load == loads - 1:
                raise


def run_all_cells(page, url: str, tmp_path: Path) -> tuple[list[str], list[str], bytes]:
    """Opens the notebook, runs every cell from the Run menu, waits for every check result."""
    open_and_run_all(page, url)
    results = page.locator(".grader-check")
    results.nth(len(NOTEBOOK.topics) - 1).wait_for(timeout=120_000)
    page.screenshot(path=str(tmp_path / "jupyterlab.png"), full_page=True)
    results.first.scroll_into_view_if_needed()
    shot = results.first.screenshot(path=str(tmp_path / "check.png"))
    classes = [results.nth(i).get_attribute("class") or "" for i in range(results.count())]
    return results.all_inner_texts(), classes, shot


def test_run_all_cells_in_jupyterlab_shows_every_check_passed(lab: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            texts, classes, shot = run_all_cells(page, lab, tmp_path)
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            raise AssertionError(f"JupyterLab run failed; screenshot {tmp_path / 'failure.png'}; "
                                 f"page says: {page.inner_text('body')[:1500]!r}") from None
        finally:
            browser.close()

    assert len(texts) == len(NOTEBOOK.topics)
    assert all("grader-pass" in c for c in classes), classes
    assert "合格: weight_init — 8 点中 8 点" in texts[0] and "Passed: weight_init — 8 / 8 points" in texts[0]
    assert "Passed: batch_norm — 6 / 6 points" in texts[1]
    width, height, pixels = png_pixels(shot)
    assert width > 200 and height > 30
    green = sum(1 for p in pixels if all(abs(a - b) < 40 for a, b in zip(p, PASS_GREEN)))
    assert green > 200, "the passed verdict is not drawn in green"  # the bar and the verdict text
