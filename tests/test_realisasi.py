"""Tests of lkjip_helpers.indikator.realisasi: named rules, provenance, missing data."""

from __future__ import annotations

import pandas as pd
import pytest

from lkjip_helpers.core.exceptions import CalculationError, MissingDataError, ParamsError
from lkjip_helpers.indikator.params import AturanRealisasi, Iku, SpesifikasiRealisasi
from lkjip_helpers.indikator.pengukuran import hitung_realisasi, realisasi_pembanding
from lkjip_helpers.indikator.realisasi import (
    daftar_aturan,
    jalankan_aturan,
    parameter_aturan,
    tabel_bawaan,
)

# Tabel 3.5 (2017): gaps of the 20 detail rows, per OPD pair, with the printed totals.
GAPS = [
    ("Bagian Adm Pembangunan", 0.25, 0.06, 0.16),
    ("Bagian Keuangan", 0.17, 0.00, 0.08),
    ("Bagian Pengadaan", 0.00, 0.13, 0.06),
    ("Dinas Sosial", 0.21, 0.20, 0.20),
    ("DP3AKB", 0.04, 0.21, 0.12),
    ("DPMPT", 0.25, 0.19, 0.22),
    ("Kecamatan Balikpapan Timur", 0.18, 0.28, 0.23),
    ("Kelurahan Prapatan", 0.19, 0.15, 0.17),
    ("Puskesmas Gunung Sari Ilir", 0.27, 0.25, 0.26),
    ("RSUD", 0.01, 0.19, 0.10),
]


def gap_table(kolom_gap: str = "gaps") -> pd.DataFrame:
    rows = []
    for opd, non, struk, total in GAPS:
        rows.append({"opd": opd, "jenis_baris": "rincian", kolom_gap: non})
        rows.append({"opd": opd, "jenis_baris": "rincian", kolom_gap: struk})
        rows.append({"opd": opd, "jenis_baris": "jumlah", kolom_gap: total})
    rows.append({"opd": "SEMUA OPD", "jenis_baris": "jumlah", kolom_gap: 2.26})
    rows.append({"opd": "SEMUA OPD", "jenis_baris": "rata_rata", kolom_gap: 0.16})
    return pd.DataFrame(rows)


KASUS = pd.DataFrame({"tahun": [2015, 2016, 2017], "jumlah_kasus": [21, 21, 17]})

REALISASI_IKU = pd.DataFrame(
    {
        "kode_iku": ["IKU-1", "IKU-2", "IKU-4"],
        "realisasi": [83.85, 99.40, 86.26],
        "sumber_data": ["Analisis kesenjangan (Tabel 3.5)", "Rekap SKP", "SKM 150 responden"],
    }
)

TABLES = {"kasus_disiplin": KASUS, "realisasi_iku": REALISASI_IKU, "gap_kompetensi": gap_table()}


def iku(kode: str, cara: str, aturan: str, tabel: str, opsi=None, pembanding=None) -> Iku:
    return Iku(
        kode=kode,
        sasaran="S1",
        nama=kode,
        satuan="persen",
        polaritas="positif",
        rumus="",
        realisasi=SpesifikasiRealisasi(
            cara=cara, aturan=aturan, tabel=tabel, opsi=opsi or {}, pembanding=pembanding
        ),
        target_renstra={2017: 5},
    )


def test_registry():
    assert daftar_aturan() == ["input", "kompetensi_dari_gap", "penurunan_kasus_disiplin"]
    assert tabel_bawaan("penurunan_kasus_disiplin") == "kasus_disiplin"
    assert tabel_bawaan("nope") is None
    assert "kolom_gap" in parameter_aturan("kompetensi_dari_gap")


def test_penurunan_kasus_disiplin_seed():
    h = jalankan_aturan("penurunan_kasus_disiplin", TABLES, 2017, "IKU-3")
    assert h.nilai == pytest.approx(19.047619, rel=1e-6)
    assert round(h.nilai, 2) == 19.05
    assert h.masukan == {"kasus_2016": 21, "kasus_2017": 17}
    assert (h.aturan, h.tabel, h.bukti, h.tahun) == (
        "penurunan_kasus_disiplin",
        "kasus_disiplin",
        None,
        2017,
    )


def test_penurunan_uses_total_rows_or_sums_details():
    with_totals = pd.DataFrame(
        {
            "tahun": [2016, 2016, 2016, 2017, 2017],
            "jenis_baris": ["rincian", "rincian", "jumlah", "rincian", "rincian"],
            "jumlah_kasus": [10, 11, 21, 9, 8],
        }
    )
    h = jalankan_aturan("penurunan_kasus_disiplin", {"kasus_disiplin": with_totals}, 2017, "IKU-3")
    assert h.masukan == {"kasus_2016": 21, "kasus_2017": 17}


