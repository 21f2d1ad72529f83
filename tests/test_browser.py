"""The HTML report in headless Chromium, for both renderers (built-in and Quarto).

Each test runs once per renderer (the ``report_2017`` session fixture in
conftest.py); the Quarto ones skip, with the reason, when Quarto >= 1.9 is not on
PATH. The report is opened the way a reviewer opens it: ``lkjip-2017.html`` from
the disk (file://, no server). Quarto's search reads a JSON index with fetch(),
which browsers refuse under file://, so the search test serves the HTML book over
a local http.server on 127.0.0.1, as any web host would.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest

from tests.agensi_uji import AGENCY, TAHUN

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
ENGLISH = re.compile(r"\b(Chapter|Table|Figure|Author|Published)\b")
BAB = ["BAB I", "BAB II", "BAB III", "BAB IV"]

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


def _open(browser, url: str, width: int = 1280, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    log = {"console": [], "failed": [], "requests": [], "pageerror": []}
    page.on("console", lambda m: m.type == "error" and log["console"].append(m.text))
    page.on("pageerror", lambda e: log["pageerror"].append(str(e)))
    page.on("requestfailed", lambda r: log["failed"].append(r.url))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("load")
    return page, log


@pytest.fixture(scope="module")
def loaded(browser, report_2017):
    """The entry point ``lkjip-2017.html`` opened from the disk (Quarto: after the redirect)."""
    renderer, folder = report_2017
    page, log = _open(browser, (folder / f"lkjip-{TAHUN}.html").as_uri())
    if renderer == "quarto":
        page.wait_for_url(re.compile(r".*/index\.html$"))
        page.wait_for_load_state("load")
    yield renderer, folder, page, log
    page.close()


def _chapter_pages(renderer: str, page) -> list[str]:
    """file:// URLs of every page of the report (built-in: the one page)."""
    if renderer == "builtin":
        return [page.url]
    hrefs = page.evaluate(
        "[...document.querySelectorAll('#quarto-sidebar a.sidebar-link')].map(a => a.href)"
    )
    pages = [h.split("#")[0] for h in hrefs if h.split("#")[0].endswith(".html")]
    return list(dict.fromkeys([page.url.split("#")[0], *pages]))


@pytest.fixture(scope="module")
def all_pages(browser, loaded):
    """Text, images and floats of every page of the report."""
    renderer, _, page, _ = loaded
    out = []
    for url in _chapter_pages(renderer, page):
        p, log = _open(browser, url)
        out.append(
            {
                "url": url,
                "log": log,
                "text": p.inner_text("body"),
                "images": p.evaluate(
                    """[...document.querySelectorAll('main img, #quarto-content img')]
                       .map(i => ({w: i.naturalWidth, alt: i.getAttribute('alt') || '',
                                   src: i.getAttribute('src').slice(0, 40)}))"""
                ),
                "tables": p.evaluate(
                    """[...document.querySelectorAll('table')].map(t => {
                         const f = t.closest('[id^="tbl-"]');
                         return f ? f.id : null; })"""
                ),
                "figures": p.evaluate(
                    """[...document.querySelectorAll('[id^="fig-"]')]
                       .filter(e => e.querySelector('img')).map(e => e.id)"""
                ),
                "anchors": p.evaluate(
                    """[...document.querySelectorAll('[id^="tbl-"], [id^="fig-"]')]
                       .filter(e => e.matches('table') || e.querySelector('table, img'))
                       .map(e => [e.id, !!e.querySelector('a[href="#' + e.id + '"]')])"""
                ),
            }
        )
        p.close()
    return renderer, out


def test_no_errors_and_no_network(all_pages):
    _, pages = all_pages
    for info in pages:
        log = info["log"]
        assert log["console"] == [], info["url"]
        assert log["pageerror"] == [], info["url"]
        assert log["failed"] == [], info["url"]
        remote = [u for u in log["requests"] if not u.startswith(("file:", "data:"))]
        assert remote == [], info["url"]


def test_lang_is_indonesian_and_no_english_labels(loaded, all_pages):
    _, _, page, _ = loaded
    assert page.evaluate("document.documentElement.lang") == "id"
    _, pages = all_pages
    for info in pages:
        found = ENGLISH.findall(info["text"])
        assert found == [], (info["url"], found)


def test_sidebar_lists_bab_and_lampiran(loaded):
    renderer, _, page, _ = loaded
    selector = "#sidebar" if renderer == "builtin" else "#quarto-sidebar"
    assert page.is_visible(selector)
    text = " ".join(page.inner_text(selector).replace("\xa0", " ").split())
    positions = [text.find(b + " ") for b in BAB] + [text.find("Lampiran")]
    assert -1 not in positions, text[:400]
    assert positions == sorted(positions)
    # sticky: still on screen after scrolling far down
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    top = page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().top")
    assert -5 <= top < 200, top
    page.evaluate("window.scrollTo(0, 0)")


