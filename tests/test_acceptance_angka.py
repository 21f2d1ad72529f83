"""Acceptance: the example's published figures, read from the file beside its data.

The expected values are in ``data/raw/<year>/angka_harapan.yaml`` of the agency
under test (for the shipped example, ``data/raw/2017/angka_harapan.yaml``). The
product's own tests never pin an agency's figures; these do, from that file. In a
repository whose agency has no such file they are skipped, with the reason shown
by ``pytest -ra``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from lkjip_helpers.laporan import analisis
from lkjip_helpers.laporan import tables as lt
from tests.agensi_uji import TAHUN

ROOT = Path(__file__).resolve().parent.parent
YEAR = TAHUN  # the agency's report year (the example's 2017)
HARAPAN = ROOT / "data" / "raw" / str(YEAR) / "angka_harapan.yaml"


@pytest.fixture(scope="session")
def harapan():
    """The expected figures; the test is skipped (reason shown) when the file is absent.

    Session-scoped and listed first in a test's arguments, so it is set up before
    the builds it needs (``ctx``, ``built_2017``): a skip costs no build.
    """
    if not HARAPAN.exists():
        pytest.skip(
            f"{HARAPAN.relative_to(ROOT)} absent: this agency gives no expected figures "
            "(README, 'Another agency: tests')"
        )
    return yaml.safe_load(HARAPAN.read_text(encoding="utf-8"))


def _plain(md) -> str:
    return getattr(md, "plain", md)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def test_capaian_and_category_of_every_iku(harapan, ctx):
    from lkjip_helpers.laporan import formatting as fmt

    got = {r.kode: fmt.persen(r.capaian) for r in ctx.capaian.itertuples()}
    assert got == harapan["capaian_iku"]
    assert ctx.capaian.set_index("kode")["kategori"].to_dict() == harapan["kategori_iku"]


def test_bab_iv_concludes_every_iku_as_published(harapan, ctx):
    for kode, capaian in harapan["capaian_iku"].items():
        text = _plain(analisis.kalimat_simpulan_iku(ctx, kode))
        assert capaian in text and harapan["kategori_iku"][kode] in text
    for kode, tren in harapan.get("tren_iku", {}).items():
        assert tren in _plain(analisis.kalimat_simpulan_iku(ctx, kode))
    table = analisis.tabel_simpulan(ctx)
    # the published capaian first; its capped value may follow it ("(dibatasi 100,00%)")
    assert [c.split(" (")[0] for c in table["Capaian"]] == list(harapan["capaian_iku"].values())
    for kode, figures in harapan.get("simpulan_sasaran", {}).items():
        text = _plain(analisis.kalimat_simpulan_sasaran(ctx, kode))
        for figure in figures:
            assert figure in text, (kode, figure)


def test_budget_absorption_per_sasaran(harapan, ctx):
    out = lt.anggaran_sasaran(ctx).set_index("sasaran")
    for kode, value in harapan["serapan_sasaran"].items():
        assert round(out.at[kode, "serapan"], 2) == value
    for kode, value in harapan.get("efisiensi_sasaran", {}).items():
        assert round(out.at[kode, "efisiensi"], 2) == value


def test_staff_composition_and_budget_summary(harapan, ctx):
    keys = {"pns_pendidikan": "pendidikan"}
    for table, rows in harapan["komposisi_pegawai"].items():
        label = keys.get(table, table.removeprefix("pns_"))
        shown = lt.tabel_komposisi(ctx.t(table), label, "Baris", nama_tabel=table)
        shown = shown.set_index("Baris")
        for row, cells in rows.items():
            for column, value in cells.items():
                assert shown.at[row, column] == value, (table, row, column)
    summary = analisis.tabel_ikhtisar_anggaran(ctx).set_index("Uraian")
    for row, cells in harapan["ikhtisar_anggaran"].items():
        for column, value in cells.items():
            assert summary.at[row, column] == value, (row, column)


@pytest.mark.e2e
def test_report_prints_the_published_figures_and_cover(harapan, built_2017):
    import html as htmlmod

    import pypdf

    out = built_2017 / "outputs" / str(YEAR)
    pages = [p.extract_text() or "" for p in pypdf.PdfReader(out / f"lkjip-{YEAR}.pdf").pages]
    pdf = _norm(" ".join(pages))
    raw = (out / f"lkjip-{YEAR}.html").read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    html = _norm(htmlmod.unescape(re.sub(r"<[^>]+>", " ", raw)))
    for figure in harapan["angka_laporan"]:
        assert figure in pdf, figure
        assert figure in html, figure
    cover = _norm(pages[0])
    assert harapan["sampul"]["instansi"] in cover.upper()
    assert harapan["sampul"]["tempat_tanggal"] in cover
