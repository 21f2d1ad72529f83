"""Product tests on a synthetic agency (tests/agensi_sintetis.py), not on Balikpapan.

The agency has a positive IKU below target, a positive IKU above target (capped),
two negative IKU under (2T - R) / T (one better, one worse than target) and an
IKU whose realisasi is declared not available. Its report is built with the
package and notebooks unchanged; every figure is checked against values worked
out by hand in the writer.
"""

from __future__ import annotations

import filecmp
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from agensi_sintetis import (
    ALASAN_BTL,
    ALASAN_IKU5,
    BL_PAGU,
    BL_REALISASI,
    IKU,
    TAHUN,
    capaian_harapan,
    capaian_tangan,
    salin_dasar,
    tulis_agensi,
)
from conftest import ROOT

from lkjip_helpers.core.exceptions import MissingDataError
from lkjip_helpers.laporan.formatting import persen

pytestmark = pytest.mark.e2e

NAMA = {r[0]: r[2] for r in IKU}


def _teks(path: Path) -> str:
    """Book Markdown as a reader reads it: escapes removed, whitespace joined."""
    text = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s]+", "", path.read_text("utf-8"))
    return re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", text))


def _antara(text: str, awal: str, akhir: str) -> str:
    i = text.index(awal)
    return text[i : text.index(akhir, i)]


@pytest.fixture(scope="module")
def sintetis(tmp_path_factory):
    """The synthetic agency's report, built once (the copy's root)."""
    root = tulis_agensi(salin_dasar(tmp_path_factory.mktemp("sintetis")))
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_ROOT", str(root))
    mp.setenv("LKJIP_RENDERER", "builtin")
    try:
        from lkjip_helpers.build.pipeline import build_report
        from lkjip_helpers.laporan import context as laporan

        laporan.konteks.cache_clear()
        build_report(TAHUN, progress=False)
        laporan.konteks.cache_clear()
    finally:
        mp.undo()
    return root


@pytest.fixture(scope="module")
def buku(sintetis) -> dict[str, str]:
    book = sintetis / "outputs" / str(TAHUN) / "book"
    return {p.stem: _teks(p) for p in book.glob("*.md")}


def test_package_and_notebooks_are_unchanged(sintetis):
    for part in ("lkjip_helpers", "notebooks"):
        cmp = filecmp.dircmp(ROOT / part, sintetis / part, ignore=["__pycache__"])
        assert not (cmp.diff_files or cmp.left_only or cmp.right_only), part


def test_capaian_csv_every_figure(sintetis):
    df = pd.read_csv(sintetis / "outputs" / str(TAHUN) / "capaian_iku.csv").set_index("kode")
    assert list(df.index) == [r[0] for r in IKU]  # the unmeasured IKU keeps its row
    for kode, sasaran, _, satuan, polaritas, target, realisasi, _ in IKU:
        row = df.loc[kode]
        assert row["sasaran"] == sasaran and row["satuan"] == satuan
        assert row["polaritas"] == polaritas and row["target"] == target
        mentah, dibatasi = capaian_harapan(kode)
        if realisasi is None:
            assert math.isnan(row["realisasi"]) and math.isnan(row["capaian"])
            assert math.isnan(row["capaian_dibatasi"]) and math.isnan(row["skor"])
            assert row["status"] == "tidak_dapat_diukur"
            assert row["kategori"].lower() == "tidak dapat diukur"
            assert row["keterangan"] == ALASAN_IKU5
        else:
            assert row["realisasi"] == realisasi
            assert row["capaian"] == pytest.approx(mentah)
            assert row["capaian_dibatasi"] == pytest.approx(dibatasi)
            assert row["status"] == "terukur"
    # the figures the table above is built to exercise
    assert df.at["IKU-1", "capaian"] == pytest.approx(75)
    assert df.at["IKU-2", "capaian"] == pytest.approx(120)
    assert df.at["IKU-2", "capaian_dibatasi"] == 100
    assert df.at["IKU-3", "capaian"] == pytest.approx(120)
    assert df.at["IKU-4", "capaian"] == pytest.approx(250 / 3)


def test_unmeasured_iku_in_capaian_table_ikhtisar_and_bab4(buku):
    tabel = _antara(buku["03-akuntabilitas"], "| Sasaran Strategis |", "{#tbl-capaian-iku")
    assert re.search(
        rf"{re.escape(NAMA['IKU-5'])} \| 70 \| data tidak tersedia \| tidak dapat diukur \|",
        tabel,
    )
    for bab, awal in [("index", "Ikhtisar Eksekutif"), ("04-penutup", "Penutup")]:
        text = buku[bab]
        bagian = text[text.index(awal) :]
        assert "tidak dapat diukur" in bagian.lower(), bab
        assert NAMA["IKU-5"] in bagian and ALASAN_IKU5 in bagian, bab
        # its table row, and the sentence naming it with the reason
        assert re.search(rf"{re.escape(NAMA['IKU-5'])} \|[^\n]*tidak dapat diukur", bagian), bab
        assert f'"{NAMA["IKU-5"]}" ({ALASAN_IKU5})' in bagian, bab
    # Bab IV's conclusion of the IKU itself says why
    assert (
        f'"{NAMA["IKU-5"]}" dengan target 70 tidak dapat diukur: {ALASAN_IKU5}'
        in buku["04-penutup"]
    )