def test_penurunan_missing_year():
    with pytest.raises(MissingDataError, match=r"'kasus_disiplin' has no jumlah_kasus for 2018"):
        jalankan_aturan("penurunan_kasus_disiplin", TABLES, 2018, "IKU-3")
    ambiguous = pd.DataFrame({"tahun": [2016, 2016, 2017], "jumlah_kasus": [1, 2, 3]})
    with pytest.raises(MissingDataError, match="2 rows for 2016"):
        jalankan_aturan("penurunan_kasus_disiplin", {"kasus_disiplin": ambiguous}, 2017, "IKU-3")


def test_kompetensi_dari_gap_reproduces_83_85():
    h = jalankan_aturan("kompetensi_dari_gap", TABLES, 2017, "IKU-1")
    assert round(h.nilai, 2) == 83.85
    assert h.masukan["gap_rata_rata"] == pytest.approx(0.1615)
    assert h.masukan["jumlah_baris"] == 20
    assert h.masukan["jumlah_opd"] == 10


def test_kompetensi_dari_gap_column_names_are_options():
    tables = {"kesenjangan_kompetensi": gap_table("gap")}
    h = jalankan_aturan(
        "kompetensi_dari_gap", tables, 2017, "IKU-1", "kesenjangan_kompetensi", kolom_gap="gap"
    )
    assert round(h.nilai, 2) == 83.85
    # the printed per-OPD totals plus the printed TOTAL (2.26, a sum) are not gaps
    with pytest.raises(CalculationError, match=r"'gap' must be fractions 0-1, found 2.26"):
        jalankan_aturan(
            "kompetensi_dari_gap",
            tables,
            2017,
            "IKU-1",
            "kesenjangan_kompetensi",
            kolom_gap="gap",
            jenis="jumlah",
        )
    with pytest.raises(MissingDataError, match=r"no column\(s\) gaps"):
        jalankan_aturan("kompetensi_dari_gap", tables, 2017, "IKU-1", "kesenjangan_kompetensi")


def test_kompetensi_filters_year_when_table_has_one():
    t = gap_table()
    t["tahun"] = 2017
    h = jalankan_aturan("kompetensi_dari_gap", {"gap_kompetensi": t}, 2017, "IKU-1")
    assert round(h.nilai, 2) == 83.85
    with pytest.raises(MissingDataError, match="no rows for 2016"):
        jalankan_aturan("kompetensi_dari_gap", {"gap_kompetensi": t}, 2016, "IKU-1")


def test_input_rule_with_evidence():
    h = jalankan_aturan("input", TABLES, 2017, "IKU-2")
    assert h.nilai == 99.40
    assert h.bukti == "Rekap SKP"
    assert h.tabel == "realisasi_iku"


def test_input_rule_missing_duplicate_empty():
    with pytest.raises(MissingDataError, match=r"'realisasi_iku' has no row for IKU-3"):
        jalankan_aturan("input", TABLES, 2017, "IKU-3")
    dup = pd.concat([REALISASI_IKU, REALISASI_IKU.iloc[[0]]])
    with pytest.raises(MissingDataError, match="2 rows for IKU-1"):
        jalankan_aturan("input", {"realisasi_iku": dup}, 2017, "IKU-1")
    empty = REALISASI_IKU.copy()
    empty.loc[0, "realisasi"] = None
    # the message says how to declare a realisasi not available
    with pytest.raises(
        MissingDataError, match="realisasi of IKU-1 is empty.*'alasan_tidak_tersedia'"
    ):
        jalankan_aturan("input", {"realisasi_iku": empty}, 2017, "IKU-1")
    by_year = REALISASI_IKU.assign(tahun=2016)
    with pytest.raises(MissingDataError, match="no row for IKU-1 in 2017"):
        jalankan_aturan("input", {"realisasi_iku": by_year}, 2017, "IKU-1")


def test_unknown_rule_table_option():
    with pytest.raises(MissingDataError, match=r"IKU-1: unknown realisasi rule 'tebak'"):
        jalankan_aturan("tebak", TABLES, 2017, "IKU-1")
    with pytest.raises(MissingDataError, match=r"table 'hukuman' needed by rule 'input'"):
        jalankan_aturan("input", TABLES, 2017, "IKU-1", "hukuman")
    with pytest.raises(ParamsError, match=r"rule 'input' has no option\(s\) kolom_x"):
        jalankan_aturan("input", TABLES, 2017, "IKU-1", kolom_x="a")


def test_hitung_realisasi_follows_params_with_provenance():
    i1 = iku(
        "IKU-1",
        "input",
        "input",
        "realisasi_iku",
        pembanding=AturanRealisasi(aturan="kompetensi_dari_gap", tabel="gap_kompetensi"),
    )
    i3 = iku("IKU-3", "hitung", "penurunan_kasus_disiplin", "kasus_disiplin")
    h1 = hitung_realisasi(i1, TABLES, 2017)
    h3 = hitung_realisasi(i3, TABLES, 2017)
    assert h1.nilai == 83.85 and h1.bukti.startswith("Analisis kesenjangan")
    assert round(h3.nilai, 2) == 19.05
    p = realisasi_pembanding(i1, TABLES, 2017)
    assert round(p.nilai, 2) == round(h1.nilai, 2)
    assert realisasi_pembanding(i3, TABLES, 2017) is None


