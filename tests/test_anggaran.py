"""Tests of lkjip_helpers.indikator.anggaran with the seed's Tabel 3.31-3.33."""

from __future__ import annotations

import pandas as pd
import pytest

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.indikator.anggaran import efisiensi, rekap_anggaran, serapan, serapan_per_baris

# Tabel 3.31 (pagu perubahan vs realisasi), with the printed TOTAL row.
BELANJA = pd.DataFrame(
    {
        "jenis_belanja": ["BTL", "BL", "TOTAL"],
        "jenis_baris": ["rincian", "rincian", "jumlah"],
        "anggaran": [4_100_007_000, 6_348_230_000, 10_448_237_000],
        "realisasi": [3_900_954_638, 5_462_124_731, 9_363_079_369],
    }
)

# Tabel 3.30/3.33: activities linked to a sasaran, plus one supporting activity.
PEMBINAAN = "Program Pembinaan dan Pengembangan Aparatur"
KEGIATAN = pd.DataFrame(
    [
        ("Diklat Struktural", "Kapasitas", "S1", 1_285_815_000, 1_263_155_890),
        ("Diklat Teknis", "Kapasitas", "S1", 1_235_150_000, 1_181_717_484),
        ("Rencana Pembinaan Karir", PEMBINAAN, "S1", 264_318_000, 154_301_200),
        ("Tugas Belajar", PEMBINAAN, "S1", 303_047_000, 286_055_229),
        ("Pemetaan Kompetensi", PEMBINAAN, "S1", 64_568_000, 60_237_500),
        ("Proses Data Mutasi", PEMBINAAN, "S1", 73_923_000, 53_898_000),
        ("Pembinaan Kepegawaian", PEMBINAAN, "S1", 73_270_000, 73_270_000),
        ("Tanda Pengenal PNS", "Disiplin", "S1", 75_810_000, 74_923_800),
        ("SIMPEG", PEMBINAAN, "S2", 46_000_000, 44_660_000),
        ("Jasa surat menyurat", "Administrasi", None, 3_200_000, 3_192_500),
    ],
    columns=["kegiatan", "program", "sasaran", "anggaran", "realisasi"],
)


def test_btl_bl_total_of_tabel_3_31():
    out = rekap_anggaran(BELANJA, "jenis_belanja", total="Jumlah")
    assert list(out["jenis_belanja"]) == ["BTL", "BL", "Jumlah"]
    assert list(out["serapan"].round(2)) == [95.15, 86.04, 89.61]
    assert list(out["efisiensi"].round(2)) == [4.85, 13.96, 10.39]
    # the printed TOTAL row is not counted twice
    assert out["anggaran"].iloc[-1] == 10_448_237_000
    assert out["realisasi"].iloc[-1] == 9_363_079_369
    assert out["sisa"].iloc[0] == 4_100_007_000 - 3_900_954_638
    assert list(out.columns) == [
        "jenis_belanja",
        "anggaran",
        "realisasi",
        "sisa",
        "serapan",
        "efisiensi",
    ]


def test_total_only():
    out = rekap_anggaran(BELANJA, None)
    assert len(out) == 1
    assert round(out.loc[0, "serapan"], 2) == 89.61


def test_per_sasaran_of_tabel_3_33():
    out = rekap_anggaran(KEGIATAN, "sasaran").set_index("sasaran")
    assert list(out.index) == ["S1", "S2"]  # the supporting activity is left out
    assert out.loc["S1", "anggaran"] == 3_375_901_000
    assert out.loc["S1", "realisasi"] == 3_147_559_103
    assert round(out.loc["S1", "serapan"], 2) == 93.24
    assert round(out.loc["S1", "efisiensi"], 2) == 6.76
    assert round(out.loc["S2", "serapan"], 2) == 97.09
    # the seed prints "efisiensi anggaran sebesar 7.91 %" for Sasaran II: 100 - 97,09 is 2,91
    assert round(out.loc["S2", "efisiensi"], 2) == 2.91


def test_per_program_and_two_levels():
    out = rekap_anggaran(KEGIATAN, "program").set_index("program")
    assert out.loc[PEMBINAAN, "anggaran"] == 825_126_000  # Tabel 3.32
    assert round(out.loc[PEMBINAAN, "serapan"], 2) == 81.49
    two = rekap_anggaran(KEGIATAN, ["sasaran", "program"])
    assert len(two) == 4  # S1 x 3 programmes, S2 x 1


def test_per_activity():
    out = serapan_per_baris(KEGIATAN)
    assert round(out.loc[2, "serapan"], 2) == 58.38  # Penyusunan Rencana Pembinaan Karir
    assert round(out.loc[7, "serapan"], 2) == 98.83


def test_scalar_functions():
    assert round(serapan(5_462_124_731, 6_348_230_000), 2) == 86.04
    assert round(efisiensi(44_660_000, 46_000_000), 2) == 2.91


def test_errors_name_the_row():
    bad = KEGIATAN.copy()
    bad.loc[8, "anggaran"] = 0
    with pytest.raises(CalculationError, match=r"budget \(S2\): anggaran is 0"):
        rekap_anggaran(bad, "sasaran")
    with pytest.raises(CalculationError, match=r"budget \(SIMPEG\): anggaran is 0"):
        serapan_per_baris(bad.rename(columns={"kegiatan": "uraian"}))
    with pytest.raises(CalculationError, match="no column 'pagu'"):
        rekap_anggaran(KEGIATAN, "sasaran", kolom_anggaran="pagu")
    with pytest.raises(CalculationError, match=r"no grouping column\(s\) bidang"):
        rekap_anggaran(KEGIATAN, "bidang")
    missing = KEGIATAN.copy()
    missing.loc[0, "realisasi"] = None
    with pytest.raises(CalculationError, match="without anggaran or realisasi"):
        rekap_anggaran(missing, "sasaran")
    with pytest.raises(CalculationError, match="negative amount"):
        serapan(-1, 10)
    with pytest.raises(CalculationError, match="missing"):
        serapan(None, 10)