def test_capped_value_beside_the_raw_one(buku):
    for kode in ("IKU-2", "IKU-3"):
        mentah, dibatasi = capaian_harapan(kode)
        shown = f"{persen(mentah)} (dibatasi {persen(dibatasi)})"
        for bab in ("index", "03-akuntabilitas", "04-penutup", "05-lampiran"):
            assert shown in buku[bab], (kode, bab)
    # not repeated where the cap changes nothing
    assert f"{persen(75)} (dibatasi" not in buku["03-akuntabilitas"]


def test_negative_method_text_and_renstra_reduction(buku):
    bab3 = buku["03-akuntabilitas"]
    assert "progres negatif" in bab3
    assert "capaian = (2 × target − realisasi) / target × 100%" in bab3
    # Renstra end: the reduction still needed, never a percentage of the target
    assert (
        f'"{NAMA["IKU-4"]}" tahun {TAHUN} sebesar 7 jam, sedangkan target akhir Renstra '
        "tahun 2021 sebesar 5 jam"
    ) in bab3
    assert "masih perlu turun 2 jam, rata-rata 0,5 jam per tahun selama 4 tahun" in bab3
    assert not re.search(r"setara dengan −", bab3)
    iku4 = _antara(bab3, f"## {NAMA['IKU-4']}", f"## {NAMA['IKU-5']}")
    assert "setara dengan" not in iku4


def test_the_formula_line_only_where_the_agency_gives_one(buku):
    bab3 = buku["03-akuntabilitas"]
    for kode, _, nama, *_ in IKU:
        if kode == "IKU-5":  # no formula in params: no empty "Rumus:" line
            assert "Rumus:" not in bab3.split(f"## {nama}", 1)[1]
        else:
            assert f"**Rumus:** Rumus {nama.lower()}" in bab3


def test_history_missing_year_and_the_agency_rule(buku):
    bab3 = buku["03-akuntabilitas"]
    iku2 = _antara(bab3, f"## {NAMA['IKU-2']}", f"## {NAMA['IKU-3']}")
    # IKU-2 had a Renstra target in 2016 but no realisasi in the 2016 data
    assert "| 2016 | 75% | data tidak tersedia | tidak dapat diukur |" in iku2
    assert "dibandingkan tahun 2016" not in iku2  # no invented trend
    iku4 = _antara(bab3, f"## {NAMA['IKU-4']}", f"## {NAMA['IKU-5']}")
    lalu = persen(capaian_tangan("negatif", 7, 8))  # 85,71%: (2T - R) / T, not R / T
    assert f"| 2016 | 7 jam | 8 jam | {lalu} |" in iku4
    assert "turun 1 jam dibandingkan tahun 2016" in iku4
    iku5 = _antara(bab3, f"## {NAMA['IKU-5']}", "Realisasi Anggaran")
    assert "| 2017 | 70 | data tidak tersedia | tidak dapat diukur |" in iku5
    # its Renstra progress: the targets stay, the progress is not judged
    assert "menuju target akhir Renstra tahun 2021 sebesar 78 tidak dapat dinilai" in iku5
    assert "| 2018 | 72 | data tidak tersedia |" in iku5


def test_averages_leave_out_the_unmeasured_iku_and_say_so(buku):
    s1 = [capaian_harapan(k) for k in ("IKU-1", "IKU-2", "IKU-3")]
    mentah = sum(m for m, _ in s1) / 3
    dibatasi = sum(d for _, d in s1) / 3
    tabel = _antara(buku["03-akuntabilitas"], "| Sasaran Strategis |", "{#tbl-capaian-iku")
    assert f"{persen(mentah)} ({persen(dibatasi)})" in tabel
    s2 = capaian_harapan("IKU-4")[0]  # IKU-5 left out: the average is IKU-4 alone
    assert f"{persen(s2)} ({persen(s2)})" in tabel
    note = f'tidak memperhitungkan indikator "{NAMA["IKU-5"]}" yang tidak dapat diukur'
    for bab in ("03-akuntabilitas", "index", "04-penutup"):
        assert note in buku[bab], bab