def test_input_rule_declared_not_available():
    table = REALISASI_IKU.assign(alasan_tidak_tersedia=[None] * len(REALISASI_IKU))
    table.loc[0, "realisasi"] = None
    table.loc[0, "alasan_tidak_tersedia"] = "  Survei tidak dilaksanakan  "
    h = jalankan_aturan("input", {"realisasi_iku": table}, 2017, "IKU-1")
    assert h.nilai is None and not h.tersedia
    assert h.alasan == "Survei tidak dilaksanakan"
    assert h.aturan == "input" and h.tabel == "realisasi_iku"
    # the other rows are untouched
    assert jalankan_aturan("input", {"realisasi_iku": table}, 2017, "IKU-2").tersedia
    # a figure and a reason together: which one is meant?
    both = table.copy()
    both.loc[0, "realisasi"] = 80.0
    with pytest.raises(MissingDataError, match="has a realisasi .* and a reason"):
        jalankan_aturan("input", {"realisasi_iku": both}, 2017, "IKU-1")
    # a blank reason is no reason
    blank = table.copy()
    blank.loc[0, "alasan_tidak_tersedia"] = "   "
    with pytest.raises(MissingDataError, match="is empty"):
        jalankan_aturan("input", {"realisasi_iku": blank}, 2017, "IKU-1")


def test_computed_iku_without_its_input_cannot_be_measured():
    """cara: hitung whose input is absent: "tidak dapat diukur" with the reason, no crash."""
    i3 = iku("IKU-3", "hitung", "penurunan_kasus_disiplin", "kasus_disiplin")
    # the year before is missing from the cases table
    only_2017 = {"kasus_disiplin": KASUS[KASUS["tahun"] == 2017]}
    h = hitung_realisasi(i3, only_2017, 2017)
    assert h.nilai is None and not h.tersedia
    assert h.aturan == "penurunan_kasus_disiplin" and h.tabel == "kasus_disiplin"
    assert "jumlah kasus tahun 2016 tidak tersedia dalam tabel kasus disiplin" in h.alasan
    # the table is not in the year's data at all
    h = hitung_realisasi(i3, {"realisasi_iku": REALISASI_IKU}, 2017)
    assert h.nilai is None
    assert h.alasan == (
        "tabel kasus disiplin yang menjadi dasar perhitungan tidak tersedia untuk tahun 2017"
    )
    # a computed rule with no rows for the year
    gap = gap_table().assign(tahun=2016)
    i1 = iku("IKU-1", "hitung", "kompetensi_dari_gap", "gap_kompetensi")
    h = hitung_realisasi(i1, {"gap_kompetensi": gap}, 2017)
    assert h.nilai is None and "tahun 2017 tidak tersedia dalam tabel gap kompetensi" in h.alasan
    # a malformed table is still an error, not a missing measurement
    with pytest.raises(MissingDataError, match="no column"):
        hitung_realisasi(i3, {"kasus_disiplin": KASUS.rename(columns={"tahun": "th"})}, 2017)
    ambiguous = pd.DataFrame({"tahun": [2016, 2016, 2017], "jumlah_kasus": [1, 2, 3]})
    with pytest.raises(MissingDataError, match="2 rows for 2016"):
        hitung_realisasi(i3, {"kasus_disiplin": ambiguous}, 2017)
    # an entered figure's comparison rule (the audit's pembanding) still reports what is missing
    i1_input = iku(
        "IKU-1",
        "input",
        "input",
        "realisasi_iku",
        pembanding=AturanRealisasi(aturan="kompetensi_dari_gap", tabel="gap_kompetensi"),
    )
    with pytest.raises(MissingDataError, match="no rows for 2017"):
        realisasi_pembanding(
            i1_input, {"realisasi_iku": REALISASI_IKU, "gap_kompetensi": gap}, 2017
        )


def test_a_realisasi_row_of_an_unknown_iku_names_its_table(tmp_path, monkeypatch):
    """An IKU code in realisasi_iku that params/agency.yaml does not have: the message
    names the table and the code, whatever the catalogue's allowed values."""
    from lkjip_helpers.core.exceptions import ValidationError
    from lkjip_helpers.indikator.pengukuran import iku_audit
    from tests.agensi_kecil import tulis_agensi_kecil

    tulis_agensi_kecil(tmp_path / "a", 2024)
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path / "a"))
    monkeypatch.delenv("LKJIP_AGENCY", raising=False)
    published = pd.read_csv(tmp_path / "a" / "data" / "raw" / "2024" / "realisasi_iku.csv")
    extra = published.iloc[[-1]].assign(kode_iku="IKU-9")
    with pytest.raises(ValidationError, match=r"realisasi_iku.*'IKU-9'.*known: IKU-1"):
        iku_audit(2024, {"realisasi_iku": pd.concat([published, extra])})
