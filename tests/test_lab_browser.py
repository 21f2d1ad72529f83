"""The analyst's day in a real JupyterLab, driven by headless Chromium.

Starts JupyterLab on 127.0.0.1 (random free port, random token) in a copy of the
repository, opens a chapter notebook, runs all cells and checks what the analyst
sees: a rendered table with its caption, no report markup (``{#``) anywhere in the
outputs, the prose file reachable from the file browser; then runs the chapter
preview from the command line and opens its HTML. A screenshot of the notebook
after Run All is saved under ``test-artifacts/``.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, copy_repo

from tests.agensi_uji import TAHUN

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
NOTEBOOK = "01_pendahuluan.ipynb"
CHAPTER = "bab1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian chromium not installed (required in CI)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(root: Path, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("LKJIP_BUILD", None)
    env["LKJIP_ROOT"] = str(root)
    # The code under test, for the server's kernels and the preview subprocess.
    env["PYTHONPATH"] = str(ROOT) + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    for var, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        env[var] = str(home / sub)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    return env


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = copy_repo(tmp_path_factory.mktemp("lab") / "repo")
    env = _env(root, root.parent / "jupyter-home")
    # Data of the year, the start page and workspaces, as `make lab` does.
    for args in (["data", "--year", str(TAHUN)], ["start-page", "--year", str(TAHUN)]):
        subprocess.run(
            [sys.executable, "-m", "lkjip_helpers", *args],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
        )
    return root, env


@pytest.fixture(scope="module")
def lab(project):
    root, env = project
    port, token = _free_port(), secrets.token_hex(16)
    # Every cell in the DOM (no windowing), so the checks below see all outputs.
    settings = root.parent / "user-settings"
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text('{"windowingMode": "none"}', encoding="utf-8")
    log = open(root.parent / "jupyterlab.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.workspaces_dir={root / '.jupyter' / 'workspaces'}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.user_settings_dir={root / '.jupyter' / 'lab' / 'user-settings'}",
            "--LabApp.expose_app_in_browser=True",
            *(["--allow-root"] if os.geteuid() == 0 else []),  # CI containers run as root
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    text = (root.parent / "jupyterlab.log").read_text(errors="replace")
                    pytest.fail(f"JupyterLab did not start:\n{text[-3000:]}")
                time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _slow_page(new_page):
    def make(**kwargs):
        page = new_page(**kwargs)
        page.set_default_timeout(180_000)
        page.set_default_navigation_timeout(180_000)
        return page

    return make


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # JupyterLab loads several MB of JavaScript: slow on a busy CI machine.
        b.new_page = _slow_page(b.new_page)
        yield b
        b.close()


def test_preview_from_the_command_line(project, browser):
    root, env = project
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "lkjip_helpers",
            "preview",
            "--chapter",
            CHAPTER,
            "--year",
            str(TAHUN),
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    out = root / "outputs" / "preview" / str(TAHUN) / f"{CHAPTER}.html"
    assert f"outputs/preview/{TAHUN}/{CHAPTER}.html" in proc.stdout
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(out.as_uri(), wait_until="load")
    text = page.inner_text("body")
    assert "BAB\u00a0I" in text or "BAB I" in text
    assert "Tabel 1.1" in text.replace("\u00a0", " ")
    assert "{#" not in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"preview-{CHAPTER}.png"))
    page.close()


def test_run_all_in_jupyterlab(lab, project, browser):
    base, token = lab
    root, _ = project
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/notebooks/{NOTEBOOK}?token={token}&reset", wait_until="load")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=180_000)
    try:
        # Run > Run All Cells, from the menu as the analyst does (queued until the
        # kernel is ready).
        # Cells sent before the kernel is connected are not run: wait for "Idle".
        page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=180_000)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                    .map(p => p.textContent.trim());
                return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
            }""",
            timeout=400_000,
            polling=1000,
        )
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "lab-notebook-failed.png"))
        raise
    outputs = page.inner_text(".jp-Notebook")
    errors = page.query_selector_all(".jp-OutputArea-output[data-mime-type*='error']")
    assert errors == [], outputs[-2000:]
    # A rendered table with its number and caption, as the report shows it.
    # text_content, not inner_text: JupyterLab skips rendering cells out of view
    # (content-visibility), and innerText of a skipped element is empty.
    captions = [
        c.text_content() for c in page.query_selector_all(".jp-OutputArea-output table caption")
    ]
    assert any("Tabel" in c and "PNS menurut Tingkat Pendidikan" in c for c in captions), captions
    # No report markup anywhere in the outputs.
    shown = "\n".join(o.text_content() for o in page.query_selector_all(".jp-OutputArea-output"))
    assert "{#" not in shown
    assert ": Jumlah" not in shown  # the pipe table's caption line
    assert "\\." not in shown and "\\(" not in shown  # backslash escapes
    assert "Buka pratinjau" in shown  # the last cell previewed the chapter
    ARTIFACTS.mkdir(exist_ok=True)
    first_table = page.query_selector(".jp-OutputArea-output table")
    first_table.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "lab-notebook-run-all.png"))

    # The prose file is reachable from the file browser (root = the project).
    page.locator(".jp-BreadCrumbs-home").first.click()  # the file browser's root
    for folder in ("params", "prose", str(TAHUN)):
        item = page.locator(f".jp-DirListing-item[title^='Name: {folder}']").first
        item.wait_for(timeout=30_000)
        item.dblclick()
    prose = page.locator(".jp-DirListing-item[title^='Name: pendahuluan.md']").first
    prose.wait_for(timeout=30_000)
    prose.dblclick()
    page.wait_for_selector(".jp-FileEditor .cm-content", timeout=30_000)
    assert "Potensi sumber daya manusia" in page.inner_text(".jp-FileEditor .cm-content")
    page.close()


def test_start_page_and_chapter_workspace(lab, browser):
    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{base}/lab/workspaces/lkjip-bab3?token={token}", wait_until="load")
    # Notebook and prose side by side.
    # Several tabs per side: the current one of each is visible.
    page.locator(".jp-NotebookPanel:visible").first.wait_for(timeout=180_000)
    page.locator(".jp-FileEditor:visible").first.wait_for(timeout=180_000)
    boxes = [
        page.locator(".jp-NotebookPanel:visible").first.bounding_box(),
        page.locator(".jp-FileEditor:visible").first.bounding_box(),
    ]
    assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"] + 5
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lab-workspace-bab3.png"))
    page.goto(f"{base}/lab/workspaces/lkjip?token={token}", wait_until="load")
    page.wait_for_selector(".jp-RenderedMarkdown h1", timeout=180_000)
    text = page.inner_text(".jp-RenderedMarkdown")
    assert "Mulai di sini" in text and f"params/prose/{TAHUN}/akuntabilitas.md" in text
    page.screenshot(path=str(ARTIFACTS / "lab-start-page.png"))
    page.close()
