"""End to end: the built 2017 report says what the data says, everywhere."""

from __future__ import annotations

import html as htmlmod
import re
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from lkjip_helpers.laporan.formatting import persen
from tests.agensi_uji import TAHUN, contoh

pytestmark = pytest.mark.e2e

CHAPTERS = [
    "Kata Pengantar",
    "Ikhtisar Eksekutif",
    "Pendahuluan",
    "Perencanaan Kinerja",
    "Akuntabilitas Kinerja",
    "Penutup",
    "Lampiran",
    "Catatan Kualitas Data",
]


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def pdf_text(path: Path) -> str:
    return norm(" ".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages))


def html_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return norm(htmlmod.unescape(re.sub(r"<[^>]+>", " ", raw)))


def out(root: Path) -> Path:
    return root / "outputs" / str(TAHUN)


def test_pdf_has_chapters_tables_and_figures(built_2017):
    text = pdf_text(out(built_2017) / f"lkjip-{TAHUN}.pdf")
    low = text.lower()
    for heading in CHAPTERS:
        assert heading.lower() in low, heading
    assert "Tabel 3.1" in text
    # every capaian, as computed (the published figures: tests/test_acceptance_angka.py)
    capaian = pd.read_csv(out(built_2017) / "capaian_iku.csv")
    for value in capaian["capaian"]:
        assert persen(value).removesuffix("%") in text, value


def test_capaian_csv_agrees_with_pdf_and_html(built_2017):
    capaian = pd.read_csv(out(built_2017) / "capaian_iku.csv")
    assert len(capaian) >= 4
    ptext = pdf_text(out(built_2017) / f"lkjip-{TAHUN}.pdf")
    htext = html_text(out(built_2017) / f"lkjip-{TAHUN}.html")
    for row in capaian.itertuples():
        shown = persen(row.capaian)
        assert shown in ptext, (row.kode, shown)
        assert shown in htext, (row.kode, shown)


def _section(raw: str, start_id: str) -> str:
    """HTML from the heading with ``start_id`` to the next h1."""
    i = raw.index(f'id="{start_id}"')
    j = raw.find("<h1", i + 1)
    return raw[i : j if j > 0 else len(raw)]


def _figure_image(raw: str, kode: str) -> str | None:
    """The embedded image of the IKU's figure ``fig-<kode>``, None when it has none."""
    m = re.search(
        rf'<figure id="fig-{kode.lower()}">.*?src="(data:image/png;base64,[^"]+)"', raw, re.S
    )
    return m.group(1) if m else None


def test_changed_realisasi_changes_every_place(built_2017, repo_copy):
    import csv

    from lkjip_helpers.build.pipeline import build_report
    from lkjip_helpers.indikator.capaian import hitung_capaian
    from lkjip_helpers.laporan import context as laporan
    from tests.agensi_uji import AGENCY

    before = pd.read_csv(out(built_2017) / "capaian_iku.csv").set_index("kode")
    entered = [i for i in AGENCY["iku"] if i["realisasi"].get("cara", "input") == "input"]
    iku = next(i for i in reversed(entered) if pd.notna(before.at[i["kode"], "realisasi"]))
    kode = iku["kode"]
    raw_csv = repo_copy / "data" / "raw" / str(TAHUN) / "realisasi_iku.csv"
    with raw_csv.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    (row,) = [r for r in rows if r["kode_iku"] == kode]
    new = float(row["realisasi"]) - 5  # a changed figure, still positive
    row["realisasi"] = f"{new:g}"
    with raw_csv.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    laporan.konteks.cache_clear()
    build_report(TAHUN, progress=False)

    rumus = AGENCY["pengukuran"].get("rumus_polaritas_negatif", "dua_kali_target")
    target = before.at[kode, "target"]
    expected = persen(hitung_capaian(new, target, iku["polaritas"], rumus).mentah).rstrip("%")
    old = persen(before.at[kode, "capaian"]).rstrip("%")
    assert expected != old
    capaian = pd.read_csv(out(repo_copy) / "capaian_iku.csv").set_index("kode")
    assert persen(capaian.at[kode, "capaian"]).rstrip("%") == expected

    raw = (out(repo_copy) / f"lkjip-{TAHUN}.html").read_text(encoding="utf-8")
    ikhtisar = norm(
        htmlmod.unescape(re.sub(r"<[^>]+>", " ", _section(raw, "sec-ikhtisar-eksekutif")))
    )
    assert expected in ikhtisar
    bab3_id = re.search(r'<h1 class="bab" id="([^"]*akuntabilitas[^"]*)"', raw).group(1)
    bab3 = norm(htmlmod.unescape(re.sub(r"<[^>]+>", " ", _section(raw, bab3_id))))
    assert expected in bab3
    others = {persen(c).rstrip("%") for k, c in before["capaian"].items() if k != kode}
    if old not in others:  # the old figure was this IKU's alone: it is gone everywhere
        assert old not in html_text(out(repo_copy) / f"lkjip-{TAHUN}.html")

    old_html = (out(built_2017) / f"lkjip-{TAHUN}.html").read_text(encoding="utf-8")
    assert _figure_image(raw, kode) != _figure_image(old_html, kode) or (
        _figure_image(old_html, kode) is None
    )


@contoh
def test_appendix_lists_every_audit_finding(built_2017):
    """Catatan Kualitas Data shows one row per finding of outputs/2017/audit.csv, and the
    presentation remarks in their own table; the counts agree with the file."""
    from lkjip_helpers.data.audit import PENYAJIAN, summary_counts

    out = built_2017 / "outputs" / str(TAHUN)
    audit = pd.read_csv(out / "audit.csv")
    n = summary_counts(audit)
    html = (out / f"lkjip-{TAHUN}.html").read_text(encoding="utf-8")

    def table_text(label: str) -> tuple[int, str]:
        start = html.index(f'id="{label}"')
        table = html[html.rindex("<table", 0, start) : html.index("</table>", start)]
        text = " ".join(htmlmod.unescape(re.sub(r"<[^>]+>", " ", table)).split())
        return table.count("<tr") - 1, text  # minus the header row

    rows, text = table_text("tbl-audit")
    assert rows == n["temuan"] > 0
    for kode in audit[audit["jenis"] != PENYAJIAN]["temuan"].unique():
        assert kode in text
    rows, text = table_text("tbl-catatan-penyajian")
    assert rows == n["penyajian"] > 0
    assert "REALISASASI" in text
