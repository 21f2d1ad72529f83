"""The HTML report in headless Chromium: links, images, headings, print to PDF."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian chromium not installed (required in CI)",
    ),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def loaded(browser, built_2017):
    """The report opened once, with everything the page logged or requested."""
    path = built_2017 / "outputs" / "2017" / "lkjip-2017.html"
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    log = {"console": [], "failed": [], "requests": [], "pageerror": []}
    page.on("console", lambda m: m.type == "error" and log["console"].append(m.text))
    page.on("pageerror", lambda e: log["pageerror"].append(str(e)))
    page.on("requestfailed", lambda r: log["failed"].append(r.url))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    yield page, log
    page.close()


def test_no_errors_and_no_network(loaded):
    page, log = loaded
    assert log["console"] == []
    assert log["pageerror"] == []
    assert log["failed"] == []
    remote = [u for u in log["requests"] if not u.startswith(("file:", "data:"))]
    assert remote == []


def test_lang_and_th_scope(loaded):
    page, _ = loaded
    assert page.evaluate("document.documentElement.lang") == "id"
    bad = page.evaluate(
        "[...document.querySelectorAll('th')].filter(t => !t.getAttribute('scope')).length"
    )
    assert bad == 0
    assert page.evaluate("document.querySelectorAll('th').length") > 0


def test_toc_links_navigate(loaded):
    page, _ = loaded
    targets = page.evaluate(
        "[...document.querySelectorAll('#daftar-isi a[href^=\"#\"]')].map(a => a.getAttribute('href'))"
    )
    assert len(targets) > 10
    missing = [
        t for t in targets if not page.evaluate("id => !!document.getElementById(id)", t[1:])
    ]
    assert missing == []
    for href in [targets[0], targets[len(targets) // 2], targets[-1]]:
        page.evaluate("window.scrollTo(0, 0)")
        page.click(f'#daftar-isi a[href="{href}"]')
        page.wait_for_function("h => location.hash === h", arg=href)
        inview = page.evaluate(
            """id => { const r = document.getElementById(id).getBoundingClientRect();
                     return r.bottom > 0 && r.top < window.innerHeight; }""",
            href[1:],
        )
        assert inview, href


def test_listed_tables_and_figures_exist(loaded):
    page, _ = loaded
    for section, kind in [("daftar-tabel", "TABLE"), ("daftar-gambar", "FIGURE")]:
        hrefs = page.evaluate(
            f"[...document.querySelectorAll('#{section} a')].map(a => a.getAttribute('href'))"
        )
        assert hrefs, section
        for href in hrefs:
            tag = page.evaluate(
                "id => { const e = document.getElementById(id); return e ? e.tagName : null; }",
                href[1:],
            )
            assert tag == kind, (href, tag)


def test_images_loaded_with_alt(loaded):
    page, _ = loaded
    imgs = page.evaluate(
        """[...document.images].map(i => ({src: i.src.slice(0, 40), w: i.naturalWidth,
                                        alt: i.getAttribute('alt')}))"""
    )
    assert imgs
    for img in imgs:
        assert img["w"] > 0, img
        assert img["alt"] and img["alt"].strip(), img


def test_heading_order(loaded):
    page, _ = loaded
    levels = page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
    )
    assert levels[0] == 1
    jumps = [(i, a, b) for i, (a, b) in enumerate(zip(levels, levels[1:])) if b > a + 1]
    assert jumps == []


def test_print_pdf_and_screenshot(loaded, tmp_path):
    page, _ = loaded
    pdf = page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-"
    count = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    if count == 0:
        import io

        import pypdf

        count = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert count > 10
    target = ROOT / "test-artifacts" / "html.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(target))
    assert target.stat().st_size > 1000