def test_audit_accepts_correct_negative_capaian(sintetis):
    audit = pd.read_csv(sintetis / "outputs" / str(TAHUN) / "audit.csv")
    iku = audit[audit.astype(str).apply(lambda c: c.str.contains("realisasi_iku")).any(axis=1)]
    assert iku.empty, iku.to_string()


def test_html_carries_the_unmeasured_iku(sintetis):
    raw = (sintetis / "outputs" / str(TAHUN) / f"lkjip-{TAHUN}.html").read_text("utf-8")
    html = re.sub(r"\s+", " ", raw)
    assert "tidak dapat diukur" in html and ALASAN_IKU5 in html


# --------------------------------------------------------- data-step level checks


@pytest.fixture
def sintetis_data(tmp_path, monkeypatch):
    """A fresh synthetic agency copy (no build); call with the negative rule."""
    from lkjip_helpers.laporan import context as laporan

    def make(rumus: str = "dua_kali_target") -> Path:
        root = tulis_agensi(salin_dasar(tmp_path / "repo"), rumus=rumus)
        monkeypatch.setenv("LKJIP_ROOT", str(root))
        laporan.konteks.cache_clear()
        return root

    yield make
    laporan.konteks.cache_clear()


def test_another_negative_rule_is_used_everywhere(sintetis_data):
    from lkjip_helpers.build.data_step import build_data
    from lkjip_helpers.laporan import analisis
    from lkjip_helpers.laporan import context as laporan
    from lkjip_helpers.laporan import tables as lt

    sintetis_data("target_per_realisasi")
    build_data(TAHUN)
    ctx = laporan.konteks(TAHUN)
    cap = ctx.capaian.set_index("kode")
    assert cap.at["IKU-3", "capaian"] == pytest.approx(10 / 8 * 100)
    assert cap.at["IKU-4", "capaian"] == pytest.approx(6 / 7 * 100)
    # the history uses the same rule for the earlier year: T / R
    hist = lt.riwayat_iku(ctx, "IKU-4").set_index("tahun")
    assert hist.at[2016, "capaian"] == pytest.approx(7 / 8 * 100)
    assert hist.at[TAHUN, "capaian"] == pytest.approx(6 / 7 * 100)
    assert lt.tabel_riwayat_iku(ctx, "IKU-4")["Capaian"].tolist()[0] == persen(87.5)
    # the method text printed is this rule's
    assert "target / realisasi × 100%" in lt.rumus_capaian(ctx).plain
    # Renstra: a negative IKU speaks of the reduction, a positive one of its share
    negatif = analisis.kalimat_renstra_sisa(ctx, "IKU-4").plain
    assert "perlu turun 2 jam" in negatif and "setara" not in negatif
    positif = analisis.kalimat_renstra_sisa(ctx, "IKU-1").plain
    assert f"setara dengan {persen(60 / 90 * 100)}" in positif
    # no audit finding on the published capaian, written with this rule
    audit = pd.read_csv(ctx_audit_path(TAHUN))
    assert not audit.astype(str).apply(lambda c: c.str.contains("realisasi_iku")).any().any()


def ctx_audit_path(year: int) -> Path:
    from lkjip_helpers.core import config

    return config.processed_dir(year) / "audit_temuan.csv"


def test_empty_realisasi_without_reason_says_how_to_declare_it(sintetis_data):
    from lkjip_helpers.build.data_step import build_data

    root = sintetis_data()
    path = root / "data" / "raw" / str(TAHUN) / "realisasi_iku.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[df["kode_iku"] == "IKU-5", "alasan_tidak_tersedia"] = ""
    df.to_csv(path, index=False)
    with pytest.raises(MissingDataError, match="IKU-5 is empty.*alasan_tidak_tersedia"):
        build_data(TAHUN)


def test_budget_line_without_realisasi(buku):
    bab3 = buku["03-akuntabilitas"]
    assert re.search(
        r"\| BELANJA TIDAK LANGSUNG \(BTL\) \|[^|]*\|[^|]*\| data tidak tersedia \| – \|", bab3
    )
    assert re.search(r"\| Total \|[^|]*\|[^|]*\| data tidak tersedia \| – \|", bab3)
    assert f"Realisasi Belanja Tidak Langsung (BTL) tidak tersedia: {ALASAN_BTL}" in bab3
    assert "realisasi dan serapan totalnya tidak dapat dihitung" in bab3
    ikhtisar = buku["index"][buku["index"].index("Ikhtisar Eksekutif") :]
    assert f"realisasinya tidak tersedia: {ALASAN_BTL}" in ikhtisar
    # the line with data is still computed
    assert "| BELANJA LANGSUNG (BL) |" in bab3
    assert persen(BL_REALISASI / BL_PAGU * 100) in bab3
