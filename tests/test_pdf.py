"""The PDF, for both renderers: size, A4, lists, captions, key figures, labels,
page numbers, fonts, text inside the page. Quarto's run skips (with the reason)
when Quarto >= 1.9 is not on PATH (see ``report_2017`` in conftest.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pypdf
import pytest
import yaml

from lkjip_helpers.laporan.formatting import persen

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.e2e

A4 = (595.28, 841.89)
CAPTION = r"(Tabel|Gambar) (\d+(?:\.\d+)?)\.(?!\d)"
#: In the lists, Typst's outline (Quarto) writes "Tabel 3.1 Judul" without the delimiter.
#: Tables of an unnumbered front chapter (the Ikhtisar) are "Tabel 1", "Tabel 2".
LISTED = r"(Tabel|Gambar) (\d+(?:\.\d+)?)\.? (?=\D)"
ENGLISH = re.compile(r"\b(Chapter|Table|Figure|Author|Published)\b")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


@pytest.fixture(scope="module")
def pdf(report_2017):
    return report_2017[1] / "lkjip-2017.pdf"


@pytest.fixture(scope="module")
def pages(pdf):
    return [p.extract_text() or "" for p in pypdf.PdfReader(pdf).pages]


def _list_range(pages: list[str]) -> tuple[int, int]:
    """Index of the first Daftar Tabel page and the first page after Daftar Gambar."""
    starts = {}
    for i, t in enumerate(pages):
        head = norm(t).strip().upper()
        for name in ("DAFTAR ISI", "DAFTAR TABEL", "DAFTAR GAMBAR"):
            if head.startswith(name) and name not in starts:
                starts[name] = i
    assert set(starts) == {"DAFTAR ISI", "DAFTAR TABEL", "DAFTAR GAMBAR"}, starts
    end = starts["DAFTAR GAMBAR"] + 1
    while end < len(pages) and re.search(r"\. \. \. \.", pages[end]):
        end += 1
    return starts["DAFTAR TABEL"], end


def test_page_count_and_a4(pdf):
    reader = pypdf.PdfReader(pdf)
    assert 25 <= len(reader.pages) <= 120
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1, (w, h)


def test_lists_present(pages):
    text = norm(" ".join(pages)).upper()
    for name in ("DAFTAR ISI", "DAFTAR TABEL", "DAFTAR GAMBAR"):
        assert name in text


def test_listed_captions_match_body(pages):
    start, end = _list_range(pages)
    listed = {m for m in re.findall(LISTED, norm(" ".join(pages[start:end])))}
    body = {m for m in re.findall(CAPTION, norm(" ".join(pages[end:])))}
    assert any(k == "Tabel" for k, _ in listed) and any(k == "Gambar" for k, _ in listed)
    assert listed - body == set(), "listed but not in the body"
    # Captions in the body (numbered 'Tabel X.Y.' followed by text) must be listed;
    # cross-references in running text are not captions, so compare numbered captions
    # that open a line.
    captions = set()
    for t in pages[end:]:
        for line in t.splitlines():
            m = re.match(r"\s*" + CAPTION, line.replace("\xa0", " "))
            if m:
                captions.add(m.groups())
    assert captions - listed == set(), "caption in the body but not listed"


def test_key_figures_cover_and_indonesian_labels(pages, built_2017):
    text = norm(" ".join(pages))
    # every capaian as computed; the published figures: tests/test_acceptance_angka.py
    for value in pd.read_csv(built_2017 / "outputs" / "2017" / "capaian_iku.csv")["capaian"]:
        assert persen(value).removesuffix("%") in text, value
    assert ENGLISH.findall(text) == []
    cover = norm(pages[0]).upper()
    agency = yaml.safe_load((built_2017 / "params" / "agency.yaml").read_text(encoding="utf-8"))
    assert agency["instansi"]["nama"].upper() in cover
    assert "2017" in cover
    for needed in ("Kata Pengantar", "NIP", "Tabel 3.1.", "Gambar 3.2.", "Tabel L.1."):
        assert needed in text, needed
    assert not re.search(r"Tabel [5-9]\.\d", text)


def test_body_pages_have_page_numbers(pages):
    _, end = _list_range(pages)
    missing = []
    for i, t in enumerate(pages[end:], start=end):
        lines = [x.strip() for x in t.strip().splitlines() if x.strip()]
        edge = lines[:2] + lines[-2:]
        if not any(re.fullmatch(r"\d{1,3}|[ivxl]+", x) for x in edge):
            missing.append(i + 1)
    assert not missing, f"pages without a page number: {missing}"


def test_fonts_embedded(pdf):
    reader = pypdf.PdfReader(pdf)
    bad = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for name, ref in fonts.items():
            font = ref.get_object()
            descs = []
            if "/FontDescriptor" in font:
                descs.append(font["/FontDescriptor"].get_object())
            for d in font.get("/DescendantFonts") or []:
                d = d.get_object()
                if "/FontDescriptor" in d:
                    descs.append(d["/FontDescriptor"].get_object())
            if font.get("/Subtype") == "/Type3":
                continue
            if not descs or not any(
                k in d for d in descs for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                bad.add(str(font.get("/BaseFont", name)))
    assert not bad, f"fonts not embedded: {bad}"


def test_no_text_outside_page(pdf, report_2017):
    reader = pypdf.PdfReader(pdf)
    outside = []
    for i, page in enumerate(reader.pages):
        width = float(page.mediabox.width)
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font_dict, font_size, i=i, width=width, height=height):
            if not text.strip():
                return
            m = pypdf.mult(tm, cm)
            x, y = m[4], m[5]
            if not (-0.5 <= x <= width + 0.5) or not (-0.5 <= y <= height + 0.5):
                outside.append((i + 1, round(x), round(y), text[:30]))

        page.extract_text(visitor_text=visit)
    if report_2017[0] == "quarto":
        # Quarto's Typst book template (orange-book) places its page counter just
        # above the cover page, where nobody sees it; everything else must fit.
        outside = [o for o in outside if not (o[0] == 1 and o[3].strip().isdigit())]
    assert not outside, outside[:10]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")
def test_render_pages_to_png(pdf, pages, report_2017):
    target = ROOT / "test-artifacts" / f"pdf-{report_2017[0]}"
    target.mkdir(parents=True, exist_ok=True)
    table_page = next(
        i + 1
        for i, t in enumerate(pages)
        if i > 6 and re.search(r"^\s*Tabel[\s\xa0]3\.1\.", t, re.M)
    )
    for first, last in [(1, 4), (table_page, table_page)]:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                str(first),
                "-l",
                str(last),
                str(pdf),
                str(target / "page"),
            ],
            check=True,
        )
    assert len(list(target.glob("page-*.png"))) >= 5