def test_same_tables_and_figures_with_anchors(all_pages, report_2017):
    _, pages = all_pages
    tables = [t for info in pages for t in info["tables"]]
    figures = [f for info in pages for f in info["figures"]]
    assert tables and figures
    assert None not in tables, "a table without a tbl- id (no anchor to link to)"
    anchors = [a for info in pages for a in info["anchors"]]
    assert anchors and all(ok for _, ok in anchors), [i for i, ok in anchors if not ok]
    images = [img for info in pages for img in info["images"]]
    assert images and all(i["w"] > 0 and i["alt"].strip() for i in images), images
    # Both renderers show the same tables and figures (same ids, same order).
    _SEEN[report_2017[0]] = (tables, figures)
    if len(_SEEN) == 2:
        assert _SEEN["builtin"] == _SEEN["quarto"]


_SEEN: dict[str, tuple] = {}


def test_numbering_bab_and_lampiran(all_pages):
    _, pages = all_pages
    text = " ".join(info["text"] for info in pages).replace("\xa0", " ")
    assert re.search(r"Tabel 3\.1\. \S", text)
    assert re.search(r"Gambar 3\.2\. \S", text)
    assert re.search(r"Tabel L\.1\. \S", text)
    assert not re.search(r"Tabel [5-9]\.\d", text)  # Lampiran tables are never "Tabel 5.1"


_CAPTION_OF = """id => {
    const e = document.getElementById(id);
    if (!e) return null;
    const c = e.querySelector('figcaption, caption') || e;
    return c.textContent.replace(/\\s+/g, ' ').trim();
}"""


def _list_links(browser, renderer: str, page, name: str) -> tuple[list[dict], str]:
    """The links of the Daftar Tabel / Daftar Gambar list, and the URL of the list."""
    if renderer == "builtin":
        container = f"#daftar-{name}"
        url = page.url.split("#")[0]
    else:
        # a page of the book, reachable from the sidebar
        hrefs = page.evaluate(
            "[...document.querySelectorAll('#quarto-sidebar a.sidebar-link')].map(a => a.href)"
        )
        found = [h for h in hrefs if h.split("#")[0].endswith(f"/daftar-{name}.html")]
        assert found, f"no Daftar {name.title()} page in the sidebar"
        container, url = "#quarto-document-content", found[0].split("#")[0]
    p, _ = _open(browser, url)
    links = p.evaluate(
        f"""[...document.querySelectorAll('{container} li a')].map(a => ({{
              text: a.textContent.replace(/\\s+/g, ' ').trim(), href: a.href }}))"""
    )
    title = p.inner_text(f"{container} h1")
    p.close()
    assert " ".join(title.split()).lower() == f"daftar {name}", title  # CSS may upper-case it
    return links, url


@pytest.mark.parametrize(
    "name,kind,word", [("tabel", "tables", "Tabel"), ("gambar", "figures", "Gambar")]
)
def test_daftar_tabel_and_gambar_link_to_every_caption(
    browser, loaded, all_pages, name, kind, word
):
    """Daftar Tabel / Daftar Gambar: every table/figure once, in order, each entry a
    live link to it whose number is the one its caption shows."""
    renderer, _, page, _ = loaded
    links, _ = _list_links(browser, renderer, page, name)
    _, pages = all_pages
    ids = [i for info in pages for i in info[kind] if i]
    assert [link["href"].split("#")[-1] for link in links] == ids
    by_page: dict[str, list[dict]] = {}
    for link in links:
        assert re.match(rf"{word}\s(\d+(\.\d+)?|[A-Z]+\.\d+)(\.|$)", link["text"]), link
        by_page.setdefault(link["href"].split("#")[0], []).append(link)
    for url, entries in by_page.items():
        p, _ = _open(browser, url)
        for link in entries:
            caption = p.evaluate(_CAPTION_OF, link["href"].split("#")[-1])
            assert caption is not None, f"{link['href']} does not resolve"
            number = re.match(rf"{word}\s\S+?(?=\.?(\s|$))", link["text"]).group(0)
            assert caption.replace("\xa0", " ").startswith(number.replace("\xa0", " ") + "."), (
                link,
                caption[:80],
            )
        p.close()


def test_lampiran_headings_carry_no_chapter_number(all_pages, browser):
    """Sections of the Lampiran are unnumbered, never "4.1" after BAB IV (both renderers)."""
    _, pages = all_pages
    found = False
    for info in pages:
        p, _ = _open(browser, info["url"])
        heads = p.evaluate(
            """[...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5')]
               .map(h => ({level: +h.tagName[1], text: h.textContent.replace(/\\s+/g, ' ').trim(),
                           numbered: !!h.querySelector('.header-section-number, .chapter-number, .nomor-bab')}))"""
        )
        p.close()
        start = next(
            (
                i
                for i, h in enumerate(heads)
                if h["level"] == 1 and h["text"].startswith("Lampiran")
            ),
            None,
        )
        if start is None:
            continue
        found = True
        inside = []
        for h in heads[start:]:
            if h["level"] == 1 and h is not heads[start] and not h["text"].startswith("Lampiran"):
                break
            inside.append(h)
        assert len(inside) > 1, inside
        numbered = [h for h in inside if h["numbered"] or re.match(r"\d+(\.\d+)+\s", h["text"])]
        assert numbered == [], numbered
    assert found, "no Lampiran chapter found"


def test_file_navigation_works(browser, loaded):
    """Zipped and e-mailed: every link works from the disk, without a server."""
    renderer, _, page, _ = loaded
    if renderer == "builtin":
        href = page.evaluate(
            "[...document.querySelectorAll('#sidebar a')].find(a => /BAB\\s+III/.test(a.textContent)).getAttribute('href')"
        )
        page.click(f'#sidebar a[href="{href}"]')
        page.wait_for_function("h => location.hash === h", arg=href)
        page.evaluate("window.scrollTo(0, 0)")
        return
    p, _ = _open(browser, page.url)
    p.click("#quarto-sidebar a.sidebar-link:has-text('BAB III')")
    p.wait_for_load_state("load")
    assert p.url.startswith("file://") and not p.url.endswith("index.html")
    assert "Akuntabilitas" in p.inner_text("h1")
    p.close()


def _search_word() -> str:
    """A word of the agency's own last IKU (the example: "Masyarakat")."""
    name = (AGENCY.get("iku") or [{}])[-1].get("nama", "") or "Kinerja"
    return max(name.split(), key=len)


def test_search_finds_a_word_of_an_iku(browser, report_2017):
    renderer, folder = report_2017
    if renderer == "builtin":
        pytest.skip("the built-in renderer's single page is searched with the browser's Find")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    site = folder / "book" / "_book"
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page, log = _open(browser, f"http://127.0.0.1:{server.server_port}/index.html")
        page.click(".aa-Input")
        word = _search_word()
        page.keyboard.type(word)
        page.wait_for_selector(".aa-Item", timeout=20000)
        items = page.evaluate("[...document.querySelectorAll('.aa-Item')].map(e => e.textContent)")
        # the search ignores case: so does the check
        assert any(word.lower() in t.lower() for t in items), items[:5]
        page.screenshot(path=str(_artifact(f"search-{renderer}.png")))
        page.close()
        assert log["pageerror"] == []
    finally:
        server.shutdown()


def test_readable_on_a_phone(browser, loaded):
    renderer, _, page, _ = loaded
    p, _ = _open(browser, page.url, width=390, height=844)
    overflow = p.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than a phone screen"
    size = p.evaluate("parseFloat(getComputedStyle(document.querySelector('p')).fontSize)")
    assert size >= 13
    p.screenshot(path=str(_artifact(f"phone-{renderer}.png")))
    p.close()


def test_print_pdf_and_screenshot(loaded):
    renderer, _, page, _ = loaded
    pdf = page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-"
    import io

    import pypdf

    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) >= 2
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(_artifact(f"html-{renderer}.png")))
    if renderer == "builtin":
        # print layout: the sidebar is hidden, the text uses the page
        page.emulate_media(media="print")
        assert not page.is_visible("#sidebar")
        page.emulate_media(media="screen")


def test_builtin_is_self_contained_with_headings_in_order(loaded):
    renderer, _, page, log = loaded
    if renderer != "builtin":
        pytest.skip("Quarto's HTML book is a folder of pages (site_libs/, figures/)")
    remote = [u for u in log["requests"] if not u.startswith("data:")]
    assert remote == [page.url.split("#")[0]]
    bad = page.evaluate(
        "[...document.querySelectorAll('th')].filter(t => !t.getAttribute('scope')).length"
    )
    assert bad == 0
    levels = page.evaluate(
        "[...document.querySelectorAll('main h1,main h2,main h3,main h4,main h5,main h6')].map(h => +h.tagName[1])"
    )
    assert levels[0] == 1
    jumps = [(i, a, b) for i, (a, b) in enumerate(zip(levels, levels[1:])) if b > a + 1]
    assert jumps == []


def _artifact(name: str) -> Path:
    target = ROOT / "test-artifacts" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    return target
